// Test support for running the recorded PostgREST v16 conformance cases end to end against a real PostgreSQL:
// the fixture database of HARNESS.md §1, a minimal PostgREST query builder for the request shapes the auth cases
// use, the HTTP response PostgREST would render from what lib/postgrest and lib/db decided, and the §4 assertions.
// None of this is product code: every shape it does not know is refused loudly, never approximated.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { expect } from "vitest";
import { requestSchema, type SqlClient, type SqlQuery, type Volatility } from "../../lib/db/index.js";
import type { PostgrestError } from "../../lib/postgrest/index.js";
import type { CaseExpectations } from "../conformance/load-cases.js";

const ident = (name: string) => pg.escapeIdentifier(name);

// ---------------------------------------------------------------------------------------------------------------
// §1 Database build
// ---------------------------------------------------------------------------------------------------------------

/** The three roles 01_roles.sql creates; cluster-wide and shared by design ("safe to run against a shared cluster"). */
export const FIXTURE_ROLES = ["postgrest_test_anonymous", "postgrest_test_default_role", "postgrest_test_author"] as const;

export interface ConformanceDatabase {
  readonly name: string;
  /** LOGIN NOINHERIT, member of the three fixture roles: PostgREST's authenticator, with a per-run name. */
  readonly authenticatorRole: string;
  /** Superuser on the fixture database: stands in for PostgREST's schema cache (catalog reads only). */
  readonly catalog: pg.Client;
  /** Logged in as the authenticator: what every request runs on, as PostgREST's pool connections do. */
  readonly authenticator: pg.Client;
  drop(): Promise<void>;
}

/**
 * Builds the fixture database per HARNESS.md §1 on the server `adminUrl` (a superuser URL): 01_roles.sql on the
 * maintenance database, a fresh byte-collated database, 02_base.sql loaded with PGTZ=UTC semantics, then the
 * `auth` schema (see AUTH_AREA_SCHEMA_SQL). 03_supplement (cases must not depend on it), 04_postgis (PostGIS
 * cases only), 05_corrections (two test.complex_items seeds) and 07_analyze (planner estimates) are not in the
 * shared folder and none of them touches an object the auth cases use.
 */
export async function createConformanceDatabase(adminUrl: string, fixturesDir: URL): Promise<ConformanceDatabase> {
  const run = randomBytes(5).toString("hex");
  const name = `pgrst_conf_${run}`;
  const authenticatorRole = `pgrst_conf_${run}_authenticator`;
  const password = `authn-${randomBytes(12).toString("hex")}`;
  const rolesSql = readFixture(fixturesDir, "01_roles.sql");
  const baseSql = readFixture(fixturesDir, "02_base.sql");

  const catalog = new pg.Client(urlFor(adminUrl, { database: name }));
  const authenticator = new pg.Client(urlFor(adminUrl, { database: name, user: authenticatorRole, password }));
  const drop = async () => {
    await Promise.all([catalog.end(), authenticator.end()].map((p) => p.catch(() => undefined)));
    const cleanup = new pg.Client(adminUrl);
    await cleanup.connect();
    try {
      await cleanup.query(`drop database if exists ${ident(name)} with (force)`);
      // The fixture roles stay: 01_roles.sql is idempotent and shared by every run on the cluster.
      await cleanup.query(`drop role if exists ${ident(authenticatorRole)}`);
    } finally {
      await cleanup.end();
    }
  };

  try {
    const admin = new pg.Client(adminUrl);
    await admin.connect();
    try {
      await createFixtureRoles(admin, rolesSql);
      await admin.query(`create role ${ident(authenticatorRole)} login noinherit password ${pg.escapeLiteral(password)}`);
      await admin.query(`grant ${FIXTURE_ROLES.map(ident).join(", ")} to ${ident(authenticatorRole)}`);
      await admin.query(`create database ${ident(name)} template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`);
    } finally {
      await admin.end();
    }
    // A loader session of its own: 02_base.sql leaves `search_path = test, public` behind.
    const loader = new pg.Client(urlFor(adminUrl, { database: name }));
    await loader.connect();
    try {
      // What PGTZ=UTC does for psql: timestamptz literals without an offset are read as UTC.
      await loader.query("set timezone = 'UTC'");
      // One simple-protocol query runs the statements in order and stops at the first error (ON_ERROR_STOP=1);
      // the file's own BEGIN/COMMIT behave as under psql.
      await loader.query(baseSql);
      await loader.query(AUTH_AREA_SCHEMA_SQL);
    } finally {
      await loader.end();
    }
    await catalog.connect();
    await authenticator.connect();
  } catch (error) {
    await drop();
    throw error;
  }
  return { name, authenticatorRole, catalog, authenticator, drop };
}

