// PostgREST's container environment, derived from what the rest of the stack decided. Env vars because the image is
// FROM scratch (no shell to template a config file); names are PGRST_ + the config key (../shared/reference/postgrest-v16.md).

/** Inside the container: PostgREST's admin server, only for the `postgrest --ready` healthcheck. */
export const ADMIN_PORT = 3001;
export const SERVER_PORT = 3000;

export interface PostgrestSettings {
  readonly dbUri: string;
  readonly schemas: readonly string[];
  readonly anonRole: string;
  readonly jwtSecret: string;
  readonly jwtAudience: string;
  readonly maxRows: number;
  readonly publicUrl: string;
}

export function postgrestEnv(s: PostgrestSettings): Record<string, string> {
  return {
    PGRST_DB_URI: s.dbUri,
    PGRST_DB_SCHEMAS: s.schemas.join(","),
    PGRST_DB_ANON_ROLE: s.anonRole,
    PGRST_JWT_SECRET: s.jwtSecret,
    PGRST_JWT_AUD: s.jwtAudience,
    PGRST_DB_MAX_ROWS: String(s.maxRows),
    PGRST_OPENAPI_SERVER_PROXY_URI: s.publicUrl,
    PGRST_SERVER_PORT: String(SERVER_PORT),
    PGRST_ADMIN_SERVER_PORT: String(ADMIN_PORT),
    // `postgrest --ready` fails against the default admin host `!4`.
    PGRST_ADMIN_SERVER_HOST: "127.0.0.1",
  };
}

/** A libpq URI for the authenticator; user and password are percent-encoded so any generated password is safe. */
export function databaseUri(user: string, password: string, host: string, port: number, database: string): string {
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${encodeURIComponent(database)}`;
}

/** Docker's `envs` wants "K=V" strings. */
export function dockerEnvs(env: Record<string, string>): string[] {
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}
