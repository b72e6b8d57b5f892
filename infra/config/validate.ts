// Stack configuration, validated before any resource is declared: every bad value is named with what is allowed,
// all in one message, so `pulumi preview` stops once with everything the user has to fix.
import { CONFIG_KEYS, type ConfigKeyName } from "./keys.js";
import { parseTimeoutMs, parseTtlSeconds } from "./durations.js";
import { JWT_ALGORITHMS, isJwtAlgorithm, type JwtAlgorithm } from "../keys/algorithms.js";
import { acmeEmailProblem, domainProblem } from "../proxy/public-origin.js";
import { OAUTH_ROLE, parseOAuthSettings, type OAuthSettings } from "./oauth.js";
import { OAUTH_SCHEMA } from "../../companion/oauth/schema.js";

export interface StackConfig {
  readonly jwtAlgorithm: JwtAlgorithm;
  /** PostgREST's jwt-aud, always set: the configured jwtAudience, else apiUrl. OAuth access tokens are minted for it. */
  readonly jwtAudience: string;
  readonly tokenTtlSeconds: number;
  readonly tokenSubject: string;
  readonly postgresImage: string;
  readonly postgrestImage: string;
  readonly caddyImage: string;
  readonly dbName: string;
  readonly dbPort: number;
  readonly apiPort: number;
  readonly dbSchemas: readonly string[];
  readonly anonRole: string;
  readonly authenticatedRole: string;
  readonly authenticatorRole: string;
  readonly statementTimeoutMs: number;
  readonly dbMaxRows: number;
  /** With a domain: Caddy's automatic HTTPS for it. */
  readonly domain?: string;
  readonly acmeEmail?: string;
  /** The one origin GPT Builder talks to: https://<domain>, the tunnel's publicUrl, or http://localhost:<apiPort>. */
  readonly origin: string;
  /** PostgREST behind the origin, as GPT Builder calls it (the schema's servers URL). */
  readonly apiUrl: string;
  /** The companion's document behind the origin. */
  readonly openApiUrl: string;
  /** Why GPT Builder would refuse the origin (http, a port, localhost), or undefined when it is fine. */
  readonly originWarning?: string;
  /** What the GPT's schema offers (lib/openapi/select-operations.ts). */
  readonly openapi: { readonly include: readonly string[]; readonly exclude: readonly string[]; readonly readOnly: boolean };
  /** GPT Builder's OAuth option: the companion's authorization server under the origin. */
  readonly oauth: OAuthSettings;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const PROJECT = "postgrest-gpt";
const TEN_YEARS = 10 * 31_536_000;
const ONE_HOUR_MS = 3_600_000;
// Unquoted PostgreSQL identifiers: lower case so that the name in SQL, in PostgREST's env and in a token's `role`
// claim are the same string; 63 bytes is PostgreSQL's NAMEDATALEN limit.
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const RESERVED_ROLES = new Set(["postgres", "public", "none", "current_user", "session_user", "current_role"]);
const SYSTEM_SCHEMAS = new Set(["pg_catalog", "information_schema", "pg_toast", "public"]);

type Raw = (key: ConfigKeyName) => string | undefined;

export function parseStackConfig(raw: Raw): StackConfig {
  const problems: string[] = [];
  const bad = (key: ConfigKeyName, value: string, allowed: string) =>
    problems.push(`${PROJECT}:${key} = ${JSON.stringify(value)}: ${allowed} (pulumi config set ${key} <value>)`);
  const get = (key: ConfigKeyName): string => {
    const value = raw(key);
    return value === undefined ? String(CONFIG_KEYS[key].default) : value;
  };

  const integer = (key: ConfigKeyName, min: number, max: number): number => {
    const value = get(key);
    const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) bad(key, value, `must be a whole number from ${min} to ${max}`);
    return n;
  };

  const identifier = (key: ConfigKeyName, value: string, what: string, reported = value): string => {
    if (!IDENTIFIER.test(value)) {
      bad(key, reported, `${what} must be a lower-case PostgreSQL identifier: a-z, 0-9 and _, not starting with a digit, at most 63 characters`);
    }
    return value;
  };