function readFixture(dir: URL, file: string): string {
  const sql = readFileSync(new URL(file, dir), "utf8");
  const found = psqlOnlySyntax(sql);
  if (found) throw new Error(`fixtures/${file} uses psql-only syntax (${found}); it cannot be run through pg`);
  return sql;
}

async function createFixtureRoles(admin: pg.Client, rolesSql: string): Promise<void> {
  // The DO blocks check, then create: two runs on one cluster can race between the two. Running it again after
  // the other run created the role is exactly the idempotence the file promises.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(rolesSql);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt < 2 && (code === "23505" || code === "42710")) continue;
      throw error;
    }
  }
}

function urlFor(base: string, { database, user, password }: { database: string; user?: string; password?: string }) {
  const url = new URL(base);
  if (user !== undefined) url.username = encodeURIComponent(user);
  if (password !== undefined) url.password = encodeURIComponent(password);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/**
 * The first psql meta-command (`\...`) or variable interpolation (`:name`, `:'name'`, `:"name"`) outside string
 * literals, quoted identifiers, dollar-quoted bodies and comments, or undefined when the text is plain SQL.
 */
export function psqlOnlySyntax(sql: string): string | undefined {
  // Sticky patterns, tried at each position in turn: what psql passes through untouched, then what it acts on.
  const comment = /--[^\n]*|\/\*[\s\S]*?\*\//y;
  const escapeString = /[Ee]'(?:[^'\\]|\\[\s\S]|'')*'/y;
  const quoted = /'(?:[^']|'')*'|"(?:[^"]|"")*"|::/y;
  const dollarOpen = /\$([A-Za-z_]\w*)?\$/y;
  const metaCommand = /\\\S*/y;
  const variable = /:['"]?[A-Za-z_]\w*/y;
  const at = (re: RegExp, i: number) => ((re.lastIndex = i), re.exec(sql));
  let i = 0;
  while (i < sql.length) {
    const skipped =
      at(comment, i) ?? (/\w/.test(sql[i - 1] ?? "") ? null : at(escapeString, i)) ?? at(quoted, i);
    if (skipped) {
      i += skipped[0].length;
      continue;
    }
    const dollar = at(dollarOpen, i);
    if (dollar) {
      const close = sql.indexOf(dollar[0], i + dollar[0].length);
      if (close === -1) return `an unterminated ${dollar[0]} quote`;
      i = close + dollar[0].length;
      continue;
    }
    const found = at(metaCommand, i) ?? at(variable, i);
    if (found) return JSON.stringify(found[0]);
    i += 1;
  }
  return undefined;
}

