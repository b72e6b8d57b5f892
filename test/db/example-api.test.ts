// The example API in sql/, applied by the migration runner and exercised through the PostgREST-style runner.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runRequest, type RequestContext, type RequestResult } from "../../lib/db/run-request.js";
import { applyMigrations } from "../../lib/migrate/apply.js";
import { forgetMigrations } from "../../lib/migrate/forget.js";
import { listSqlFiles } from "../../lib/migrate/sql-files.js";
import { createTestDatabase, type TestDatabase } from "../support/db-fixtures.js";

let db: TestDatabase;
let migrator: pg.Client;
let authenticator: pg.Client;

const apply = async () =>
  applyMigrations(migrator, { files: await listSqlFiles("sql"), variables: db.variables, schemas: ["api"] });

beforeAll(async () => {
  db = await createTestDatabase({ roleSettings: { authenticated: { statement_timeout: "5s" } } });
  migrator = await db.connect(db.migratorUrl);
  await apply();
  authenticator = await db.connect(db.authenticatorUrl);
});
afterAll(() => db?.drop());

const base = { path: "/", schemas: ["api"] } as const;
const anon = (method = "GET"): RequestContext => ({
  ...base,
  method,
  role: db.roles.anon,
  claims: { role: db.roles.anon },
  anonymous: true,
});
const as = (sub: string | undefined, method = "GET", role = db.roles.authenticated): RequestContext => ({
  ...base,
  method,
  role,
  claims: sub === undefined ? { role } : { sub, role },
  anonymous: false,
});
const send = <R extends pg.QueryResultRow = pg.QueryResultRow>(ctx: RequestContext, text: string, values?: unknown[]) =>
  runRequest<R>(authenticator, ctx, { text, values });
function rows<R extends pg.QueryResultRow>(r: RequestResult<R>): R[] {
  if (!r.ok) throw new Error(`request failed: ${JSON.stringify(r.error)}`);
  return r.result.rows;
}

describe("the migrations", () => {
  test("apply cleanly, re-run as a no-op, and apply again over existing data after forget", async () => {
    const again = await apply();
    expect(again.files.every((f) => f.status === "unchanged")).toBe(true);

    await forgetMigrations(migrator);
    const reapplied = await apply();
    expect(reapplied.files.map((f) => f.status)).toEqual(["applied", "applied", "applied", "applied"]);
    // The seed is not duplicated by the second application.
    const { rows: seeded } = await migrator.query("select count(*)::int as n from api.announcements");
    expect(seeded[0].n).toBe(1);
  });

  test("nothing in the API schema is granted to PUBLIC", async () => {
    const { rows: grants } = await migrator.query(`
      select 'schema' as kind, n.nspname as name from pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
        where n.nspname = 'api' and a.grantee = 0
      union all
      select 'relation', c.relname from pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
        where c.relnamespace = 'api'::regnamespace and a.grantee = 0
      union all
      select 'function', p.proname from pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
        where p.pronamespace = 'api'::regnamespace and a.grantee = 0`);
    expect(grants).toEqual([]);
  });

  test("the anonymous role holds no write privilege and no function in the API schema", async () => {
    const { rows: privileges } = await migrator.query(
      `select c.relname, has_table_privilege($1, c.oid, 'insert, update, delete, truncate, references, trigger') as write
       from pg_class c where c.relnamespace = 'api'::regnamespace and c.relkind in ('r', 'v', 'm', 'p')
       union all
       select p.proname, has_function_privilege($1, p.oid, 'execute') from pg_proc p where p.pronamespace = 'api'::regnamespace`,
      [db.roles.anon],
    );
    expect(privileges.length).toBeGreaterThanOrEqual(3);
    expect(privileges.filter((p) => p.write)).toEqual([]);
  });

  test("a function added to the API later is not executable until granted (default EXECUTE revoked)", async () => {
    await migrator.query("create function api.added_later() returns int language sql as 'select 1'");
    const r = await send(as("alice"), "select api.added_later()");
    expect(r).toMatchObject({ ok: false, error: { status: 403, code: "42501" } });
    await migrator.query("drop function api.added_later()");
  });

  test("every table and column of the API carries a comment for the OpenAPI document", async () => {
    const { rows: missing } = await migrator.query(`
      select c.relname, a.attname
      from pg_class c left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where c.relnamespace = 'api'::regnamespace and c.relkind = 'r'
        and (obj_description(c.oid, 'pg_class') is null or col_description(c.oid, a.attnum) is null)`);
    expect(missing).toEqual([]);
  });
});

