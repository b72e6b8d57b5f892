// The companion's container environment (read by companion/config.ts and companion/oauth/config.ts): libpq settings
// of the authenticator login, PostgREST's own auth settings, the choice of what the GPT sees, and the OAuth
// authorization server's settings, including its own login to the gpt_oauth schema.

export const COMPANION_PORT = 8080;

export interface CompanionOAuthSettings {
  /** The OAuth login, on the same host and database as the authenticator. */
  readonly login: { readonly user: string; readonly password: string };
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly callbackUrls: readonly string[];
  /** The private JWK of the key PostgREST trusts. */
  readonly signingKey: string;
  readonly cookieKey: string;
  readonly accessTokenSeconds: number;
  readonly refreshTokenSeconds: number;
}

export interface CompanionSettings {
  readonly database: { readonly host: string; readonly port: number; readonly name: string };
  readonly login: { readonly user: string; readonly password: string };
  readonly schemas: readonly string[];
  readonly anonRole: string;
  readonly authenticatedRole: string;
  /** The schema's servers URL: PostgREST behind the public origin. */
  readonly apiUrl: string;
  /** Exactly PostgREST's jwt-secret and jwt-aud, so a token is judged the same by both, and minted for that audience. */
  readonly jwtSecret: string;
  readonly jwtAudience: string;
  readonly maxRows: number;
  readonly openapi: { readonly include: readonly string[]; readonly exclude: readonly string[]; readonly readOnly: boolean };
  readonly viewKey: string;
  readonly oauth: CompanionOAuthSettings;
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
    PGPT_JWT_AUDIENCE: s.jwtAudience,
    PGPT_MAX_ROWS: String(s.maxRows),
    PGPT_OPENAPI_INCLUDE: s.openapi.include.join(","),
    PGPT_OPENAPI_EXCLUDE: s.openapi.exclude.join(","),
    PGPT_OPENAPI_READ_ONLY: String(s.openapi.readOnly),
    PGPT_OPENAPI_VIEW_KEY: s.viewKey,
    ...oauthEnv(s.oauth),
  };
}

function oauthEnv(o: CompanionOAuthSettings): Record<string, string> {
  return {
    PGPT_OAUTH_PGUSER: o.login.user,
    PGPT_OAUTH_PGPASSWORD: o.login.password,
    PGPT_OAUTH_ISSUER: o.issuer,
    PGPT_OAUTH_CLIENT_ID: o.clientId,
    PGPT_OAUTH_CLIENT_SECRET: o.clientSecret,
    PGPT_OAUTH_CALLBACK_URLS: o.callbackUrls.join(","),
    PGPT_OAUTH_SIGNING_KEY: o.signingKey,
    PGPT_OAUTH_COOKIE_KEY: o.cookieKey,
    PGPT_OAUTH_ACCESS_TOKEN_SECONDS: String(o.accessTokenSeconds),
    PGPT_OAUTH_REFRESH_TOKEN_SECONDS: String(o.refreshTokenSeconds),
  };
}

/** The plan step reads the catalog only: the OAuth server's secrets stay out of its environment. */
export function withoutOAuth(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith("PGPT_OAUTH_")));
}