/**
 * The `auth` schema label. The harness's 06_area_schemas.sql (generated, not in the shared folder; see
 * fixtures/06_area_schemas.EXCERPT_auth_head.sql) builds a real `auth` schema instead of mapping the label to
 * `test`. Recreating it is more faithful than mapping auth -> test, because the cases observe the difference:
 * a GET with `Accept-Profile: auth` sets search_path to "auth", and a permission error must still name the
 * *table* ("permission denied for table authors_only", case 1450), which only holds when the `auth` relations
 * are security-invoker views over the `test` tables, granted to every fixture role so the check falls through
 * to the base table's grants. Its generator (milmazz/postgrest-conformance tools/regen_area_schemas.exs,
 * `load_auth_schema`) does exactly that for the four tables the auth cases read, grants USAGE on the schema to
 * the three fixture roles, and wraps the `test` functions as below (the wrappers are copied from the excerpt,
 * which shows their volatility: the ones without a volatility are VOLATILE), revoking privileged_hello from
 * PUBLIC and granting it to the author as test.privileged_hello is.
 *
 * Only GETs reach these objects: PostgREST picks the schema of a POST from Content-Profile, which the harness
 * never sends, so every POST /rpc case runs against `test` (lib/db's requestSchema decides this, as PostgREST).
 */
export const AUTH_AREA_SCHEMA_SQL = `
create schema auth;
grant usage on schema auth to postgrest_test_anonymous, postgrest_test_default_role, postgrest_test_author;

create view auth.authors_only with (security_invoker = true) as select * from test.authors_only;
create view auth.private_table with (security_invoker = true) as select * from test.private_table;
create view auth.items with (security_invoker = true) as select * from test.items;
create view auth.has_count_column with (security_invoker = true) as select * from test.has_count_column;
grant select, insert, update, delete
  on auth.authors_only, auth.private_table, auth.items, auth.has_count_column
  to postgrest_test_anonymous, postgrest_test_default_role, postgrest_test_author;

CREATE FUNCTION auth.get_current_user() RETURNS text
    LANGUAGE sql STABLE
    AS $$ SELECT test.get_current_user(); $$;
CREATE FUNCTION auth.get_guc_value(name text) RETURNS text
    LANGUAGE sql
    AS $$ SELECT test.get_guc_value(name); $$;
CREATE FUNCTION auth.get_guc_value(prefix text, name text) RETURNS text
    LANGUAGE sql
    AS $$ SELECT test.get_guc_value(prefix, name); $$;
CREATE FUNCTION auth.jwt_test() RETURNS public.jwt_token
    LANGUAGE sql
    AS $$ SELECT test.jwt_test(); $$;
CREATE FUNCTION auth.login(id text, pass text) RETURNS public.jwt_token
    LANGUAGE sql STABLE
    AS $$ SELECT test.login(id, pass); $$;
CREATE FUNCTION auth.privileged_hello(name text) RETURNS text
    LANGUAGE sql
    AS $$ SELECT test.privileged_hello(name); $$;
CREATE FUNCTION auth.reveal_big_jwt() RETURNS TABLE(iss text, sub text, exp bigint, nbf bigint, iat bigint, jti text, "http://postgrest.com/foo" boolean)
    LANGUAGE sql STABLE
    AS $$ SELECT * FROM test.reveal_big_jwt(); $$;
CREATE FUNCTION auth.switch_role() RETURNS void
    LANGUAGE plpgsql
    AS $$ BEGIN PERFORM test.switch_role(); END $$;

revoke execute on function auth.privileged_hello(text) from public;
grant execute on function auth.privileged_hello(text) to postgrest_test_author;
`;

// ---------------------------------------------------------------------------------------------------------------
// A minimal PostgREST v16 query builder: GET /<relation>, GET /rpc/<fn>?<args>, POST /rpc/<fn> with a JSON object
// ---------------------------------------------------------------------------------------------------------------

export interface HttpRequest {
  readonly method: string;
  /** As on the wire, with its query string. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface PlannedRequest {
  /** The path without its query string: what PostgREST puts in request.path. */
  readonly path: string;
  readonly query: SqlQuery;
  /** For /rpc: the function's volatility, which decides the transaction mode. */
  readonly rpcVolatility?: Volatility;
  /** Turns the single row the query returns into the response PostgREST sends. */
  render(rows: readonly Record<string, unknown>[]): HttpResponse;
}