describe("without a token (anonymous)", () => {
  test("reads the announcements", async () => {
    const r = rows(await send(anon(), "select title from announcements"));
    expect(r).toEqual([{ title: "Welcome" }]);
  });

  test("cannot read notes: 401", async () => {
    expect(await send(anon(), "select * from notes")).toMatchObject({ ok: false, error: { status: 401, code: "42501" } });
  });

  test.each([
    ["POST", "insert into announcements (title, body) values ('x', 'y')"],
    ["PATCH", "update announcements set title = 'x'"],
    ["DELETE", "delete from announcements"],
    ["POST", "insert into notes (title) values ('x')"],
  ])("cannot write: %s %s is 401", async (method, sql) => {
    expect(await send(anon(method), sql)).toMatchObject({ ok: false, error: { status: 401, code: "42501" } });
  });

  test("cannot call search_notes: 401", async () => {
    expect(await send(anon("POST"), "select * from search_notes('x')")).toMatchObject({
      ok: false,
      error: { status: 401, code: "42501" },
    });
  });
});

describe("signed-in users", () => {
  let aliceNote: number;
  let bobNote: number;

  beforeAll(async () => {
    const a = rows(
      await send<{ id: number; owner: string }>(
        as("alice", "POST"),
        "insert into notes (title, body, tags) values ($1, $2, $3) returning id, owner",
        ["Groceries", "milk, eggs", ["home"]],
      ),
    );
    const b = rows(
      await send<{ id: number; owner: string }>(
        as("bob", "POST"),
        "insert into notes (title, body, tags) values ($1, $2, $3) returning id, owner",
        ["Bob's groceries", "bread", ["home"]],
      ),
    );
    expect(a[0]!.owner).toBe("alice");
    expect(b[0]!.owner).toBe("bob");
    aliceNote = Number(a[0]!.id);
    bobNote = Number(b[0]!.id);
  });

  test("a new note is owned by the token's sub and each user sees only their own notes", async () => {
    expect(rows(await send(as("alice"), "select owner, title from notes"))).toEqual([{ owner: "alice", title: "Groceries" }]);
    expect(rows(await send(as("bob"), "select owner, title from notes"))).toEqual([
      { owner: "bob", title: "Bob's groceries" },
    ]);
  });

  test("a user updates and deletes their own note", async () => {
    const updated = await send(as("alice", "PATCH"), "update notes set body = 'milk, eggs, tea' where id = $1", [aliceNote]);
    expect(updated).toMatchObject({ ok: true, result: { rowCount: 1 } });
    const temp = rows(await send<{ id: string }>(as("alice", "POST"), "insert into notes (title) values ('temp') returning id"));
    const deleted = await send(as("alice", "DELETE"), "delete from notes where id = $1", [temp[0]!.id]);
    expect(deleted).toMatchObject({ ok: true, result: { rowCount: 1 } });
  });

  test("another user's note can be neither changed nor deleted: no row matches", async () => {
    const update = await send(as("alice", "PATCH"), "update notes set title = 'stolen' where id = $1", [bobNote]);
    expect(update).toMatchObject({ ok: true, result: { rowCount: 0 } });
    const remove = await send(as("alice", "DELETE"), "delete from notes where id = $1", [bobNote]);
    expect(remove).toMatchObject({ ok: true, result: { rowCount: 0 } });
    const { rows: bob } = await migrator.query("select title from api.notes where id = $1", [bobNote]);
    expect(bob).toEqual([{ title: "Bob's groceries" }]);
  });

  test("cannot insert a note owned by someone else: owner is not insertable (403)", async () => {
    const r = await send(as("alice", "POST"), "insert into notes (owner, title) values ('bob', 'planted')");
    expect(r).toMatchObject({ ok: false, error: { status: 403, code: "42501", message: "permission denied for table notes" } });
  });

  test("cannot move a note to someone else: owner is not updatable (403)", async () => {
    const r = await send(as("alice", "PATCH"), "update notes set owner = 'bob' where id = $1", [aliceNote]);
    expect(r).toMatchObject({ ok: false, error: { status: 403, code: "42501", message: "permission denied for table notes" } });
    const { rows: still } = await migrator.query("select owner from api.notes where id = $1", [aliceNote]);
    expect(still).toEqual([{ owner: "alice" }]);
  });

  test("a token without sub cannot create notes: the owner would be null, which no policy admits (403)", async () => {
    const r = await send(as(undefined, "POST"), "insert into notes (title) values ('whose?')");
    expect(r).toMatchObject({ ok: false, error: { status: 403, code: "42501" } });
  });

  test("search_notes finds only the caller's notes", async () => {
    const found = rows(await send(as("alice", "POST"), "select owner, title from search_notes('groceries')"));
    expect(found).toEqual([{ owner: "alice", title: "Groceries" }]);
    const byTag = rows(await send(as("bob", "GET"), "select owner from search_notes('home')"));
    expect(byTag).toEqual([{ owner: "bob" }]);
  });

  test("cannot write announcements: 403", async () => {
    const r = await send(as("alice", "POST"), "insert into announcements (title, body) values ('x', 'y')");
    expect(r).toMatchObject({ ok: false, error: { status: 403, code: "42501" } });
  });

  test("a token naming postgres is refused (403), one naming an unknown role too (401)", async () => {
    expect(await send(as("alice", "GET", "postgres"), "select * from notes")).toMatchObject({
      ok: false,
      error: { status: 403, code: "42501" },
    });
    expect(await send(as("alice", "GET", `${db.name}_nobody`), "select * from notes")).toMatchObject({
      ok: false,
      error: { status: 401, code: "22023" },
    });
  });
});

