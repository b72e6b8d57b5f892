// Reads the recorded PostgREST v16 conformance cases and rebuilds, per case, what HARNESS.md says the server
// was configured with and sent. Knows the harness contract, not the expected answers.
import { readdirSync, readFileSync } from "node:fs";
import { CompactSign } from "jose";
import { parse } from "yaml";
import type { PostgrestAuthConfig } from "../../lib/postgrest/index.js";

// CI copies shared/ beside the clone, so it is found relative to this file, not to the working directory.
export const CONFORMANCE_DIR = new URL("../../../shared/postgrest-conformance/", import.meta.url);

export interface ConformanceCase {
  id: number;
  feature: string;
  file: string;
  schema?: string;
  config?: Record<string, unknown>;
  request: {
    method: string;
    path: string;
    headers?: Record<string, string>;
    jwt?: { sign_with: string; payload: unknown };
    /** §3.5 request bodies, in this precedence: body_raw (verbatim), body_json (JSON-encoded), body. */
    body_raw?: string;
    body_json?: unknown;
    body?: unknown;
  };
  expect: CaseExpectations;
}

/** The `expect:` block of an HTTP case (HARNESS.md §4; case.schema.json). */
export interface CaseExpectations {
  status: number;
  headers?: Record<string, string>;
  body_exact?: unknown;
  body_json?: unknown;
  body_contains?: string | string[];
  body_raw?: string;
  body_jsonpath?: Record<string, unknown>[];
  headers_present?: string[];
  headers_absent?: string[];
  headers_match?: Record<string, string>;
  headers_absent_in_value?: Record<string, string[]>;
  headers_no_blank?: boolean;
  status_text?: string;
}

/** Every case whose `feature` starts with `prefix`, in numeric id order (HARNESS.md §7). */
export function loadCases(prefix: string): ConformanceCase[] {
  const dir = new URL("cases/", CONFORMANCE_DIR);
  return readdirSync(dir)
    .filter((name) => name.endsWith(".yaml"))
    .map((file) => ({ ...(parse(readFileSync(new URL(file, dir), "utf8")) as Omit<ConformanceCase, "file">), file }))
    .filter((c) => typeof c.feature === "string" && c.feature.startsWith(prefix))
    .sort((a, b) => a.id - b.id);
}

/** The single signing secret the cases name (§3.2), also the auth instance's jwt-secret (§2.2). */
export const HS256_TEST_SECRET = "reallyreallyreallyreallyverysafe";

// §2.1 bulk instance: no secret, no anonymous role. §2.2 auth instance adds both.
const BULK_CONFIG: PostgrestAuthConfig = {};
const AUTH_CONFIG: PostgrestAuthConfig = { jwtSecret: HS256_TEST_SECRET, dbAnonRole: "postgrest_test_anonymous" };

const AUTH_SETTINGS: Record<string, keyof PostgrestAuthConfig> = {
  "jwt-secret": "jwtSecret",
  "jwt-secret-is-base64": "jwtSecretIsBase64",
  "jwt-aud": "jwtAud",
  "jwt-role-claim-key": "jwtRoleClaimKey",
  "db-anon-role": "dbAnonRole",
};
// Settings the cases carry that act after authentication (pre-request hook, caching, timing headers).
const SETTINGS_AFTER_AUTH = new Set(["db-pre-request", "jwt-cache-max-entries", "server-timing-enabled", "log-level"]);
// §2.5: options a case needs that its YAML does not state.
const HARD_CODED: Record<number, PostgrestAuthConfig> = { 1764: { jwtSecret: undefined } };

/** §2.2: auth/openapi cases and the root path run on the auth instance, everything else on the bulk one. */
export function onAuthInstance(c: ConformanceCase): boolean {
  return c.schema === "auth" || c.schema === "openapi" || c.request.path === "/";
}