/** Thrown for any request this builder does not reproduce: a case needing it must fail, not pass by accident. */
export class UnsupportedRequest extends Error {}

type MediaType = "application/json" | "application/vnd.pgrst.object+json";

/**
 * What PostgREST would run for `req`, planned from the catalog as its schema cache would. The schema comes from
 * lib/db's requestSchema (Accept-Profile for GET, Content-Profile for POST), so it is the one runRequest uses;
 * a profile PostgREST refuses comes back as that error.
 */
export async function planRequest(
  catalog: SqlClient,
  schemas: readonly string[],
  req: HttpRequest,
): Promise<{ ok: true; plan: PlannedRequest } | { ok: false; error: PostgrestError }> {
  const method = req.method.toUpperCase();
  const url = new URL(req.path, "http://postgrest.invalid");
  const segments = url.pathname.split("/").slice(1).map(decodeURIComponent);
  for (const name of ["prefer", "range", "range-unit"]) {
    if (header(req.headers, name) !== undefined) throw new UnsupportedRequest(`the ${name} header is not reproduced`);
  }
  const schema = requestSchema(schemas, method, req.headers);
  if (!schema.ok) return schema;
  const media = negotiate(header(req.headers, "accept"));

  if (segments.length === 1 && segments[0] !== "" && segments[0] !== "rpc") {
    if (method !== "GET") throw new UnsupportedRequest(`${method} on a relation is not reproduced, only GET`);
    if (url.search !== "") throw new UnsupportedRequest(`query parameters on a relation (${url.search}) are not reproduced`);
    if (req.body !== undefined) throw new UnsupportedRequest("a GET with a body is not reproduced");
    return { ok: true, plan: await planRead(catalog, schema.schema, segments[0]!, url.pathname, media) };
  }
  if (segments.length === 2 && segments[0] === "rpc" && segments[1] !== "") {
    const args = rpcArguments(method, url, req);
    return { ok: true, plan: await planCall(catalog, schema.schema, segments[1]!, args, url.pathname, media) };
  }
  throw new UnsupportedRequest(`${method} ${req.path} is not a shape this builder reproduces`);
}

function negotiate(accept: string | undefined): MediaType {
  if (accept === undefined || accept === "*/*" || accept === "application/json") return "application/json";
  if (accept === "application/vnd.pgrst.object+json") return accept;
  throw new UnsupportedRequest(`Accept: ${accept} is not reproduced`);
}

function rpcArguments(method: string, url: URL, req: HttpRequest): Record<string, unknown> {
  if (method === "GET") {
    if (req.body !== undefined) throw new UnsupportedRequest("a GET with a body is not reproduced");
    const args: Record<string, string> = {};
    for (const [key, value] of url.searchParams) {
      if (key in args) throw new UnsupportedRequest(`repeated query parameter ${key} (variadic) is not reproduced`);
      args[key] = value;
    }
    return args;
  }
  if (method !== "POST") throw new UnsupportedRequest(`${method} /rpc is not reproduced, only GET and POST`);
  if (url.search !== "") throw new UnsupportedRequest(`query parameters on POST /rpc (${url.search}) are not reproduced`);
  const contentType = header(req.headers, "content-type");
  if (contentType === undefined || !/^application\/json(\s*;\s*charset=utf-8)?$/i.test(contentType)) {
    throw new UnsupportedRequest(`POST /rpc with Content-Type ${contentType ?? "(none)"} is not reproduced`);
  }
  const body: unknown = JSON.parse(req.body ?? "");
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new UnsupportedRequest("POST /rpc with a body other than one JSON object is not reproduced");
  }
  return body as Record<string, unknown>;
}

