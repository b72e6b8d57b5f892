// A test database with the OAuth login role and its schema, as the stack sets them up (infra/database/oauth-role.ts):
// a LOGIN role owning gpt_oauth, nothing granted on it to anon or authenticated, the tables created by the companion.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { ensureOAuthSchema, OAUTH_SCHEMA } from "../../companion/oauth/schema.js";
import { createTestDatabase, type TestDatabase, type TestDatabaseOptions } from "./db-fixtures.js";

export interface OAuthTestDatabase {
  readonly db: TestDatabase;
  /** The companion's OAuth login. */
  readonly oauthRole: string;
  readonly oauthUrl: string;
  drop(): Promise<void>;
}

export async function createOAuthTestDatabase(options: TestDatabaseOptions = {}): Promise<OAuthTestDatabase> {
  const db = await createTestDatabase(options);
  const oauthRole = `${db.name}_oauth`;
  const password = `oauth-${randomBytes(12).toString("hex")}`;
  const admin = await db.connect(db.superuserUrl);
  await admin.query(`create role ${pg.escapeIdentifier(oauthRole)} login password ${pg.escapeLiteral(password)}`);
  await admin.query(`create schema ${OAUTH_SCHEMA} authorization ${pg.escapeIdentifier(oauthRole)}`);
  const url = new URL(db.superuserUrl);
  url.username = encodeURIComponent(oauthRole);
  url.password = encodeURIComponent(password);
  const oauthUrl = url.toString();
  const owner = new pg.Client(oauthUrl);
  await owner.connect();
  try {
    await ensureOAuthSchema(owner);
  } finally {
    await owner.end();
  }
  return {
    db,
    oauthRole,
    oauthUrl,
    async drop() {
      await db.drop();
      const cleanup = new pg.Client(inject("databaseUrl"));
      await cleanup.connect();
      try {
        await cleanup.query(`drop role if exists ${pg.escapeIdentifier(oauthRole)}`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
