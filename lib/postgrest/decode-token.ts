// From bearer token to claims object, or the PGRST301/303 PostgREST answers instead (Auth/Jwt.hs, parseToken
// and decodeClaims).
import { jwtClaimsError, jwtDecodeError, KEY_ERROR_DETAILS, UNSECURED_DETAILS, type PostgrestError } from "./errors.js";
import type { TrustedKey } from "./jwk.js";
import { isJsonObject, parseJsonBytes, type JsonObject } from "./json.js";
import { candidateKeys } from "./key-selection.js";
import { parseJwt } from "./parse-jwt.js";
import { verifyWith } from "./verify-signature.js";

const KEY_ERROR_MESSAGE = "No suitable key or wrong key type";

export type DecodedToken = { ok: true; claims: JsonObject } | { ok: false; error: PostgrestError };

export async function decodeToken(token: string, keys: readonly TrustedKey[]): Promise<DecodedToken> {
  if (token === "") return failed(jwtDecodeError("Empty JWT is sent in Authorization header"));
  const parts = token.split(".");
  if (parts.length !== 3) return failed(jwtDecodeError(`Expected 3 parts in JWT; got ${parts.length}`));
  const jwt = parseJwt(parts as [string, string, string]);
  if (!jwt) return failed(jwtDecodeError("JWT cryptographic operation failed"));
  if (jwt.kind === "unsecured") {
    return failed(jwtDecodeError("Wrong or unsupported encoding algorithm", UNSECURED_DETAILS));
  }
  const candidates = candidateKeys(keys, jwt.alg, jwt.kid);
  if (candidates.length === 0) return failed(jwtDecodeError(KEY_ERROR_MESSAGE, KEY_ERROR_DETAILS.noCandidate));
  for (const key of candidates) {
    const payload = await verifyWith(key, jwt.alg, token);
    if (payload) return claimsFrom(payload);
  }
  return failed(jwtDecodeError(KEY_ERROR_MESSAGE, KEY_ERROR_DETAILS.noneVerified));
}

function claimsFrom(payload: Uint8Array): DecodedToken {
  const claims = parseJsonBytes(payload);
  return isJsonObject(claims) ? { ok: true, claims } : failed(jwtClaimsError("Parsing claims failed"));
}

function failed(error: PostgrestError): DecodedToken {
  return { ok: false, error };
}
