// Signs a PostgREST token with the stack's own key, the way PostgREST will verify it: integer iat/exp (a fractional
// exp counts as expired in v16), `kid` only when the trusted key has one, `aud` when the claims name one.
import { SignJWT, importPKCS8 } from "jose";
import type { KeyMaterial, TrustedKey } from "./jwt-secret.js";

export interface TokenClaims {
  readonly role: string;
  readonly sub: string;
  readonly aud?: string;
}

export async function mintToken(
  material: KeyMaterial,
  trusted: TrustedKey,
  claims: TokenClaims,
  ttlSeconds: number,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Promise<string> {
  const iat = Math.floor(nowSeconds);
  const jwt = new SignJWT({ role: claims.role })
    .setProtectedHeader({ alg: material.algorithm, typ: "JWT", ...(trusted.kid ? { kid: trusted.kid } : {}) })
    .setSubject(claims.sub)
    .setIssuedAt(iat)
    .setExpirationTime(iat + Math.floor(ttlSeconds));
  if (claims.aud !== undefined) jwt.setAudience(claims.aud);
  const key =
    "hmacSecret" in material
      ? new TextEncoder().encode(material.hmacSecret)
      : await importPKCS8(material.privateKeyPem, material.algorithm);
  return jwt.sign(key);
}
