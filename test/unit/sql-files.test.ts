import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { listSqlFiles } from "../../lib/migrate/sql-files.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pgpt-sqlfiles-"));
  await writeFile(join(dir, "020_b.sql"), "select 2;\n");
  await writeFile(join(dir, "010_a.sql"), "select 'é';\n");
  await writeFile(join(dir, "010_B.sql"), "select 'B';\n");
  await writeFile(join(dir, "README.md"), "not sql");
  await writeFile(join(dir, "099_x.sql.bak"), "select 9;");
  await mkdir(join(dir, "050_dir.sql"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

test("lists only the .sql files of the directory, in code-unit name order, with their content and sha256", async () => {
  const files = await listSqlFiles(dir);
  expect(files.map((f) => f.name)).toEqual(["010_B.sql", "010_a.sql", "020_b.sql"]);
  const a = files[1]!;
  expect(a.path).toBe(join(dir, "010_a.sql"));
  expect(a.sql).toBe("select 'é';\n");
  expect(a.sha256).toBe(createHash("sha256").update("select 'é';\n", "utf8").digest("hex"));
});

test("the repository's sql/ directory lists the example API files in apply order", async () => {
  const files = await listSqlFiles("sql");
  expect(files.map((f) => f.name)).toEqual([
    "001_api_schema.sql",
    "010_notes.sql",
    "020_announcements.sql",
    "030_search_notes.sql",
  ]);
});
