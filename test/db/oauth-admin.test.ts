// The admin command as it runs in the companion container, on real PostgreSQL: its environment, its output, its
// exit codes, and passwords that are read from stdin or generated and shown exactly once.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runAdmin, type AdminIo } from "../../companion/oauth/admin-commands.js";
import { verifyLogin } from "../../companion/oauth/users.js";
import { createOAuthTestDatabase, type OAuthTestDatabase } from "../support/oauth-db.js";

let oauth: OAuthTestDatabase;
let db: pg.Client;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  oauth = await createOAuthTestDatabase();
  db = await oauth.db.connect(oauth.oauthUrl);
  const { hostname, port } = new URL(oauth.oauthUrl);
  const oauthUrl = new URL(oauth.oauthUrl);
  env = {
    PGHOST: hostname, PGPORT: port, PGDATABASE: oauth.db.name,
    PGUSER: oauth.db.roles.authenticator, PGPASSWORD: oauth.db.authenticatorPassword,
    PGPT_OAUTH_PGUSER: decodeURIComponent(oauthUrl.username), PGPT_OAUTH_PGPASSWORD: decodeURIComponent(oauthUrl.password),
    PGPT_AUTHENTICATED_ROLE: oauth.db.roles.authenticated,
  };
});
afterAll(() => oauth?.drop());

async function admin(args: string[], stdin?: string, environment = env) {
  const out: string[] = [];
  const err: string[] = [];
  let stdinRead = false;
  const io: AdminIo = {
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    readStdin: async () => {
      stdinRead = true;
      return stdin;
    },
  };
  const code = await runAdmin(args, {
    io,
    env: environment,
    program: "companion-admin",
    async connect(config) {
      const client = new pg.Client(config);
      await client.connect();
      return client;
    },
  });
  return { code, stdout: out.join("\n"), stderr: err.join("\n"), stdinRead };
}

describe("users", () => {
  test("add with a piped password: exit 0, the default role, the password never printed", async () => {
    const r = await admin(["users", "add", "alice@example.com"], "piped password 1\n");
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(new RegExp(`^Added alice@example.com \\(role ${oauth.db.roles.authenticated}, id [0-9a-f-]{36}\\)\\.$`));
    expect(r.stdout).not.toContain("piped password 1");
    expect(await verifyLogin(db, "alice@example.com", "piped password 1")).toMatchObject({ role: oauth.db.roles.authenticated });
  });

  test("add with nothing piped generates a 20-character password, prints it once, and it signs in", async () => {
    const r = await admin(["users", "add", "bob@example.com", "--role", oauth.db.roles.anon], undefined);
    expect(r.code).toBe(0);
    const shown = [...r.stdout.matchAll(/store it now\): (\S+)$/gm)].map((m) => m[1]!);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(r.stdout.split(shown[0]!).length - 1).toBe(1);
    expect(await verifyLogin(db, "bob@example.com", shown[0]!)).toMatchObject({ role: oauth.db.roles.anon });
  });

  test("an empty line on stdin also means: generate one", async () => {
    const r = await admin(["users", "add", "carol@example.com"], "\n");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Generated password for carol@example.com/);
  });

  test("refusals exit 1 with one line and no stack trace: duplicate, bad role, short or multi-line password", async () => {
    for (const [args, stdin, message] of [
      [["users", "add", "ALICE@example.com"], "another password", /^a user named "ALICE@example.com" already exists/],
      [["users", "add", "dan@example.com", "--role", "nope"], "a fine password", /^role "nope" cannot be given to users: it does not exist\. Roles allowed: /],
      [["users", "add", "dan@example.com"], "short\n", /^the password has 5 characters: it needs at least 12/],
      [["users", "add", "dan@example.com"], "line one is long\nline two\n", /^the password on standard input must be a single line$/],
      [["users", "disable", "ghost@example.com"], undefined, /^there is no user named "ghost@example.com"/],
    ] as const) {
      const r = await admin([...args], stdin);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr).not.toMatch(/short|line one|a fine password|another password/);
    }
  });

  test("disable, enable, set-role, reset-password, delete and list, each saying what it did", async () => {
    await admin(["users", "add", "erin@example.com"], "erin's password one");
    expect((await admin(["users", "disable", "Erin@example.com"])).stdout).toMatch(/^Disabled Erin@example.com: sign-in refused; sessions, grants and refresh tokens revoked: 0\./);
    const listed = await admin(["users", "list"]);
    expect(listed.stdout).toMatch(/^USERNAME\s+ROLE\s+STATUS\s+CREATED\s+ID$/m);
    expect(listed.stdout).toMatch(/^erin@example.com\s+\S+\s+disabled\s+\d{4}-\d\d-\d\d\s+[0-9a-f-]{36}$/m);
    expect(listed.stdout).not.toContain("$argon2");
    expect((await admin(["users", "enable", "erin@example.com"])).code).toBe(0);
    expect((await admin(["users", "set-role", "erin@example.com", oauth.db.roles.anon])).stdout).toMatch(/now has role/);
    const reset = await admin(["users", "reset-password", "erin@example.com"], "erin's password two");
    expect(reset.stdout).toMatch(/^New password set for erin@example.com; sessions, grants and refresh tokens revoked: 0\./);
    expect(await verifyLogin(db, "erin@example.com", "erin's password two")).toMatchObject({ role: oauth.db.roles.anon });
    expect((await admin(["users", "delete", "erin@example.com"])).code).toBe(0);
    expect((await admin(["users", "list"])).stdout).not.toMatch(/erin@/);
  });

  test("commands without a password never read stdin", async () => {
    for (const args of [["users", "list"], ["users", "disable", "alice@example.com"], ["callbacks", "list"]]) {
      expect((await admin(args, "should not be read")).stdinRead).toBe(false);
    }
  });
});

