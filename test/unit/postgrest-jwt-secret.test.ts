// How a jwt-secret value becomes trusted keys, and which values PostgREST v16 refuses to start with.
import { exportJWK, generateKeyPair } from "jose";
import { describe, expect, test } from "vitest";
import {
  parseJwtSecret,
  PostgrestConfigError,
  SECRET_TOO_SHORT,
  validateAuthConfig,
} from "../../lib/postgrest/index.js";

const { publicKey } = await generateKeyPair("RS256", { extractable: true });
const rsaJwk = await exportJWK(publicKey);
const octJwk = { kty: "oct", k: Buffer.from("0123456789abcdef").toString("base64url") };

const base64 = (text: string) => Buffer.from(text).toString("base64");
const refusal = (value: string, isBase64 = false) => {
  try {
    parseJwtSecret(value, isBase64);
  } catch (error) {
    expect(error).toBeInstanceOf(PostgrestConfigError);
    return (error as Error).message;
  }
  return expect.fail(`${value} was accepted`);
};

describe("plain secret", () => {
  test("a plain secret becomes one HS256-only key without kid", () => {
    const secret = parseJwtSecret("reallyreallyreallyreallyverysafe");
    expect(secret.form).toBe("passphrase");
    expect(secret.keys).toEqual([
      { kty: "oct", use: "sig", alg: "HS256", material: new TextEncoder().encode("reallyreallyreallyreallyverysafe") },
    ]);
  });

  test("a secret under 32 characters is refused", () => {
    expect(refusal("x".repeat(31))).toBe(SECRET_TOO_SHORT);
    expect(SECRET_TOO_SHORT).toBe("The JWT secret must be at least 32 characters long.");
  });

  test("the length is counted in UTF-8 bytes", () => {
    expect(parseJwtSecret("é".repeat(16)).form).toBe("passphrase");
    expect(refusal("é".repeat(15))).toBe(SECRET_TOO_SHORT);
  });

  test('a "@file" value is refused rather than used as a passphrase', () => {
    expect(refusal("@/run/secrets/jwt-secret-of-some-length")).toMatch(/names a file/);
  });
});

describe("jwt-secret-is-base64", () => {
  test("the decoded bytes are the secret", () => {
    const secret = parseJwtSecret("cmVhbGx5cmVhbGx5cmVhbGx5cmVhbGx5dmVyeXNhZmU=", true);
    expect(secret.keys[0]?.material).toEqual(new TextEncoder().encode("reallyreallyreallyreallyverysafe"));
  });

  test("the URL-safe alphabet and '.' padding are accepted, surrounding blanks trimmed", () => {
    const bytes = new Uint8Array(Array.from({ length: 33 }, (_, i) => 250 - i));
    const standard = Buffer.from(bytes).toString("base64");
    const urlSafe = standard.replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", ".");
    expect(parseJwtSecret(` ${urlSafe}\n`, true).keys[0]?.material).toEqual(bytes);
  });

  test("the 32-byte minimum applies to the decoded bytes", () => {
    expect(refusal(base64("x".repeat(31)), true)).toBe(SECRET_TOO_SHORT);
  });

  test("a value that is not strict base64 is refused", () => {
    expect(refusal("not base64 at all, but long enough!", true)).toMatch(/not valid base64/);
    expect(refusal("cmVhbGx5cmVhbGx5cmVhbGx5cmVhbGx5dmVyeXNhZmU", true)).toMatch(/not valid base64/);
  });

  test("a base64-encoded JWK is read as a JWK", () => {
    expect(parseJwtSecret(base64(JSON.stringify(rsaJwk)), true).form).toBe("jwk");
  });
});

describe("JWK and JWKS", () => {
  test("a single JWK becomes one key carrying its kid, use and alg", () => {
    const secret = parseJwtSecret(JSON.stringify({ ...rsaJwk, kid: "k1", use: "sig", alg: "RS256" }));
    expect(secret.form).toBe("jwk");
    expect(secret.keys).toMatchObject([{ kty: "RSA", kid: "k1", use: "sig", alg: "RS256" }]);
  });

  test("a JWKS keeps its keys in order; a symmetric JWK may be shorter than 32 bytes", () => {
    const secret = parseJwtSecret(JSON.stringify({ keys: [{ ...octJwk, kid: "a" }, { ...rsaJwk, kid: "b" }] }));
    expect(secret.form).toBe("jwks");
    expect(secret.keys.map((key) => key.kid)).toEqual(["a", "b"]);
  });

  test("an empty JWKS is a valid secret that verifies nothing", () => {
    expect(parseJwtSecret('{"keys":[]}')).toEqual({ form: "jwks", keys: [] });
  });

  test("JWKs with an unknown alg or kty stay out of the key list", () => {
    const secret = parseJwtSecret(JSON.stringify({ keys: [{ ...rsaJwk, alg: "PS256" }, { kty: "AKP" }, octJwk] }));
    expect(secret.keys).toHaveLength(1);
    expect(secret.keys[0]?.kty).toBe("oct");
  });

  test("OKP keys are always EdDSA signing keys, whatever use and alg say", () => {
    const okp = { kty: "OKP", crv: "Ed25519", x: Buffer.alloc(32, 1).toString("base64url"), use: "enc", alg: "RS256" };
    expect(parseJwtSecret(JSON.stringify(okp)).keys).toMatchObject([{ kty: "OKP", use: "sig", alg: "EdDSA" }]);
  });
});

describe("JSON that is not a JWK silently becomes an HS256 passphrase", () => {
  test.each([
    ["malformed JSON", '{"kty":"RSA","n":"abc","e":"AQAB"'],
    ["an RSA JWK without e", JSON.stringify({ kty: "RSA", n: rsaJwk.n })],
    ["a JWK whose n is not base64url", JSON.stringify({ kty: "RSA", n: "not base64url!", e: "AQAB" })],
    ["an EC JWK on an unknown curve", JSON.stringify({ kty: "EC", crv: "secp256k1", x: "AAAA", y: "AAAA" })],
    ["a JWKS with one broken entry", JSON.stringify({ keys: [rsaJwk, { kty: "oct" }] })],
  ])("%s", (_, value) => {
    expect(value.length).toBeGreaterThanOrEqual(32);
    const secret = parseJwtSecret(value);
    expect(secret.form).toBe("passphrase");
    expect(secret.keys[0]?.material).toEqual(new TextEncoder().encode(value));
  });

  test("and is refused like any passphrase when shorter than 32 bytes", () => {
    expect(refusal('{"kty":"oct"}')).toBe(SECRET_TOO_SHORT);
  });
});

describe("validateAuthConfig", () => {
  test("refuses a short secret and accepts an absent or empty one", () => {
    expect(() => validateAuthConfig({ jwtSecret: "short" })).toThrow(PostgrestConfigError);
    expect(() => validateAuthConfig({})).not.toThrow();
    expect(() => validateAuthConfig({ jwtSecret: "" })).not.toThrow();
  });
});
