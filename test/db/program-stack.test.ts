// Layer 4: the roles, schema and grants the program itself declares, applied to a real PostgreSQL, then sql/ applied
// by the migration command exactly as declared, then requests run exactly as PostgREST runs them, authenticated by
// PostgREST's JWT rules configured from the PostgREST container's own env.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import pg from "pg";
import { SignJWT, importPKCS8 } from "jose";
import { authenticate } from "../../lib/postgrest/index.js";
import { runRequest } from "../../lib/db/index.js";
import { containerEnv as envOf, runProgram, type ProgramRun } from "../support/pulumi-mocks.js";
import { CONFIG_KEYS } from "../../infra/config/keys.js";
import { ensureOAuthSchema } from "../../companion/oauth/schema.js";
import { createDatabase, declaredSql, urlAs } from "../support/declared-sql.js";

const run = promisify(execFile);
// Roles are cluster-wide and test files share one server: this file's roles get their own prefix.
const p = `t${randomBytes(3).toString("hex")}`;
const names = { anonRole: `${p}_anon`, authenticatedRole: `${p}_user`, authenticatorRole: `${p}_login` };

let stack: ProgramRun;
let dbUrl: string;
let superuser: pg.Client;
let authenticator: pg.Client;

/** The migration command as the program declared it (dir, command line, environment), aimed at the test database. */
async function runDeclaredMigrations(step: "create" | "delete" = "create"): Promise<{ stdout: string; stderr: string }> {
  const command = stack.one("command:local:Command", "sql-apply").inputs;
  const target = new URL(dbUrl);
  const env = {
    ...process.env,
    ...command.environment,
    PGHOST: target.hostname,
    PGPORT: target.port,
    PGDATABASE: target.pathname.slice(1),
    PGPASSWORD: decodeURIComponent(target.password),
  };
  const [file, ...args] = (command[step] as string).split(" ");
  return run(file === "node" ? process.execPath : file!, args, { cwd: command.dir, env });
}

/** One PostgREST request: the Authorization header through PostgREST's rules, then the query as PostgREST runs it. */
async function request(authorization: string | undefined, method: string, path: string, text: string, values?: unknown[]) {
  const env = envOf(stack.one("docker:index/container:Container", "postgrest"));
  const auth = await authenticate(authorization, { jwtSecret: env.PGRST_JWT_SECRET, jwtAud: env.PGRST_JWT_AUD, dbAnonRole: env.PGRST_DB_ANON_ROLE });
  if (!auth.ok) return { ok: false as const, error: auth.error };
  return runRequest(authenticator, { ...auth, method, path, schemas: env.PGRST_DB_SCHEMAS!.split(",") }, { text, values });
}

/** A token signed with the stack's own key, for claims the sample token does not carry. */
async function tokenWith(claims: Record<string, unknown>): Promise<string> {
  const key = stack.one("tls:index/privateKey:PrivateKey", "jwt-key").state.privateKeyPemPkcs8 as string;
  const kid = (stack.outputs.jwks as { keys: { kid: string }[] }).keys[0]!.kid;
  return new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid }).sign(await importPKCS8(key, "ES256"));
}

const sample = () => `Bearer ${stack.outputs.sampleBearerToken}`;

/** A session as the OAuth login the program declares (a fixed, cluster-wide name: dropped again in afterAll). */
async function asOAuthLogin(): Promise<pg.Client> {
  const login = stack.one("postgresql:index/role:Role", "oauth-login-role").inputs;
  const client = new pg.Client(urlAs(dbUrl, login.name, login.password));
  await client.connect();
  return client;
}

/** What the provider runs when it drops a role: its objects go to the superuser first. */
const dropAsProvider = (role: string) => superuser.query(`REASSIGN OWNED BY "${role}" TO postgres; DROP OWNED BY "${role}"; DROP ROLE "${role}"`);