  const role = (key: ConfigKeyName): string => {
    const value = identifier(key, get(key), "a role name");
    if (RESERVED_ROLES.has(value) || value.startsWith("pg_")) bad(key, value, "is a reserved or superuser role name; choose your own");
    else if (value === OAUTH_ROLE) bad(key, value, `is the OAuth server's own login, owner of the ${OAUTH_SCHEMA} schema; choose another name`);
    return value;
  };

  const image = (key: ConfigKeyName, requireV16: boolean): string => {
    const value = get(key).trim();
    const digest = /@sha256:[0-9a-f]{64}$/.test(value);
    const tag = /^[^\s@]+:([\w][\w.-]{0,127})$/.exec(value)?.[1];
    if (!digest && (tag === undefined || tag === "latest")) {
      bad(key, value, "must pin a version, as name:tag (not latest) or name@sha256:<digest>");
    } else if (requireV16 && !digest && !/^v16(\.\d+)*$/.test(tag!)) {
      bad(key, value, "must be a PostgREST v16.x tag such as postgrest/postgrest:v16.4 (this kit reproduces v16 behaviour)");
    }
    return value;
  };

  const jwtAlgorithm = get("jwtAlgorithm");
  if (!isJwtAlgorithm(jwtAlgorithm)) bad("jwtAlgorithm", jwtAlgorithm, `must be one of ${JWT_ALGORITHMS.join(", ")}`);

  const jwtAudience = get("jwtAudience");
  if (jwtAudience !== "" && (jwtAudience.trim() !== jwtAudience || /[\u0000-\u001f]/.test(jwtAudience))) {
    bad("jwtAudience", jwtAudience, "must be a plain string or URI without surrounding spaces or control characters");
  }

  const ttl = get("tokenTtl");
  const tokenTtlSeconds = parseTtlSeconds(ttl);
  if (tokenTtlSeconds === undefined || tokenTtlSeconds < 60 || tokenTtlSeconds > TEN_YEARS) {
    bad("tokenTtl", ttl, "must be a duration from 60s to 10y: a whole number followed by s, m, h, d, w or y (e.g. 90d)");
  }

  const tokenSubject = get("tokenSubject");
  if (tokenSubject.trim() === "" || tokenSubject.length > 256) bad("tokenSubject", tokenSubject, "must be a non-empty string of at most 256 characters");

  const dbPort = integer("dbPort", 1, 65535);
  const apiPort = integer("apiPort", 1, 65535);
  if (dbPort === apiPort) bad("apiPort", String(apiPort), "must differ from dbPort");

  const schemasValue = get("dbSchemas");
  const schemaList = schemasValue.split(",").map((s) => s.trim());
  for (const schema of schemaList) {
    identifier("dbSchemas", schema, `each schema (here ${JSON.stringify(schema)})`, schemasValue);
    if (SYSTEM_SCHEMAS.has(schema)) {
      bad("dbSchemas", schemasValue, `must not expose a system schema or public (here ${JSON.stringify(schema)}); use a dedicated schema such as api`);
    }
    // Password hashes and refresh tokens: PostgREST must never serve that schema, whatever its grants.
    if (schema === OAUTH_SCHEMA) bad("dbSchemas", schemasValue, `must not expose ${OAUTH_SCHEMA}, the OAuth server's own schema (users, password hashes, tokens)`);
  }
  if (new Set(schemaList).size !== schemaList.length) bad("dbSchemas", schemasValue, "must not list a schema twice");

  const anonRole = role("anonRole");
  const authenticatedRole = role("authenticatedRole");
  const authenticatorRole = role("authenticatorRole");
  if (new Set([anonRole, authenticatedRole, authenticatorRole]).size !== 3) {
    bad("authenticatedRole", authenticatedRole, "anonRole, authenticatedRole and authenticatorRole must be three different roles");
  }

  const timeout = get("statementTimeout");
  const statementTimeoutMs = parseTimeoutMs(timeout);
  if (statementTimeoutMs === undefined || statementTimeoutMs < 1 || statementTimeoutMs > ONE_HOUR_MS) {
    bad("statementTimeout", timeout, "must be a duration from 1ms to 60min: a whole number followed by ms, s or min (e.g. 5s)");
  }

