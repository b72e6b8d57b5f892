// The signature algorithms PostgREST v16 accepts: exactly the JWS algorithms of its jose-jwt library.
// PS256/384/512 and ES256K are absent there, so a token using them fails header parsing like garbage does.

export type KeyType = "oct" | "RSA" | "EC" | "OKP";

export const KEY_TYPE_FOR_ALGORITHM = {
  HS256: "oct",
  HS384: "oct",
  HS512: "oct",
  RS256: "RSA",
  RS384: "RSA",
  RS512: "RSA",
  ES256: "EC",
  ES384: "EC",
  ES512: "EC",
  EdDSA: "OKP",
} as const satisfies Record<string, KeyType>;

export type JwsAlgorithm = keyof typeof KEY_TYPE_FOR_ALGORITHM;

export function isJwsAlgorithm(value: unknown): value is JwsAlgorithm {
  return typeof value === "string" && Object.hasOwn(KEY_TYPE_FOR_ALGORITHM, value);
}

// Every `alg` jose-jwt can read in a JWK (signature, "none" and key-management ones). A JWK naming anything
// else is kept but unusable, instead of making the whole jwt-secret unparseable.
const JOSE_JWT_ALGORITHMS = new Set<string>([
  ...Object.keys(KEY_TYPE_FOR_ALGORITHM),
  "none",
  "RSA1_5",
  "RSA-OAEP",
  "RSA-OAEP-256",
  "A128KW",
  "A192KW",
  "A256KW",
]);

export function isJoseJwtAlgorithm(value: unknown): value is string {
  return typeof value === "string" && JOSE_JWT_ALGORITHMS.has(value);
}

export function isKeyType(value: unknown): value is KeyType {
  return value === "oct" || value === "RSA" || value === "EC" || value === "OKP";
}