/** The declared ownership step's SQL, run as the superuser as `docker exec ... psql` would (its heredoc). */
async function runDeclaredReown(): Promise<void> {
  const create = stack.one("command:local:Command", "oauth-login-reown").inputs.create as string;
  await superuser.query(/<<'SQL'\n([\s\S]*)\nSQL$/.exec(create)![1]!);
}

beforeAll(async () => {
  stack = await runProgram({ ...names, jwtAlgorithm: "ES256", statementTimeout: "300ms" });
  dbUrl = await createDatabase(inject("databaseUrl"), `${p}_app`);
  superuser = new pg.Client(dbUrl);
  await superuser.connect();
  for (const sql of declaredSql(stack.resources)) await superuser.query(sql);
  await runDeclaredMigrations();

  const login = stack.one("postgresql:index/role:Role", "roles-authenticator").inputs;
  authenticator = new pg.Client(urlAs(dbUrl, login.name, login.password));
  await authenticator.connect();
});

afterAll(async () => {
  await authenticator?.end();
  await dropAsProvider("gpt_oauth").catch(() => undefined);
  await superuser?.end();
});

describe("the declared roles on a real PostgreSQL", () => {
  test("the authenticator logs in with its generated password but holds no privilege of its own", async () => {
    await expect(authenticator.query("select * from api.notes")).rejects.toMatchObject({ code: "42501" });
  });

  test("the OAuth login owns gpt_oauth; no request role, nor the authenticator, can use it or become it", async () => {
    const { rows } = await superuser.query(
      `select r as role, has_schema_privilege(r, 'gpt_oauth', 'USAGE') as usage, pg_has_role(r, 'gpt_oauth', 'MEMBER') as member
       from unnest($1::text[]) r order by 1`,
      [[names.anonRole, names.authenticatedRole, names.authenticatorRole]],
    );
    expect(rows.every((r) => !r.usage && !r.member)).toBe(true);
    const owner = await superuser.query("select nspowner::regrole::text as owner from pg_namespace where nspname = 'gpt_oauth'");
    expect(owner.rows).toEqual([{ owner: "gpt_oauth" }]);
  });

  test("anon and authenticated cannot log in", async () => {
    const { rows } = await superuser.query("select rolname, rolcanlogin from pg_roles where rolname = any($1) order by 1", [[names.anonRole, names.authenticatedRole]]);
    expect(rows).toEqual([{ rolname: names.anonRole, rolcanlogin: false }, { rolname: names.authenticatedRole, rolcanlogin: false }]);
  });
});

describe("requests without a token (GPT Builder authentication: None)", () => {
  test("read the public announcements", async () => {
    const result = await request(undefined, "GET", "/announcements", "select title from api.announcements");
    expect(result).toMatchObject({ ok: true });
    expect((result as { result: pg.QueryResult }).result.rows.length).toBeGreaterThan(0);
  });

  test("cannot read notes: 401 permission denied, as for PostgREST's anonymous role", async () => {
    expect(await request(undefined, "GET", "/notes", "select * from api.notes")).toMatchObject({ ok: false, error: { status: 401, code: "42501" } });
  });

  test("cannot write announcements", async () => {
    const insert = await request(undefined, "POST", "/announcements", "insert into api.announcements (title, body) values ('x', 'y')");
    expect(insert).toMatchObject({ ok: false, error: { status: 401, code: "42501" } });
  });
});

