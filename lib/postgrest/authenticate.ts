// What PostgREST v16 decides from the Authorization header before it opens a database connection
// (Auth.hs getAuthResult, Auth/JwtCache.hs decode, Auth/Jwt.hs parseClaims).
import { bearerToken } from "./bearer.js";
import { checkClaims } from "./claims.js";
import { prepareAuthConfig, type PostgrestAuthConfig } from "./config.js";
import { decodeToken } from "./decode-token.js";
import { anonymousAccessDisabled, jwtSecretMissing, type PostgrestError } from "./errors.js";
import type { JsonObject } from "./json.js";
import { roleName, selectRoleClaim } from "./role-claim-select.js";

/**
 * On success, `claims` is what PostgREST puts in request.jwt.claims: the token's claims with "role" set to the
 * resolved role, or {"role": <anon>} without a token. `anonymous` is PostgREST's own test for answering a 42501
 * with 401 rather than 403: the resolved role is db-anon-role, even when a token named it.
 */
export type AuthResult =
  | { ok: true; role: string; anonymous: boolean; claims: Record<string, unknown> }
  | { ok: false; error: PostgrestError };

/**
 * What PostgREST v16 decides from the Authorization header before touching the database. `now` in seconds
 * (default Date.now()/1000). Rejects with PostgrestConfigError when PostgREST would not start with `config`.
 */
export async function authenticate(
  authorization: string | undefined,
  config: PostgrestAuthConfig,
  now: number = Date.now() / 1000,
): Promise<AuthResult> {
  const prepared = prepareAuthConfig(config);
  const token = bearerToken(authorization);
  let claims: JsonObject = {};
  if (token !== undefined) {
    // Checked before the token is even looked at: "Bearer " with no secret is a 500 too.
    if (!prepared.secret) return { ok: false, error: jwtSecretMissing() };
    const decoded = await decodeToken(token, prepared.secret.keys);
    if (!decoded.ok) return decoded;
    claims = decoded.claims;
  }
  const claimsError = checkClaims(claims, now, prepared.jwtAud);
  if (claimsError) return { ok: false, error: claimsError };
  const selected = selectRoleClaim(prepared.roleClaimKey, claims);
  const role = selected === undefined ? prepared.dbAnonRole : roleName(selected);
  if (role === undefined) return { ok: false, error: anonymousAccessDisabled() };
  return { ok: true, role, anonymous: role === prepared.dbAnonRole, claims: { ...claims, role } };
}
