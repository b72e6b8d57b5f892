import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { applyMigrations, type ApplyOptions } from "../../lib/migrate/apply.js";
import { forgetMigrations } from "../../lib/migrate/forget.js";
import { readLedger } from "../../lib/migrate/ledger.js";
import { MigrationError } from "../../lib/migrate/migration-error.js";
import { VariableError } from "../../lib/migrate/psql-variables.js";
import { sha256Hex, type SqlFile } from "../../lib/migrate/sql-files.js";
import { createTestDatabase, type TestDatabase } from "../support/db-fixtures.js";

let db: TestDatabase;
let client: pg.Client; // the migrator: owns the database and schema api

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

// Every test starts from an empty api schema and an empty ledger.
beforeEach(async () => {
  const su = await db.connect(db.superuserUrl);
  await su.query(`drop schema if exists api, api2, postgrest_gpt cascade;
    create schema api authorization "${db.roles.migrator}";
    create schema api2 authorization "${db.roles.migrator}";`);
  await su.end();
  client = await db.connect(db.migratorUrl);
});

const sqlFiles = (files: Record<string, string>): SqlFile[] =>
  Object.entries(files).map(([name, sql]) => ({ name, path: name, sql, sha256: sha256Hex(sql) }));

// Each file appends its name to api.log, so the log shows what ran and in which order.
const logging = (name: string, extra = "") =>
  `create table if not exists log (seq serial primary key, file text not null);\n${extra}insert into log (file) values ('${name}');\n`;

const options = (files: Record<string, string>, overrides: Partial<ApplyOptions> = {}): ApplyOptions => ({
  files: sqlFiles(files),
  variables: db.variables,
  schemas: ["api"],
  ...overrides,
});

