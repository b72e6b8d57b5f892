// jwt-role-claim-key: the RFC 9535 paths a role claim needs, and the role PostgREST takes from them.
import { describe, expect, test } from "vitest";
import {
  authenticate,
  parseRoleClaimKey,
  PostgrestConfigError,
  roleName,
  selectRoleClaim,
  validateAuthConfig,
} from "../../lib/postgrest/index.js";
import { NOW, PASSPHRASE, signWithPassphrase } from "./postgrest-tokens.js";

const select = (path: string, claims: Record<string, unknown>) =>
  selectRoleClaim(parseRoleClaimKey(path), claims as Parameters<typeof selectRoleClaim>[1]);

describe("selecting the role claim", () => {
  test("member paths, dotted or quoted", () => {
    expect(select("$.role", { role: "author" })).toBe("author");
    expect(select("$.postgrest.a_role", { postgrest: { a_role: "author" } })).toBe("author");
    const namespaced = { "https://www.example.com/roles": [{ value: "author" }] };
    expect(select('$["https://www.example.com/roles"][0].value', namespaced)).toBe("author");
    expect(select("$['it\\'s'][\"say \\\"hi\\\"\"]", { "it's": { 'say "hi"': "author" } })).toBe("author");
  });

  test("quoted names decode JSON-style escapes, surrogate pairs included", () => {
    expect(select('$["tab\\there"]', { "tab\there": "a" })).toBe("a");
    expect(select('$["\\u00e9t\\u00E9"]', { "été": "b" })).toBe("b");
    expect(select('$["\\ud83d\\ude00"]', { "😀": "c" })).toBe("c");
  });

  test("index selectors count from zero, negative ones from the end", () => {
    const claims = { roles: ["first", "second", "third"] };
    expect(select("$.roles[1]", claims)).toBe("second");
    expect(select("$.roles[-1]", claims)).toBe("third");
    expect(select("$.roles[3]", claims)).toBeUndefined();
    expect(select("$.roles[-4]", claims)).toBeUndefined();
  });

  test("a selector that does not fit the node selects nothing", () => {
    expect(select("$.role[0]", { role: "author" })).toBeUndefined();
    expect(select("$.roles.first", { roles: ["author"] })).toBeUndefined();
    expect(select("$.myRole", { role: "author" })).toBeUndefined();
  });

  test("filters keep the first matching element", () => {
    const claims = { realm_access: { roles: ["other", "author", "editor"] } };
    expect(select('$.realm_access.roles[?(@ == "author")]', claims)).toBe("author");
    expect(select('$.realm_access.roles[?(@ != "other")]', claims)).toBe("author");
    expect(select("$.realm_access.roles[?@ != 'other']", claims)).toBe("author");
    expect(select('$.realm_access.roles[? ( "editor" == @ ) ]', claims)).toBe("editor");
    expect(select('$.realm_access.roles[?(@ == "nobody")]', claims)).toBeUndefined();
  });

  test("filter literals compare by JSON value, and objects are walked in key order", () => {
    expect(select("$.levels[?(@ == 2)]", { levels: [1, "2", 2.0] })).toBe(2);
    expect(select("$.flags[?(@ != null)]", { flags: [null, false] })).toBe(false);
    expect(select("$.byApp[?(@ != \"x\")]", { byApp: { zeta: "z", alpha: "a" } })).toBe("a");
  });

  test("$ alone selects the whole claims object", () => {
    expect(select("$", { a: 1 })).toEqual({ a: 1 });
  });
});

test("a role claim that is not a string is used as its JSON text", () => {
  expect(roleName("author")).toBe("author");
  expect(roleName(42)).toBe("42");
  expect(roleName(["a"])).toBe('["a"]');
});

describe("values PostgREST would refuse at startup", () => {
  test.each([
    ".role",
    ".role.other",
    "@@.role.other",
    "$.my_role;;domain",
    "role",
    "",
    "$.my-role",
    "$.a[",
    "$[01]",
    "$[-0]",
    "$.role ",
    " $.role",
    '$["unterminated]',
    '$["bad \\escape"]',
    '$["\\udc00"]',
    "$.roles[?(@ = 'x')]",
  ])("%j", (value) => {
    const refusal = new PostgrestConfigError(`failed to parse role-claim-key value (${value})`);
    expect(() => parseRoleClaimKey(value)).toThrow(refusal);
  });

  test("RFC 9535 syntax beyond the role-claim subset is refused too", () => {
    for (const value of ["$..role", "$.roles[*]", "$.roles[0:1]", "$.roles[0,1]", "$.roles[?search(@, 'x')]"]) {
      expect(() => parseRoleClaimKey(value)).toThrow(PostgrestConfigError);
    }
  });

  test("blanks between segments and inside brackets are allowed", () => {
    expect(parseRoleClaimKey("$ .a [ 0 ]").selectors).toEqual([
      { kind: "name", name: "a" },
      { kind: "index", index: 0 },
    ]);
  });

  test("validateAuthConfig refuses an unparseable key and accepts an empty one as the default", () => {
    expect(() => validateAuthConfig({ jwtRoleClaimKey: ".role" })).toThrow(PostgrestConfigError);
    expect(() => validateAuthConfig({ jwtRoleClaimKey: "" })).not.toThrow();
  });
});

describe("role resolution in authenticate", () => {
  const config = { jwtSecret: PASSPHRASE, dbAnonRole: "anon", jwtRoleClaimKey: "$.app.roles[0]" };
  const authenticateClaims = async (claims: unknown, overrides = {}) =>
    authenticate(`Bearer ${await signWithPassphrase(claims)}`, { ...config, ...overrides }, NOW);

  test("the configured key replaces $.role, and the claims carry the resolved role", async () => {
    expect(await authenticateClaims({ role: "ignored", app: { roles: ["author"] }, sub: "u1" })).toEqual({
      ok: true,
      role: "author",
      anonymous: false,
      claims: { role: "author", app: { roles: ["author"] }, sub: "u1" },
    });
  });

  test("without a role claim the request runs as db-anon-role", async () => {
    const result = await authenticateClaims({ role: "ignored" });
    expect(result).toMatchObject({ ok: true, role: "anon", anonymous: true, claims: { role: "anon" } });
  });

  test("without a role claim and without db-anon-role, anonymous access is disabled", async () => {
    const result = await authenticateClaims({ sub: "u1" }, { dbAnonRole: undefined });
    expect(result).toEqual({
      ok: false,
      error: {
        status: 401,
        code: "PGRST302",
        message: "Anonymous access is disabled",
        details: null,
        hint: null,
        wwwAuthenticate: "Bearer",
      },
    });
  });

  test("a token naming the anonymous role is anonymous for PostgREST's 401/403 choice", async () => {
    const result = await authenticateClaims({ app: { roles: ["anon"] } });
    expect(result).toMatchObject({ ok: true, role: "anon", anonymous: true });
  });
});
