// Stands in for terraform-provider-postgresql in database tests: turns the postgresql resources the program declared
// (captured by the Pulumi mocks) into the SQL that provider runs, so the real database gets exactly the roles,
// memberships, schemas and grants `pulumi up` would create — not a hand-written copy of them.
import pg from "pg";
import type { DeclaredResource } from "./pulumi-mocks.js";

const ident = (name: string) => pg.escapeIdentifier(name);
const literal = (value: string) => pg.escapeLiteral(value);

function roleSql(r: Record<string, any>): string[] {
  const options = [r.login ? "LOGIN" : "NOLOGIN", r.inherit === false ? "NOINHERIT" : "INHERIT"];
  if (r.password) options.push(`PASSWORD ${literal(r.password)}`);
  const sql = [`CREATE ROLE ${ident(r.name)} ${options.join(" ")}`];
  if (r.statementTimeout !== undefined) sql.push(`ALTER ROLE ${ident(r.name)} SET statement_timeout = ${Number(r.statementTimeout)}`);
  return sql;
}

/** SQL for every postgresql resource in declaration order; unknown postgresql types fail loudly. */
export function declaredSql(resources: readonly DeclaredResource[]): string[] {
  const order = ["postgresql:index/role:Role", "postgresql:index/grantRole:GrantRole", "postgresql:index/schema:Schema", "postgresql:index/grant:Grant"];
  const pgResources = resources.filter((r) => r.type.startsWith("postgresql:"));
  for (const r of pgResources) if (!order.includes(r.type)) throw new Error(`declared-sql: no translation for ${r.type} (${r.name})`);
  return order.flatMap((type) =>
    pgResources
      .filter((r) => r.type === type)
      .flatMap((r) => {
        const i = r.inputs;
        switch (type) {
          case "postgresql:index/role:Role":
            return roleSql(i);
          case "postgresql:index/grantRole:GrantRole":
            return [`GRANT ${ident(i.grantRole)} TO ${ident(i.role)}`];
          case "postgresql:index/schema:Schema":
            return [`CREATE SCHEMA ${i.ifNotExists ? "IF NOT EXISTS " : ""}${ident(i.name)}${i.owner ? ` AUTHORIZATION ${ident(i.owner)}` : ""}`];
          default: {
            if (i.objectType !== "schema") throw new Error(`declared-sql: grant on ${i.objectType} not translated`);
            return [`GRANT ${i.privileges.join(", ")} ON SCHEMA ${ident(i.schema)} TO ${ident(i.role)}`];
          }
        }
      }),
  );
}

/** A fresh database on the test server, and the URL to reach it as `user`. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new pg.Client(serverUrl);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${ident(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.href;
}

export function urlAs(databaseUrl: string, user: string, password: string): string {
  const url = new URL(databaseUrl);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  return url.href;
}
