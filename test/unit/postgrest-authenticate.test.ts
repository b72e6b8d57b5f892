// The request-level decision: which Authorization headers count as a token, and what PostgREST answers
// before it opens a database connection.
import { describe, expect, test } from "vitest";
import {
  authenticate,
  bearerToken,
  PostgrestConfigError,
  type PostgrestAuthConfig,
} from "../../lib/postgrest/index.js";
import { craftedToken, NOW, PASSPHRASE, signWithPassphrase } from "./postgrest-tokens.js";

const config: PostgrestAuthConfig = { jwtSecret: PASSPHRASE, dbAnonRole: "anon" };
const token = await signWithPassphrase({ role: "author" });

const decodeError = (message: string, details: string | null = null) => ({
  status: 401,
  code: "PGRST301",
  message,
  details,
  hint: null,
  wwwAuthenticate: `Bearer error="invalid_token", error_description="${message}"`,
});

describe("reading the Authorization header", () => {
  test("the Bearer scheme is case-insensitive and any whitespace may follow it", () => {
    for (const header of [`Bearer ${token}`, `bearer ${token}`, `BEARER ${token}`, `Bearer \t ${token}`]) {
      expect(bearerToken(header)).toBe(token);
    }
  });

  test("another scheme, or no header, is no token at all", () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken("Basic dXNlcjpwYXNz")).toBeUndefined();
    expect(bearerToken(`Bearer2 ${token}`)).toBeUndefined();
  });

  test("Bearer with nothing after it is an empty token", () => {
    expect(bearerToken("Bearer ")).toBe("");
    expect(bearerToken("Bearer")).toBe("");
  });
});

describe("without a token", () => {
  test("the request runs as db-anon-role with claims {role: anon}", async () => {
    const result = await authenticate(undefined, config, NOW);
    expect(result).toEqual({ ok: true, role: "anon", anonymous: true, claims: { role: "anon" } });
  });

  test("a Basic header runs as db-anon-role too, even with no secret configured", async () => {
    const result = await authenticate("Basic dXNlcjpwYXNz", { dbAnonRole: "anon" }, NOW);
    expect(result).toMatchObject({ ok: true, role: "anon" });
  });

  test("without db-anon-role the answer is 401 PGRST302 with a bare Bearer challenge", async () => {
    const result = await authenticate(undefined, { jwtSecret: PASSPHRASE }, NOW);
    expect(result).toMatchObject({ ok: false, error: { status: 401, code: "PGRST302", wwwAuthenticate: "Bearer" } });
  });
});

describe("with a token", () => {
  test("a valid token runs as the role it names, with its claims", async () => {
    expect(await authenticate(`Bearer ${token}`, config, NOW)).toEqual({
      ok: true,
      role: "author",
      anonymous: false,
      claims: { role: "author" },
    });
  });

  test("with no jwt-secret configured any presented token is a 500 PGRST300, even an empty one", async () => {
    for (const header of [`Bearer ${token}`, "Bearer "]) {
      expect(await authenticate(header, { dbAnonRole: "anon" }, NOW)).toEqual({
        ok: false,
        error: { status: 500, code: "PGRST300", message: "Server lacks JWT secret", details: null, hint: null },
      });
    }
  });

  test("an empty token is refused", async () => {
    expect(await authenticate("Bearer ", config, NOW)).toEqual({
      ok: false,
      error: decodeError("Empty JWT is sent in Authorization header"),
    });
  });

  test("a token without exactly three parts is refused, naming the count", async () => {
    const [header, payload] = token.split(".");
    expect(await authenticate(`Bearer ${header}.${payload}`, config, NOW)).toEqual({
      ok: false,
      error: decodeError("Expected 3 parts in JWT; got 2"),
    });
    expect(await authenticate(`Bearer ${token}.extra`, config, NOW)).toMatchObject({
      error: { message: "Expected 3 parts in JWT; got 4" },
    });
  });

  test("a verified payload that is not a JSON object fails claim parsing", async () => {
    for (const payload of [[{ role: "author" }], "not json", 42]) {
      const result = await authenticate(`Bearer ${await signWithPassphrase(payload)}`, config, NOW);
      const parsingFailed = { status: 401, code: "PGRST303", message: "Parsing claims failed" };
      expect(result).toMatchObject({ ok: false, error: parsingFailed });
    }
  });

  test("an unverified payload is never parsed: a bad signature wins over bad claims", async () => {
    const result = await authenticate(`Bearer ${craftedToken({ alg: "HS256" }, "not json")}`, config, NOW);
    expect(result).toMatchObject({ error: { code: "PGRST301", message: "No suitable key or wrong key type" } });
  });
});

describe("configuration", () => {
  test("a configuration PostgREST would refuse makes authenticate reject", async () => {
    await expect(authenticate(undefined, { jwtSecret: "too short" }, NOW)).rejects.toThrow(PostgrestConfigError);
    await expect(authenticate(undefined, { jwtRoleClaimKey: ".role" }, NOW)).rejects.toThrow(PostgrestConfigError);
  });

  test("empty strings are unset settings", async () => {
    const result = await authenticate(`Bearer ${token}`, { jwtSecret: "", dbAnonRole: "" }, NOW);
    expect(result).toMatchObject({ ok: false, error: { code: "PGRST300" } });
    const anonymous = await authenticate(undefined, { dbAnonRole: "" }, NOW);
    expect(anonymous).toMatchObject({ ok: false, error: { code: "PGRST302" } });
  });

  test("a config object changed between requests is read afresh", async () => {
    const mutable: PostgrestAuthConfig = { jwtSecret: PASSPHRASE, dbAnonRole: "anon" };
    expect((await authenticate(`Bearer ${token}`, mutable, NOW)).ok).toBe(true);
    mutable.jwtSecret = "another-passphrase-of-32-characters";
    const afterChange = await authenticate(`Bearer ${token}`, mutable, NOW);
    expect(afterChange).toMatchObject({ ok: false, error: { code: "PGRST301" } });
  });
});