describe("callbacks", () => {
  test("add, list, remove", async () => {
    const cb = "https://chatgpt.com/aip/g-abcdef123456/oauth/callback";
    expect((await admin(["callbacks", "add", cb])).stdout).toBe(`Allowed: https://chat.openai.com/aip/g-abcdef123456/oauth/callback, ${cb}`);
    expect((await admin(["callbacks", "add", cb])).stdout).toBe(`Already allowed: ${cb}`);
    expect((await admin(["callbacks", "list"])).stdout).toMatch(new RegExp(`^${cb.replace(/[.?/]/g, "\\$&")}\\s+command$`, "m"));
    expect((await admin(["callbacks", "remove", cb])).code).toBe(0);
    expect((await admin(["callbacks", "list"])).stdout).toMatch(/^No callback URLs yet/);
    const bad = await admin(["callbacks", "add", "https://example.com/cb"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^"https:\/\/example.com\/cb" is not a ChatGPT callback URL/);
  });
});

describe("usage and environment", () => {
  test("a malformed command exits 2 with the usage text, without touching the database", async () => {
    const r = await admin(["users", "add"], undefined, {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^users add needs <username>\n\nusage: companion-admin <command>/);
  });

  test("help exits 0 with the usage text on stdout", async () => {
    const r = await admin(["--help"], undefined, {});
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(/^usage: companion-admin <command>/);
  });

  test("a missing setting exits 1 naming every missing variable, and the password is never printed", async () => {
    const { PGPT_OAUTH_PGUSER: _u, PGPT_OAUTH_PGPASSWORD: _p, ...rest } = env;
    const r = await admin(["users", "list"], undefined, rest);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^not set: PGPT_OAUTH_PGUSER \(the OAuth login: is OAuth enabled in this stack\?\), PGPT_OAUTH_PGPASSWORD \(its password\)\./);
  });

  test("a wrong database password exits 1 naming the login, not the password", async () => {
    const r = await admin(["users", "list"], undefined, { ...env, PGPT_OAUTH_PGPASSWORD: "wrong-secret-value" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^cannot connect to the database as \S+_oauth at 127\.0\.0\.1:\d+: password authentication failed/);
    expect(r.stderr).not.toContain("wrong-secret-value");
  });
});
