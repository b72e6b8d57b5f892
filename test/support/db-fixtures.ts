// A fresh database per test file, with its own PostgREST-style roles. Roles are cluster-wide, so their names
// carry the database's random prefix; that also exercises configurable role names in the SQL variables.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

export interface TestRoles {
  /** NOLOGIN, db-anon-role. */
  readonly anon: string;
  /** NOLOGIN, the role tokens name. */
  readonly authenticated: string;
  /** LOGIN NOINHERIT, member of anon and authenticated: what PostgREST connects as. */
  readonly authenticator: string;
  /** LOGIN, owns the database and the api schema: what the migrations run as. */
  readonly migrator: string;
}

export interface TestDatabase {
  readonly name: string;
  readonly roles: TestRoles;
  readonly authenticatorPassword: string;
  readonly migratorPassword: string;
  /** Superuser, connected to this database. */
  readonly superuserUrl: string;
  readonly authenticatorUrl: string;
  readonly migratorUrl: string;
  /** libpq environment variables for the migrator (for the CLI). */
  readonly migratorEnv: Readonly<Record<string, string>>;
  /** The psql variables the SQL files use, for these roles and schema api. */
  readonly variables: Readonly<Record<string, string>>;
  /** A connected client; closed by drop(). */
  connect(url: string): Promise<pg.Client>;
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** `ALTER ROLE ... SET` for the impersonated roles, e.g. { authenticated: { statement_timeout: "5s" } }. */
  readonly roleSettings?: Partial<Record<"anon" | "authenticated", Readonly<Record<string, string>>>>;
}

export const API_SCHEMA = "api";

const ident = (name: string) => pg.escapeIdentifier(name);
const literal = (value: string) => pg.escapeLiteral(value);

function withCredentials(base: string, user: string, password: string, database: string): string {
  const url = new URL(base);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const adminUrl = inject("databaseUrl");
  const prefix = `t_${randomBytes(5).toString("hex")}`;
  const name = prefix;
  const roles: TestRoles = {
    anon: `${prefix}_anon`,
    authenticated: `${prefix}_authenticated`,
    authenticator: `${prefix}_authenticator`,
    migrator: `${prefix}_migrator`,
  };
  const authenticatorPassword = `authn-${randomBytes(12).toString("hex")}`;
  const migratorPassword = `migr-${randomBytes(12).toString("hex")}`;

  const admin = new pg.Client(adminUrl);
  await admin.connect();
  try {
    await admin.query(`
      create role ${ident(roles.anon)} nologin;
      create role ${ident(roles.authenticated)} nologin;
      create role ${ident(roles.authenticator)} login noinherit password ${literal(authenticatorPassword)};
      grant ${ident(roles.anon)}, ${ident(roles.authenticated)} to ${ident(roles.authenticator)};
      create role ${ident(roles.migrator)} login password ${literal(migratorPassword)};`);
    for (const [key, settings] of Object.entries(options.roleSettings ?? {})) {
      const role = roles[key as "anon" | "authenticated"];
      for (const [setting, value] of Object.entries(settings ?? {})) {
        await admin.query(`alter role ${ident(role)} set ${ident(setting)} = ${literal(value)}`);
      }
    }
    await admin.query(`create database ${ident(name)} owner ${ident(roles.migrator)}`);
  } finally {
    await admin.end();
  }

  const superuserUrl = withCredentials(adminUrl, new URL(adminUrl).username, decodeURIComponent(new URL(adminUrl).password), name);
  const setup = new pg.Client(superuserUrl);
  await setup.connect();
  try {
    await setup.query(`
      create schema ${ident(API_SCHEMA)} authorization ${ident(roles.migrator)};
      grant usage on schema ${ident(API_SCHEMA)} to ${ident(roles.anon)}, ${ident(roles.authenticated)};`);
  } finally {
    await setup.end();
  }

  const clients: pg.Client[] = [];
  const { hostname, port } = new URL(adminUrl);
  return {
    name,
    roles,
    authenticatorPassword,
    migratorPassword,
    superuserUrl,
    authenticatorUrl: withCredentials(adminUrl, roles.authenticator, authenticatorPassword, name),
    migratorUrl: withCredentials(adminUrl, roles.migrator, migratorPassword, name),
    migratorEnv: {
      PGHOST: hostname,
      PGPORT: port || "5432",
      PGUSER: roles.migrator,
      PGPASSWORD: migratorPassword,
      PGDATABASE: name,
    },
    variables: {
      anon_role: roles.anon,
      authenticated_role: roles.authenticated,
      authenticator_role: roles.authenticator,
      api_schema: API_SCHEMA,
    },
    async connect(url) {
      const client = new pg.Client(url);
      await client.connect();
      clients.push(client);
      return client;
    },
    async drop() {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      const cleanup = new pg.Client(adminUrl);
      await cleanup.connect();
      try {
        await cleanup.query(`drop database if exists ${ident(name)} with (force)`);
        // Revokes cluster-wide privileges too (GRANT SET ON PARAMETER), which would block DROP ROLE.
        const all = [roles.authenticator, roles.migrator, roles.authenticated, roles.anon];
        await cleanup.query(`drop owned by ${all.map(ident).join(", ")}`);
        for (const role of all) {
          await cleanup.query(`drop role if exists ${ident(role)}`);
        }
      } finally {
        await cleanup.end();
      }
    },
  };
}
