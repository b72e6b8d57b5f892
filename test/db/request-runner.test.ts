import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadRoleSettings, type RoleSettingsMap } from "../../lib/db/role-settings.js";
import { runRequest, type RequestContext, type RequestResult, type SqlQuery } from "../../lib/db/run-request.js";
import type { SqlClient } from "../../lib/db/sql-client.js";
import { createTestDatabase, type TestDatabase } from "../support/db-fixtures.js";

let db: TestDatabase;
let su: pg.Client;
let authenticator: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase({
    roleSettings: {
      authenticated: { statement_timeout: "1500ms", log_statement: "all" },
      anon: { statement_timeout: "2500ms", default_transaction_isolation: "repeatable read" },
    },
  });
  su = await db.connect(db.superuserUrl);
  const { anon, authenticated, authenticator: login } = db.roles;
  await su.query(`
    create schema other;
    grant usage on schema other to "${authenticated}";
    create table api.items (id int primary key, name text not null);
    create table other.items (id int primary key, name text not null);
    insert into api.items values (1, 'api one');
    insert into other.items values (1, 'other one');
    grant select on api.items to "${anon}";
    grant select, insert, update, delete on api.items, other.items to "${authenticated}";
    create function api.bump() returns int language sql volatile as $$ insert into api.items values (99, 'bumped') returning id $$;
    create function api.peek() returns int language sql stable as $$ select count(*)::int from api.items $$;
    grant execute on function api.bump(), api.peek() to "${authenticated}";
    create function api.check_request() returns void language plpgsql as $$
    begin
      -- Records what the pre-request function saw, then refuses requests that ask for it.
      perform set_config('test.pre_request_saw', current_user || ' ' || current_setting('request.path'), true);
      if current_setting('request.headers', true)::json->>'x-refuse' = 'yes' then
        raise exception 'refused by pre-request' using detail = 'x-refuse header', hint = 'drop the header';
      end if;
    end $$;
    grant execute on function api.check_request() to "${anon}", "${authenticated}";
    -- A superuser-only parameter the authenticator (not the impersonated role) may set: PostgREST relies on the
    -- role settings being applied before the role switch for this to work.
    grant set on parameter log_statement to "${login}";`);
  authenticator = await db.connect(db.authenticatorUrl);
});
afterAll(() => db?.drop());

const user = (sub: string, extra: Partial<RequestContext> = {}): RequestContext => ({
  role: db.roles.authenticated,
  claims: { sub, role: db.roles.authenticated, aud: "gpt" },
  anonymous: false,
  method: "GET",
  path: "/items",
  schemas: ["api"],
  ...extra,
});
const anonymous = (extra: Partial<RequestContext> = {}): RequestContext => ({
  role: db.roles.anon,
  claims: { role: db.roles.anon },
  anonymous: true,
  method: "GET",
  path: "/items",
  schemas: ["api"],
  ...extra,
});

function ok<R extends pg.QueryResultRow>(r: RequestResult<R>): pg.QueryResult<R> {
  if (!r.ok) throw new Error(`request failed: ${JSON.stringify(r.error)}`);
  return r.result;
}
const row = async (ctx: RequestContext, query: SqlQuery) => ok(await runRequest(authenticator, ctx, query)).rows[0]!;

/** A client that records every statement it is given, in order. */
function recording(client: pg.Client, failOn?: string) {
  const log: { text: string; values?: unknown[] }[] = [];
  const query = ((text: string, values?: unknown[]) => {
    log.push(values === undefined ? { text } : { text, values });
    if (failOn && text.includes(failOn)) return Promise.reject(new Error("socket hang up"));
    return client.query(text, values);
  }) as SqlClient["query"];
  return { log, client: { query } satisfies SqlClient };
}

