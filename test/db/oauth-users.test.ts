// The GPT's users on real PostgreSQL, as the OAuth login (owner of gpt_oauth) sees them: sign-in checks, the roles
// a user may be given, and taking access away deleting everything issued to that account and nothing else.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { argon2id, type PasswordHasher } from "../../companion/oauth/passwords.js";
import { Refused } from "../../companion/oauth/refused.js";
import {
  addUser,
  allowedRoles,
  deleteUser,
  disableUser,
  enableUser,
  findActiveUser,
  listUsers,
  resetPassword,
  setUserRole,
  verifyLogin,
} from "../../companion/oauth/users.js";
import { createOAuthTestDatabase, type OAuthTestDatabase } from "../support/oauth-db.js";

let oauth: OAuthTestDatabase;
let db: pg.Client;
let superuser: pg.Client;
let authenticator: string;
let authenticated: string;
let stranger: string;
let setless: string;

const PASSWORD = "correct horse battery";
const ident = (name: string) => pg.escapeIdentifier(name);

/** The real hasher, recording which hash each verification used. */
function watchingHasher(): PasswordHasher & { verified: string[] } {
  const verified: string[] = [];
  return {
    ...argon2id,
    verified,
    verify(storedHash, password) {
      verified.push(storedHash);
      return argon2id.verify(storedHash, password);
    },
  };
}

const add = (username: string, role = authenticated, password = PASSWORD) => addUser(db, { username, password, role, authenticator });

async function issue(accountId: string, model: string, id: string) {
  await db.query("insert into gpt_oauth.store (model, id, payload) values ($1, $2, $3)", [model, id, { accountId, grantId: `grant-${id}` }]);
}
async function storeIds() {
  const { rows } = await db.query<{ id: string }>("select id from gpt_oauth.store order by id");
  return rows.map((r) => r.id);
}

beforeAll(async () => {
  oauth = await createOAuthTestDatabase();
  db = await oauth.db.connect(oauth.oauthUrl);
  superuser = await oauth.db.connect(oauth.db.superuserUrl);
  ({ authenticator, authenticated } = oauth.db.roles);
  stranger = `${oauth.db.name}_stranger`;
  setless = `${oauth.db.name}_setless`;
  await superuser.query(`create role ${ident(stranger)} nologin; create role ${ident(setless)} nologin;
    grant ${ident(setless)} to ${ident(authenticator)} with set false`);
});
afterAll(async () => {
  await superuser?.query(`drop role if exists ${ident(stranger)}; drop role if exists ${ident(setless)}`).catch(() => undefined);
  await oauth?.drop();
});

