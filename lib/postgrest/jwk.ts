// One JWK read the way jose-jwt (PostgREST's JWT library) reads it. What counts as "not a JWK" decides whether
// a jwt-secret is a key set or silently an HS256 passphrase, so the rules follow Jose/Jwk.hs, quirks included.
import type { JWK } from "jose";
import { isJoseJwtAlgorithm, isKeyType, type KeyType } from "./algorithms.js";
import { decodeBase64Url } from "./base64url.js";
import { isJsonObject, type JsonObject, type JsonValue } from "./json.js";

export interface TrustedKey {
  readonly kty: KeyType;
  readonly kid?: string;
  readonly use?: "sig" | "enc";
  readonly alg?: string;
  /** Raw key bytes for HMAC, else the public JWK members jose needs to import the key. */
  readonly material: Uint8Array | JWK;
}

/** The JSON is not a JWK jose-jwt accepts; one such entry makes a whole JWKS unparseable. */
export class JwkRejected extends Error {}

/** The key, or null for a JWK jose-jwt keeps as "unsupported" (unknown alg or kty): present, never used. */
export function parseJwk(value: JsonValue): TrustedKey | null {
  if (!isJsonObject(value)) throw new JwkRejected("Jwk must be a JSON object");
  if (!absentOr(value.alg, isJoseJwtAlgorithm) || !absentOr(value.kty, isKeyType)) return null;
  return createKey(readMembers(value));
}

const BYTE_MEMBERS = ["n", "e", "d", "p", "q", "dp", "dq", "qi", "k", "x", "y"] as const;
type ByteMember = (typeof BYTE_MEMBERS)[number];

interface Members {
  kty: KeyType;
  kid: string | undefined;
  use: "sig" | "enc" | undefined;
  alg: string | undefined;
  crv: string | undefined;
  text: JsonObject;
  bytes: Partial<Record<ByteMember, Uint8Array>>;
}

// jose-jwt's JwkData: every member it knows must have the right type, key material must be base64url.
function readMembers(jwk: JsonObject): Members {
  if (!isKeyType(jwk.kty)) throw new JwkRejected("kty is required");
  const use = jwk.use;
  if (!absentOr(use, (v) => v === "sig" || v === "enc")) throw new JwkRejected("'use' must be 'sig' or 'enc'");
  if (!absentOr(jwk.x5c, (v) => Array.isArray(v) && v.every((s) => typeof s === "string"))) {
    throw new JwkRejected("x5c must be an array of strings");
  }
  for (const name of ["x5u", "x5t"]) optionalString(jwk, name);
  const bytes: Members["bytes"] = {};
  for (const name of BYTE_MEMBERS) {
    const value = jwk[name];
    if (value === undefined || value === null) continue;
    const decoded = typeof value === "string" ? decodeBase64Url(value) : undefined;
    bytes[name] = decoded ?? reject(`${name} is not base64url`);
  }
  return {
    kty: jwk.kty,
    kid: optionalString(jwk, "kid"),
    use: use === "sig" || use === "enc" ? use : undefined,
    alg: typeof jwk.alg === "string" ? jwk.alg : undefined,
    crv: optionalString(jwk, "crv"),
    text: jwk,
    bytes,
  };
}

const RSA_PRIVATE = ["p", "q", "dp", "dq", "qi"] as const;
const EC_CURVES = new Set(["P-256", "P-384", "P-521"]);
const OKP_KEY_LENGTHS: Record<string, number> = { Ed25519: 32, Ed448: 57 };

// jose-jwt's createJwk. Conflicting members are rejected only when *all* of them are set, as
// `isNothing (sequence [...])` does there.
function createKey({ kty, kid, use, alg, crv, text, bytes }: Members): TrustedKey {
  const allSet = (names: readonly ByteMember[]) => names.every((name) => bytes[name] !== undefined);
  const noCurve = () => {
    if (crv !== undefined || (bytes.x && bytes.y)) reject("curve members on a non-EC key");
  };
  switch (kty) {
    case "RSA":
      if (!bytes.n || !bytes.e) reject("n and e are required for an RSA key");
      noCurve();
      if (!bytes.d && allSet(RSA_PRIVATE)) reject("RSA private parameters on a public key");
      return { kty, kid, use, alg, material: { kty, n: text.n as string, e: text.e as string } };
    case "oct":
      if (!bytes.k) reject("k is required for a symmetric key");
      if (allSet(["n", "e", "d", ...RSA_PRIVATE])) reject("RSA parameters on a symmetric key");
      noCurve();
      return { kty, kid, use, alg, material: bytes.k };
    case "OKP": {
      const length = OKP_KEY_LENGTHS[crv ?? ""] ?? reject("crv must be Ed25519 or Ed448");
      if (!bytes.x) reject("x is required for an OKP key");
      if (allSet(["n", "e", ...RSA_PRIVATE])) reject("RSA parameters on an OKP key");
      // jose-jwt also checks that a private `d` derives `x`; only the lengths are checked here.
      if (bytes.x.length !== length || (bytes.d && bytes.d.length !== length)) reject("Invalid OKP key data");
      // jose-jwt ignores `use` and `alg` on OKP keys: they are always signing keys for EdDSA.
      return { kty, kid, use: "sig", alg: "EdDSA", material: { kty, crv, x: text.x as string } };
    }
    case "EC":
      if (crv === undefined || !EC_CURVES.has(crv)) reject("crv must be P-256, P-384 or P-521");
      if (!bytes.x || !bytes.y) reject("x and y are required for an EC key");
      if (allSet(["n", "e", ...RSA_PRIVATE])) reject("RSA parameters on an EC key");
      return { kty, kid, use, alg, material: { kty, crv, x: text.x as string, y: text.y as string } };
  }
}

function reject(reason: string): never {
  throw new JwkRejected(reason);
}

// aeson reads an absent member and an explicit null alike as "not given".
function absentOr(value: JsonValue | undefined, accept: (v: JsonValue) => boolean): boolean {
  return value === undefined || value === null || accept(value);
}

function optionalString(jwk: JsonObject, name: string): string | undefined {
  const value = jwk[name];
  if (!absentOr(value, (v) => typeof v === "string")) reject(`${name} must be a string`);
  return typeof value === "string" ? value : undefined;
}
