// Renders key material into the `jwt-secret` value PostgREST v16 accepts for the algorithm
// (../shared/reference/postgrest-v16.md): a plain secret verifies HS256 only, so HS384/HS512 need an oct JWK, and
// asymmetric algorithms get a JWKS holding only the public key, with the `kid` and `alg` that pin it.
import { base64url, calculateJwkThumbprint, exportJWK, importSPKI, type JWK } from "jose";
import { isHmac, type JwtAlgorithm } from "./algorithms.js";

/** The secret half of the signing key, as the key resources produce it. */
export type KeyMaterial =
  | { readonly algorithm: JwtAlgorithm; readonly hmacSecret: string }
  | { readonly algorithm: JwtAlgorithm; readonly privateKeyPem: string; readonly publicKeyPem: string };

export interface PublicJwks {
  readonly keys: readonly JWK[];
}

export interface TrustedKey {
  /** PGRST_JWT_SECRET: secret for HMAC algorithms (it is the signing key itself), public for the others. */
  readonly jwtSecret: string;
  /** The public JWKS, for asymmetric algorithms only. */
  readonly jwks?: PublicJwks;
  /** The `kid` tokens must carry: present exactly when the trusted key has one. */
  readonly kid?: string;
}

export async function trustedKey(material: KeyMaterial): Promise<TrustedKey> {
  const { algorithm } = material;
  if ("hmacSecret" in material) {
    if (!isHmac(algorithm)) throw new Error(`${algorithm} needs an asymmetric key, not an HMAC secret`);
    if (algorithm === "HS256") return { jwtSecret: material.hmacSecret };
    const k = base64url.encode(new TextEncoder().encode(material.hmacSecret));
    return { jwtSecret: JSON.stringify({ kty: "oct", k, alg: algorithm }) };
  }
  if (isHmac(algorithm)) throw new Error(`${algorithm} needs an HMAC secret, not a key pair`);
  const publicKey = await importSPKI(material.publicKeyPem, algorithm, { extractable: true });
  const jwk = await exportJWK(publicKey);
  // RFC 7638 thumbprint: derived from the key, so the kid changes exactly when the key does.
  const kid = await calculateJwkThumbprint(jwk);
  const jwks: PublicJwks = { keys: [{ ...jwk, kid, alg: algorithm, use: "sig" }] };
  return { jwtSecret: JSON.stringify(jwks), jwks, kid };
}
