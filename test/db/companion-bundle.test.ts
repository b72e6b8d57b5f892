// What the companion image runs (companion/Dockerfile): the directory companion/bundle.ts builds, started by plain
// `node` with nothing beside it but its own node_modules (the native argon2 package), configured by environment as
// the container is, answering on real PostgreSQL. Both bundles: the server and the admin command.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { bundleCompanion, RUNTIME_PACKAGES } from "../../companion/bundle.js";
import * as client from "openid-client";
import { addUser, verifyLogin } from "../../companion/oauth/users.js";
import { authenticate } from "../../lib/postgrest/index.js";
import { authorize, chatGptClient } from "../support/chatgpt.js";
import { applyMigrations, listSqlFiles } from "../../lib/migrate/index.js";
import type { TestDatabase } from "../support/db-fixtures.js";
import { createOAuthTestDatabase, type OAuthTestDatabase } from "../support/oauth-db.js";

let oauth: OAuthTestDatabase;
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

/** Runs a file of the bundle directory (or another) with only the given environment; stdin is written and closed. */
function run(file: string, args: string[], env: Record<string, string | undefined>, stdin = "", cwd = dir) {
  const proc = spawn(process.execPath, [file, ...args], { cwd, env: { PATH: process.env.PATH, ...env } });
  let stdout = "";
  let stderr = "";
  proc.stdout.on("data", (chunk) => (stdout += chunk));
  proc.stderr.on("data", (chunk) => (stderr += chunk));
  proc.stdin.end(stdin);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => proc.on("close", (code) => resolve({ code, stdout, stderr })));
}

beforeAll(async () => {
  oauth = await createOAuthTestDatabase();
  db = oauth.db;
  const migrator = await db.connect(db.migratorUrl);
  await applyMigrations(migrator, { files: await listSqlFiles("sql"), variables: db.variables, schemas: ["api"] });
  dir = await mkdtemp(join(tmpdir(), "pgpt-bundle-"));
  await bundleCompanion(dir);
});
afterAll(async () => {
  child?.kill("SIGTERM");
  await rm(dir, { recursive: true, force: true });
  await oauth?.drop();
});

test("the directory holds the two bundles and node_modules with argon2 and its platform binary only", async () => {
  expect((await readdir(dir)).sort()).toEqual(["companion-admin.mjs", "companion.mjs", "node_modules"]);
  const packages = (await readdir(join(dir, "node_modules", "@node-rs"))).sort();
  expect(packages[0]).toBe("argon2");
  // npm installs only the platform packages matching this machine: one, or two where it cannot tell the libc.
  expect(packages.length).toBeGreaterThan(1);
  for (const platform of packages.slice(1)) {
    expect(platform).toMatch(/^argon2-[a-z0-9-]+$/);
    expect((await readdir(join(dir, "node_modules", "@node-rs", platform))).some((f) => f.endsWith(".node")), platform).toBe(true);
  }
});

test("the bundles import nothing but Node.js built-ins and the packages copied beside them", async () => {
  for (const file of ["companion.mjs", "companion-admin.mjs"]) {
    const code = await readFile(join(dir, file), "utf8");
    const imports = [...code.matchAll(/^import .* from "([^"]+)";?$/gm)].map((m) => m[1]!);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((name) => !name.startsWith("node:") && !(RUNTIME_PACKAGES as readonly string[]).includes(name)), file).toEqual([]);
  }
  for (const name of RUNTIME_PACKAGES) expect(existsSync(join(dir, "node_modules", name, "package.json")), name).toBe(true);
});

const SECRET = "bundle-test-secret-of-at-least-32-chars";
const CALLBACK = "https://chatgpt.com/aip/g-0123456789abcdef0123456789abcdef/oauth/callback";
const CLIENT = { id: "gpt-bundle-test", secret: "b".repeat(43) };
let base = "";