describe("requests with the sample bearer token (GPT Builder authentication: API Key, Bearer)", () => {
  beforeAll(async () => {
    // A row of another user, which the token's user must never see or change.
    await superuser.query("insert into api.notes (owner, title) values ('someone-else', 'not yours')");
  });

  test("create a note owned by the token's sub and see only their own notes", async () => {
    const created = await request(sample(), "POST", "/notes", "insert into api.notes (title, body) values ($1, $2) returning owner", ["Groceries", "milk"]);
    expect(created).toMatchObject({ ok: true, result: { rows: [{ owner: "gpt-action" }] } });
    const listed = await request(sample(), "GET", "/notes", "select owner, title from api.notes");
    expect(listed).toMatchObject({ ok: true, result: { rows: [{ owner: "gpt-action", title: "Groceries" }] } });
  });

  test("cannot change or delete another user's note: no row is visible to change", async () => {
    const updated = await request(sample(), "PATCH", "/notes", "update api.notes set title = 'mine now' where owner = 'someone-else'");
    expect(updated).toMatchObject({ ok: true, result: { rowCount: 0 } });
    const deleted = await request(sample(), "DELETE", "/notes", "delete from api.notes where owner = 'someone-else'");
    expect(deleted).toMatchObject({ ok: true, result: { rowCount: 0 } });
    const { rows } = await superuser.query("select title from api.notes where owner = 'someone-else'");
    expect(rows).toEqual([{ title: "not yours" }]);
  });

  test("cannot create a note for another user: 403 from the row-level security policy", async () => {
    const forged = await request(sample(), "POST", "/notes", "insert into api.notes (owner, title) values ('someone-else', 'planted')");
    expect(forged).toMatchObject({ ok: false, error: { status: 403, code: "42501" } });
  });

  test("the statement_timeout declared for the role applies inside the request", async () => {
    const slow = await request(sample(), "GET", "/rpc/slow", "select pg_sleep(2)");
    expect(slow).toMatchObject({ ok: false, error: { code: "57014" } });
  });
});

describe("response size for GPT (100,000 characters at most)", () => {
  test("dbMaxRows of the widest notes the schema allows stay well under the limit", async () => {
    const rows = CONFIG_KEYS.dbMaxRows.default;
    const sub = "s".repeat(256); // the longest tokenSubject the config accepts
    const tags = Array.from({ length: 10 }, (_, i) => `${i}`.padEnd(40, "t"));
    for (let i = 0; i < rows; i++) {
      await superuser.query("insert into api.notes (owner, title, body, tags) values ($1, $2, $3, $4)", [sub, "T".repeat(200), "B".repeat(2000), tags]);
    }
    // PostgREST renders a read as json_agg of the rows.
    const { rows: [r] } = await superuser.query("select length(json_agg(n)::text) as chars from api.notes n where owner = $1", [sub]);
    expect(r.chars).toBeLessThan(70_000);
  });

  test("the schema refuses notes wider than that budget", async () => {
    const insert = (body: string, tags: string[]) =>
      request(sample(), "POST", "/notes", "insert into api.notes (title, body, tags) values ('t', $1, $2)", [body, tags]);
    expect(await insert("B".repeat(2001), [])).toMatchObject({ ok: false, error: { code: "23514" } });
    expect(await insert("", Array.from({ length: 11 }, () => "t"))).toMatchObject({ ok: false, error: { code: "23514" } });
  });
});

describe("tokens the stack must not honour", () => {
  test("a token naming the postgres superuser fails: the authenticator cannot become it", async () => {
    const result = await request(`Bearer ${await tokenWith({ role: "postgres" })}`, "GET", "/notes", "select * from api.notes");
    expect(result).toMatchObject({ ok: false, error: { status: 403, code: "42501", message: 'permission denied to set role "postgres"' } });
  });

  test("a token naming a role that does not exist fails with 401", async () => {
    const result = await request(`Bearer ${await tokenWith({ role: `${p}_nobody` })}`, "GET", "/notes", "select 1");
    expect(result).toMatchObject({ ok: false, error: { status: 401, code: "22023" } });
  });

  test("an expired token is refused before the database", async () => {
    const result = await request(`Bearer ${await tokenWith({ role: names.authenticatedRole, exp: 1_000_000_000 })}`, "GET", "/notes", "select 1");
    expect(result).toMatchObject({ ok: false, error: { status: 401, code: "PGRST303", message: "JWT expired" } });
  });
});