describe("what runRequest sends", () => {
  test("BEGIN, one set_config select with the role settings before the role switch, the query, COMMIT", async () => {
    const roleSettings = await loadRoleSettings(authenticator);
    const { log, client } = recording(authenticator);
    const ctx = user("alice", {
      roleSettings,
      headers: { "User-Agent": "ChatGPT-User", Cookie: "session=abc; theme=dark", Authorization: "Bearer t" },
    });
    await runRequest(client, ctx, { text: "select name from items where id = $1", values: [1] });

    const claims = JSON.stringify({ sub: "alice", role: db.roles.authenticated, aud: "gpt" });
    expect(log).toEqual([
      { text: "BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY" },
      {
        text:
          "select set_config('search_path', $1, true), set_config($2, $3, true), set_config($4, $5, true), " +
          "set_config('role', $6, true), set_config('request.jwt.claims', $7, true), " +
          "set_config('request.method', $8, true), set_config('request.path', $9, true), " +
          "set_config('request.headers', $10, true), set_config('request.cookies', $11, true)",
        values: [
          '"api", "public"',
          "log_statement",
          "all",
          "statement_timeout",
          "1500ms",
          db.roles.authenticated,
          claims,
          "GET",
          "/items",
          JSON.stringify({ "user-agent": "ChatGPT-User", authorization: "Bearer t" }),
          JSON.stringify({ session: "abc", theme: "dark" }),
        ],
      },
      { text: "select name from items where id = $1", values: [1] },
      { text: "COMMIT" },
    ]);
  });

  test("inside the request the settings read back as PostgREST sets them", async () => {
    const r = await row(
      user("alice", {
        claims: { sub: "alice", role: "a-role-the-token-claimed" },
        method: "post",
        path: "/rpc/thing",
        headers: { "X-Forwarded-For": "203.0.113.9", cookie: "a=1" },
      }),
      {
        text: `select current_user, current_setting('search_path') as search_path,
                      current_setting('request.jwt.claims')::json as claims,
                      current_setting('request.method') as method, current_setting('request.path') as path,
                      current_setting('request.headers')::json as headers,
                      current_setting('request.cookies')::json as cookies,
                      current_setting('transaction_isolation') as isolation`,
      },
    );
    expect(r).toEqual({
      current_user: db.roles.authenticated,
      search_path: '"api", "public"',
      // The resolved role replaces whatever role claim the token carried.
      claims: { sub: "alice", role: db.roles.authenticated },
      method: "POST",
      path: "/rpc/thing",
      headers: { "x-forwarded-for": "203.0.113.9" },
      cookies: { a: "1" },
      isolation: "read committed",
    });
  });

  test("apart from the request.* settings, only search_path, the role and the role's own settings change", async () => {
    const settings = "select name, setting from pg_settings order by name";
    await authenticator.query("begin isolation level read committed read only");
    const baseline = (await authenticator.query<{ name: string; setting: string }>(settings)).rows;
    await authenticator.query("commit");
    const inside = ok(await runRequest<{ name: string; setting: string }>(authenticator, user("alice"), { text: settings })).rows;

    const before = new Map(baseline.map((s) => [s.name, s.setting]));
    const changed = inside.filter((s) => before.get(s.name) !== s.setting).map((s) => s.name);
    expect(changed.sort()).toEqual(["log_statement", "search_path", "statement_timeout"]);
    // `role` is hidden from pg_settings; current_user shows it.
    expect((await row(user("alice"), { text: "select current_user" })).current_user).toBe(db.roles.authenticated);
  });

  test("every setting is transaction-local: afterwards the connection is the plain authenticator again", async () => {
    await runRequest(authenticator, user("alice"), { text: "select 1" });
    const { rows } = await authenticator.query(
      `select current_user, current_setting('statement_timeout') as timeout,
              nullif(current_setting('request.jwt.claims', true), '') as claims`,
    );
    expect(rows[0]).toEqual({ current_user: db.roles.authenticator, timeout: "0", claims: null });
  });

  test("extraSearchPath replaces public after the request schema", async () => {
    const r = await row(user("alice", { extraSearchPath: ["extensions", "public"] }), {
      text: "select current_setting('search_path') as p",
    });
    expect(r.p).toBe('"api", "extensions", "public"');
  });
});