// PostgREST's read: the rows of the relation, aggregated with json_agg (`[]` when there are none).
async function planRead(
  catalog: SqlClient,
  schema: string,
  relation: string,
  path: string,
  media: MediaType,
): Promise<PlannedRequest> {
  const { rows } = await catalog.query(
    `select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'v', 'm', 'f', 'p')`,
    [schema, relation],
  );
  if (rows.length === 0) throw new UnsupportedRequest(`${schema}.${relation} does not exist (PGRST205 is not reproduced)`);
  const qualified = `${ident(schema)}.${ident(relation)}`;
  const source = `select ${qualified}.* from ${qualified}`;
  const body = media === "application/json" ? JSON_ARRAY : JSON_FIRST_ROW;
  return { path, query: { text: mainQuery(source, body) }, render: renderer(media) };
}

interface FunctionRow {
  volatility: "v" | "s" | "i";
  returns_set: boolean;
  composite: boolean;
  return_type: string;
  arg_names: string[];
  arg_types: string[];
  arg_modes: string[] | null;
  arg_count: number;
  arg_defaults: number;
}

// PostgREST's call: named arguments read from the JSON payload with json_to_record, typed as the function's.
async function planCall(
  catalog: SqlClient,
  schema: string,
  name: string,
  args: Record<string, unknown>,
  path: string,
  media: MediaType,
): Promise<PlannedRequest> {
  // Composite as PostgREST's schema cache decides it: a composite return type, or TABLE/OUT/INOUT arguments.
  const { rows } = await catalog.query<FunctionRow>(
    `select p.provolatile as volatility, p.proretset as returns_set,
            (t.typtype = 'c' or coalesce(p.proargmodes::text[] && '{t,b,o}', false)) as composite,
            format_type(p.prorettype, null) as return_type,
            coalesce(p.proargnames, '{}') as arg_names,
            array(select format_type(a, null) from unnest(p.proargtypes) a) as arg_types,
            p.proargmodes::text[] as arg_modes, p.pronargs as arg_count, p.pronargdefaults as arg_defaults
       from pg_proc p
       join pg_namespace n on n.oid = p.pronamespace
       join pg_type t on t.oid = p.prorettype
      where n.nspname = $1 and p.proname = $2 and p.prokind = 'f'`,
    [schema, name],
  );
  const keys = Object.keys(args);
  const candidates = rows.map((row) => ({ row, params: inputParameters(schema, name, row) }));
  // PostgREST's overload choice for named arguments: every key names a parameter, every required one is given.
  const matching = candidates.filter(
    ({ params }) => keys.every((k) => params.some((p) => p.name === k)) && params.every((p) => p.optional || keys.includes(p.name)),
  );
  if (matching.length !== 1) {
    throw new UnsupportedRequest(
      `${schema}.${name}(${keys.join(", ")}) matches ${matching.length} of ${rows.length} functions (PGRST202/203 are not reproduced)`,
    );
  }
  const { row: fn, params } = matching[0]!;
  if (fn.return_type === "void") throw new UnsupportedRequest(`${schema}.${name} returns void: the 204 is not reproduced`);
  if (fn.return_type === "record" && !fn.composite) throw new UnsupportedRequest(`${schema}.${name} returns a bare record`);

  const given = params.filter((p) => keys.includes(p.name));
  const call = `${ident(schema)}.${ident(name)}(${given.map((p) => `${ident(p.name)} := pgrst_body.${ident(p.name)}`).join(", ")})`;
  const payload = given.length === 0 ? "" : `json_to_record($1::json) as pgrst_body(${given.map((p) => `${ident(p.name)} ${p.type}`).join(", ")})`;
  const source = fn.composite
    ? `select pgrst_call.* from ${payload === "" ? "" : `${payload}, lateral `}${call} pgrst_call`
    : `select ${call} as pgrst_scalar${payload === "" ? "" : ` from ${payload}`}`;
  let body: string;
  if (media === "application/vnd.pgrst.object+json") {
    if (!fn.composite) throw new UnsupportedRequest(`a singular response from the scalar ${schema}.${name} is not reproduced`);
    body = JSON_FIRST_ROW;
  } else if (fn.composite) {
    body = fn.returns_set ? JSON_ARRAY : JSON_FIRST_ROW;
  } else {
    body = fn.returns_set
      ? `coalesce(json_agg(_postgrest_t.pgrst_scalar), '[]')::text`
      : `coalesce((json_agg(_postgrest_t.pgrst_scalar)->0)::text, 'null')`;
  }
  const volatility: Volatility = ({ v: "volatile", s: "stable", i: "immutable" } as const)[fn.volatility];
  const values = given.length === 0 ? [] : [JSON.stringify(args)];
  return { path, query: { text: mainQuery(source, body), values }, rpcVolatility: volatility, render: renderer(media) };
}

