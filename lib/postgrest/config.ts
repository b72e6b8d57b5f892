// The auth part of a PostgREST v16 configuration, checked and prepared the way PostgREST does at startup.
import { parseJwtSecret, type JwtSecret } from "./jwt-secret.js";
import { DEFAULT_ROLE_CLAIM_KEY, parseRoleClaimKey, type RoleClaimKey } from "./role-claim.js";

export interface PostgrestAuthConfig {
  /** PostgREST `jwt-secret` (plain secret, JWK JSON or JWKS JSON); undefined = not configured. */
  jwtSecret?: string;
  /** `jwt-secret-is-base64`. */
  jwtSecretIsBase64?: boolean;
  /** `jwt-aud`; undefined = unset. */
  jwtAud?: string;
  /** `jwt-role-claim-key`, default "$.role". */
  jwtRoleClaimKey?: string;
  /** `db-anon-role`; undefined = anonymous access disabled. */
  dbAnonRole?: string;
}

export interface PreparedAuthConfig {
  readonly secret: JwtSecret | undefined;
  readonly jwtAud: string | undefined;
  readonly roleClaimKey: RoleClaimKey;
  readonly dbAnonRole: string | undefined;
}

/** Throws PostgrestConfigError for a jwt-secret / role-claim-key PostgREST would refuse at startup. */
export function validateAuthConfig(config: PostgrestAuthConfig): void {
  prepareAuthConfig(config);
}

// Parsing a JWKS on every request would be wasteful, but callers may mutate their config object between
// requests, so the cache entry is only reused while the values it was built from are unchanged.
const prepared = new WeakMap<PostgrestAuthConfig, { fingerprint: string; config: PreparedAuthConfig }>();

export function prepareAuthConfig(config: PostgrestAuthConfig): PreparedAuthConfig {
  const settings = normalize(config);
  const fingerprint = JSON.stringify(settings);
  const cached = prepared.get(config);
  if (cached?.fingerprint === fingerprint) return cached.config;
  const { jwtSecret, jwtSecretIsBase64 } = settings;
  const result: PreparedAuthConfig = {
    secret: jwtSecret === undefined ? undefined : parseJwtSecret(jwtSecret, jwtSecretIsBase64),
    jwtAud: settings.jwtAud,
    roleClaimKey: parseRoleClaimKey(settings.jwtRoleClaimKey),
    dbAnonRole: settings.dbAnonRole,
  };
  prepared.set(config, { fingerprint, config: result });
  return result;
}

// PostgREST treats an empty string setting as unset (`optString` filters ""), in files and env vars alike.
function normalize(config: PostgrestAuthConfig) {
  const unsetIfEmpty = (value: string | undefined) => (value === "" ? undefined : value);
  return {
    jwtSecret: unsetIfEmpty(config.jwtSecret),
    jwtSecretIsBase64: config.jwtSecretIsBase64 ?? false,
    jwtAud: unsetIfEmpty(config.jwtAud),
    jwtRoleClaimKey: unsetIfEmpty(config.jwtRoleClaimKey) ?? DEFAULT_ROLE_CLAIM_KEY,
    dbAnonRole: unsetIfEmpty(config.dbAnonRole),
  };
}