describe("transaction mode", () => {
  test("GET runs READ ONLY: a write inside fails with 405 (25006)", async () => {
    const r = await runRequest(authenticator, user("alice"), { text: "insert into items values (2, 'x')" });
    expect(r).toMatchObject({ ok: false, error: { status: 405, code: "25006" } });
    expect((await row(user("alice"), { text: "select current_setting('transaction_read_only') as ro" })).ro).toBe("on");
  });

  test.each(["POST", "PATCH", "PUT", "DELETE"])("%s runs READ WRITE", async (method) => {
    const r = await row(user("alice", { method }), { text: "select current_setting('transaction_read_only') as ro" });
    expect(r.ro).toBe("off");
  });

  test("a function call goes by its volatility: POST to a volatile one writes, to a stable one is read only", async () => {
    const volatile = await runRequest(authenticator, user("alice", { method: "POST", rpcVolatility: "volatile" }), {
      text: "select bump()",
    });
    expect(volatile.ok).toBe(true);
    const stable = await row(user("alice", { method: "POST", rpcVolatility: "stable" }), {
      text: "select current_setting('transaction_read_only') as ro",
    });
    expect(stable.ro).toBe("on");
    const viaGet = await runRequest(authenticator, user("alice", { method: "GET", rpcVolatility: "volatile" }), {
      text: "select bump()",
    });
    expect(viaGet).toMatchObject({ ok: false, error: { status: 405, code: "25006" } });
    await su.query("delete from api.items where id = 99");
  });
});

describe("role settings", () => {
  test("SET ROLE alone does not apply the role's statement_timeout; the request does", async () => {
    await authenticator.query(`begin; set local role "${db.roles.authenticated}"`);
    const plain = await authenticator.query("show statement_timeout");
    await authenticator.query("commit");
    expect(plain.rows[0].statement_timeout).toBe("0");

    const r = await row(user("alice"), { text: "show statement_timeout" });
    expect(r.statement_timeout).toBe("1500ms");
  });

  test("a query running past the role's statement_timeout is cancelled: 57014 maps to 500", async () => {
    const r = await runRequest(authenticator, user("alice"), { text: "select pg_sleep(3)" });
    expect(r).toMatchObject({ ok: false, error: { status: 500, code: "57014", message: expect.stringMatching(/statement timeout/) } });
  });

  test("a parameter granted to the authenticator works because role settings precede the role switch", async () => {
    expect((await row(user("alice"), { text: "show log_statement" })).log_statement).toBe("all");
  });

  test("the role's default_transaction_isolation becomes the isolation level in BEGIN", async () => {
    const r = await row(anonymous(), { text: "select current_setting('transaction_isolation') as i" });
    expect(r.i).toBe("repeatable read");
  });

  test("only roles the authenticator is a member of are loaded, with settings a request may apply", async () => {
    await su.query(`create role "${db.name}_stranger" nologin; alter role "${db.name}_stranger" set statement_timeout = '1s'`);
    try {
      const settings: RoleSettingsMap = await loadRoleSettings(authenticator);
      expect([...settings.keys()].sort()).toEqual([db.roles.anon, db.roles.authenticated].sort());
      expect(settings.get(db.roles.anon)).toEqual({
        settings: [["statement_timeout", "2500ms"]],
        isolationLevel: "REPEATABLE READ",
      });
    } finally {
      await su.query(`drop role "${db.name}_stranger"`);
    }
  });
});

describe("request schema and pre-request", () => {
  test("Accept-Profile picks another exposed schema for reads, Content-Profile for writes", async () => {
    const schemas = ["api", "other"];
    const read = await row(user("alice", { schemas, headers: { "Accept-Profile": "other" } }), {
      text: "select name from items",
    });
    expect(read.name).toBe("other one");
    const write = await row(user("alice", { schemas, method: "POST", headers: { "Content-Profile": "other" } }), {
      text: "select current_setting('search_path') as p",
    });
    expect(write.p).toBe('"other", "public"');
  });

  test("a profile that is not exposed is 406 PGRST106, without a query", async () => {
    const { log, client } = recording(authenticator);
    const r = await runRequest(client, user("alice", { headers: { "accept-profile": "pg_catalog" } }), { text: "select 1" });
    expect(r).toEqual({
      ok: false,
      error: {
        status: 406,
        code: "PGRST106",
        message: "Invalid schema: pg_catalog",
        details: null,
        hint: "Only the following schemas are exposed: api",
      },
    });
    expect(log).toEqual([]);
  });

  test("the pre-request function runs as the request role after the settings, before the query", async () => {
    const r = await row(user("alice", { preRequest: "api.check_request", path: "/items" }), {
      text: "select current_setting('test.pre_request_saw') as saw",
    });
    expect(r.saw).toBe(`${db.roles.authenticated} /items`);
  });

  test("the pre-request function can refuse the request: its RAISE becomes a 400", async () => {
    const r = await runRequest(
      authenticator,
      anonymous({ preRequest: "check_request", headers: { "X-Refuse": "yes" } }),
      { text: "select 1" },
    );
    expect(r).toEqual({
      ok: false,
      error: { status: 400, code: "P0001", message: "refused by pre-request", details: "x-refuse header", hint: "drop the header" },
    });
  });
});