describe("the notes policy plan", () => {
  beforeAll(async () => {
    // Enough rows for the planner to prefer the index; inserted by the table owner, which RLS does not restrict.
    await migrator.query(`
      insert into api.notes (owner, title)
      select 'user' || (i % 200), 'note ' || i from generate_series(1, 20000) as i;
      analyze api.notes;`);
  });

  type PlanNode = { "Node Type": string; "Index Name"?: string; "Index Cond"?: string; "Subplan Name"?: string; Plans?: PlanNode[] };
  const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

  test("reads the claim once per statement (an InitPlan) and walks the (owner, id) index", async () => {
    const r = rows<{ "QUERY PLAN": { Plan: PlanNode }[] }>(
      await send(as("user7"), "explain (format json) select id, title from notes order by id limit 20"),
    );
    const all = nodes(r[0]!["QUERY PLAN"][0]!.Plan);

    const initPlan = all.find((n) => n["Subplan Name"]?.startsWith("InitPlan"));
    expect(initPlan).toBeDefined();
    const scan = all.find((n) => n["Index Name"] === "notes_owner_id_idx");
    expect(scan?.["Node Type"]).toMatch(/Index/);
    // The index condition compares owner with the InitPlan's single result, not with a per-row expression.
    expect(scan?.["Index Cond"]).toMatch(/\(owner = \(InitPlan \d+\)\.col1\)/);

    expect(rows(await send(as("user7"), "select count(*)::int as n from notes"))).toEqual([{ n: 100 }]);
  });
});
