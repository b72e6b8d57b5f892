// The standard-claim checks PostgREST v16 runs on every verified token (Auth/Jwt.hs, checkForErrors).
import { jwtClaimsError, type PostgrestError } from "./errors.js";
import type { JsonObject, JsonValue } from "./json.js";

/** Clock skew PostgREST tolerates on exp, nbf and iat. */
export const ALLOWED_SKEW_SECONDS = 30;

const INT64_LIMIT = 2 ** 63;

/**
 * The first failing check in PostgREST's order (exp, nbf, iat, aud), or null. `now` is in seconds.
 * An absent or null claim is never checked, and with `jwtAud` undefined every audience matches, but `aud`
 * must still have the right shape.
 */
export function checkClaims(claims: JsonObject, now: number, jwtAud: string | undefined): PostgrestError | null {
  const seconds = Math.floor(now);
  const expired = (exp: number) => seconds - ALLOWED_SKEW_SECONDS > exp;
  const inFuture = (time: number) => seconds + ALLOWED_SKEW_SECONDS < time;
  return (
    checkTime(claims.exp, "exp", expired, "JWT expired") ??
    checkTime(claims.nbf, "nbf", inFuture, "JWT not yet valid") ??
    checkTime(claims.iat, "iat", inFuture, "JWT issued at future") ??
    checkAudience(claims.aud, jwtAud)
  );
}

function checkTime(value: JsonValue | undefined, name: string, invalid: (t: number) => boolean, message: string) {
  if (value === undefined || value === null) return null;
  if (typeof value !== "number") return jwtClaimsError(`The JWT '${name}' claim must be a number`);
  return invalid(wholeSeconds(value)) ? jwtClaimsError(message) : null;
}

// PostgREST converts with Scientific's toBoundedInteger and falls back to 0, so a fractional or out-of-Int64
// time is the epoch: an exp like that is long expired, an nbf or iat like that is long valid.
function wholeSeconds(value: number): number {
  return Number.isInteger(value) && value >= -INT64_LIMIT && value < INT64_LIMIT ? value : 0;
}

function checkAudience(aud: JsonValue | undefined, jwtAud: string | undefined): PostgrestError | null {
  if (aud === undefined || aud === null) return null;
  const matches = (audience: string) => jwtAud === undefined || audience === jwtAud;
  let valid: boolean;
  if (typeof aud === "string") valid = matches(aud);
  else if (Array.isArray(aud) && aud.every((a) => typeof a === "string")) valid = aud.length === 0 || aud.some(matches);
  else return jwtClaimsError("The JWT 'aud' claim must be a string or an array of strings");
  return valid ? null : jwtClaimsError("JWT not in audience");
}