test("started alone with the container's environment, it serves /openapi.json", async () => {
  const { hostname, port } = new URL(db.authenticatorUrl);
  const oauthLogin = new URL(oauth.oauthUrl);
  const httpPort = await freePort();
  child = spawn(process.execPath, ["companion.mjs"], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      PORT: String(httpPort),
      PGHOST: hostname, PGPORT: port, PGUSER: db.roles.authenticator, PGPASSWORD: db.authenticatorPassword, PGDATABASE: db.name,
      PGPT_DB_SCHEMAS: "api", PGPT_ANON_ROLE: db.roles.anon, PGPT_AUTHENTICATED_ROLE: db.roles.authenticated,
      PGPT_API_URL: "https://gpt.example.com/api", PGPT_JWT_SECRET: SECRET, PGPT_JWT_AUDIENCE: "https://gpt.example.com/api",
      PGPT_OAUTH_ISSUER: `http://127.0.0.1:${httpPort}/oauth`, PGPT_OAUTH_CLIENT_ID: CLIENT.id, PGPT_OAUTH_CLIENT_SECRET: CLIENT.secret,
      PGPT_OAUTH_CALLBACK_URLS: CALLBACK, PGPT_OAUTH_COOKIE_KEY: "c".repeat(43),
      PGPT_OAUTH_SIGNING_KEY: JSON.stringify({ kty: "oct", k: Buffer.from(SECRET).toString("base64url"), alg: "HS256" }),
      PGPT_OAUTH_PGUSER: decodeURIComponent(oauthLogin.username), PGPT_OAUTH_PGPASSWORD: decodeURIComponent(oauthLogin.password),
    },
  });
  child.stderr!.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${httpPort}`;
  base = url;
  await expect.poll(() => fetch(`${url}/healthz`).then((r) => r.status, () => 0), { timeout: 10_000, interval: 100 }).toBe(200);
  const res = await fetch(`${url}/openapi.json`);
  expect(res.status, output).toBe(200);
  const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
  expect(doc.openapi).toBe("3.1.0");
  expect(Object.keys(doc.paths)).toEqual(["/announcements"]);
  expect(output).toMatch(/postgrest-gpt companion: \/openapi.json on port/);
});

test("the bundled authorization server signs a person in and issues a token PostgREST accepts", async () => {
  const owner = await db.connect(oauth.oauthUrl);
  const person = { username: "bundle@example.com", password: "bundle long passphrase" };
  await addUser(owner, { ...person, role: db.roles.authenticated, authenticator: db.roles.authenticator });
  const config = await chatGptClient(`${base}/oauth`, CLIENT.id, CLIENT.secret, "basic");
  const state = client.randomState();
  const { callback, page } = await authorize(config, { redirect_uri: CALLBACK, scope: "api", state }, person);
  expect(page, output).toBeUndefined();
  const tokens = await client.authorizationCodeGrant(config, callback!, { expectedState: state });
  const auth = await authenticate(`Bearer ${tokens.access_token}`, { jwtSecret: SECRET, jwtAud: "https://gpt.example.com/api", dbAnonRole: db.roles.anon });
  expect(auth).toMatchObject({ ok: true, role: db.roles.authenticated });
  expect((await client.refreshTokenGrant(config, tokens.refresh_token!)).access_token).toEqual(expect.any(String));
});

test("a missing setting stops it before it listens, naming the variable", async () => {
  const r = await run("companion.mjs", [], {});
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^(oidc-provider WARNING: .*\n)*companion configuration: PGHOST is not set/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
});

describe("the admin command bundle", () => {
  const adminEnv = () => {
    const { hostname, port, username, password } = new URL(oauth.oauthUrl);
    return {
      PGHOST: hostname, PGPORT: port, PGDATABASE: db.name, PGUSER: db.roles.authenticator, PGPASSWORD: db.authenticatorPassword,
      PGPT_OAUTH_PGUSER: decodeURIComponent(username), PGPT_OAUTH_PGPASSWORD: decodeURIComponent(password),
      PGPT_AUTHENTICATED_ROLE: db.roles.authenticated,
    };
  };

  test("users add hashes the piped password with the copied argon2, and users list shows the user", async () => {
    const added = await run("companion-admin.mjs", ["users", "add", "alice@example.com"], adminEnv(), "bundle password 1\n");
    expect(added, added.stderr).toMatchObject({ code: 0, stderr: "" });
    expect(added.stdout).toMatch(/^Added alice@example.com \(role \S+, id [0-9a-f-]{36}\)\.\n$/);
    const listed = await run("companion-admin.mjs", ["users", "list"], adminEnv());
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^alice@example.com\\s+${db.roles.authenticated}\\s+active\\s`, "m"));
    const owner = await db.connect(oauth.oauthUrl);
    expect(await verifyLogin(owner, "alice@example.com", "bundle password 1")).toMatchObject({ role: db.roles.authenticated });
  });

  test("a usage mistake exits 2 and a refused value 1, each without a stack trace", async () => {
    const usage = await run("companion-admin.mjs", ["users"], adminEnv());
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^users needs one of add, .*\n\nusage: node companion-admin\.mjs <command>/);
    const superuser = decodeURIComponent(new URL(db.superuserUrl).username);
    const refused = await run("companion-admin.mjs", ["users", "add", "bob@example.com", "--role", superuser], adminEnv(), "bundle password 2\n");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(`role "${superuser}" cannot be given to users: it is a superuser. Roles allowed: `);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
  });

  test("without the node_modules beside it the admin bundle cannot load: argon2 comes from there", async () => {
    const bare = await mkdtemp(join(tmpdir(), "pgpt-bare-"));
    try {
      await copyFile(join(dir, "companion-admin.mjs"), join(bare, "companion-admin.mjs"));
      const r = await run("companion-admin.mjs", ["users", "list"], adminEnv(), "", bare);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/Cannot find package '@node-rs\/argon2'/);
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });
});