  const domain = get("domain").trim();
  if (domain !== "") {
    const problem = domainProblem(domain);
    if (problem) bad("domain", domain, problem);
  }
  const acmeEmail = get("acmeEmail").trim();
  if (acmeEmail !== "") {
    const problem = acmeEmailProblem(acmeEmail);
    if (problem) bad("acmeEmail", acmeEmail, problem);
    else if (domain === "") bad("acmeEmail", acmeEmail, "is only used with domain (Let's Encrypt); set domain too, or unset acmeEmail");
  }
  const tunnel = get("publicUrl");
  if (domain !== "" && tunnel !== "") bad("publicUrl", tunnel, "cannot be combined with domain: with a domain the origin is https://<domain>; unset one of them");
  const origin = domain !== "" ? `https://${domain}` : publicOrigin(tunnel, apiPort, (value, allowed) => bad("publicUrl", value, allowed));

  const names = (key: ConfigKeyName) => {
    const value = get(key);
    const list = value.split(",").map((n) => n.trim()).filter(Boolean);
    for (const name of list) {
      // Only compared with catalog names, never written into SQL: any name PostgreSQL allows, as it is spelled there.
      if (/[\u0000-\u001f"]/.test(name) || name.length > 127) {
        bad(key, value, `each entry (here ${JSON.stringify(name)}) must be a table, view or function name as the catalog spells it (no quotes), optionally schema-qualified (api.notes)`);
      }
    }
    return list;
  };
  const readOnlyValue = get("openapiReadOnly");
  if (readOnlyValue !== "true" && readOnlyValue !== "false") bad("openapiReadOnly", readOnlyValue, "must be true or false");

  const apiUrl = `${origin}/api`;
  const config: StackConfig = {
    jwtAlgorithm: jwtAlgorithm as JwtAlgorithm,
    // Always an audience: OAuth's ID tokens (aud = the client id) and tokens for other APIs must not pass as access.
    jwtAudience: jwtAudience === "" ? apiUrl : jwtAudience,
    tokenTtlSeconds: tokenTtlSeconds ?? 0,
    tokenSubject,
    postgresImage: image("postgresImage", false),
    postgrestImage: image("postgrestImage", true),
    caddyImage: image("caddyImage", false),
    dbName: identifier("dbName", get("dbName"), "a database name"),
    dbPort,
    apiPort,
    dbSchemas: schemaList,
    anonRole,
    authenticatedRole,
    authenticatorRole,
    statementTimeoutMs: statementTimeoutMs ?? 0,
    dbMaxRows: integer("dbMaxRows", 1, 10_000),
    ...(domain !== "" ? { domain } : {}),
    ...(domain !== "" && acmeEmail !== "" ? { acmeEmail } : {}),
    origin,
    apiUrl,
    openApiUrl: `${origin}/openapi.json`,
    ...(originWarning(origin, apiPort) ? { originWarning: originWarning(origin, apiPort) } : {}),
    openapi: { include: names("openapiInclude"), exclude: names("openapiExclude"), readOnly: readOnlyValue === "true" },
    oauth: parseOAuthSettings(get, origin, bad),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function publicOrigin(value: string, apiPort: number, bad: (value: string, allowed: string) => void): string {
  if (value === "") return `http://localhost:${apiPort}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    bad(value, "must be an absolute http:// or https:// URL, e.g. https://abc.trycloudflare.com");
    return value;
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.search || url.hash || url.username || url.password) {
    bad(value, "must be an http:// or https:// URL without credentials, query or fragment");
  } else if (url.pathname !== "/") {
    bad(value, "must be an origin without a path (the stack serves /api and /openapi.json under it)");
  }
  return url.origin;
}

/** GPT Builder's importer wants https on the default port, and a name a public certificate can cover. */
export function originWarning(origin: string, apiPort: number): string | undefined {
  if (!URL.canParse(origin)) return undefined; // already reported as a bad value
  const url = new URL(origin);
  const reasons = [
    url.protocol !== "https:" ? "it is not https" : "",
    url.port ? `it has a port (${url.port})` : "",
    /^(localhost|127\.|\[::1\])/.test(url.hostname) ? "it is this machine (localhost)" : "",
  ].filter(Boolean);
  if (!reasons.length) return undefined;
  return `GPT Builder cannot use ${origin}: ${reasons.join(", ")}. Set domain for HTTPS on this machine, or run a tunnel to port ${apiPort} and set publicUrl to its https URL (README: "A public HTTPS origin").`;
}
