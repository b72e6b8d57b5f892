// The signing half of the stack's key as a private JWK, for the companion's authorization server: it signs OAuth
// access tokens with the very key PostgREST trusts, so they verify under the same jwt-secret as sampleBearerToken.
import { base64url, exportJWK, importPKCS8, type JWK } from "jose";
import type { KeyMaterial, TrustedKey } from "./jwt-secret.js";

/**
 * JSON of the private JWK, with `alg`. The `kid` is there exactly when PostgREST's trusted key has one: a token must
 * name the kid PostgREST knows, and PostgREST's plain HS256 secret has none, so it refuses any token carrying a kid.
 */
export async function signingJwk(material: KeyMaterial, trusted: TrustedKey): Promise<string> {
  const { algorithm } = material;
  if ("hmacSecret" in material) {
    // The same bytes PostgREST takes from the secret: its UTF-8 encoding, as for the HS384/HS512 oct JWK.
    const jwk: JWK = { kty: "oct", k: base64url.encode(new TextEncoder().encode(material.hmacSecret)), alg: algorithm };
    return JSON.stringify(jwk);
  }
  const privateKey = await importPKCS8(material.privateKeyPem, algorithm, { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), ...(trusted.kid ? { kid: trusted.kid } : {}), alg: algorithm, use: "sig" };
  return JSON.stringify(jwk);
}