describe("the declared migration command", () => {
  test("re-running it is a no-op: every file unchanged", async () => {
    const { stdout } = await runDeclaredMigrations();
    const files = stack.one("command:local:Command", "sql-apply").inputs.triggers[0].split(" ").map((d: string) => d.split(":")[0]);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(stdout).toMatch(new RegExp(`^unchanged\\s+${file.replace(".", "\\.")}$`, "m"));
    expect(stdout).not.toMatch(/^(applied|re-applied)\s/m);
  });
});

describe("pulumi destroy, then pulumi up again over the retained volume", () => {
  beforeAll(async () => {
    // What the companion does on its first start: its tables, then someone who signs in.
    const oauth = await asOAuthLogin();
    try {
      await ensureOAuthSchema(oauth);
      await oauth.query("insert into gpt_oauth.users (username, password_hash, role) values ('ada@example.com', 'x', $1)", [names.authenticatedRole]);
    } finally {
      await oauth.end();
    }
  });

  test("the data is kept and the roles, grants and row-level security come back", async () => {
    const notesBefore = await superuser.query("select id, owner, title from api.notes order by id");
    expect(notesBefore.rows.length).toBeGreaterThan(0);
    await authenticator.end();

    // destroy: the migration command's delete step, then the provider drops each role it created.
    await runDeclaredMigrations("delete");
    for (const role of [names.authenticatorRole, names.anonRole, names.authenticatedRole, "gpt_oauth"]) await dropAsProvider(role);
    const policies = await superuser.query("select count(*)::int as n from pg_policies where tablename = 'notes'");
    expect(policies.rows[0].n).toBe(0);

    // up: the same declared resources, then every sql/ file again.
    for (const sql of declaredSql(stack.resources)) await superuser.query(sql);
    const { stdout } = await runDeclaredMigrations();
    expect(stdout).toMatch(/^applied\s+010_notes\.sql$/m);

    const login = stack.one("postgresql:index/role:Role", "roles-authenticator").inputs;
    authenticator = new pg.Client(urlAs(dbUrl, login.name, login.password));
    await authenticator.connect();
    expect((await superuser.query("select id, owner, title from api.notes order by id")).rows).toEqual(notesBefore.rows);
    const mine = await request(sample(), "GET", "/notes", "select title from api.notes");
    expect(mine).toMatchObject({ ok: true, result: { rows: expect.arrayContaining([{ title: "Groceries" }]) } });
    expect((mine as { result: pg.QueryResult }).result.rows.every((r) => r.title !== "not yours")).toBe(true);
    expect(await request(undefined, "GET", "/notes", "select * from api.notes")).toMatchObject({ ok: false, error: { status: 401 } });
    expect(await request(undefined, "GET", "/announcements", "select title from api.announcements")).toMatchObject({ ok: true });
  });

  test("the OAuth login gets its tables back, users included, and the companion starts on them again", async () => {
    // Dropping the login handed its tables to the superuser; the re-created login cannot open them by itself.
    const orphaned = await superuser.query("select relowner::regrole::text as owner from pg_class where oid = 'gpt_oauth.users'::regclass");
    expect(orphaned.rows).toEqual([{ owner: "postgres" }]);

    await runDeclaredReown();
    const after = await asOAuthLogin();
    try {
      await ensureOAuthSchema(after);
      const { rows } = await after.query("select username from gpt_oauth.users");
      expect(rows).toEqual([{ username: "ada@example.com" }]);
    } finally {
      await after.end();
    }
  });

  test("handing the tables back again changes nothing", async () => {
    await runDeclaredReown();
    const { rows } = await superuser.query(
      "select count(*)::int as n from pg_class where relnamespace = 'gpt_oauth'::regnamespace and relowner <> 'gpt_oauth'::regrole",
    );
    expect(rows).toEqual([{ n: 0 }]);
  });
});
