// npm run bench:openapi: how long one OpenAPI document takes to generate from the live catalog, as the companion
// does on a cache miss (catalog query through the authenticator login + building the document), for 10, 100 and
// 300 tables. Starts an embedded PostgreSQL unless DATABASE_URL names a server. Target: 300 tables under 0.5 s.
import pg from "pg";
import { buildOpenApiDocument, readCatalog } from "../lib/openapi/index.js";
import { startEmbeddedPostgres } from "../test/support/embedded-postgres.js";
import { manyTablesSql } from "../test/support/many-tables.js";

const SIZES = [10, 100, 300];
const WARMUP = 3;
const RUNS = 30;
const ROLES = { anon: "bench_openapi_anon", authenticated: "bench_openapi_user", authenticator: "bench_openapi_login" };
const PASSWORD = "bench-openapi-login";

const log = (line: string) => process.stderr.write(`${line}\n`);
const ident = (name: string) => pg.escapeIdentifier(name);

function withDatabase(url: string, database: string, user?: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  if (user) {
    u.username = user;
    u.password = PASSWORD;
  }
  return u.toString();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main() {
  const server = process.env.DATABASE_URL ? { url: process.env.DATABASE_URL, stop: async () => {} } : await startEmbeddedPostgres("bench");
  const admin = new pg.Client(server.url);
  await admin.connect();
  try {
    await admin.query(`
      do $$ begin
        if not exists (select from pg_roles where rolname = '${ROLES.anon}') then create role ${ident(ROLES.anon)} nologin; end if;
        if not exists (select from pg_roles where rolname = '${ROLES.authenticated}') then create role ${ident(ROLES.authenticated)} nologin; end if;
        if not exists (select from pg_roles where rolname = '${ROLES.authenticator}') then
          create role ${ident(ROLES.authenticator)} login noinherit password '${PASSWORD}';
        end if;
      end $$;
      grant ${ident(ROLES.anon)}, ${ident(ROLES.authenticated)} to ${ident(ROLES.authenticator)};`);
    const rows: string[] = [];
    for (const tables of SIZES) {
      const database = `bench_openapi_${tables}`;
      await admin.query(`drop database if exists ${ident(database)} with (force)`);
      await admin.query(`create database ${ident(database)}`);
      const owner = new pg.Client(withDatabase(server.url, database));
      await owner.connect();
      await owner.query(manyTablesSql(tables, ROLES));
      await owner.query("analyze");
      await owner.end();

      // The companion's connection: the authenticator, reading privileges for the role by name.
      const login = new pg.Client(withDatabase(server.url, database, ROLES.authenticator));
      await login.connect();
      const catalogMs: number[] = [];
      const totalMs: number[] = [];
      let operations = 0;
      for (let i = 0; i < WARMUP + RUNS; i++) {
        const start = performance.now();
        const catalog = await readCatalog(login, { role: ROLES.authenticated, schemas: ["api"] });
        const read = performance.now();
        const doc = buildOpenApiDocument(catalog, { serverUrl: "https://gpt.example.com/api", auth: "bearer" });
        const end = performance.now();
        operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
        if (i >= WARMUP) {
          catalogMs.push(read - start);
          totalMs.push(end - start);
        }
      }
      await login.end();
      await admin.query(`drop database ${ident(database)} with (force)`);
      catalogMs.sort((a, b) => a - b);
      totalMs.sort((a, b) => a - b);
      const row = `${String(tables).padStart(6)} tables  ${String(tables * 4).padStart(5)} candidates -> ${operations} operations   catalog p50 ${percentile(catalogMs, 50).toFixed(1)} ms   total p50 ${percentile(totalMs, 50).toFixed(1)} ms  p95 ${percentile(totalMs, 95).toFixed(1)} ms  max ${totalMs.at(-1)!.toFixed(1)} ms`;
      log(row);
      rows.push(row);
    }
    process.stdout.write(`OpenAPI generation (${RUNS} runs each, after ${WARMUP} warm-up):\n${rows.join("\n")}\n`);
  } finally {
    await admin.end();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  log(`bench:openapi failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
