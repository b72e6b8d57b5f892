// The stack's configuration keys: one table that feeds validation, the code-side defaults (Pulumi does not apply
// Pulumi.yaml defaults under mocks, so code keeps its own) and the test that keeps Pulumi.yaml in step with it.
import { JWT_ALGORITHMS } from "../keys/algorithms.js";

export interface ConfigKey {
  readonly type: "string" | "integer" | "boolean";
  readonly default: string | number | boolean;
  readonly description: string;
}

export const CONFIG_KEYS = {
  jwtAlgorithm: {
    type: "string",
    default: "HS256",
    description: `JWT signing algorithm PostgREST trusts: one of ${JWT_ALGORITHMS.join(", ")}. Changing it generates new key material.`,
  },
  jwtAudience: {
    type: "string",
    default: "",
    description: "PostgREST jwt-aud: the audience tokens are minted for; a token naming another one is refused. Empty = the stack's API URL (<origin>/api).",
  },
  tokenTtl: {
    type: "string",
    default: "365d",
    description: "Lifetime of sampleBearerToken, the long-lived GPT API key: a number with s, m, h, d, w or y (e.g. 90d).",
  },
  tokenSubject: {
    type: "string",
    default: "gpt-action",
    description: "The `sub` claim of sampleBearerToken: the owner of the rows the API-key GPT sees under row-level security.",
  },
  postgresImage: {
    type: "string",
    default: "postgres:17",
    description: "PostgreSQL image, pinned by tag or digest (not latest). Keep its major version once data exists: 17's files do not open in 18.",
  },
  postgrestImage: {
    type: "string",
    default: "postgrest/postgrest:v16.4",
    description: "PostgREST image: a pinned v16.x tag or a digest (this kit reproduces v16 behaviour).",
  },
  caddyImage: {
    type: "string",
    default: "caddy:2.10-alpine",
    description: "Caddy image of the public origin (HTTPS, /api, /openapi.json, /oauth), pinned by tag or digest.",
  },
  dbName: {
    type: "string",
    default: "app",
    description: "Name of the application database, created on the first run only: it cannot change while the data volume exists.",
  },
  dbPort: {
    type: "integer",
    default: 55432,
    description: "Host port for PostgreSQL, published on 127.0.0.1 only.",
  },
  apiPort: {
    type: "integer",
    default: 3000,
    description: "Without a domain: the host port of the plain-HTTP origin (Caddy), on 127.0.0.1. Point a tunnel at it.",
  },
  dbSchemas: {
    type: "string",
    default: "api",
    description: "Comma-separated schemas PostgREST exposes (PGRST_DB_SCHEMAS); the first is the default.",
  },
  anonRole: {
    type: "string",
    default: "anon",
    description: "Database role for requests without a token (GPT Builder authentication: None).",
  },
  authenticatedRole: {
    type: "string",
    default: "authenticated",
    description: "Database role named by the bearer token (GPT Builder authentication: API Key, Bearer).",
  },
  authenticatorRole: {
    type: "string",
    default: "authenticator",
    description: "The login role PostgREST connects as; it can only switch to the anon and authenticated roles.",
  },
  statementTimeout: {
    type: "string",
    default: "5s",
    description: "statement_timeout of the anon and authenticated roles: a number with ms, s or min.",
  },
  dbMaxRows: {
    type: "integer",
    default: 20,
    description: "PGRST_DB_MAX_ROWS: the most rows one response returns. Rows times your widest row must stay under GPT's 100,000-character limit (the example's notes: about 3,000 each).",
  },
  domain: {
    type: "string",
    default: "",
    description: "Public hostname of the API, e.g. gpt.example.com, its DNS pointing at this machine: Caddy serves HTTPS on 443 with a Let's Encrypt certificate. Empty = plain HTTP on 127.0.0.1:<apiPort>, for a tunnel.",
  },
  acmeEmail: {
    type: "string",
    default: "",
    description: "With domain: the contact address Let's Encrypt writes to about the certificate (optional).",
  },
  publicUrl: {
    type: "string",
    default: "",
    description: "Without a domain: the https URL of your tunnel to apiPort (e.g. https://abc.trycloudflare.com), used in the schema and outputs. Empty = http://localhost:<apiPort>.",
  },
  openapiInclude: {
    type: "string",
    default: "",
    description: "Comma-separated tables, views and functions the GPT sees (name or schema.name), in priority order; empty = everything the role may use, up to GPT Builder's 30 operations.",
  },
  openapiExclude: {
    type: "string",
    default: "",
    description: "Comma-separated tables, views and functions to hide from the GPT (name or schema.name).",
  },
  openapiReadOnly: {
    type: "boolean",
    default: false,
    description: "true = the GPT's schema has no operation that changes data (the database privileges still decide what is allowed).",
  },
  oauthCallbackUrls: {
    type: "string",
    default: "",
    description: "OAuth: the Callback URL GPT Builder shows once the GPT is saved (https://chatgpt.com/aip/g-<id>/oauth/callback), comma or space separated; `npm run oauth -- callbacks add <url>` adds one without redeploying.",
  },
  oauthAccessTokenTtl: {
    type: "string",
    default: "15m",
    description: "OAuth: lifetime of an access token, from 1m to 1h (e.g. 15m); ChatGPT gets a new one with its refresh token.",
  },
  oauthRefreshTokenTtl: {
    type: "string",
    default: "30d",
    description: "OAuth: lifetime of a refresh token, from 1h to 365d (e.g. 30d): when it ends, the user signs in again.",
  },
} as const satisfies Record<string, ConfigKey>;

export type ConfigKeyName = keyof typeof CONFIG_KEYS;
