// The companion's settings, from its container environment (infra/companion/env.ts writes it). Every problem is
// reported at once, by variable name, before the server listens. Bad values are quoted, except secrets.
import { validateAuthConfig, type PostgrestAuthConfig } from "../lib/postgrest/index.js";
import type { SelectionOptions } from "../lib/openapi/select-operations.js";
import { readOAuthConfig, type OAuthConfig } from "./oauth/config.js";

export class CompanionConfigError extends Error {
  override name = "CompanionConfigError";
}

export interface CompanionConfig {
  readonly port: number;
  /** PostgREST's db-schemas; the first is the one GPT actions can reach. */
  readonly schemas: readonly string[];
  readonly anonRole: string;
  readonly authenticatedRole: string;
  /** The servers URL of the document: where PostgREST is reached from outside (https://<domain>/api). */
  readonly apiUrl: string;
  /** PostgREST's auth settings: a bearer token is checked exactly as PostgREST would check it. */
  readonly auth: PostgrestAuthConfig;
  readonly maxRows?: number;
  readonly selection: SelectionOptions;
  /** Lets GPT Builder's "Import from URL", which sends no token, fetch the authenticated role's document. */
  readonly viewKey?: string;
  /** A safety net under LISTEN: documents are rebuilt at least this often. */
  readonly cacheSeconds: number;
  /** The authorization server at /oauth; absent when PGPT_OAUTH_ISSUER is not set. */
  readonly oauth?: OAuthConfig;
}

const list = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

export function readCompanionConfig(env: NodeJS.ProcessEnv): CompanionConfig {
  const problems: string[] = [];
  const required = (name: string, what: string) => {
    const value = env[name]?.trim();
    if (!value) problems.push(`${name} is not set (${what})`);
    return value ?? "";
  };
  const integer = (name: string, fallback: number | undefined, min: number, max: number) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) problems.push(`${name} = ${JSON.stringify(raw)}: must be an integer from ${min} to ${max}`);
    return n;
  };

  for (const name of ["PGHOST", "PGUSER", "PGDATABASE"]) required(name, "libpq connection setting of the authenticator login");
  const schemas = list(required("PGPT_DB_SCHEMAS", "the exposed schemas, comma separated, e.g. api"));
  const anonRole = required("PGPT_ANON_ROLE", "PostgREST's db-anon-role");
  const authenticatedRole = required("PGPT_AUTHENTICATED_ROLE", "the role API-key tokens name");
  const apiUrl = required("PGPT_API_URL", "the public URL of PostgREST, e.g. https://gpt.example.com/api");
  if (apiUrl && !/^https?:\/\/[^/\s]+(\/\S*)?$/.test(apiUrl)) problems.push(`PGPT_API_URL = ${JSON.stringify(apiUrl)}: must be an http(s) URL`);
  const jwtSecret = required("PGPT_JWT_SECRET", "PostgREST's jwt-secret");
  const auth: PostgrestAuthConfig = { jwtSecret, jwtAud: env.PGPT_JWT_AUDIENCE ?? "", dbAnonRole: anonRole };
  if (jwtSecret) {
    try {
      validateAuthConfig(auth);
    } catch (error) {
      problems.push(`PGPT_JWT_SECRET is not a jwt-secret PostgREST accepts (value not shown: a secret): ${(error as Error).message}`);
    }
  }
  const readOnly = env.PGPT_OPENAPI_READ_ONLY?.trim() || "false";
  if (readOnly !== "true" && readOnly !== "false") problems.push(`PGPT_OPENAPI_READ_ONLY = ${JSON.stringify(readOnly)}: must be true or false`);
  const viewKey = env.PGPT_OPENAPI_VIEW_KEY?.trim() || undefined;
  if (viewKey !== undefined && viewKey.length < 24) problems.push("PGPT_OPENAPI_VIEW_KEY must be at least 24 characters (value not shown: a secret)");
  const port = integer("PORT", 8080, 1, 65535)!;
  const maxRows = integer("PGPT_MAX_ROWS", undefined, 1, 1_000_000);
  const cacheSeconds = integer("PGPT_CACHE_SECONDS", 60, 1, 86_400)!;

  const oauth = readOAuthConfig(env, problems);
  // Access tokens are minted for exactly the audience PostgREST checks; without jwt-aud any API would accept them.
  if (oauth && !auth.jwtAud) problems.push("PGPT_JWT_AUDIENCE is not set (required with OAuth: access tokens are minted for PostgREST's jwt-aud)");

  if (problems.length) throw new CompanionConfigError(`companion configuration: ${problems.join("; ")}`);
  return {
    port,
    schemas,
    anonRole,
    authenticatedRole,
    apiUrl: apiUrl.replace(/\/+$/, ""),
    auth,
    ...(maxRows !== undefined ? { maxRows } : {}),
    selection: { include: list(env.PGPT_OPENAPI_INCLUDE), exclude: list(env.PGPT_OPENAPI_EXCLUDE), readOnly: readOnly === "true" },
    ...(viewKey ? { viewKey } : {}),
    cacheSeconds,
    ...(oauth ? { oauth } : {}),
  };
}
