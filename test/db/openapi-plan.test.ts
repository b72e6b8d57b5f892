// The lines `pulumi up` prints after the migrations: what each GPT authentication mode will see, what was left
// out and why, and what GPT Builder would refuse.
import { afterAll, beforeAll, expect, test } from "vitest";
import { applyMigrations, listSqlFiles } from "../../lib/migrate/index.js";
import { runPlan } from "../../lib/openapi/run-plan.js";
import { createTestDatabase, type TestDatabase } from "../support/db-fixtures.js";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  const migrator = await db.connect(db.migratorUrl);
  await applyMigrations(migrator, { files: await listSqlFiles("sql"), variables: db.variables, schemas: ["api"] });
});
afterAll(() => db?.drop());

async function plan(extra: Record<string, string>) {
  const lines: string[] = [];
  const env = {
    ...db.migratorEnv,
    PGPT_DB_SCHEMAS: "api",
    PGPT_ANON_ROLE: db.roles.anon,
    PGPT_AUTHENTICATED_ROLE: db.roles.authenticated,
    PGPT_API_URL: "https://gpt.example.com/api",
    ...extra,
  };
  const code = await runPlan(env, (line) => lines.push(line));
  return { code, lines };
}

test("prints each mode's operations", async () => {
  const { code, lines } = await plan({});
  expect(code).toBe(0);
  expect(lines).toEqual([
    `GPT authentication None (role ${db.roles.anon}): 1 operation: GET /announcements`,
    `GPT authentication API Key (role ${db.roles.authenticated}): 7 operations: GET /announcements, GET /notes, POST /notes, PATCH /notes, DELETE /notes, GET /rpc/search_notes, POST /rpc/search_notes`,
  ]);
});

test("says what the selection left out and why, and warns of names that match nothing", async () => {
  const { lines } = await plan({ PGPT_OPENAPI_READ_ONLY: "true", PGPT_OPENAPI_EXCLUDE: "announcements,nothing_here" });
  expect(lines).toContain("  left out (3): openapiReadOnly is on: operations that change data are left out: POST /notes, PATCH /notes, DELETE /notes");
  expect(lines).toContain("  left out (1): named in openapiExclude: GET /announcements");
  expect(lines.some((l) => l.includes('warning: openapiExclude names "nothing_here"'))).toBe(true);
});

test("a local http origin is reported as what GPT Builder would refuse", async () => {
  const { code, lines } = await plan({ PGPT_API_URL: "http://localhost:3000/api" });
  expect(code).toBe(0);
  expect(lines.some((l) => /GPT Builder would refuse: \$\.servers\[0\]\.url/.test(l))).toBe(true);
});
