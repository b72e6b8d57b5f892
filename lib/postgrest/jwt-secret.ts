// `jwt-secret` into the keys PostgREST v16 trusts (Config.hs: decodeSecret, then parseSecret).
import { PostgrestConfigError } from "./config-error.js";
import { JwkRejected, parseJwk, type TrustedKey } from "./jwk.js";
import { isJsonObject, parseJsonBytes, type JsonValue } from "./json.js";

export interface JwtSecret {
  /** How PostgREST read the value; "passphrase" is also what JSON that fails as a JWK/JWKS silently becomes. */
  readonly form: "jwks" | "jwk" | "passphrase";
  /** In configuration order, which is the order keys are tried in. Unsupported JWKs are left out. */
  readonly keys: readonly TrustedKey[];
}

export const SECRET_TOO_SHORT = "The JWT secret must be at least 32 characters long.";

export function parseJwtSecret(value: string, isBase64 = false): JwtSecret {
  if (value.startsWith("@")) {
    // PostgREST reads "@<path>" from disk at startup; a pure function cannot, and must not verify with the path.
    throw new PostgrestConfigError(
      `jwt-secret "${value}" names a file: read it (minus one trailing newline) and pass its content`,
    );
  }
  const bytes = isBase64 ? decodeSecretBase64(value) : new TextEncoder().encode(value);
  const json = parseJsonBytes(bytes);
  const jwks = json === undefined ? undefined : readJwks(json);
  if (jwks) return { form: "jwks", keys: jwks };
  const jwk = json === undefined ? undefined : readJwk(json);
  if (jwk) return { form: "jwk", keys: jwk };
  // The length is counted in bytes, whatever the message says.
  if (bytes.length < 32) throw new PostgrestConfigError(SECRET_TOO_SHORT);
  return { form: "passphrase", keys: [{ kty: "oct", use: "sig", alg: "HS256", material: bytes }] };
}

function readJwks(json: JsonValue): TrustedKey[] | undefined {
  if (!isJsonObject(json) || !Array.isArray(json.keys)) return undefined;
  try {
    return json.keys.map(parseJwk).filter((key): key is TrustedKey => key !== null);
  } catch (error) {
    if (error instanceof JwkRejected) return undefined;
    throw error;
  }
}

function readJwk(json: JsonValue): TrustedKey[] | undefined {
  try {
    const key = parseJwk(json);
    return key === null ? [] : [key];
  } catch (error) {
    if (error instanceof JwkRejected) return undefined;
    throw error;
  }
}

// PostgREST maps the URL-safe alphabet (and "." for "=") onto the standard one, trims, then decodes strictly:
// padding required, no stray characters, no non-canonical trailing bits (base64-bytestring's `decode`).
const PADDED_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeSecretBase64(value: string): Uint8Array {
  const text = value.replaceAll("_", "/").replaceAll("-", "+").replaceAll(".", "=").trim();
  const bytes = PADDED_BASE64.test(text) ? Buffer.from(text, "base64") : undefined;
  if (!bytes || bytes.toString("base64") !== text) {
    throw new PostgrestConfigError("jwt-secret is not valid base64 but jwt-secret-is-base64 is true");
  }
  return new Uint8Array(bytes);
}