describe("errors", () => {
  const expectError = async (ctx: RequestContext, text: string, error: object) =>
    expect(await runRequest(authenticator, ctx, { text })).toEqual({ ok: false, error: expect.objectContaining(error) });

  test("permission denied is 401 for the anonymous role and 403 for a signed-in one", async () => {
    await expectError(anonymous({ method: "POST" }), "insert into items values (3, 'x')", { status: 401, code: "42501" });
    await expectError(user("alice"), "select * from pg_authid", { status: 403, code: "42501" });
  });

  test("a token role that does not exist is 401 (22023)", async () => {
    await expectError(user("alice", { role: `${db.name}_ghost` }), "select 1", {
      status: 401,
      code: "22023",
      message: `role "${db.name}_ghost" does not exist`,
    });
  });

  test("a token naming postgres is refused: the authenticator cannot become it (403, 42501)", async () => {
    await expectError(user("alice", { role: "postgres" }), "select 1", { status: 403, code: "42501" });
  });

  test("constraint, missing-object and raised errors map as in PostgREST", async () => {
    await expectError(user("alice", { method: "POST" }), "insert into items values (1, 'dup')", {
      status: 409,
      code: "23505",
      details: "Key (id)=(1) already exists.",
    });
    await expectError(user("alice"), "select * from missing_table", { status: 404, code: "42P01" });
    await expectError(user("alice"), "select missing_function()", { status: 404, code: "42883" });
    await expectError(user("alice"), "select 1/0", { status: 400, code: "22012" });
    await expectError(user("alice"), "do $$ begin raise sqlstate 'PT402' using message = 'pay first'; end $$", {
      status: 402,
      code: "PT402",
      message: "pay first",
    });
  });

  test("RAISE SQLSTATE 'PGRST' controls the whole error response", async () => {
    const raise = `do $$ begin raise sqlstate 'PGRST' using
      message = '{"code":"123","message":"Payment Required","details":"Quota exceeded","hint":"Upgrade"}',
      detail = '{"status":402,"headers":{"X-Powered-By":"Nerd Rage"}}'; end $$`;
    expect(await runRequest(authenticator, user("alice"), { text: raise })).toEqual({
      ok: false,
      error: { status: 402, code: "123", message: "Payment Required", details: "Quota exceeded", hint: "Upgrade" },
    });
  });

  test("a failed request rolls back all it did and leaves the connection usable", async () => {
    const r = await runRequest(authenticator, user("alice", { method: "POST" }), {
      text: "with ins as (insert into items values (7, 'half') returning id) select 1/0 from ins",
    });
    expect(r).toMatchObject({ ok: false, error: { code: "22012" } });
    expect((await su.query("select count(*)::int as n from api.items where id = 7")).rows[0].n).toBe(0);
    expect((await authenticator.query("select current_user")).rows[0].current_user).toBe(db.roles.authenticator);
  });

  test("an error that is not from PostgreSQL is thrown after a ROLLBACK", async () => {
    const { log, client } = recording(authenticator, "from items");
    await expect(runRequest(client, user("alice"), { text: "select * from items" })).rejects.toThrow("socket hang up");
    expect(log.at(-1)).toEqual({ text: "ROLLBACK" });
  });
});
