// The public origin end to end on this machine: the real caddy binary running the rendered local-mode Caddyfile, in
// front of the companion (in-process, on real PostgreSQL) and a stand-in for PostgREST that echoes what it received.
// Proves the routes as GPT Builder will use them: /openapi.json and /oauth/* reach the companion, /api/<path> reaches
// PostgREST without the prefix, anything else is a JSON 404. Needs the caddy binary; CI installs it (.ci/run), so under CI a
// missing binary fails instead of skipping.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readCompanionConfig } from "../../companion/config.js";
import { createCompanion, type Companion } from "../../companion/server.js";
import { renderCaddyfile } from "../../infra/proxy/caddyfile.js";
import { applyMigrations, listSqlFiles } from "../../lib/migrate/index.js";
import { addUser } from "../../companion/oauth/users.js";
import { createOAuthTestDatabase, type OAuthTestDatabase } from "../support/oauth-db.js";

const CALLBACK = "https://chatgpt.com/aip/g-0123456789abcdef0123456789abcdef/oauth/callback";
const hasCaddy = spawnSync("caddy", ["version"]).status === 0;

const listen = (server: Server) =>
  new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));

describe.skipIf(!hasCaddy && !process.env.CI)("the origin through Caddy (needs the caddy binary: apt-get install caddy)", () => {
  let oauthDb: OAuthTestDatabase;
  let companion: Companion;
  let postgrest: Server;
  let caddy: ChildProcess | undefined;
  let dir = "";
  let origin = "";
  let caddyLog = "";
  const logged: string[] = [];

  beforeAll(async () => {
    if (!hasCaddy) throw new Error("CI is set but caddy is not on PATH: install it (apt-get install caddy), as .ci/run does");
    oauthDb = await createOAuthTestDatabase();
    const { db } = oauthDb;
    const oauthLogin = new URL(oauthDb.oauthUrl);
    const migrator = await db.connect(db.migratorUrl);
    await applyMigrations(migrator, { files: await listSqlFiles("sql"), variables: db.variables, schemas: ["api"] });
    const { hostname, port } = new URL(db.authenticatorUrl);
    const database = { host: hostname, port: Number(port), user: db.roles.authenticator, password: db.authenticatorPassword, database: db.name };
    companion = createCompanion(
      readCompanionConfig({
        PGHOST: hostname, PGUSER: database.user, PGDATABASE: db.name,
        PGPT_DB_SCHEMAS: "api", PGPT_ANON_ROLE: db.roles.anon, PGPT_AUTHENTICATED_ROLE: db.roles.authenticated,
        PGPT_API_URL: "https://gpt.example.com/api", PGPT_JWT_SECRET: "caddy-test-secret-of-at-least-32-chars",
        PGPT_JWT_AUDIENCE: "https://gpt.example.com/api",
        PGPT_OAUTH_ISSUER: "https://gpt.example.com/oauth", PGPT_OAUTH_CLIENT_ID: "gpt-caddy-test-client",
        PGPT_OAUTH_CLIENT_SECRET: "s".repeat(43), PGPT_OAUTH_CALLBACK_URLS: CALLBACK, PGPT_OAUTH_COOKIE_KEY: "c".repeat(43),
        PGPT_OAUTH_SIGNING_KEY: JSON.stringify({ kty: "oct", k: Buffer.from("caddy-test-secret-of-at-least-32-chars").toString("base64url"), alg: "HS256" }),
        PGPT_OAUTH_PGUSER: decodeURIComponent(oauthLogin.username), PGPT_OAUTH_PGPASSWORD: decodeURIComponent(oauthLogin.password),
      }),
      { database, log: (line) => logged.push(line) },
    );
    await companion.ready;
    const companionPort = await listen(companion.server);
    postgrest = createServer((req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", Server: "postgrest/16.4" });
      res.end(JSON.stringify({ path: req.url, authorization: req.headers.authorization ?? null }));
    });
    const postgrestPort = await listen(postgrest);
    const probe = createServer();
    const httpPort = await listen(probe); // a free port for Caddy
    await new Promise((resolve) => probe.close(resolve));
    dir = await mkdtemp(join(tmpdir(), "pgpt-origin-"));
    const config = join(dir, "Caddyfile");
    await writeFile(config, renderCaddyfile({ httpPort, postgrest: `127.0.0.1:${postgrestPort}`, companion: `127.0.0.1:${companionPort}` }));
    caddy = spawn("caddy", ["run", "--adapter", "caddyfile", "--config", config], {
      env: { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, "data"), XDG_CONFIG_HOME: join(dir, "config") },
    });
    caddy.stderr!.on("data", (chunk) => (caddyLog += chunk));
    caddy.stdout!.on("data", (chunk) => (caddyLog += chunk));
    origin = `http://127.0.0.1:${httpPort}`;
    for (const deadline = Date.now() + 15_000; ; await new Promise((r) => setTimeout(r, 100))) {
      if ((await fetch(`${origin}/nope`).then((r) => r.status, () => 0)) === 404) break;
      if (Date.now() > deadline) throw new Error(`caddy did not start:\n${caddyLog}`);
    }
  });

  afterAll(async () => {
    caddy?.kill("SIGTERM");
    await companion?.close();
    postgrest?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    await oauthDb?.drop();
  });

  test("/openapi.json is the companion's document", async () => {
    const res = await fetch(`${origin}/openapi.json`);
    expect(res.status, caddyLog).toBe(200);
    const doc = (await res.json()) as { openapi: string; servers: { url: string }[]; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers).toEqual([{ url: "https://gpt.example.com/api" }]);
    expect(Object.keys(doc.paths)).toEqual(["/announcements"]);
  });

  test("/api/<path> reaches PostgREST without the prefix, query and Authorization intact, without a Server header", async () => {
    const res = await fetch(`${origin}/api/notes?select=id&id=eq.1`, { headers: { Authorization: "Bearer abc" } });
    expect(await res.json()).toEqual({ path: "/notes?select=id&id=eq.1", authorization: "Bearer abc" });
    expect(res.headers.get("server")).toBeNull();
    expect(await (await fetch(`${origin}/api`)).json()).toMatchObject({ path: "/" });
  });

  test("the access log records requests without the view key or the token", async () => {
    const key = "view-key-that-must-not-be-logged-0123";
    await fetch(`${origin}/openapi.json?view=${key}`, { headers: { Authorization: "Bearer token-that-must-not-be-logged" } });
    await expect.poll(() => caddyLog, { timeout: 5_000 }).toMatch(/"uri":"\/openapi\.json/);
    expect(caddyLog).not.toContain(key);
    expect(caddyLog).not.toContain("token-that-must-not-be-logged");
  });

  test("/oauth reaches the authorization server, which names the public origin whatever Caddy forwarded", async () => {
    const res = await fetch(`${origin}/oauth/.well-known/openid-configuration`);
    expect(res.status, caddyLog).toBe(200);
    expect(await res.json()).toMatchObject({
      issuer: "https://gpt.example.com/oauth",
      authorization_endpoint: "https://gpt.example.com/oauth/auth",
      token_endpoint: "https://gpt.example.com/oauth/token",
      response_types_supported: ["code"],
    });
  });

  test("an authorization request through Caddy leads to the sign-in page, unframeable and uncached", async () => {
    const query = new URLSearchParams({ response_type: "code", client_id: "gpt-caddy-test-client", redirect_uri: CALLBACK, scope: "api", state: "s" });
    const start = await fetch(`${origin}/oauth/auth?${query}`, { redirect: "manual" });
    expect(start.status, caddyLog).toBe(303);
    const location = new URL(start.headers.get("location")!, "https://gpt.example.com");
    expect(location.pathname).toMatch(/^\/oauth\/interaction\/[A-Za-z0-9_-]+$/);
    const cookie = start.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const page = await fetch(`${origin}${location.pathname}`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="password"');
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(page.headers.get("cache-control")).toBe("no-store");
  });

  test("behind a tunnel the throttle counts the client's address, not the tunnel's", async () => {
    const owner = await oauthDb.db.connect(oauthDb.oauthUrl);
    await addUser(owner, { username: "ivy@example.com", password: "ivy's long passphrase", role: oauthDb.db.roles.authenticated, authenticator: oauthDb.db.roles.authenticator });
    const signIn = async (client: string) => {
      const query = new URLSearchParams({ response_type: "code", client_id: "gpt-caddy-test-client", redirect_uri: CALLBACK, scope: "api", state: "s" });
      // As cloudflared or ngrok forward it: the chain the client sent, then the address the tunnel saw.
      const headers = { "X-Forwarded-For": `6.6.6.6, ${client}` };
      const start = await fetch(`${origin}/oauth/auth?${query}`, { redirect: "manual", headers });
      const cookie = start.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
      const path = new URL(start.headers.get("location")!, origin).pathname;
      const html = await (await fetch(`${origin}${path}`, { headers: { ...headers, cookie } })).text();
      const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
      const res = await fetch(`${origin}${path}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { ...headers, cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ csrf, username: "ivy@example.com", password: "a wrong password" }).toString(),
      });
      return res.status;
    };
    for (let i = 0; i < 5; i++) expect(await signIn("198.51.100.9")).toBe(401);
    expect(await signIn("198.51.100.9")).toBe(429);
    expect(await signIn("198.51.100.10")).toBe(401);
    expect(logged.join("\n")).toContain("sign-in throttled for 198.51.100.9");
  });

  test("a sign-in through Caddy ends at ChatGPT's callback, and the access log keeps no authorization code", async () => {
    const owner = await oauthDb.db.connect(oauthDb.oauthUrl);
    await addUser(owner, { username: "jo@example.com", password: "jo's long passphrase", role: oauthDb.db.roles.authenticated, authenticator: oauthDb.db.roles.authenticator });
    const query = new URLSearchParams({ response_type: "code", client_id: "gpt-caddy-test-client", redirect_uri: CALLBACK, scope: "api", state: "s" });
    const cookies = new Map<string, string>();
    const go = async (url: string, init: RequestInit = {}) => {
      const res = await fetch(url, { ...init, redirect: "manual", headers: { ...(init.headers as Record<string, string>), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") } });
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(";");
        cookies.set(pair!.slice(0, pair!.indexOf("=")), pair!.slice(pair!.indexOf("=") + 1));
      }
      return res;
    };
    const start = await go(`${origin}/oauth/auth?${query}`);
    const path = new URL(start.headers.get("location")!, origin).pathname;
    const html = await (await go(`${origin}${path}`)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    let res = await go(`${origin}${path}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrf, username: "jo@example.com", password: "jo's long passphrase" }).toString(),
    });
    // The issuer is https://gpt.example.com; here Caddy is plain http on 127.0.0.1, so follow by path.
    while (res.status === 303 && !res.headers.get("location")!.startsWith(CALLBACK)) res = await go(`${origin}${new URL(res.headers.get("location")!, origin).pathname}`);
    const code = new URL(res.headers.get("location")!).searchParams.get("code")!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    await expect.poll(() => caddyLog, { timeout: 5_000 }).toMatch(/"uri":"\/oauth\/auth\//);
    expect(caddyLog).not.toContain(code);
  });

  test("anything else is a JSON 404, and /apinotes is not mistaken for /api", async () => {
    for (const path of ["/", "/notes", "/apinotes"]) {
      const res = await fetch(`${origin}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toEqual({ message: "Not found: use /api or /openapi.json" });
    }
  });
});
