// The CLI as `pulumi up` runs it: `node --import tsx lib/migrate/cli.ts apply`, configured by environment only.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/db-fixtures.js";

let db: TestDatabase;
let sqlDir: string;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

beforeEach(async () => {
  const su = await db.connect(db.superuserUrl);
  await su.query(`drop schema if exists api, postgrest_gpt cascade; create schema api authorization "${db.roles.migrator}"`);
  await su.end();
  sqlDir = await mkdtemp(join(tmpdir(), "pgpt-cli-"));
  return () => rm(sqlDir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with only the given environment (plus PATH), from the project directory. */
function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "lib/migrate/cli.ts", ...args],
      { cwd: process.cwd(), env: { PATH: process.env.PATH ?? "", ...env } },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

const applyEnv = (extra: Record<string, string> = {}) => ({
  ...db.migratorEnv,
  PGPT_ANON_ROLE: db.roles.anon,
  PGPT_AUTHENTICATED_ROLE: db.roles.authenticated,
  PGPT_AUTHENTICATOR_ROLE: db.roles.authenticator,
  PGPT_DB_SCHEMAS: "api",
  PGPT_SQL_DIR: sqlDir,
  ...extra,
});

async function files(contents: Record<string, string>) {
  for (const [name, sql] of Object.entries(contents)) await writeFile(join(sqlDir, name), sql);
}

const lines = (text: string) => text.split("\n").filter((l) => l !== "");

describe("migrate CLI", () => {
  test("apply prints one line per file and a summary; a re-run reports every file unchanged", async () => {
    await files({ "001_a.sql": "create table a (id int);\n", "002_b.sql": `grant select on a to :"anon_role";\n` });

    const first = await cli(["apply"], applyEnv());
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(lines(first.stdout)).toEqual([
      "applied    001_a.sql",
      "applied    002_b.sql",
      "2 files: 2 applied, 0 re-applied, 0 unchanged; sent NOTIFY pgrst 'reload schema'",
    ]);

    await files({ "002_b.sql": `grant select on a to :"anon_role", :"authenticated_role";\n` });
    const second = await cli(["apply"], applyEnv());
    expect(second.code).toBe(0);
    expect(lines(second.stdout)).toEqual([
      "unchanged  001_a.sql",
      "re-applied 002_b.sql",
      "2 files: 0 applied, 1 re-applied, 1 unchanged; sent NOTIFY pgrst 'reload schema'",
    ]);
  });

  test("a failing file exits 1 with one line naming file, line, message and SQLSTATE, and no password", async () => {
    await files({ "001_ok.sql": "create table ok (id int);\n", "002_bad.sql": "select 1;\n\nselect missing from ok;\n" });

    const run = await cli(["apply"], applyEnv());

    expect(run.code).toBe(1);
    expect(lines(run.stdout)).toEqual(["applied    001_ok.sql"]);
    expect(lines(run.stderr)).toEqual([
      `migrate: failed: 002_bad.sql:3: column "missing" does not exist (SQLSTATE 42703)`,
    ]);
    expect(run.stdout + run.stderr).not.toContain(db.migratorPassword);
  });

  test("an undefined variable is reported with file and line before anything runs", async () => {
    await files({ "001.sql": "create table t (id int);\n", "002.sql": `\ngrant select on t to :"anon_role";\n` });
    const run = await cli(["apply"], applyEnv({ PGPT_ANON_ROLE: "" }));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(lines(run.stderr)).toEqual([
      `migrate: failed: 002.sql:2: variable "anon_role" is not defined (defined: api_schema, authenticated_role, authenticator_role)`,
    ]);
  });

  test("a wrong password exits 1 with one line that names neither password", async () => {
    const wrong = "Wr0ng-Pa55word-Sentinel";
    const run = await cli(["apply"], applyEnv({ PGPASSWORD: wrong }));
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([
      `migrate: cannot connect to PostgreSQL: password authentication failed for user "${db.roles.migrator}" (SQLSTATE 28P01)`,
    ]);
    expect(run.stdout + run.stderr).not.toContain(wrong);
    expect(run.stdout + run.stderr).not.toContain(db.migratorPassword);
  });

  test("an unreachable server exits 1 with one line and no stack trace", async () => {
    const run = await cli(["apply"], applyEnv({ PGHOST: "127.0.0.1", PGPORT: "1" }));
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual(["migrate: cannot connect to PostgreSQL: connect ECONNREFUSED 127.0.0.1:1"]);
  });

  test("an unknown sub-command is a usage error (exit 2)", async () => {
    const run = await cli(["migrate-everything"], applyEnv());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^migrate: unknown command: migrate-everything\nusage: node --import tsx lib\/migrate\/cli\.ts <command>/);
    expect(run.stdout).toBe("");
  });

  test("apply without PGPT_DB_SCHEMAS refuses to run", async () => {
    const run = await cli(["apply"], applyEnv({ PGPT_DB_SCHEMAS: "" }));
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([
      "migrate: PGPT_DB_SCHEMAS is not set (the exposed schemas, comma separated, e.g. api)",
    ]);
  });

  test("forget clears the ledger, so the next apply runs every file again", async () => {
    await files({ "001_a.sql": "create table if not exists a (id int);\n" });
    await cli(["apply"], applyEnv());

    const forget = await cli(["forget"], db.migratorEnv);
    expect(forget).toMatchObject({ code: 0, stderr: "" });
    expect(lines(forget.stdout)).toEqual(["ledger cleared (1 entry); the next apply runs every file"]);

    const again = await cli(["apply"], applyEnv());
    expect(lines(again.stdout)[0]).toBe("applied    001_a.sql");
  });

  test("by default applies sql/ of the working directory: the example API", async () => {
    const env: Record<string, string> = applyEnv();
    delete env.PGPT_SQL_DIR;
    const run = await cli(["apply"], env);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(lines(run.stdout)).toEqual([
      "applied    001_api_schema.sql",
      "applied    010_notes.sql",
      "applied    020_announcements.sql",
      "applied    030_search_notes.sql",
      "4 files: 4 applied, 0 re-applied, 0 unchanged; sent NOTIFY pgrst 'reload schema'",
    ]);
    const client = await db.connect(db.migratorUrl);
    const { rows } = await client.query("select to_regclass('api.notes') is not null as notes");
    expect(rows[0]).toEqual({ notes: true });
  });
});
