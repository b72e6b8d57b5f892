import { describe, expect, test } from "vitest";
import { base64url, createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { JWT_ALGORITHMS, isHmac, keySpec, type JwtAlgorithm } from "../../infra/keys/algorithms.js";
import { trustedKey, type KeyMaterial } from "../../infra/keys/jwt-secret.js";
import { mintToken } from "../../infra/keys/mint-token.js";
import { materialFor } from "../support/key-material.js";

describe("key generation per algorithm", () => {
  test("HMAC secrets are 64 characters, above PostgREST's 32-character minimum", () => {
    for (const alg of ["HS256", "HS384", "HS512"] as const) expect(keySpec(alg)).toEqual({ kind: "hmac", length: 64 });
  });

  test("ECDSA curves match the algorithm, never @pulumi/tls's P224 default", () => {
    expect(keySpec("ES256")).toMatchObject({ ecdsaCurve: "P256" });
    expect(keySpec("ES384")).toMatchObject({ ecdsaCurve: "P384" });
    expect(keySpec("ES512")).toMatchObject({ ecdsaCurve: "P521" });
  });

  test("RSA keys are at least 2048 bits", () => {
    for (const alg of ["RS256", "RS384", "RS512"] as const) {
      const spec = keySpec(alg);
      expect(spec.kind === "tls" && spec.algorithm === "RSA" && spec.rsaBits >= 2048).toBe(true);
    }
  });
});

describe("jwt-secret rendering", () => {
  test("HS256 is the plain secret, which PostgREST verifies as HS256", async () => {
    const material = materialFor("HS256");
    expect(await trustedKey(material)).toEqual({ jwtSecret: (material as { hmacSecret: string }).hmacSecret });
  });

  test.each(["HS384", "HS512"] as const)("%s is an oct JWK carrying the secret and the algorithm", async (alg) => {
    const material = materialFor(alg) as { algorithm: JwtAlgorithm; hmacSecret: string };
    const trusted = await trustedKey(material);
    const jwk = JSON.parse(trusted.jwtSecret);
    expect(jwk).toEqual({ kty: "oct", k: expect.any(String), alg });
    expect(new TextDecoder().decode(base64url.decode(jwk.k))).toBe(material.hmacSecret);
    expect(trusted.kid).toBeUndefined();
    expect(trusted.jwks).toBeUndefined();
  });

  test.each(JWT_ALGORITHMS.filter((a) => !isHmac(a)))("%s is a JWKS of the public key only, with kid, alg and use", async (alg) => {
    const trusted = await trustedKey(materialFor(alg));
    const jwks = JSON.parse(trusted.jwtSecret);
    expect(jwks).toEqual(trusted.jwks);
    expect(jwks.keys).toHaveLength(1);
    const [jwk] = jwks.keys;
    expect(jwk).toMatchObject({ alg, use: "sig", kid: trusted.kid });
    expect(jwk.d).toBeUndefined();
    expect(jwk.p).toBeUndefined();
    expect(trusted.jwtSecret).not.toContain("PRIVATE");
  });

  test("the kid is the key's RFC 7638 thumbprint: a new key gets a new kid", async () => {
    const a = await trustedKey(materialFor("ES256"));
    const b = await trustedKey(materialFor("ES256"));
    expect(a.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.kid).not.toBe(b.kid);
  });

  test("material of the wrong kind for the algorithm is refused", async () => {
    await expect(trustedKey({ algorithm: "RS256", hmacSecret: "x".repeat(64) })).rejects.toThrow(/asymmetric/);
    const rsa = materialFor("RS256") as { privateKeyPem: string; publicKeyPem: string };
    await expect(trustedKey({ ...rsa, algorithm: "HS256" })).rejects.toThrow(/HMAC/);
  });
});

describe("token minting", () => {
  test.each(JWT_ALGORITHMS)("a %s token verifies with the trusted key and carries the promised claims", async (alg) => {
    const material = materialFor(alg);
    const trusted = await trustedKey(material);
    const now = 1_800_000_000;
    const token = await mintToken(material, trusted, { role: "authenticated", sub: "gpt-action" }, 3600, now + 0.7);
    const header = decodeProtectedHeader(token);
    expect(header.alg).toBe(alg);
    expect(header.kid).toBe(trusted.kid);
    expect(decodeJwt(token)).toEqual({ role: "authenticated", sub: "gpt-action", iat: now, exp: now + 3600 });

    const key = trusted.jwks
      ? createLocalJWKSet(trusted.jwks as { keys: never[] })
      : new TextEncoder().encode((material as { hmacSecret: string }).hmacSecret);
    await expect(jwtVerify(token, key as never, { currentDate: new Date(now * 1000) })).resolves.toBeTruthy();
  });

  test("aud is carried only when an audience is configured", async () => {
    const material = materialFor("HS256");
    const trusted = await trustedKey(material);
    expect(decodeJwt(await mintToken(material, trusted, { role: "r", sub: "s" }, 60)).aud).toBeUndefined();
    expect(decodeJwt(await mintToken(material, trusted, { role: "r", sub: "s", aud: "https://api" }, 60)).aud).toBe("https://api");
  });

  test("HMAC tokens carry no kid, since their trusted key has none", async () => {
    const material = materialFor("HS512");
    const token = await mintToken(material, await trustedKey(material), { role: "r", sub: "s" }, 60);
    expect(decodeProtectedHeader(token).kid).toBeUndefined();
  });
});
