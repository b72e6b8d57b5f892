// The recorded `auth/*` cases end to end: lib/postgrest decides what PostgREST decides from the Authorization
// header; an accepted request then runs through lib/db's runRequest on a real database built from the harness
// fixtures (HARNESS.md §1), with the server settings of the case's instance (§2), the headers and body the harness
// sends (§3), and every key of the case's `expect:` checked as §4 says. The HTTP response is rendered by
// test/support/conformance-db.ts the way PostgREST renders it; that module refuses any request shape it does not
// reproduce, so a case can only pass on behaviour our modules actually have.
//
// Server settings no module of ours reproduces are ignored: `db-tx-end = rollback` (runRequest commits; no auth
// case writes), `jwt-cache-max-entries` (no cache: every token is decoded, which a cache must be indistinguishable
// from) and `server-timing-enabled` (no Server-Timing header at all; a case asserting one would fail on it).
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { loadRoleSettings, runRequest, type RoleSettingsMap } from "../../lib/db/index.js";
import { authenticate, type PostgrestAuthConfig } from "../../lib/postgrest/index.js";
import {
  createConformanceDatabase,
  errorResponse,
  expectResponse,
  planRequest,
  psqlOnlySyntax,
  UnsupportedRequest,
  type ConformanceDatabase,
  type HttpRequest,
  type HttpResponse,
} from "../support/conformance-db.js";
import {
  CONFORMANCE_DIR,
  DB_SCHEMAS,
  headerValue,
  loadCases,
  preRequestFunction,
  requestBody,
  requestHeaders,
  serverConfig,
  type ConformanceCase,
} from "./load-cases.js";

const cases = loadCases("auth/");

/**
 * HARNESS.md §6: cases our modules deliberately do not reproduce, by id, with the reason and a pin on the exact
 * recorded value the decision was made against. Each still runs and FAILS with its reason; one that starts to
 * pass fails too, until it is taken off this list. A bug is never a divergence: it is listed here only while
 * its owner fixes it, with a reason starting "BUG:".
 */
const DIVERGENCES: Record<number, { reason: string; pin: { path: string[]; value: unknown } }> = {};

let db: ConformanceDatabase;
let roleSettings: RoleSettingsMap;

beforeAll(async () => {
  db = await createConformanceDatabase(inject("databaseUrl"), new URL("fixtures/", CONFORMANCE_DIR));
  // PostgREST reads the role settings once, with its schema cache.
  roleSettings = await loadRoleSettings(db.authenticator);
});
afterAll(() => db?.drop());

/** The response PostgREST gives the case's request, from our modules' decisions. */
async function respond(c: ConformanceCase): Promise<HttpResponse> {
  const request = { method: c.request.method, path: c.request.path, headers: await requestHeaders(c), body: requestBody(c) };
  return serve(request, serverConfig(c), preRequestFunction(c));
}

async function serve(request: HttpRequest, config: PostgrestAuthConfig, preRequest: string | undefined): Promise<HttpResponse> {
  // JWT handling comes first: PostgREST decides it before it looks at the request (and opens no connection).
  const auth = await authenticate(headerValue(request.headers, "authorization"), config);
  if (!auth.ok) return errorResponse(auth.error);
  const planned = await planRequest(db.catalog, DB_SCHEMAS, request);
  if (!planned.ok) return errorResponse(planned.error);
  const { plan } = planned;
  const result = await runRequest(
    db.authenticator,
    {
      role: auth.role,
      claims: auth.claims,
      anonymous: auth.anonymous,
      method: request.method,
      path: plan.path,
      headers: request.headers,
      schemas: DB_SCHEMAS,
      extraSearchPath: ["public"],
      preRequest,
      rpcVolatility: plan.rpcVolatility,
      roleSettings,
    },
    plan.query,
  );
  return result.ok ? plan.render(result.result.rows) : errorResponse(result.error);
}

test("the recorded auth cases are there to run", () => {
  expect(cases.length).toBeGreaterThan(0);
});

