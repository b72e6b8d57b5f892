// The companion over real HTTP, in-process, on real PostgreSQL with the example API: who sees which document,
// PostgREST's own answers to bad tokens, and a fresh document right after a migration.
import { mkdtemp, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT } from "jose";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readCompanionConfig } from "../../companion/config.js";
import { createCompanion, type Companion } from "../../companion/server.js";
import { applyMigrations, listSqlFiles } from "../../lib/migrate/index.js";
import type { OpenApiDocument } from "../../lib/openapi/index.js";
import { createTestDatabase, type TestDatabase } from "../support/db-fixtures.js";
import { expectImportable, operationsOf } from "../support/openapi.js";

const SECRET = "companion-test-secret-of-at-least-32-characters";
const VIEW_KEY = "view-key-0123456789abcdefghijkl";
const API_URL = "https://gpt.example.com/api";

let db: TestDatabase;
let migrator: pg.Client;
let companion: Companion;
let base: string;
const logged: string[] = [];

const token = (claims: Record<string, unknown>, secret = SECRET) =>
  new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(secret));

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? (JSON.parse(text) as OpenApiDocument & Record<string, unknown>) : undefined };
}

beforeAll(async () => {
  db = await createTestDatabase();
  migrator = await db.connect(db.migratorUrl);
  await applyMigrations(migrator, { files: await listSqlFiles("sql"), variables: db.variables, schemas: ["api"] });
  const { hostname, port } = new URL(db.authenticatorUrl);
  const config = readCompanionConfig({
    PGHOST: hostname, PGPORT: port, PGUSER: db.roles.authenticator, PGDATABASE: db.name,
    PGPT_DB_SCHEMAS: "api", PGPT_ANON_ROLE: db.roles.anon, PGPT_AUTHENTICATED_ROLE: db.roles.authenticated,
    PGPT_API_URL: API_URL, PGPT_JWT_SECRET: SECRET, PGPT_MAX_ROWS: "20", PGPT_OPENAPI_VIEW_KEY: VIEW_KEY,
  });
  companion = createCompanion(config, {
    database: { host: hostname, port: Number(port), user: db.roles.authenticator, password: db.authenticatorPassword, database: db.name },
    log: (line) => logged.push(line),
  });
  await new Promise<void>((resolve) => companion.server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(companion.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await companion?.close();
  await db?.drop();
});

describe("who sees which document", () => {
  test("without a token: the anon role's view, declaring no authentication, importable", async () => {
    const res = await get("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(operationsOf(res.json!)).toEqual(["GET /announcements"]);
    expect(res.json!.servers).toEqual([{ url: API_URL }]);
    expect(res.json!.components.securitySchemes).toBeUndefined();
    await expectImportable(res.json!);
  });

  test("with a Bearer token: that role's view, with the bearer scheme", async () => {
    const res = await get("/openapi.json", { Authorization: `Bearer ${await token({ role: db.roles.authenticated, sub: "alice" })}` });
    expect(res.status).toBe(200);
    expect(operationsOf(res.json!)).toEqual([
      "GET /announcements",
      "GET /notes", "POST /notes", "PATCH /notes", "DELETE /notes",
      "GET /rpc/search_notes", "POST /rpc/search_notes",
    ]);
    expect(res.json!.components.securitySchemes).toHaveProperty("bearerAuth");
    await expectImportable(res.json!);
  });

  test("with the view key: the authenticated view, for Import from URL, which sends no token", async () => {
    const res = await get(`/openapi.json?view=${VIEW_KEY}`);
    expect(res.status).toBe(200);
    expect(operationsOf(res.json!)).toContain("POST /notes");
    expect((await get("/openapi.json?view=not-the-key")).status).toBe(403);
  });

  test("documents vary by token, so responses say so", async () => {
    const res = await get("/openapi.json");
    expect(res.headers.get("vary")).toBe("Authorization");
    expect(res.headers.get("cache-control")).toBe("private, no-cache");
    const again = await get("/openapi.json", { "If-None-Match": res.headers.get("etag")! });
    expect(again.status).toBe(304);
  });
});

describe("bad tokens get PostgREST's answers", () => {
  test("a token signed with another key: 401 PGRST301 with WWW-Authenticate", async () => {
    const res = await get("/openapi.json", { Authorization: `Bearer ${await token({ role: db.roles.authenticated }, "another-secret-that-is-32-characters-long")}` });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ code: "PGRST301" });
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
  });

  test("a token naming a role the authenticator cannot become: refused, no document", async () => {
    const res = await get("/openapi.json", { Authorization: `Bearer ${await token({ role: "postgres" })}` });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ code: "42501" });
    const unknown = await get("/openapi.json", { Authorization: `Bearer ${await token({ role: "nobody_at_all" })}` });
    expect(unknown.status).toBe(401);
  });

  test("no token or key appears in the companion's log", () => {
    expect(logged.join("\n")).not.toMatch(/eyJ|view-key/);
  });
});

describe("routes", () => {
  test("HEAD answers headers only; other methods get 405; other paths a JSON 404", async () => {
    const head = await fetch(`${base}/openapi.json`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const post = await fetch(`${base}/openapi.json`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    const missing = await get("/oauth/authorize");
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ message: "Not found: /oauth/authorize" });
    expect((await get("/healthz")).json).toEqual({ status: "ok" });
  });
});

describe("after a migration", () => {
  test("the next request already sees the new table: the migration's NOTIFY drops the cached documents", async () => {
    expect(operationsOf((await get("/openapi.json")).json!)).not.toContain("GET /events");
    const dir = await mkdtemp(join(tmpdir(), "pgpt-sql-"));
    await writeFile(
      join(dir, "090_events.sql"),
      `create table events (id bigint primary key, title text not null);
       grant select on events to :"anon_role";`,
    );
    await applyMigrations(migrator, { files: [...(await listSqlFiles("sql")), ...(await listSqlFiles(dir))], variables: db.variables, schemas: ["api"] });
    // NOTIFY is delivered asynchronously; it arrives within milliseconds, well before the 60 s safety net.
    await expect.poll(async () => operationsOf((await get("/openapi.json")).json!), { timeout: 5_000, interval: 50 }).toContain("GET /events");
  });
});

describe("when the listening connection is lost", () => {
  test("it reconnects and the next migration still refreshes the document", async () => {
    const admin = await db.connect(db.superuserUrl);
    const listener = async () =>
      (await admin.query<{ pid: number }>("select pid from pg_stat_activity where application_name = 'postgrest-gpt-companion-listen' and datname = $1", [db.name])).rows.map((r) => r.pid);
    const [before] = await listener();
    expect(before).toBeDefined();
    await admin.query("select pg_terminate_backend($1)", [before]);
    // A new listening session, not the terminated one.
    await expect.poll(async () => (await listener()).filter((pid) => pid !== before).length, { timeout: 10_000, interval: 100 }).toBe(1);
    expect(logged.some((l) => l.includes("schema-change listener lost its connection"))).toBe(true);

    expect(operationsOf((await get("/openapi.json")).json!)).not.toContain("GET /places");
    const dir = await mkdtemp(join(tmpdir(), "pgpt-sql-"));
    await writeFile(join(dir, "091_places.sql"), `create table places (id bigint primary key); grant select on places to :"anon_role";`);
    const files = [...(await listSqlFiles("sql")), ...(await listSqlFiles(dir))];
    await applyMigrations(migrator, { files, variables: db.variables, schemas: ["api"] });
    await expect.poll(async () => operationsOf((await get("/openapi.json")).json!), { timeout: 5_000, interval: 50 }).toContain("GET /places");
  });
});
