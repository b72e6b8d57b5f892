// npm run bench:oauth: the token endpoint as ChatGPT uses it, in-process on this machine: code exchange and refresh
// (client_secret_post), open-loop at 100 requests/s for 10 s each, then a closed loop for the ceiling. Latency is
// measured from the client side of a real HTTP request to the companion, which signs a PostgREST JWT and reads and
// writes gpt_oauth.store on PostgreSQL. Target: p99 < 50 ms at 100 req/s.
//   npm run bench:oauth [-- --alg ES256] (default HS256). Starts an embedded PostgreSQL unless DATABASE_URL is set.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { readCompanionConfig } from "../companion/config.js";
import { ensureOAuthSchema, OAUTH_SCHEMA } from "../companion/oauth/schema.js";
import { addUser } from "../companion/oauth/users.js";
import { createCompanion } from "../companion/server.js";
import { isJwtAlgorithm, type JwtAlgorithm } from "../infra/keys/algorithms.js";
import { trustedKey } from "../infra/keys/jwt-secret.js";
import { signingJwk } from "../infra/keys/signing-jwk.js";
import { startEmbeddedPostgres } from "../test/support/embedded-postgres.js";
import { freePort } from "../test/support/free-port.js";
import { materialFor } from "../test/support/key-material.js";

const RATE = 100;
const SECONDS = 10;
const CEILING_SECONDS = 5;
const CEILING_CONCURRENCY = 8;
const CALLBACK = "https://chatgpt.com/aip/g-0123456789abcdef0123456789abcdef/oauth/callback";
const DATABASE = "bench_oauth";
const ROLES = { anon: "bench_oauth_anon", authenticated: "bench_oauth_user", authenticator: "bench_oauth_login", oauth: "bench_oauth_server" };
const PASSWORD = "bench-oauth-login";

const log = (line: string) => process.stderr.write(`${line}\n`);
const ident = (name: string) => pg.escapeIdentifier(name);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

function urlFor(base: string, database: string, user?: string): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  if (user) {
    u.username = user;
    u.password = PASSWORD;
  }
  return u.toString();
}

function algorithmArgument(): JwtAlgorithm {
  const i = process.argv.indexOf("--alg");
  const value = i >= 0 ? process.argv[i + 1] : "HS256";
  if (!value || !isJwtAlgorithm(value)) throw new Error(`--alg ${JSON.stringify(value)}: use one of the stack's jwtAlgorithm values, e.g. HS256 or ES256`);
  return value;
}

/** A signed-in browser: with its session cookie, each authorization request redirects straight back with a code. */
async function codes(issuer: string, clientId: string, count: number, username: string, password: string): Promise<string[]> {
  const cookies = new Map<string, string>();
  const request = async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set("cookie", [...cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return res;
  };
  const authorizeUrl = () => `${issuer}/auth?${new URLSearchParams({ response_type: "code", client_id: clientId, redirect_uri: CALLBACK, scope: "api", state: randomBytes(8).toString("hex") })}`;
  const walk = async (url: string, init?: RequestInit): Promise<string> => {
    let res = await request(url, init);
    let current = url;
    while (res.status >= 300 && res.status < 400) {
      current = new URL(res.headers.get("location")!, current).href;
      if (current.startsWith(CALLBACK)) return new URL(current).searchParams.get("code")!;
      res = await request(current);
    }
    const html = await res.text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    const action = /action="([^"]+)"/.exec(html)?.[1];
    if (!csrf || !action) throw new Error(`unexpected page ${res.status} at ${current}`);
    return walk(new URL(action, current).href, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrf, username, password }).toString(),
    });
  };
  const result: string[] = [];
  for (let i = 0; i < count; i++) result.push(await walk(authorizeUrl()));
  return result;
}

interface Run {
  latencies: number[];
  /** Seconds since the run began, per request, to tell a warm-up stall from steady-state tails. */
  startedAt: number[];
  errors: number;
  seconds: number;
}