describe("the fixture database", () => {
  test("the authenticator holds no privilege of its own and may become each fixture role", async () => {
    await expect(db.authenticator.query("select * from test.items")).rejects.toMatchObject({ code: "42501" });
    const { rows } = await db.catalog.query(
      `select r.rolname from pg_auth_members m join pg_roles r on r.oid = m.roleid
        where m.member = $1::regrole order by 1`,
      [db.authenticatorRole],
    );
    expect(rows.map((r) => r.rolname)).toEqual(["postgrest_test_anonymous", "postgrest_test_author", "postgrest_test_default_role"]);
  });

  test("the database is byte-collated UTF-8 and the seeds are in (test.items 1..15)", async () => {
    const { rows } = await db.catalog.query(
      `select datcollate, datctype, pg_encoding_to_char(encoding) as encoding,
              (select count(*)::int from test.items) as items
         from pg_database where datname = current_database()`,
    );
    expect(rows[0]).toEqual({ datcollate: "C", datctype: "C", encoding: "UTF8", items: 15 });
  });
});

// The query builder and the assertions are test support: they must refuse what they do not reproduce.
describe("the harness itself", () => {
  const anonymous: PostgrestAuthConfig = { dbAnonRole: "postgrest_test_anonymous" };
  const get = (path: string, headers: Record<string, string> = {}): HttpRequest => ({ method: "GET", path, headers, body: undefined });

  test("GET /rpc passes query parameters as named arguments; Accept-Profile: auth runs a GET in the auth schema", async () => {
    const method = await serve(get("/rpc/get_guc_value?name=search_path", { "Accept-Profile": "auth" }), anonymous, undefined);
    expect(method).toMatchObject({ status: 200, body: '"\\"auth\\", \\"public\\""' });
  });

  test("a set-returning function renders as an array of its rows, with arguments typed as the function's", async () => {
    const range = await serve(get("/rpc/getitemrange?min=1&max=3"), anonymous, undefined);
    expect(range).toMatchObject({ status: 200 });
    expect(JSON.parse(range.body)).toEqual([{ id: 2 }, { id: 3 }]);
  });

  test.each([
    ["GET", "/items?select=id", {}],
    ["DELETE", "/items", {}],
    ["GET", "/rpc/getitemrange?min=1&min=2", {}],
    ["GET", "/rpc/no_such_function", {}],
    ["GET", "/items", { Accept: "text/csv" }],
    ["GET", "/items", { Prefer: "count=exact" }],
  ])("refuses %s %s %j", async (method, path, headers) => {
    await expect(planRequest(db.catalog, DB_SCHEMAS, { method, path, headers, body: undefined })).rejects.toThrow(
      UnsupportedRequest,
    );
  });

  test("finds psql meta-commands and variables outside literals, and nothing inside them", () => {
    expect(psqlOnlySyntax("select 1;\n\\set ON_ERROR_STOP 1\n")).toBe('"\\\\set"');
    expect(psqlOnlySyntax("select :'v'")).toBe(`":'v"`);
    expect(psqlOnlySyntax("select 'a:b', $f$ \\x :y $f$, E'\\':z', x::int -- :w")).toBeUndefined();
  });

  test("an expect key it does not implement fails the case", () => {
    const response = { status: 200, headers: {}, body: "[]" };
    expect(() => expectResponse({ status: 200, status_text: "OK" }, response)).toThrow(/status_text/);
  });
});

test("every divergence names a recorded auth case and still pins the value it was written against", () => {
  for (const [id, { pin }] of Object.entries(DIVERGENCES)) {
    const c = cases.find((k) => k.id === Number(id));
    expect(c, `divergence ${id}: no such auth case`).toBeDefined();
    const recorded = pin.path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], c!.expect);
    expect(recorded, `divergence ${id}: expect.${pin.path.join(".")} changed`).toEqual(pin.value);
  }
});

describe("auth cases end to end", () => {
  for (const c of cases) {
    const divergence = DIVERGENCES[c.id];
    test(`${c.id} ${c.feature}${divergence ? " (divergence)" : ""}`, async () => {
      const response = await respond(c);
      if (!divergence) {
        expectResponse(c.expect, response);
        return;
      }
      let failure: unknown;
      try {
        expectResponse(c.expect, response);
      } catch (error) {
        failure = error;
      }
      if (failure === undefined) expect.fail(`case ${c.id} passes now: take it off DIVERGENCES ("${divergence.reason}")`);
      expect.fail(`divergence: ${divergence.reason}\n${String(failure)}`);
    });
  }
});
