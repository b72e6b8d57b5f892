import { DatabaseError, type QueryResult, type QueryResultRow } from "pg";
import type { PostgrestError } from "../postgrest/errors.js";
import { postgrestErrorFromPg } from "./postgrest-error.js";
import { loadRoleSettings, type IsolationLevel, type RoleSettingsMap } from "./role-settings.js";
import {
  qualifiedName,
  requestCookies,
  requestHeaders,
  requestSettingsQuery,
  type RequestHeaders,
} from "./request-settings.js";
import type { SqlClient } from "./sql-client.js";

export type Volatility = "volatile" | "stable" | "immutable";

export interface RequestContext {
  /** From the JWT module's authenticate(): the role to impersonate, */
  readonly role: string;
  /** the verified claims (the runner overwrites `role` in them, as PostgREST does), */
  readonly claims: Readonly<Record<string, unknown>>;
  /** and whether the request runs as the anonymous role (decides 401 vs 403 on permission errors). */
  readonly anonymous: boolean;
  readonly method: string;
  /** The URL path, e.g. `/notes` or `/rpc/search_notes`. */
  readonly path: string;
  readonly headers?: RequestHeaders;
  /** db-schemas: the first is the default; Accept-Profile / Content-Profile may pick another. */
  readonly schemas: readonly string[];
  /** db-extra-search-path, default ["public"]. */
  readonly extraSearchPath?: readonly string[];
  /** db-pre-request: `schema.function` or `function`, called after the settings, before the main query. */
  readonly preRequest?: string;
  /**
   * Set when the request calls a function (/rpc/...): PostgREST then decides the transaction mode by the
   * function's volatility instead of the method (GET/HEAD: read only; otherwise read write only when volatile).
   */
  readonly rpcVolatility?: Volatility;
  /** Role settings as loaded by loadRoleSettings (PostgREST caches them); read from the database when absent. */
  readonly roleSettings?: RoleSettingsMap;
}

export interface SqlQuery {
  readonly text: string;
  readonly values?: readonly unknown[];
}

export type RequestResult<R extends QueryResultRow> =
  | { readonly ok: true; readonly result: QueryResult<R> }
  | { readonly ok: false; readonly error: PostgrestError };

const WRITE_METHODS = new Set(["POST", "PATCH", "PUT", "DELETE"]);

/**
 * Runs `query` the way PostgREST v16 runs a request (MainTx.hs + Query/PreQuery.hs), on a connection logged in
 * as the authenticator:
 *
 *   BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY|READ WRITE;
 *   select set_config('search_path', ..), <role settings>, set_config('role', ..), set_config('request.*', ..);
 *   select "schema"."pre_request"();          -- only with preRequest
 *   <query>;
 *   COMMIT;                                   -- ROLLBACK on any error
 *
 * PostgreSQL errors come back as PostgREST's error response; other errors (a broken connection) are thrown.
 */
export async function runRequest<R extends QueryResultRow = QueryResultRow>(
  client: SqlClient,
  ctx: RequestContext,
  query: SqlQuery,
): Promise<RequestResult<R>> {
  const method = ctx.method.toUpperCase();
  const headers = ctx.headers ?? {};
  const schema = requestSchema(ctx.schemas, method, headers);
  if (!schema.ok) return schema;

  const authenticated = !ctx.anonymous;
  let inTransaction = false;
  try {
    const roleSettings = (ctx.roleSettings ?? (await loadRoleSettings(client))).get(ctx.role);
    const isolation: IsolationLevel = roleSettings?.isolationLevel ?? "READ COMMITTED";
    await client.query(`BEGIN ISOLATION LEVEL ${isolation} ${readWrite(method, ctx.rpcVolatility)}`);
    inTransaction = true;

    const settings = requestSettingsQuery({
      searchPath: [schema.schema, ...(ctx.extraSearchPath ?? ["public"])],
      roleSettings,
      role: ctx.role,
      claims: ctx.claims,
      method,
      path: ctx.path,
      headers: requestHeaders(headers),
      cookies: requestCookies(headers),
    });
    await client.query(settings.text, settings.values);
    if (ctx.preRequest) await client.query(`select ${qualifiedName(ctx.preRequest)}()`);
    const result = await client.query<R>(query.text, query.values ? [...query.values] : undefined);
    await client.query("COMMIT");
    return { ok: true, result };
  } catch (error) {
    if (inTransaction) await client.query("ROLLBACK").catch(() => undefined);
    if (error instanceof DatabaseError) return { ok: false, error: postgrestErrorFromPg(error, authenticated) };
    throw error;
  }
}

// Plan.hs: reads are READ ONLY, mutations READ WRITE; a function call goes by its volatility.
function readWrite(method: string, rpcVolatility: Volatility | undefined): "READ ONLY" | "READ WRITE" {
  if (rpcVolatility !== undefined) {
    const invokedForRead = method === "GET" || method === "HEAD";
    return !invokedForRead && rpcVolatility === "volatile" ? "READ WRITE" : "READ ONLY";
  }
  return WRITE_METHODS.has(method) ? "READ WRITE" : "READ ONLY";
}

/**
 * The request's schema (ApiRequest.hs `getSchema`): Content-Profile for POST/PATCH/PUT/DELETE, Accept-Profile
 * otherwise, must name one of db-schemas (else PGRST106); without the header, the first schema.
 */
export function requestSchema(
  schemas: readonly string[],
  method: string,
  headers: RequestHeaders,
): { ok: true; schema: string } | { ok: false; error: PostgrestError } {
  if (schemas.length === 0) throw new Error("runRequest: at least one schema is required");
  const wanted = WRITE_METHODS.has(method) ? "content-profile" : "accept-profile";
  const entry = Object.entries(headers).find(([name]) => name.toLowerCase() === wanted)?.[1];
  const profile = typeof entry === "string" ? entry : entry?.[0];
  if (profile === undefined) return { ok: true, schema: schemas[0]! };
  if (schemas.includes(profile)) return { ok: true, schema: profile };
  return {
    ok: false,
    error: {
      status: 406,
      code: "PGRST106",
      message: `Invalid schema: ${profile}`,
      details: null,
      hint: `Only the following schemas are exposed: ${schemas.join(", ")}`,
    },
  };
}
