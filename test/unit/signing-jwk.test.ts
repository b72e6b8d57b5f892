// The companion signs OAuth access tokens with the private JWK; PostgREST (lib/postgrest, tied to the recorded
// conformance cases) must accept them with nothing but the stack's own jwt-secret.
import { beforeAll, describe, expect, test } from "vitest";
import { base64url, importJWK, SignJWT, type JWK } from "jose";
import { authenticate } from "../../lib/postgrest/index.js";
import { JWT_ALGORITHMS, isHmac } from "../../infra/keys/algorithms.js";
import { trustedKey, type KeyMaterial, type TrustedKey } from "../../infra/keys/jwt-secret.js";
import { signingJwk } from "../../infra/keys/signing-jwk.js";
import { materialFor } from "../support/key-material.js";

const AUDIENCE = "https://gpt.example.com/api";

async function keyOf(material: KeyMaterial): Promise<{ trusted: TrustedKey; jwk: JWK }> {
  const trusted = await trustedKey(material);
  return { trusted, jwk: JSON.parse(await signingJwk(material, trusted)) as JWK };
}

/** An access token shaped like oidc-provider's (RFC 9068 typ), with the kid the JWK names. */
async function accessToken(jwk: JWK, header: { kid?: string } = jwk.kid ? { kid: jwk.kid } : {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: "authenticated", scope: "api", client_id: "gpt-0123456789abcdef" })
    .setProtectedHeader({ alg: jwk.alg!, typ: "at+jwt", ...header })
    .setSubject("4b1c3f0e-1111-4222-8333-944445555666")
    .setIssuer("https://gpt.example.com/oauth")
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + 900)
    .setJti("jti-1")
    .sign(await importJWK(jwk, jwk.alg));
}

describe.each(JWT_ALGORITHMS)("the OAuth signing key for %s", (algorithm) => {
  let trusted: TrustedKey;
  let jwk: JWK;
  beforeAll(async () => {
    ({ trusted, jwk } = await keyOf(materialFor(algorithm)));
  });

  test("signs access tokens PostgREST accepts with the stack's jwt-secret and audience", async () => {
    const token = await accessToken(jwk);
    const result = await authenticate(`Bearer ${token}`, { jwtSecret: trusted.jwtSecret, jwtAud: AUDIENCE, dbAnonRole: "anon" });
    expect(result).toMatchObject({ ok: true, role: "authenticated", anonymous: false });
  });

  test("is a private JWK for the algorithm, with a kid exactly when PostgREST's trusted key has one", () => {
    expect(jwk.alg).toBe(algorithm);
    expect(jwk.kid).toBe(trusted.kid);
    if (isHmac(algorithm)) {
      expect(trusted.kid).toBeUndefined();
      expect(Object.keys(jwk).sort()).toEqual(["alg", "k", "kty"]);
    } else {
      expect(trusted.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(jwk).toMatchObject({ use: "sig", d: expect.any(String) });
    }
  });
});

describe("the OAuth signing key", () => {
  test("for HMAC holds the secret's own UTF-8 bytes, which PostgREST's plain secret verifies", async () => {
    const material = materialFor("HS256") as { algorithm: "HS256"; hmacSecret: string };
    const { jwk } = await keyOf(material);
    expect(new TextDecoder().decode(base64url.decode(jwk.k!))).toBe(material.hmacSecret);
  });

  test("why HMAC keys carry no kid: PostgREST's plain HS256 secret refuses a token that names one", async () => {
    const { trusted, jwk } = await keyOf(materialFor("HS256"));
    const token = await accessToken(jwk, { kid: "some-kid" });
    const result = await authenticate(`Bearer ${token}`, { jwtSecret: trusted.jwtSecret, jwtAud: AUDIENCE, dbAnonRole: "anon" });
    expect(result).toMatchObject({ ok: false, error: { status: 401, code: "PGRST301" } });
  });

  test("a token for another audience is refused, as ID tokens (aud = client id) must be", async () => {
    const { trusted, jwk } = await keyOf(materialFor("ES256"));
    const token = await accessToken(jwk);
    const result = await authenticate(`Bearer ${token}`, { jwtSecret: trusted.jwtSecret, jwtAud: "gpt-0123456789abcdef", dbAnonRole: "anon" });
    expect(result).toMatchObject({ ok: false, error: { status: 401, code: "PGRST303", message: "JWT not in audience" } });
  });
});