describe("signing in", () => {
  test("the right password returns the user's id and role; a wrong one returns nothing", async () => {
    const id = await add("alice@example.com");
    expect(await verifyLogin(db, "alice@example.com", PASSWORD)).toEqual({ id, role: authenticated });
    expect(await verifyLogin(db, "alice@example.com", "wrong horse battery")).toBeUndefined();
  });

  test("usernames match ignoring case and surrounding spaces", async () => {
    const id = await add("  Carol@Example.com ");
    expect(await verifyLogin(db, "carol@example.COM", PASSWORD)).toEqual({ id, role: authenticated });
    expect((await listUsers(db)).find((u) => u.id === id)?.username).toBe("Carol@Example.com");
  });

  test("an unknown username is checked against the dummy hash, so it costs a real Argon2 verification", async () => {
    const hasher = watchingHasher();
    expect(await verifyLogin(db, "nobody@example.com", PASSWORD, hasher)).toBeUndefined();
    expect(hasher.verified).toEqual([await argon2id.dummyHash()]);
    expect(hasher.verified[0]).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  test("a disabled user is refused even with the right password, after the same verification", async () => {
    await add("dave@example.com");
    await disableUser(db, "dave@example.com");
    const hasher = watchingHasher();
    expect(await verifyLogin(db, "dave@example.com", PASSWORD, hasher)).toBeUndefined();
    const { rows } = await db.query("select password_hash from gpt_oauth.users where username = 'dave@example.com'");
    expect(hasher.verified).toEqual([rows[0].password_hash]);
  });

  test("a hash made with outdated parameters is replaced at the next successful sign-in", async () => {
    const id = await add("erin@example.com");
    const old = await (await import("@node-rs/argon2")).hash(PASSWORD, { memoryCost: 4096, timeCost: 3, parallelism: 1 });
    await db.query("update gpt_oauth.users set password_hash = $2 where id = $1", [id, old]);
    expect(await verifyLogin(db, "erin@example.com", PASSWORD)).toEqual({ id, role: authenticated });
    const { rows } = await db.query("select password_hash from gpt_oauth.users where id = $1", [id]);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyLogin(db, "erin@example.com", PASSWORD)).toEqual({ id, role: authenticated });
  });
});

describe("adding users", () => {
  test("a second user with the same name in another case is refused, naming it", async () => {
    await add("frank@example.com");
    await expect(add("FRANK@example.com")).rejects.toThrow(new Refused('a user named "FRANK@example.com" already exists (usernames are compared ignoring case): choose another name, or change that user with set-role or reset-password'));
  });

  test("usernames must be 1 to 320 visible characters; passwords 12 or more", async () => {
    await expect(add("   ")).rejects.toThrow(/the username is empty/);
    await expect(add("x".repeat(321))).rejects.toThrow(/has 321 characters: at most 320 are allowed/);
    await expect(add("tab\there")).rejects.toThrow(/contains a control character/);
    await expect(add("grace@example.com", authenticated, "short")).rejects.toThrow(/has 5 characters: it needs at least 12/);
    expect((await listUsers(db)).map((u) => u.username)).not.toContain("grace@example.com");
  });

  test("the stored hash is Argon2id with OWASP's parameters, and listing users never shows it", async () => {
    const id = await add("heidi@example.com");
    const { rows } = await db.query("select password_hash from gpt_oauth.users where id = $1", [id]);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const listed = (await listUsers(db)).find((u) => u.id === id)!;
    expect(Object.keys(listed).sort()).toEqual(["createdAt", "disabledAt", "id", "role", "updatedAt", "username"]);
    expect(JSON.stringify(await listUsers(db))).not.toContain("$argon2");
  });
});

describe("which roles users may be given", () => {
  test("the roles allowed are the NOLOGIN, non-superuser roles the authenticator can switch to", async () => {
    expect(await allowedRoles(db, authenticator)).toEqual([oauth.db.roles.anon, authenticated].sort());
  });

  test("a role that does not exist is refused, listing the roles allowed", async () => {
    await expect(add("ivan@example.com", "no_such_role")).rejects.toThrow(
      `role "no_such_role" cannot be given to users: it does not exist. Roles allowed: ${[oauth.db.roles.anon, authenticated].sort().join(", ")}`,
    );
  });

  test("a superuser is refused", async () => {
    const name = decodeURIComponent(new URL(oauth.db.superuserUrl).username);
    await expect(add("ivan@example.com", name)).rejects.toThrow(`role "${name}" cannot be given to users: it is a superuser. Roles allowed: `);
  });

  test("a LOGIN role is refused", async () => {
    await expect(add("ivan@example.com", oauth.db.roles.migrator)).rejects.toThrow(/it can log in \(LOGIN\): tokens must name a NOLOGIN role/);
  });

  test("a role the authenticator cannot switch to is refused, with the grant that would allow it", async () => {
    await expect(add("ivan@example.com", stranger)).rejects.toThrow(
      `role "${stranger}" cannot be given to users: the authenticator role "${authenticator}" cannot switch to it, so PostgREST would refuse the token (grant it: grant "${stranger}" to "${authenticator}")`,
    );
  });

  test.each([
    ["BYPASSRLS", (r: string) => `alter role ${r} bypassrls`],
    ["CREATEROLE", (r: string) => `alter role ${r} createrole`],
    ["owning a table (owners are exempt from its policies)", (r: string) => `create table public.escape_owned (id int); alter table public.escape_owned owner to ${r}`],
    ["membership of a pg_* role", (r: string) => `grant pg_read_all_data to ${r}`],
    ["membership of a role that owns a table", (r: string) => `create role escape_owner nologin; create table public.escape_owned (id int); alter table public.escape_owned owner to escape_owner; grant escape_owner to ${r}`],
  ])("a role escaping row-level security by %s is refused", async (_why, grantEscape) => {
    const role = `${oauth.db.name}_escape`;
    await superuser.query(`create role ${ident(role)} nologin; grant ${ident(role)} to ${ident(authenticator)}`);
    try {
      await superuser.query(grantEscape(ident(role)));
      await expect(add("ivan@example.com", role)).rejects.toThrow(`role "${role}" cannot be given to users: it owns tables, has BYPASSRLS or CREATEROLE, or is a member of a pg_* role`);
    } finally {
      await superuser.query(`drop table if exists public.escape_owned; drop owned by ${ident(role)}; drop role ${ident(role)}; drop role if exists escape_owner`);
    }
  });

  test.each([
    ["made BYPASSRLS", (r: string) => `alter role ${r} bypassrls`],
    ["given a table", (r: string) => `create table public.later_owned (id int); alter table public.later_owned owner to ${r}`],
    ["made a member of a pg_* role", (r: string) => `grant pg_read_all_data to ${r}`],
  ])("a role %s after it was given puts no more tokens out: the user is not found for them", async (_how, change) => {
    const role = `${oauth.db.name}_later`;
    await superuser.query(`create role ${ident(role)} nologin; grant ${ident(role)} to ${ident(authenticator)}`);
    try {
      const id = await add("kate@example.com", role);
      expect(await findActiveUser(db, id)).toEqual({ id, role });
      await superuser.query(change(ident(role)));
      expect(await findActiveUser(db, id)).toBeUndefined();
    } finally {
      await deleteUser(db, "kate@example.com");
      await superuser.query(`drop table if exists public.later_owned; drop owned by ${ident(role)}; drop role ${ident(role)}`);
    }
  });

  test("a role granted to the authenticator WITH SET FALSE is refused: PostgREST's SET ROLE would fail", async () => {
    await expect(add("ivan@example.com", setless)).rejects.toThrow(/cannot switch to it/);
  });

  test("set-role applies the same rules, and the next sign-in carries the new role", async () => {
    const id = await add("judy@example.com");
    await expect(setUserRole(db, "judy@example.com", oauth.db.roles.migrator, authenticator)).rejects.toThrow(/it can log in/);
    await setUserRole(db, "JUDY@example.com", oauth.db.roles.anon, authenticator);
    expect(await verifyLogin(db, "judy@example.com", PASSWORD)).toEqual({ id, role: oauth.db.roles.anon });
    await expect(setUserRole(db, "nobody@example.com", authenticated, authenticator)).rejects.toThrow('there is no user named "nobody@example.com"');
  });
});

describe("taking access away revokes what was issued to that account, and only that", () => {
  let mallory: string;
  let trent: string;

  beforeAll(async () => {
    mallory = await add("mallory@example.com");
    trent = await add("trent@example.com");
  });

  const issueBoth = async (tag: string) => {
    await issue(mallory, "Session", `${tag}-m-session`);
    await issue(mallory, "RefreshToken", `${tag}-m-refresh`);
    await issue(mallory, "Grant", `${tag}-m-grant`);
    await issue(trent, "RefreshToken", `${tag}-t-refresh`);
  };

  test("disabling a user deletes their sessions, grants and refresh tokens; enabling lets them sign in again", async () => {
    await issueBoth("disable");
    expect(await disableUser(db, "Mallory@example.com")).toEqual({ revoked: 3 });
    expect((await storeIds()).filter((id) => id.startsWith("disable-"))).toEqual(["disable-t-refresh"]);
    expect(await findActiveUser(db, mallory)).toBeUndefined();
    await enableUser(db, "mallory@example.com");
    expect(await verifyLogin(db, "mallory@example.com", PASSWORD)).toEqual({ id: mallory, role: authenticated });
  });

  test("a new password deletes what was issued to the user, and only the new password signs in", async () => {
    await issueBoth("reset");
    expect(await resetPassword(db, "mallory@example.com", "a brand new passphrase")).toEqual({ revoked: 3 });
    expect((await storeIds()).filter((id) => id.startsWith("reset-"))).toEqual(["reset-t-refresh"]);
    expect(await verifyLogin(db, "mallory@example.com", PASSWORD)).toBeUndefined();
    expect(await verifyLogin(db, "mallory@example.com", "a brand new passphrase")).toEqual({ id: mallory, role: authenticated });
    await expect(resetPassword(db, "mallory@example.com", "too short")).rejects.toThrow(/it needs at least 12/);
  });

  test("deleting a user deletes them and what was issued to them", async () => {
    await issueBoth("delete");
    expect(await deleteUser(db, "mallory@example.com")).toEqual({ revoked: 3 });
    expect((await storeIds()).filter((id) => id.startsWith("delete-"))).toEqual(["delete-t-refresh"]);
    expect(await findActiveUser(db, mallory)).toBeUndefined();
    expect(await verifyLogin(db, "mallory@example.com", "a brand new passphrase")).toBeUndefined();
    expect(await findActiveUser(db, trent)).toEqual({ id: trent, role: authenticated });
  });

  test("changing a user that does not exist is refused by name", async () => {
    for (const change of [disableUser, enableUser, deleteUser]) {
      await expect(change(db, "ghost@example.com")).rejects.toThrow(new Refused('there is no user named "ghost@example.com": see the names with `users list`'));
    }
    await expect(resetPassword(db, "ghost@example.com", "long enough password")).rejects.toThrow(/no user named "ghost@example.com"/);
  });
});

describe("findActiveUser, behind oidc-provider's findAccount", () => {
  test("an enabled user is found by id with their role", async () => {
    const id = await add("oscar@example.com");
    expect(await findActiveUser(db, id)).toEqual({ id, role: authenticated });
  });

  test("an id that is not a uuid, or names no user, is undefined rather than an error", async () => {
    expect(await findActiveUser(db, "not-a-uuid")).toBeUndefined();
    expect(await findActiveUser(db, "")).toBeUndefined();
    expect(await findActiveUser(db, "00000000-0000-4000-8000-000000000000")).toBeUndefined();
  });
});

describe("PostgREST's roles cannot reach the OAuth tables", () => {
  test.each(["anon", "authenticated", "authenticator"] as const)("%s gets permission denied for schema gpt_oauth", async (key) => {
    const client = await oauth.db.connect(oauth.db.authenticatorUrl);
    if (key !== "authenticator") await client.query(`set role ${ident(oauth.db.roles[key])}`);
    await expect(client.query("select * from gpt_oauth.users")).rejects.toThrow("permission denied for schema gpt_oauth");
    await expect(client.query("select * from gpt_oauth.store")).rejects.toThrow("permission denied for schema gpt_oauth");
  });
});