async function logged(): Promise<string[]> {
  const { rows } = await client.query<{ file: string }>("select file from api.log order by seq");
  return rows.map((r) => r.file);
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

describe("applyMigrations", () => {
  test("applies every file in the given order and records each in the ledger", async () => {
    const files = { "001_a.sql": logging("001_a.sql"), "002_b.sql": logging("002_b.sql"), "010_c.sql": logging("010_c.sql") };
    const result = await applyMigrations(client, options(files));

    expect(result.files.map((f) => [f.name, f.status])).toEqual([
      ["001_a.sql", "applied"],
      ["002_b.sql", "applied"],
      ["010_c.sql", "applied"],
    ]);
    expect(await logged()).toEqual(["001_a.sql", "002_b.sql", "010_c.sql"]);
    const ledger = await readLedger(client);
    expect([...ledger.keys()]).toEqual(["001_a.sql", "002_b.sql", "010_c.sql"]);
    expect(ledger.get("002_b.sql")?.sha256).toBe(sha256Hex(files["002_b.sql"]));
  });

  test("re-running unchanged files is a no-op: nothing is executed and the ledger is untouched", async () => {
    const files = { "001_a.sql": logging("001_a.sql"), "002_b.sql": logging("002_b.sql") };
    await applyMigrations(client, options(files));
    const before = await readLedger(client);

    const again = await applyMigrations(client, options(files));

    expect(again.files.map((f) => f.status)).toEqual(["unchanged", "unchanged"]);
    expect(await logged()).toEqual(["001_a.sql", "002_b.sql"]);
    expect(await readLedger(client)).toEqual(before);
  });

  test("a changed file is re-applied and its ledger hash updated; the other files are skipped", async () => {
    await applyMigrations(client, options({ "001_a.sql": logging("001_a.sql"), "002_b.sql": logging("002_b.sql") }));
    const before = await readLedger(client);

    const changed = logging("002_b.sql", "-- now with a comment\n");
    const result = await applyMigrations(client, options({ "001_a.sql": logging("001_a.sql"), "002_b.sql": changed }));

    expect(result.files.map((f) => f.status)).toEqual(["unchanged", "reapplied"]);
    expect(await logged()).toEqual(["001_a.sql", "002_b.sql", "002_b.sql"]);
    const after = await readLedger(client);
    expect(after.get("002_b.sql")?.sha256).toBe(sha256Hex(changed));
    expect(after.get("002_b.sql")!.appliedAt.getTime()).toBeGreaterThan(before.get("002_b.sql")!.appliedAt.getTime());
    expect(after.get("001_a.sql")).toEqual(before.get("001_a.sql"));
  });

  test("changing a variable's value re-applies the files that use it, and only those", async () => {
    const files = { "001_a.sql": logging("001_a.sql"), "002_grant.sql": logging("002_grant.sql", `select :'anon_role';\n`) };
    await applyMigrations(client, options(files));

    const result = await applyMigrations(client, options(files, { variables: { ...db.variables, anon_role: "other" } }));

    expect(result.files.map((f) => f.status)).toEqual(["unchanged", "reapplied"]);
  });

  test("a failing file reports file, line, message and SQLSTATE, rolls back alone, and stops the run", async () => {
    const files = {
      "001_a.sql": logging("001_a.sql"),
      "002_b.sql": logging("002_b.sql"),
      "003_bad.sql": "create table half_done (id int);\ninsert into log (file) values ('003');\nselect no_such_column\n  from log;\n",
      "004_later.sql": logging("004_later.sql"),
    };
    const error = await failure(applyMigrations(client, options(files)));

    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ file: "003_bad.sql", line: 3, sqlstate: "42703" });
    expect((error as Error).message).toBe(
      `003_bad.sql:3: column "no_such_column" does not exist (SQLSTATE 42703)`,
    );
    expect(await logged()).toEqual(["001_a.sql", "002_b.sql"]);
    const { rows } = await client.query("select to_regclass('api.half_done') as t");
    expect(rows[0].t).toBeNull();
    expect([...(await readLedger(client)).keys()]).toEqual(["001_a.sql", "002_b.sql"]);

    // Once fixed, the next run picks up where this one stopped.
    const fixed = { ...files, "003_bad.sql": logging("003_bad.sql") };
    const result = await applyMigrations(client, options(fixed));
    expect(result.files.map((f) => f.status)).toEqual(["unchanged", "unchanged", "applied", "applied"]);
  });

  test("the reported line follows Postgres' character position past multi-byte text and into function bodies", async () => {
    const emoji = await failure(
      applyMigrations(client, options({ "001.sql": "select 'é😀 ';\n\nselect nope;\n" })),
    );
    expect(emoji).toMatchObject({ file: "001.sql", line: 3, sqlstate: "42703" });

    const body = await failure(
      applyMigrations(
        client,
        options({
          "001.sql": "create function f() returns int\nlanguage plpgsql as $$\nbegin\n  retrun 1;\nend $$;\n",
        }),
      ),
    );
    expect(body).toMatchObject({ line: 4, sqlstate: "42601" });
    expect((body as Error).message).toMatch(/^001\.sql:4: syntax error at or near "retrun"/);
  });

  test("an error without a position (raised at run time) names the file and the PL/pgSQL context", async () => {
    const error = await failure(
      applyMigrations(client, options({ "001.sql": "select 1;\ndo $$ begin perform 1/0; end $$;\n" })),
    );
    expect(error).toMatchObject({ file: "001.sql", line: undefined, sqlstate: "22012" });
    expect((error as Error).message).toMatch(/^001\.sql: division by zero \[.*PL\/pgSQL function inline_code_block/);
  });

  test("an undefined variable is refused before anything is applied", async () => {
    const files = { "001_a.sql": logging("001_a.sql"), "002_b.sql": `grant usage on schema api to :"nobody";` };
    const error = await failure(applyMigrations(client, options(files)));

    expect(error).toBeInstanceOf(VariableError);
    expect(error).toMatchObject({ file: "002_b.sql", line: 1, variable: "nobody" });
    const { rows } = await client.query("select to_regclass('api.log') as log, to_regclass('postgrest_gpt.migrations') as ledger");
    expect(rows[0]).toEqual({ log: null, ledger: null });
  });

  test("variables are substituted before the SQL runs", async () => {
    await applyMigrations(
      client,
      options({
        "001.sql": `create table t (v text);\ngrant select on t to :"anon_role";\ninsert into t values (:'anon_role'), ('kept :"anon_role"');\n`,
      }),
    );
    const { rows } = await client.query("select v from api.t order by v");
    expect(rows.map((r) => r.v).sort()).toEqual([db.roles.anon, 'kept :"anon_role"'].sort());
    const priv = await client.query("select has_table_privilege($1, 'api.t', 'select') as ok", [db.roles.anon]);
    expect(priv.rows[0].ok).toBe(true);
  });

  test("unqualified names resolve in the exposed schemas, in order, then in public", async () => {
    await applyMigrations(
      client,
      options(
        {
          "001.sql": `create table first_schema_table (id int);\ncreate table api2.only_in_api2 (id int);\n`,
          "002.sql": `create table p as select (select count(*) from only_in_api2) as n, current_schemas(false)::text[] as path;\n`,
        },
        { schemas: ["api", "api2"] },
      ),
    );
    const { rows } = await client.query("select to_regclass('api.first_schema_table') is not null as ok");
    expect(rows[0].ok).toBe(true);
    const path = await client.query("select path from api.p");
    expect(path.rows[0].path).toEqual(["api", "api2", "public"]);
  });

  test("a file that creates the exposed schema puts its later unqualified objects in it", async () => {
    await applyMigrations(
      client,
      options({ "001.sql": "create schema if not exists fresh;\ncreate table t (id int);\n" }, { schemas: ["fresh"] }),
    );
    const { rows } = await client.query("select to_regclass('fresh.t') is not null as in_fresh, to_regclass('public.t') as in_public");
    expect(rows[0]).toEqual({ in_fresh: true, in_public: null });
    await client.query("drop schema fresh cascade");
  });

  test("a file that ends the runner's transaction is refused and not recorded", async () => {
    const error = await failure(applyMigrations(client, options({ "001.sql": "create table x (id int);\ncommit;\n" })));
    expect((error as Error).message).toMatch(/^001\.sql: the file ends the transaction it runs in/);
    expect((await readLedger(client)).size).toBe(0);
  });

  test("concurrent runs serialize on the advisory lock: every file runs once", async () => {
    const other = await db.connect(db.migratorUrl);
    const files = { "001_slow.sql": logging("001_slow.sql", "select pg_sleep(0.3);\n") };

    const [a, b] = await Promise.all([applyMigrations(client, options(files)), applyMigrations(other, options(files))]);

    expect([a.files[0]!.status, b.files[0]!.status].sort()).toEqual(["applied", "unchanged"]);
    expect(await logged()).toEqual(["001_slow.sql"]);
  });

  test("the ledger lives in schema postgrest_gpt, which nobody but its owner can use", async () => {
    await applyMigrations(client, options({ "001.sql": "select 1;" }));
    const { rows } = await client.query(
      `select r.rolname,
              has_schema_privilege(r.rolname, 'postgrest_gpt', 'usage') as usage,
              has_table_privilege(r.rolname, 'postgrest_gpt.migrations', 'select,insert,update,delete') as table_priv
       from unnest($1::text[]) as r(rolname)`,
      [[db.roles.anon, db.roles.authenticated, db.roles.authenticator]],
    );
    expect(rows.every((r) => r.usage === false && r.table_priv === false)).toBe(true);
    const acl = await client.query(
      `select (select count(*) from pg_namespace n, aclexplode(n.nspacl) a
                where n.nspname = 'postgrest_gpt' and a.grantee <> n.nspowner) as schema_grants,
              (select count(*) from pg_class c, aclexplode(c.relacl) a
                where c.oid = 'postgrest_gpt.migrations'::regclass and a.grantee <> c.relowner) as table_grants`,
    );
    expect(acl.rows[0]).toEqual({ schema_grants: "0", table_grants: "0" });
  });

  test("forget clears the ledger, so the next run applies every file again", async () => {
    const files = { "001_a.sql": logging("001_a.sql"), "002_b.sql": logging("002_b.sql") };
    await applyMigrations(client, options(files));

    expect(await forgetMigrations(client)).toBe(2);
    expect((await readLedger(client)).size).toBe(0);
    const result = await applyMigrations(client, options(files));

    expect(result.files.map((f) => f.status)).toEqual(["applied", "applied"]);
    expect(await logged()).toEqual(["001_a.sql", "002_b.sql", "001_a.sql", "002_b.sql"]);
  });

  test("forget on a database that never ran migrations removes nothing", async () => {
    expect(await forgetMigrations(client)).toBe(0);
  });
});