/** The auth settings of the server instance the case runs against (§2.3: base, then `config:`, then §2.5). */
export function serverConfig(c: ConformanceCase): PostgrestAuthConfig {
  const config: PostgrestAuthConfig = { ...(onAuthInstance(c) ? AUTH_CONFIG : BULK_CONFIG) };
  for (const [key, value] of Object.entries(c.config ?? {})) {
    if (SETTINGS_AFTER_AUTH.has(key)) continue;
    const setting = AUTH_SETTINGS[key];
    if (!setting) throw new Error(`case ${c.id}: config key "${key}" is not known to this harness`);
    const resolved = key === "jwt-secret" ? resolveSymbolicSecret(value) : value;
    Object.assign(config, { [setting]: resolved ?? undefined });
  }
  return { ...config, ...HARD_CODED[c.id] };
}

// §2.4: two symbolic jwt-secret values stand for the RS256 public JWK printed in §2.6.
function resolveSymbolicSecret(value: unknown): unknown {
  if (value === "asymmetric_jwk_public_key") return asymmetricPublicJwk();
  if (value === "asymmetric_jwks_public_key") return `{"keys":[${asymmetricPublicJwk()}]}`;
  return value;
}

function asymmetricPublicJwk(): string {
  const harness = readFileSync(new URL("HARNESS.md", CONFORMANCE_DIR), "utf8");
  const jwk = /### 2\.6[\s\S]*?```json\n(.*?)\n```/.exec(harness)?.[1];
  if (!jwk) throw new Error("HARNESS.md §2.6 no longer holds the RS256 public JWK");
  return jwk;
}

/** The Authorization header the case sends: its own, else a token minted from `request.jwt` (§3.1). */
export async function authorizationHeader(c: ConformanceCase): Promise<string | undefined> {
  const explicit = literalAuthorization(c);
  if (explicit !== undefined || !c.request.jwt) return explicit;
  const { sign_with, payload } = c.request.jwt;
  if (sign_with !== "hs256_test_secret") throw new Error(`case ${c.id}: unknown sign_with "${sign_with}"`);
  // Signed as-is: payloads carry claim types the server must reject, which SignJWT would refuse to encode.
  const encoder = new TextEncoder();
  const token = await new CompactSign(encoder.encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(encoder.encode(HS256_TEST_SECRET));
  return `Bearer ${token}`;
}

export function literalAuthorization(c: ConformanceCase): string | undefined {
  return headerValue(c.request.headers, "authorization");
}

export function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
  return Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];
}

/** §2.1 `db_schemas`, in order: the first ("test") is the schema of a request without a profile header. */
export const DB_SCHEMAS: readonly string[] = [
  "test",
  "operators",
  "ordering",
  "pagination",
  "representations",
  "mutations",
  "rpc",
  "headers",
  "config",
  "openapi",
  "domain_representations",
  "observability",
  "auth",
  "v1",
  "v2",
  'SPECIAL "@/\\#~_-',
  "تست",
];

/** §2.2 `db_pre_request` of the auth instance (none on the bulk one), unless the case's `config:` sets its own. */
export function preRequestFunction(c: ConformanceCase): string | undefined {
  const config = c.config ?? {};
  if ("db-pre-request" in config) {
    const value = config["db-pre-request"];
    if (value !== null && typeof value !== "string") throw new Error(`case ${c.id}: db-pre-request must be a string`);
    return value ?? undefined;
  }
  return onAuthInstance(c) ? "auth.switch_role" : undefined;
}

/**
 * Every header the harness sends (§3.3, §3.1, §3.4): the case's own, the minted `Authorization` unless the case
 * set one, and `Accept-Profile: <schema>` for a schema label other than test/public unless the case set one.
 */
export async function requestHeaders(c: ConformanceCase): Promise<Record<string, string>> {
  const headers: Record<string, string> = { ...c.request.headers };
  const authorization = await authorizationHeader(c);
  if (authorization !== undefined && literalAuthorization(c) === undefined) headers.Authorization = authorization;
  const label = c.schema;
  if (label !== undefined && label !== "public" && label !== "test" && headerValue(headers, "accept-profile") === undefined) {
    headers["Accept-Profile"] = label;
  }
  return headers;
}

/** The request body on the wire (§3.5), or undefined when the case sends none. */
export function requestBody(c: ConformanceCase): string | undefined {
  const { request } = c;
  if (request.body_raw !== undefined) return request.body_raw;
  if (request.body_json !== undefined) return JSON.stringify(request.body_json);
  if (request.body !== undefined) return typeof request.body === "string" ? request.body : JSON.stringify(request.body);
  return undefined;
}