/** Open loop: a request every 1/rate s regardless of how long earlier ones take, as independent users would send them. */
async function openLoop(bodies: () => URLSearchParams, tokenUrl: string): Promise<Run> {
  const latencies: number[] = [];
  const startedAt: number[] = [];
  let errors = 0;
  const total = RATE * SECONDS;
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const body = bodies();
    pending.push(
      (async () => {
        const t0 = performance.now();
        const res = await fetch(tokenUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        startedAt.push((t0 - start) / 1000);
        if (res.status !== 200) errors++;
      })(),
    );
  }
  await Promise.all(pending);
  return { latencies, startedAt, errors, seconds: (performance.now() - start) / 1000 };
}

async function closedLoop(bodies: () => URLSearchParams, tokenUrl: string): Promise<Run> {
  const latencies: number[] = [];
  const startedAt: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + CEILING_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CEILING_CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const res = await fetch(tokenUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: bodies() });
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        startedAt.push((t0 - start) / 1000);
        if (res.status !== 200) errors++;
      }
    }),
  );
  return { latencies, startedAt, errors, seconds: (performance.now() - start) / 1000 };
}

function describeRun(name: string, run: Run): string {
  const sorted = [...run.latencies].sort((a, b) => a - b);
  const slowest = run.latencies
    .map((ms, i) => ({ ms, at: run.startedAt[i]! }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 3)
    .map((r) => `${r.ms.toFixed(0)} ms at ${r.at.toFixed(1)} s`)
    .join(", ");
  return `${name.padEnd(34)} ${String(sorted.length).padStart(5)} requests  ${(sorted.length / run.seconds).toFixed(0).padStart(4)} req/s  p50 ${percentile(sorted, 50).toFixed(1).padStart(5)} ms  p99 ${percentile(sorted, 99).toFixed(1).padStart(5)} ms  max ${sorted.at(-1)!.toFixed(1).padStart(5)} ms  errors ${run.errors}  (slowest: ${slowest})`;
}

async function main() {
  const algorithm = algorithmArgument();
  const server = process.env.DATABASE_URL ? { url: process.env.DATABASE_URL, stop: async () => {} } : await startEmbeddedPostgres("bench");
  const admin = new pg.Client(server.url);
  await admin.connect();
  let stopCompanion = async () => {};
  try {
    await admin.query(`drop database if exists ${ident(DATABASE)} with (force)`);
    await admin.query(`
      do $$ begin
        if not exists (select from pg_roles where rolname = '${ROLES.anon}') then create role ${ident(ROLES.anon)} nologin; end if;
        if not exists (select from pg_roles where rolname = '${ROLES.authenticated}') then create role ${ident(ROLES.authenticated)} nologin; end if;
        if not exists (select from pg_roles where rolname = '${ROLES.authenticator}') then create role ${ident(ROLES.authenticator)} login noinherit password '${PASSWORD}'; end if;
        if not exists (select from pg_roles where rolname = '${ROLES.oauth}') then create role ${ident(ROLES.oauth)} login password '${PASSWORD}'; end if;
      end $$;
      grant ${ident(ROLES.anon)}, ${ident(ROLES.authenticated)} to ${ident(ROLES.authenticator)};`);
    await admin.query(`create database ${ident(DATABASE)}`);
    const setup = new pg.Client(urlFor(server.url, DATABASE));
    await setup.connect();
    await setup.query(`create schema api; create schema ${OAUTH_SCHEMA} authorization ${ident(ROLES.oauth)}`);
    await setup.end();
    const owner = new pg.Client(urlFor(server.url, DATABASE, ROLES.oauth));
    await owner.connect();
    await ensureOAuthSchema(owner);
    const person = { username: "bench@example.com", password: "bench long passphrase" };
    await addUser(owner, { ...person, role: ROLES.authenticated, authenticator: ROLES.authenticator });
    await owner.end();

    const material = materialFor(algorithm);
    const trusted = await trustedKey(material);
    const { hostname, port } = new URL(server.url);
    const clientId = `gpt-${randomBytes(8).toString("hex")}`;
    const clientSecret = randomBytes(32).toString("base64url");
    const config = readCompanionConfig({
      PGHOST: hostname, PGPORT: port, PGUSER: ROLES.authenticator, PGPASSWORD: PASSWORD, PGDATABASE: DATABASE,
      PGPT_DB_SCHEMAS: "api", PGPT_ANON_ROLE: ROLES.anon, PGPT_AUTHENTICATED_ROLE: ROLES.authenticated,
      PGPT_API_URL: "https://gpt.example.com/api", PGPT_JWT_SECRET: trusted.jwtSecret, PGPT_JWT_AUDIENCE: "https://gpt.example.com/api",
      PGPT_OAUTH_ISSUER: "http://127.0.0.1:0/oauth", PGPT_OAUTH_CLIENT_ID: clientId, PGPT_OAUTH_CLIENT_SECRET: clientSecret,
      PGPT_OAUTH_CALLBACK_URLS: CALLBACK, PGPT_OAUTH_SIGNING_KEY: await signingJwk(material, trusted),
      PGPT_OAUTH_COOKIE_KEY: randomBytes(32).toString("base64url"), PGPT_OAUTH_PGUSER: ROLES.oauth, PGPT_OAUTH_PGPASSWORD: PASSWORD,
    });
    // The issuer names the port, so the port is chosen before the companion is configured.
    const listenPort = await freePort();
    const issuer = `http://127.0.0.1:${listenPort}/oauth`;
    const companion = createCompanion({ ...config, oauth: { ...config.oauth!, issuer } }, { database: { host: hostname, port: Number(port), user: ROLES.authenticator, password: PASSWORD, database: DATABASE }, log });
    await companion.ready;
    await new Promise<void>((resolve) => companion.server.listen(listenPort, "127.0.0.1", resolve));
    stopCompanion = () => companion.close();
    const tokenUrl = `${issuer}/token`;
    const client = { client_id: clientId, client_secret: clientSecret };

    log(`bench:oauth ${algorithm}: issuing ${RATE * SECONDS + 50} authorization codes (they live 60 s)...`);
    const issued = await codes(issuer, clientId, RATE * SECONDS + 50, person.username, person.password);
    const warm = issued.splice(0, 50);
    let refreshToken = "";
    for (const code of warm) {
      const res = await fetch(tokenUrl, { method: "POST", body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: CALLBACK, ...client }) });
      refreshToken = ((await res.json()) as { refresh_token: string }).refresh_token;
    }
    log("bench:oauth: code exchange at 100 req/s...");
    const exchange = await openLoop(() => new URLSearchParams({ grant_type: "authorization_code", code: issued.shift()!, redirect_uri: CALLBACK, ...client }), tokenUrl);
    const refreshBody = () => new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken, ...client });
    log("bench:oauth: refresh at 100 req/s...");
    const refresh = await openLoop(refreshBody, tokenUrl);
    log(`bench:oauth: refresh, ${CEILING_CONCURRENCY} concurrent for ${CEILING_SECONDS} s...`);
    const ceiling = await closedLoop(refreshBody, tokenUrl);
    process.stdout.write(
      [
        `Token endpoint, in-process, ${algorithm} access tokens, client_secret_post (${new Date().toISOString()}):`,
        describeRun(`code exchange @ ${RATE} req/s × ${SECONDS} s`, exchange),
        describeRun(`refresh @ ${RATE} req/s × ${SECONDS} s`, refresh),
        describeRun(`refresh, ${CEILING_CONCURRENCY} concurrent (ceiling)`, ceiling),
        "",
      ].join("\n"),
    );
  } finally {
    await stopCompanion();
    await admin.query(`drop database if exists ${ident(DATABASE)} with (force)`).catch(() => undefined);
    await admin.end();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  log(`bench:oauth failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