interface Parameter {
  name: string;
  type: string;
  optional: boolean;
}

function inputParameters(schema: string, name: string, fn: FunctionRow): Parameter[] {
  const modes = fn.arg_modes ?? fn.arg_types.map(() => "i");
  if (modes.some((m) => m === "v" || m === "b")) throw new UnsupportedRequest(`${schema}.${name}: VARIADIC/INOUT is not reproduced`);
  const names = fn.arg_names.filter((_, i) => modes[i] === "i");
  if (names.length !== fn.arg_count || names.some((n) => n === "")) {
    throw new UnsupportedRequest(`${schema}.${name}: unnamed parameters are not reproduced`);
  }
  return names.map((n, i) => ({ name: n, type: fn.arg_types[i]!, optional: i >= fn.arg_count - fn.arg_defaults }));
}

const JSON_ARRAY = `coalesce(json_agg(_postgrest_t), '[]')::text`;
const JSON_FIRST_ROW = `coalesce((json_agg(_postgrest_t)->0)::text, 'null')`;

// The outer statement of PostgREST's read and call plans: row count, rendered body, and the response GUCs.
function mainQuery(source: string, body: string): string {
  return `with pgrst_source as (${source})
select pg_catalog.count(_postgrest_t)::int as page_total, ${body} as body,
       nullif(current_setting('response.headers', true), '') as response_headers,
       nullif(current_setting('response.status', true), '') as response_status
  from (select * from pgrst_source) _postgrest_t`;
}

function renderer(media: MediaType): PlannedRequest["render"] {
  return (rows) => {
    const [row] = rows as { page_total: number; body: string; response_headers: string | null; response_status: string | null }[];
    if (rows.length !== 1 || row === undefined) throw new Error(`the main query returned ${rows.length} rows`);
    if (row.response_headers !== null || row.response_status !== null) {
      throw new UnsupportedRequest("response.headers / response.status set by SQL are not reproduced");
    }
    if (media === "application/vnd.pgrst.object+json" && row.page_total !== 1) {
      throw new UnsupportedRequest(`a singular response over ${row.page_total} rows (PGRST116) is not reproduced`);
    }
    return { status: 200, headers: { "Content-Type": `${media}; charset=utf-8` }, body: row.body };
  };
}

/** PostgREST's error response: the JSON error object, and the WWW-Authenticate challenge when it has one. */
export function errorResponse(error: PostgrestError): HttpResponse {
  const { code, details, hint, message } = error;
  return {
    status: error.status,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      ...(error.wwwAuthenticate === undefined ? {} : { "WWW-Authenticate": error.wwwAuthenticate }),
    },
    body: JSON.stringify({ code, details, hint, message }),
  };
}

function header(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  return Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
}

// ---------------------------------------------------------------------------------------------------------------
// §4 Assertion semantics
// ---------------------------------------------------------------------------------------------------------------