describe("schema cache reload", () => {
  // Collects NOTIFY pgrst payloads on a separate connection. To show that no reload was sent, the test sends a
  // marker afterwards: notifications arrive in order, so the marker coming first means nothing came before it.
  async function listen() {
    const listener = await db.connect(db.superuserUrl);
    const payloads: string[] = [];
    let wake: () => void = () => {};
    listener.on("notification", (n) => {
      if (n.channel === "pgrst") payloads.push(n.payload ?? "");
      wake();
    });
    await listener.query("listen pgrst");
    const next = async (): Promise<string> => {
      while (payloads.length === 0) await new Promise<void>((r) => (wake = r));
      return payloads.shift()!;
    };
    const marker = async () => {
      await client.query("notify pgrst, 'test-marker'");
      return next();
    };
    return { next, marker };
  }

  test("a successful run sends NOTIFY pgrst 'reload schema'", async () => {
    const { next, marker } = await listen();
    await applyMigrations(client, options({ "001.sql": "create table t (id int);" }));
    expect(await next()).toBe("reload schema");
    expect(await marker()).toBe("test-marker");
  });

  test("a run with nothing to apply still sends the reload", async () => {
    await applyMigrations(client, options({ "001.sql": "select 1;" }));
    const { next } = await listen();
    await applyMigrations(client, options({ "001.sql": "select 1;" }));
    expect(await next()).toBe("reload schema");
  });

  test("a run that fails after applying some files sends the reload for those", async () => {
    const { next } = await listen();
    await failure(applyMigrations(client, options({ "001.sql": "create table t (id int);", "002.sql": "select nope;" })));
    expect(await next()).toBe("reload schema");
  });

  test("a run whose first file fails changed nothing and sends no reload", async () => {
    const { marker } = await listen();
    await failure(applyMigrations(client, options({ "001.sql": "select nope;" })));
    expect(await marker()).toBe("test-marker");
  });
});
