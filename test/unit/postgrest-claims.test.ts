// exp, nbf, iat and aud as PostgREST v16 checks them: 30 s leeway, whole seconds, fixed order.
import { describe, expect, test } from "vitest";
import { authenticate, checkClaims } from "../../lib/postgrest/index.js";
import { NOW, PASSPHRASE, signWithPassphrase } from "./postgrest-tokens.js";

const message = (claims: Record<string, unknown>, jwtAud?: string, now = NOW) =>
  checkClaims(claims as Parameters<typeof checkClaims>[0], now, jwtAud)?.message ?? null;

describe("time claims, 30 s leeway", () => {
  test("exp up to 30 s in the past is accepted, 31 s is expired", () => {
    expect(message({ exp: NOW - 30 })).toBeNull();
    expect(message({ exp: NOW - 31 })).toBe("JWT expired");
  });

  test("nbf up to 30 s in the future is accepted, 31 s is not yet valid", () => {
    expect(message({ nbf: NOW + 30 })).toBeNull();
    expect(message({ nbf: NOW + 31 })).toBe("JWT not yet valid");
  });

  test("iat up to 30 s in the future is accepted, 31 s is issued at future", () => {
    expect(message({ iat: NOW + 30 })).toBeNull();
    expect(message({ iat: NOW + 31 })).toBe("JWT issued at future");
  });

  test("now is taken in whole seconds", () => {
    expect(message({ exp: NOW - 30 }, undefined, NOW + 0.999)).toBeNull();
    expect(message({ nbf: NOW + 31 }, undefined, NOW + 0.999)).toBe("JWT not yet valid");
  });

  test("a fractional exp counts as 0, so a far-future one is expired", () => {
    expect(message({ exp: 1893456000.5 })).toBe("JWT expired");
  });

  test("a fractional or out-of-range nbf counts as 0, so it is valid", () => {
    expect(message({ nbf: 4102444800.5 })).toBeNull();
    expect(message({ nbf: 1e19 })).toBeNull();
  });

  test("an exp beyond 64-bit range counts as 0, so it is expired", () => {
    expect(message({ exp: 1e19 })).toBe("JWT expired");
  });

  test("absent and null time claims are not checked", () => {
    expect(message({})).toBeNull();
    expect(message({ exp: null, nbf: null, iat: null })).toBeNull();
  });

  test.each(["exp", "nbf", "iat"])("a %s that is not a number is refused", (name) => {
    for (const value of ["1700000000", true, [NOW], { at: NOW }]) {
      expect(message({ [name]: value })).toBe(`The JWT '${name}' claim must be a number`);
    }
  });
});

describe("check order exp, nbf, iat, aud", () => {
  test("the first failing check wins", () => {
    expect(message({ aud: 5, iat: "x", nbf: "x", exp: "x" })).toBe("The JWT 'exp' claim must be a number");
    expect(message({ aud: 5, iat: "x", nbf: NOW + 100 })).toBe("JWT not yet valid");
    expect(message({ aud: 5, iat: NOW + 100 })).toBe("JWT issued at future");
  });
});

describe("aud", () => {
  test("without jwt-aud any string or array of strings passes", () => {
    for (const aud of ["anything", "", [], ["a", "b"], null]) expect(message({ aud })).toBeNull();
  });

  test("without jwt-aud the shape is still checked", () => {
    const shape = "The JWT 'aud' claim must be a string or an array of strings";
    expect(message({ aud: { invalid: "value" } })).toBe(shape);
    expect(message({ aud: [{ invalid: "value" }, "test"] })).toBe(shape);
    expect(message({ aud: 5 })).toBe(shape);
  });

  test("with jwt-aud a string must equal it and an array must contain it", () => {
    expect(message({ aud: "api" }, "api")).toBeNull();
    expect(message({ aud: ["other", "api"] }, "api")).toBeNull();
    expect(message({ aud: "Api" }, "api")).toBe("JWT not in audience");
    expect(message({ aud: "" }, "api")).toBe("JWT not in audience");
    expect(message({ aud: ["other"] }, "api")).toBe("JWT not in audience");
  });

  test("with jwt-aud an absent, null or empty-array aud passes", () => {
    expect(message({}, "api")).toBeNull();
    expect(message({ aud: null }, "api")).toBeNull();
    expect(message({ aud: [] }, "api")).toBeNull();
  });
});

test("a claim failure is a 401 PGRST303 with the invalid_token challenge", async () => {
  const token = await signWithPassphrase({ role: "app_user", exp: NOW - 31 });
  const result = await authenticate(`Bearer ${token}`, { jwtSecret: PASSPHRASE }, NOW);
  expect(result).toEqual({
    ok: false,
    error: {
      status: 401,
      code: "PGRST303",
      message: "JWT expired",
      details: null,
      hint: null,
      wwwAuthenticate: 'Bearer error="invalid_token", error_description="JWT expired"',
    },
  });
});

test("without an explicit now, tokens are checked against the current time in seconds", async () => {
  const seconds = Math.floor(Date.now() / 1000);
  const check = async (exp: number) =>
    (await authenticate(`Bearer ${await signWithPassphrase({ role: "app_user", exp })}`, { jwtSecret: PASSPHRASE })).ok;
  expect(await check(seconds + 300)).toBe(true);
  expect(await check(seconds - 300)).toBe(false);
});