/** Checks every key of a case's `expect:` against the response; an assertion key not known here fails. */
export function expectResponse(expected: CaseExpectations, response: HttpResponse): void {
  const headerOf = (name: string) => header(response.headers, name.toLowerCase());
  for (const [key, value] of Object.entries(expected) as [keyof CaseExpectations, unknown][]) {
    switch (key) {
      case "status":
        expect(response.status, `status (body: ${response.body})`).toBe(value);
        break;
      case "headers":
        for (const [name, want] of Object.entries(value as Record<string, string>)) {
          expect(headerOf(name), `header ${name}`).toBe(want);
        }
        break;
      case "headers_present":
        for (const name of value as string[]) expect(headerOf(name), `header ${name} present`).toBeDefined();
        break;
      case "headers_absent":
        for (const name of value as string[]) expect(headerOf(name), `header ${name} absent`).toBeUndefined();
        break;
      case "headers_match":
        for (const [name, pattern] of Object.entries(value as Record<string, string>)) {
          expect(headerOf(name), `header ${name} matches /${pattern}/`).toMatch(new RegExp(pattern));
        }
        break;
      case "headers_absent_in_value":
        for (const [name, parts] of Object.entries(value as Record<string, string[]>)) {
          for (const part of parts) expect(headerOf(name) ?? "", `header ${name} without "${part}"`).not.toContain(part);
        }
        break;
      case "headers_no_blank":
        if (value === true) {
          for (const [name, v] of Object.entries(response.headers)) expect(v.trim(), `header ${name} not blank`).not.toBe("");
        }
        break;
      case "body_exact":
      case "body_json":
        if (value === null) expect(response.body, "empty body").toBe("");
        else expect(JSON.parse(response.body), "body").toEqual(value);
        break;
      case "body_raw":
        expect(response.body, "raw body").toBe(value);
        break;
      case "body_contains":
        for (const part of typeof value === "string" ? [value] : (value as string[])) {
          expect(response.body, "body contains").toContain(part);
        }
        break;
      case "body_jsonpath":
        for (const entry of value as Record<string, unknown>[]) expectJsonPath(JSON.parse(response.body), entry);
        break;
      default:
        // status_text included: a reason phrase is not something this runner can observe (§4 allows listing it).
        throw new Error(`expect.${key} is not an assertion this runner implements`);
    }
  }
}

function expectJsonPath(document: unknown, entry: Record<string, unknown>): void {
  const { path, ...predicate } = entry;
  if (typeof path !== "string") throw new Error(`body_jsonpath entry without a path: ${JSON.stringify(entry)}`);
  const found = jsonPathValue(document, path);
  const [kind, ...others] = Object.keys(predicate);
  if (kind === undefined || others.length > 0) throw new Error(`body_jsonpath ${path}: exactly one predicate expected`);
  if (kind === "equals") expect(found, `body at ${path}`).toEqual({ value: predicate.equals });
  else if ((kind === "present" || kind === "exists") && predicate[kind] === true) expect(found, `body at ${path}`).toBeDefined();
  else if (kind === "absent" && predicate.absent === true) expect(found, `body at ${path}`).toBeUndefined();
  else throw new Error(`body_jsonpath ${path}: predicate ${kind} is not implemented`);
}

// Member (.name, ['name'], ["name"]) and index ([n]) steps only; anything else is refused.
function jsonPathValue(document: unknown, path: string): { value: unknown } | undefined {
  const steps = [...path.slice(1).matchAll(/\.([A-Za-z_][\w-]*)|\[(?:'([^']*)'|"([^"]*)"|(\d+))\]/g)];
  if (!path.startsWith("$") || steps.map(([text]) => text).join("") !== path.slice(1)) {
    throw new Error(`body_jsonpath ${path}: only member and index steps are implemented`);
  }
  let node: { value: unknown } | undefined = { value: document };
  for (const [, name, single, double, index] of steps) {
    const value: unknown = node?.value;
    const member = name ?? single ?? double;
    if (member !== undefined) {
      node = typeof value === "object" && value !== null && !Array.isArray(value) && member in value
        ? { value: (value as Record<string, unknown>)[member] }
        : undefined;
    } else {
      node = Array.isArray(value) && Number(index) < value.length ? { value: value[Number(index)] } : undefined;
    }
  }
  return node;
}
