// npm run bench: what row-level security costs the example API. PostgREST-style read requests (lib/db runRequest:
// BEGIN READ ONLY, role switch, claims, query, COMMIT, as the authenticator) on api.notes under its RLS policies,
// against the same transaction on a copy of the table without RLS and with an explicit `where owner = $1`.
// Sizes 100k and 1M rows over 1000 owners. Starts an embedded PostgreSQL unless DATABASE_URL names a server.
import { fileURLToPath } from "node:url";
import pg from "pg";
import { applyMigrations, listSqlFiles } from "../lib/migrate/index.js";
import { loadRoleSettings, runRequest, type RequestContext, type SqlQuery } from "../lib/db/index.js";
import { startEmbeddedPostgres } from "../test/support/embedded-postgres.js";

const SIZES = [100_000, 1_000_000];
const OWNERS = 1000;
const CONNECTIONS = 4;
const SECONDS_PER_ROUND = 5;
const ROUNDS = 3;
const ROLES = { anon: "bench_anon", authenticated: "bench_user", authenticator: "bench_login" };
const PASSWORD = "bench-login-password";

const log = (line: string) => process.stderr.write(`${line}\n`);

async function startServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  return startEmbeddedPostgres("bench");
}

/** The roles as the program declares them (infra/database/roles.ts); the benchmark runs outside Pulumi. */
async function setUp(admin: pg.Client): Promise<void> {
  await admin.query(`
    do $$ begin
      if not exists (select from pg_roles where rolname = '${ROLES.anon}') then create role ${ROLES.anon} nologin; end if;
      if not exists (select from pg_roles where rolname = '${ROLES.authenticated}') then create role ${ROLES.authenticated} nologin; end if;
      if not exists (select from pg_roles where rolname = '${ROLES.authenticator}') then
        create role ${ROLES.authenticator} login noinherit password '${PASSWORD}';
      end if;
    end $$;
    grant ${ROLES.anon}, ${ROLES.authenticated} to ${ROLES.authenticator};
    create schema if not exists api;
    grant usage on schema api to ${ROLES.anon}, ${ROLES.authenticated};`);
  const files = await listSqlFiles(fileURLToPath(new URL("../sql", import.meta.url)));
  await applyMigrations(admin, {
    files,
    schemas: ["api"],
    variables: { anon_role: ROLES.anon, authenticated_role: ROLES.authenticated, authenticator_role: ROLES.authenticator, api_schema: "api" },
  });
}

async function load(admin: pg.Client, rows: number): Promise<void> {
  log(`loading ${rows.toLocaleString("en")} notes over ${OWNERS} owners...`);
  await admin.query("truncate api.notes");
  await admin.query(
    `insert into api.notes (owner, title, body)
     select 'user' || (i % ${OWNERS}), 'note ' || i, repeat('lorem ipsum ', 8) from generate_series(1, $1) as i`,
    [rows],
  );
  // The baseline: the same rows and index, no row-level security, the owner filter written by hand.
  await admin.query(`
    create schema if not exists bench;
    grant usage on schema bench to ${ROLES.authenticated};
    drop table if exists bench.notes_plain;
    create table bench.notes_plain as select * from api.notes;
    create index on bench.notes_plain (owner, id);
    grant select on bench.notes_plain to ${ROLES.authenticated};`);
  // VACUUM refuses to run inside the implicit transaction of a multi-statement query.
  await admin.query("vacuum analyze api.notes");
  await admin.query("vacuum analyze bench.notes_plain");
}

type Variant = { name: string; path: string; schemas: string[]; query: (owner: string) => SqlQuery };
const VARIANTS: Variant[] = [
  { name: "RLS", path: "/notes", schemas: ["api"], query: () => ({ text: "select id, title, body from api.notes order by id limit 20" }) },
  {
    name: "no RLS, where owner = $1",
    path: "/notes_plain",
    schemas: ["bench"],
    query: (owner) => ({ text: "select id, title, body from bench.notes_plain where owner = $1 order by id limit 20", values: [owner] }),
  },
];

/** Requests per second over `seconds`, CONNECTIONS requests in flight, each as a random one of the OWNERS users. */
async function measure(clients: pg.Client[], variant: Variant, seconds: number): Promise<number> {
  const roleSettings = await loadRoleSettings(clients[0]!);
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < deadline) {
        const owner = `user${Math.floor(Math.random() * OWNERS)}`;
        const ctx: RequestContext = {
          role: ROLES.authenticated,
          claims: { role: ROLES.authenticated, sub: owner },
          anonymous: false,
          method: "GET",
          path: variant.path,
          schemas: variant.schemas,
          roleSettings,
        };
        const result = await runRequest(client, ctx, variant.query(owner));
        if (!result.ok || result.result.rows.length !== 20) throw new Error(`${variant.name}: unexpected answer ${JSON.stringify(result).slice(0, 300)}`);
        done++;
      }
    }),
  );
  return done / seconds;
}

async function plan(admin: pg.Client): Promise<string> {
  await admin.query("begin");
  await admin.query(`select set_config('role', '${ROLES.authenticated}', true), set_config('request.jwt.claims', '{"sub":"user7"}', true)`);
  const { rows } = await admin.query("explain select id, title, body from api.notes order by id limit 20");
  await admin.query("rollback");
  return rows.map((r) => `    ${r["QUERY PLAN"]}`).join("\n");
}

async function main(): Promise<void> {
  const server = await startServer();
  const url = new URL(server.url);
  const admin = new pg.Client(server.url);
  await admin.connect();
  await admin.query("drop database if exists pgpt_bench");
  await admin.query("create database pgpt_bench");
  await admin.end();
  url.pathname = "/pgpt_bench";
  const db = new pg.Client(url.href);
  db.on("error", () => undefined);
  await db.connect();
  await setUp(db);

  const loginUrl = new URL(url.href);
  loginUrl.username = ROLES.authenticator;
  loginUrl.password = PASSWORD;
  const clients = await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    const c = new pg.Client(loginUrl.href);
    // The server's shutdown at the end reaches idle clients as an 'error' event; it is expected, not a crash.
    c.on("error", () => undefined);
    await c.connect();
    return c;
  }));

  const report: string[] = [];
  for (const rows of SIZES) {
    await load(db, rows);
    report.push(`${rows.toLocaleString("en")} rows, plan of the RLS request:\n${await plan(db)}`);
    const best = new Map<string, number>();
    // Interleaved rounds so that drift on a shared machine hits both variants alike; the best round of each counts.
    for (let round = 1; round <= ROUNDS; round++) {
      for (const variant of VARIANTS) {
        const rps = await measure(clients, variant, SECONDS_PER_ROUND);
        log(`  ${rows.toLocaleString("en")} rows, round ${round}/${ROUNDS}, ${variant.name}: ${rps.toFixed(0)} req/s`);
        best.set(variant.name, Math.max(best.get(variant.name) ?? 0, rps));
      }
    }
    const rls = best.get(VARIANTS[0]!.name)!;
    const plain = best.get(VARIANTS[1]!.name)!;
    report.push(
      `  RLS: ${rls.toFixed(0)} req/s; no RLS + where owner: ${plain.toFixed(0)} req/s; ` +
        `time ratio RLS/plain = ${(plain / rls).toFixed(3)}x (target <= 1.1x)`,
    );
  }
  await Promise.all(clients.map((c) => c.end()));
  await db.end();
  await server.stop();
  console.log(`\nRow-level security cost, ${CONNECTIONS} connections, best of ${ROUNDS} x ${SECONDS_PER_ROUND}s rounds:\n${report.join("\n")}`);
}

main().catch((error) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
