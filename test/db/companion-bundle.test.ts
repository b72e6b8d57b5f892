// What the companion image runs (companion/Dockerfile): the esbuild bundle alone, started by plain `node` with no
// node_modules beside it, configured by environment as the container is, answering on real PostgreSQL.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { bundleCompanion } from "../../companion/bundle.js";
import { applyMigrations, listSqlFiles } from "../../lib/migrate/index.js";
import { createTestDatabase, type TestDatabase } from "../support/db-fixtures.js";

let db: TestDatabase;
let dir: string;
let child: ChildProcess | undefined;
let output = "";

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  db = await createTestDatabase();
  const migrator = await db.connect(db.migratorUrl);
  await applyMigrations(migrator, { files: await listSqlFiles("sql"), variables: db.variables, schemas: ["api"] });
  dir = await mkdtemp(join(tmpdir(), "pgpt-bundle-"));
  await bundleCompanion(join(dir, "companion.mjs"));
});
afterAll(async () => {
  child?.kill("SIGTERM");
  await rm(dir, { recursive: true, force: true });
  await db?.drop();
});

test("the bundle imports nothing but Node.js built-ins", async () => {
  const code = await readFile(join(dir, "companion.mjs"), "utf8");
  const imports = [...code.matchAll(/^import .* from "([^"]+)";?$/gm)].map((m) => m[1]);
  expect(imports.length).toBeGreaterThan(0);
  expect(imports.filter((name) => !name!.startsWith("node:"))).toEqual([]);
});

test("started alone with the container's environment, it serves /openapi.json", async () => {
  const { hostname, port } = new URL(db.authenticatorUrl);
  const httpPort = await freePort();
  child = spawn(process.execPath, ["companion.mjs"], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      PORT: String(httpPort),
      PGHOST: hostname, PGPORT: port, PGUSER: db.roles.authenticator, PGPASSWORD: db.authenticatorPassword, PGDATABASE: db.name,
      PGPT_DB_SCHEMAS: "api", PGPT_ANON_ROLE: db.roles.anon, PGPT_AUTHENTICATED_ROLE: db.roles.authenticated,
      PGPT_API_URL: "https://gpt.example.com/api", PGPT_JWT_SECRET: "bundle-test-secret-of-at-least-32-chars",
    },
  });
  child.stderr!.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${httpPort}`;
  await expect.poll(() => fetch(`${url}/healthz`).then((r) => r.status, () => 0), { timeout: 10_000, interval: 100 }).toBe(200);
  const res = await fetch(`${url}/openapi.json`);
  expect(res.status, output).toBe(200);
  const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
  expect(doc.openapi).toBe("3.1.0");
  expect(Object.keys(doc.paths)).toEqual(["/announcements"]);
  expect(output).toMatch(/postgrest-gpt companion: \/openapi.json on port/);
});

test("a missing setting stops it before it listens, naming the variable", async () => {
  const run = spawn(process.execPath, ["companion.mjs"], { cwd: dir, env: { PATH: process.env.PATH } });
  let err = "";
  run.stderr!.on("data", (chunk) => (err += chunk));
  const code = await new Promise<number | null>((resolve) => run.on("exit", resolve));
  expect(code).toBe(1);
  expect(err).toMatch(/^companion configuration: PGHOST is not set/);
  expect(err).not.toMatch(/\n\s+at /);
});
