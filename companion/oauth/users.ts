// The people who sign in to the GPT: gpt_oauth.users, administered by the admin command and read by the login page
// and oidc-provider's findAccount. A user's role is the PostgreSQL role their tokens name, so it must be one
// PostgREST can switch to and nothing more. Taking a user's access away (disable, delete, new password) also
// deletes everything issued to them: sessions, grants, codes and refresh tokens all carry their accountId.
import type { SqlClient } from "../../lib/db/sql-client.js";
import { assertPasswordAllowed } from "./password-rule.js";
import { argon2id, PASSWORD_MAX_LENGTH, type PasswordHasher } from "./passwords.js";
import { Refused } from "./refused.js";
import { OAUTH_SCHEMA } from "./schema.js";

const USERS = `${OAUTH_SCHEMA}.users`;
const STORE = `${OAUTH_SCHEMA}.store`;
// The unique index is on lower(username); every lookup uses the same expression, so it is matched the same way.
const BY_NAME = "lower(username) = lower($1)";

export const USERNAME_MAX_LENGTH = 320;

/** The user behind a login or a token: their JWT sub and the role their tokens name. */
export interface ActiveUser {
  readonly id: string;
  readonly role: string;
}

/** What `users list` shows; never the password hash. */
export interface UserSummary {
  readonly id: string;
  readonly username: string;
  readonly role: string;
  readonly disabledAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewUser {
  readonly username: string;
  readonly password: string;
  readonly role: string;
  /** PostgREST's authenticator role (the companion's PGUSER): the role must be one it can switch to. */
  readonly authenticator: string;
}

/** Rows of gpt_oauth.store deleted: the user's sessions, grants, codes and refresh tokens. */
export interface Revoked {
  readonly revoked: number;
}

/** The username as stored: trimmed, 1 to 320 characters (an email address fits), no control characters. */
export function normalizeUsername(raw: string): string {
  const username = raw.trim();
  const length = [...username].length;
  if (length === 0) throw new Refused("the username is empty: give a name or email address of 1 to 320 characters");
  if (length > USERNAME_MAX_LENGTH) {
    throw new Refused(`the username ${JSON.stringify(username.slice(0, 40) + "…")} has ${length} characters: at most ${USERNAME_MAX_LENGTH} are allowed`);
  }
  if (/\p{Cc}/u.test(username)) {
    throw new Refused(`the username ${JSON.stringify(username)} contains a control character (tab, newline, ...): use visible characters and spaces only`);
  }
  return username;
}

// PostgreSQL 16 split SET from membership (GRANT ... WITH SET FALSE); PostgREST's `set local role` needs SET.
const CAN_SWITCH = `pg_has_role($1::name, r.oid, case when current_setting('server_version_num')::int >= 160000 then 'SET' else 'MEMBER' end)`;

// Roles whose privileges would escape row-level security or the grants in sql/: owners of tables are exempt from
// their RLS policies, BYPASSRLS skips them everywhere, CREATEROLE and the pg_* roles reach beyond the API.
// Ownership counts through membership too: whoever holds the owner's privileges is treated as the owner.
const ESCAPES_RLS = `(r.rolbypassrls or r.rolcreaterole
  or exists (select from (select distinct relowner from pg_class) o where pg_has_role(r.oid, o.relowner, 'USAGE'))
  or exists (select from pg_roles g where g.rolname ~ '^pg_' and g.oid <> r.oid and pg_has_role(r.oid, g.oid, 'MEMBER')))`;

/**
 * The roles a user may be given: NOLOGIN, not superuser, not a pg_* system role, nothing that escapes row-level
 * security, and one the authenticator can switch to, i.e. a role PostgREST will accept in a token. Sorted.
 */
export async function allowedRoles(db: SqlClient, authenticator: string): Promise<string[]> {
  await assertAuthenticatorExists(db, authenticator);
  const { rows } = await db.query<{ rolname: string }>(
    `select r.rolname from pg_roles r
      where not r.rolsuper and not r.rolcanlogin and r.rolname !~ '^pg_' and not ${ESCAPES_RLS} and ${CAN_SWITCH}
      order by r.rolname`,
    [authenticator],
  );
  return rows.map((r) => r.rolname);
}

/** Throws Refused naming the role, why it is refused and the roles allowed. */
export async function assertRoleAllowed(db: SqlClient, role: string, authenticator: string): Promise<void> {
  await assertAuthenticatorExists(db, authenticator);
  const { rows } = await db.query<{ rolsuper: boolean; rolcanlogin: boolean; escapes: boolean; reachable: boolean }>(
    `select r.rolsuper, r.rolcanlogin, ${ESCAPES_RLS} as escapes, ${CAN_SWITCH} as reachable from pg_roles r where r.rolname = $2`,
    [authenticator, role],
  );
  const found = rows[0];
  const why = !found
    ? "it does not exist"
    : found.rolsuper
      ? "it is a superuser"
      : found.rolcanlogin
        ? "it can log in (LOGIN): tokens must name a NOLOGIN role"
        : role.startsWith("pg_")
          ? "it is a PostgreSQL system role"
          : found.escapes
            ? "it owns tables, has BYPASSRLS or CREATEROLE, or is a member of a pg_* role: its users would not be held to row-level security"
            : !found.reachable
            ? `the authenticator role ${JSON.stringify(authenticator)} cannot switch to it, so PostgREST would refuse the token (grant it: grant ${quoteIdent(role)} to ${quoteIdent(authenticator)})`
            : undefined;
  if (!why) return;
  const allowed = await allowedRoles(db, authenticator);
  const list = allowed.length ? allowed.join(", ") : `none: no NOLOGIN role is granted to ${JSON.stringify(authenticator)}`;
  throw new Refused(`role ${JSON.stringify(role)} cannot be given to users: ${why}. Roles allowed: ${list}`);
}

async function assertAuthenticatorExists(db: SqlClient, authenticator: string): Promise<void> {
  const { rowCount } = await db.query("select 1 from pg_roles where rolname = $1", [authenticator]);
  // A configuration mistake, not a bad argument: the message says where the name came from.
  if (!rowCount) throw new Error(`the authenticator role ${JSON.stringify(authenticator)} (the companion's PGUSER) does not exist in this database`);
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Adds a user; returns their id (the sub of their tokens). */
export async function addUser(db: SqlClient, user: NewUser, passwords: PasswordHasher = argon2id): Promise<string> {
  const username = normalizeUsername(user.username);
  assertPasswordAllowed(user.password);
  await assertRoleAllowed(db, user.role, user.authenticator);
  const passwordHash = await passwords.hash(user.password);
  try {
    const { rows } = await db.query<{ id: string }>(
      `insert into ${USERS} (username, password_hash, role) values ($1, $2, $3) returning id`,
      [username, passwordHash, user.role],
    );
    return rows[0]!.id;
  } catch (error) {
    if ((error as { code?: string }).code === "23505") {
      throw new Refused(`a user named ${JSON.stringify(username)} already exists (usernames are compared ignoring case): choose another name, or change that user with set-role or reset-password`);
    }
    throw error;
  }
}

export async function setUserRole(db: SqlClient, username: string, role: string, authenticator: string): Promise<void> {
  await assertRoleAllowed(db, role, authenticator);
  await updateOne(db, username, "role = $2", [role]);
}

/** Sets a new password and signs the user out everywhere: whoever knew the old one keeps nothing. */
export async function resetPassword(db: SqlClient, username: string, password: string, passwords: PasswordHasher = argon2id): Promise<Revoked> {
  assertPasswordAllowed(password);
  return updateAndRevoke(db, username, "password_hash = $2", [await passwords.hash(password)]);
}

export async function disableUser(db: SqlClient, username: string): Promise<Revoked> {
  return updateAndRevoke(db, username, "disabled_at = coalesce(disabled_at, now())", []);
}

export async function enableUser(db: SqlClient, username: string): Promise<void> {
  await updateOne(db, username, "disabled_at = null", []);
}

export async function deleteUser(db: SqlClient, username: string): Promise<Revoked> {
  // One statement, so the user and what was issued to them go together or not at all.
  const { rows } = await db.query<{ id: string | null; revoked: number }>(
    `with gone as (delete from ${USERS} where ${BY_NAME} returning id),
          revoked as (delete from ${STORE} where account_id in (select id::text from gone) returning 1)
     select (select id from gone) as id, (select count(*) from revoked)::int as revoked`,
    [username.trim()],
  );
  if (!rows[0]?.id) throw noSuchUser(username);
  return { revoked: rows[0].revoked };
}

export async function listUsers(db: SqlClient): Promise<UserSummary[]> {
  const { rows } = await db.query<UserSummary>(
    `select id, username, role, disabled_at as "disabledAt", created_at as "createdAt", updated_at as "updatedAt"
       from ${USERS} order by lower(username)`,
  );
  return rows;
}

/**
 * The login check: the user when the password is right and the user is enabled, else undefined. Every path costs
 * one Argon2 verification (against a dummy hash for unknown names), so timing does not reveal which names exist
 * or are disabled. A hash made with older parameters is replaced by one made with today's.
 */
export async function verifyLogin(db: SqlClient, username: string, password: string, passwords: PasswordHasher = argon2id): Promise<ActiveUser | undefined> {
  // Longer than any settable password: refused before hashing, so a huge input costs nothing to send.
  if (password.length > PASSWORD_MAX_LENGTH * 4) return undefined;
  const { rows } = await db.query<{ id: string; role: string; password_hash: string; disabled: boolean }>(
    `select id, role, password_hash, disabled_at is not null as disabled from ${USERS} where ${BY_NAME}`,
    [username.trim()],
  );
  const user = rows[0];
  const storedHash = user?.password_hash ?? (await passwords.dummyHash());
  const matches = await passwords.verify(storedHash, password);
  if (!user || !matches || user.disabled) return undefined;
  if (passwords.needsRehash(user.password_hash)) {
    // Only if unchanged meanwhile: a password reset during this login wins.
    await db.query(`update ${USERS} set password_hash = $2, updated_at = now() where id = $1 and password_hash = $3`, [
      user.id,
      await passwords.hash(password),
      user.password_hash,
    ]);
  }
  return { id: user.id, role: user.role };
}

/**
 * The sign-in name as the lookup compares it: PostgreSQL's lower(), which JavaScript's toLowerCase() does not always
 * match (İ, for one), so a throttle keyed by it cannot be dodged with spellings that find the same user.
 */
export async function comparableName(db: SqlClient, username: string): Promise<string> {
  const { rows } = await db.query<{ name: string }>("select lower(left($1, $2)) as name", [username.trim(), USERNAME_MAX_LENGTH]);
  return rows[0]!.name;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The user a session or refresh token belongs to, if they still exist and are enabled. Any other id: undefined. */
export async function findActiveUser(db: SqlClient, id: string): Promise<ActiveUser | undefined> {
  if (!UUID.test(id)) return undefined;
  // Checked at every token too: a role changed after it was given, so that it would escape row-level security,
  // is not put in a token.
  const { rows } = await db.query<ActiveUser>(
    `select u.id, u.role from ${USERS} u join pg_roles r on r.rolname = u.role
      where u.id = $1 and u.disabled_at is null and not r.rolsuper and not r.rolcanlogin and not ${ESCAPES_RLS}`,
    [id],
  );
  return rows[0] ? { id: rows[0].id, role: rows[0].role } : undefined;
}

async function updateOne(db: SqlClient, username: string, set: string, values: unknown[]): Promise<void> {
  const { rowCount } = await db.query(`update ${USERS} set ${set}, updated_at = now() where ${BY_NAME}`, [username.trim(), ...values]);
  if (!rowCount) throw noSuchUser(username);
}

async function updateAndRevoke(db: SqlClient, username: string, set: string, values: unknown[]): Promise<Revoked> {
  const { rows } = await db.query<{ id: string | null; revoked: number }>(
    `with changed as (update ${USERS} set ${set}, updated_at = now() where ${BY_NAME} returning id),
          revoked as (delete from ${STORE} where account_id in (select id::text from changed) returning 1)
     select (select id from changed) as id, (select count(*) from revoked)::int as revoked`,
    [username.trim(), ...values],
  );
  if (!rows[0]?.id) throw noSuchUser(username);
  return { revoked: rows[0].revoked };
}

const noSuchUser = (username: string) => new Refused(`there is no user named ${JSON.stringify(username.trim())}: see the names with \`users list\``);
