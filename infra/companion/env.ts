// The companion's container environment (read by companion/config.ts): libpq settings of the authenticator login,
// PostgREST's own auth settings, and the choice of what the GPT sees.

export const COMPANION_PORT = 8080;

export interface CompanionSettings {
  readonly database: { readonly host: string; readonly port: number; readonly name: string };
  readonly login: { readonly user: string; readonly password: string };
  readonly schemas: readonly string[];
  readonly anonRole: string;
  readonly authenticatedRole: string;
  /** The schema's servers URL: PostgREST behind the public origin. */
  readonly apiUrl: string;
  /** Exactly PostgREST's jwt-secret and jwt-aud, so a token is judged the same by both. */
  readonly jwtSecret: string;
  readonly jwtAudience?: string;
  readonly maxRows: number;
  readonly openapi: { readonly include: readonly string[]; readonly exclude: readonly string[]; readonly readOnly: boolean };
  readonly viewKey: string;
}

export function companionEnv(s: CompanionSettings): Record<string, string> {
  return {
    PORT: String(COMPANION_PORT),
    PGHOST: s.database.host,
    PGPORT: String(s.database.port),
    PGDATABASE: s.database.name,
    PGUSER: s.login.user,
    PGPASSWORD: s.login.password,
    PGPT_DB_SCHEMAS: s.schemas.join(","),
    PGPT_ANON_ROLE: s.anonRole,
    PGPT_AUTHENTICATED_ROLE: s.authenticatedRole,
    PGPT_API_URL: s.apiUrl,
    PGPT_JWT_SECRET: s.jwtSecret,
    ...(s.jwtAudience !== undefined ? { PGPT_JWT_AUDIENCE: s.jwtAudience } : {}),
    PGPT_MAX_ROWS: String(s.maxRows),
    PGPT_OPENAPI_INCLUDE: s.openapi.include.join(","),
    PGPT_OPENAPI_EXCLUDE: s.openapi.exclude.join(","),
    PGPT_OPENAPI_READ_ONLY: String(s.openapi.readOnly),
    PGPT_OPENAPI_VIEW_KEY: s.viewKey,
  };
}
