// Exactly the JWS algorithms PostgREST v16 verifies (../shared/reference/postgrest-v16.md): no PS*, no ES256K.
// Each maps to the key material that signs it.

export const JWT_ALGORITHMS = [
  "HS256", "HS384", "HS512",
  "RS256", "RS384", "RS512",
  "ES256", "ES384", "ES512",
  "EdDSA",
] as const;

export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** How the signing key for an algorithm is generated: a random HMAC secret, or a @pulumi/tls private key. */
export type KeySpec =
  | { readonly kind: "hmac"; readonly length: number }
  | { readonly kind: "tls"; readonly algorithm: "RSA"; readonly rsaBits: number }
  | { readonly kind: "tls"; readonly algorithm: "ECDSA"; readonly ecdsaCurve: "P256" | "P384" | "P521" }
  | { readonly kind: "tls"; readonly algorithm: "ED25519" };

export function isJwtAlgorithm(value: string): value is JwtAlgorithm {
  return (JWT_ALGORITHMS as readonly string[]).includes(value);
}

export function isHmac(alg: JwtAlgorithm): boolean {
  return alg.startsWith("HS");
}

export function keySpec(alg: JwtAlgorithm): KeySpec {
  switch (alg) {
    // 64 alphanumerics carry ~380 bits, above every HS hash size, and pass PostgREST's 32-character minimum.
    case "HS256":
    case "HS384":
    case "HS512":
      return { kind: "hmac", length: 64 };
    // RSA strength follows the hash, as NIST SP 800-57 pairs them.
    case "RS256":
      return { kind: "tls", algorithm: "RSA", rsaBits: 2048 };
    case "RS384":
      return { kind: "tls", algorithm: "RSA", rsaBits: 3072 };
    case "RS512":
      return { kind: "tls", algorithm: "RSA", rsaBits: 4096 };
    // ES256/384/512 are defined on exactly one curve each (RFC 7518 §3.4); @pulumi/tls defaults to P224, never valid here.
    case "ES256":
      return { kind: "tls", algorithm: "ECDSA", ecdsaCurve: "P256" };
    case "ES384":
      return { kind: "tls", algorithm: "ECDSA", ecdsaCurve: "P384" };
    case "ES512":
      return { kind: "tls", algorithm: "ECDSA", ecdsaCurve: "P521" };
    case "EdDSA":
      return { kind: "tls", algorithm: "ED25519" };
  }
}
