// The companion with its authorization server on a real database, configured as the stack configures it, for one
// signing algorithm. The issuer is plain http on 127.0.0.1 (the public origin is Caddy's job); a fixed port lets the
// same companion be stopped and started again, as a container restart would.
import { randomBytes } from "node:crypto";
import { readCompanionConfig, type CompanionConfig } from "../../companion/config.js";
import { createCompanion, type Companion } from "../../companion/server.js";
import type { JwtAlgorithm } from "../../infra/keys/algorithms.js";
import { trustedKey } from "../../infra/keys/jwt-secret.js";
import { signingJwk } from "../../infra/keys/signing-jwk.js";
import { applyMigrations, listSqlFiles } from "../../lib/migrate/index.js";
import { freePort } from "./free-port.js";
import { materialFor } from "./key-material.js";
import type { OAuthTestDatabase } from "./oauth-db.js";

export const API_URL = "https://gpt.example.com/api";
export const CALLBACK = "https://chatgpt.com/aip/g-0123456789abcdef0123456789abcdef/oauth/callback";

export interface OAuthStack {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** PostgREST's jwt-secret and jwt-aud for this stack. */
  readonly auth: CompanionConfig["auth"];
  readonly config: CompanionConfig;
  readonly logged: string[];
  companion: Companion;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function migrateExampleApi(oauthDb: OAuthTestDatabase): Promise<void> {
  const migrator = await oauthDb.db.connect(oauthDb.db.migratorUrl);
  await applyMigrations(migrator, { files: await listSqlFiles("sql"), variables: oauthDb.db.variables, schemas: ["api"] });
}

export async function startOAuthStack(oauthDb: OAuthTestDatabase, options: { algorithm?: JwtAlgorithm; callbacks?: readonly string[]; env?: Record<string, string> } = {}): Promise<OAuthStack> {
  const { db } = oauthDb;
  const material = materialFor(options.algorithm ?? "HS256");
  const trusted = await trustedKey(material);
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}/oauth`;
  const clientId = `gpt-${randomBytes(8).toString("hex")}`;
  const clientSecret = randomBytes(32).toString("base64url");
  const { hostname, port: pgPort } = new URL(db.authenticatorUrl);
  const oauthUrl = new URL(oauthDb.oauthUrl);
  const config = readCompanionConfig({
    PGHOST: hostname, PGPORT: pgPort, PGUSER: db.roles.authenticator, PGDATABASE: db.name,
    PGPT_DB_SCHEMAS: "api", PGPT_ANON_ROLE: db.roles.anon, PGPT_AUTHENTICATED_ROLE: db.roles.authenticated,
    PGPT_API_URL: API_URL, PGPT_JWT_SECRET: trusted.jwtSecret, PGPT_JWT_AUDIENCE: API_URL,
    PGPT_OAUTH_ISSUER: issuer, PGPT_OAUTH_CLIENT_ID: clientId, PGPT_OAUTH_CLIENT_SECRET: clientSecret,
    PGPT_OAUTH_CALLBACK_URLS: (options.callbacks ?? [CALLBACK]).join(","),
    // The key exactly as the stack renders it for the companion (infra/keys/signing-jwk.ts).
    PGPT_OAUTH_SIGNING_KEY: await signingJwk(material, trusted),
    PGPT_OAUTH_COOKIE_KEY: randomBytes(32).toString("base64url"),
    PGPT_OAUTH_PGUSER: decodeURIComponent(oauthUrl.username), PGPT_OAUTH_PGPASSWORD: decodeURIComponent(oauthUrl.password),
    ...options.env,
  });
  const logged: string[] = [];
  const start = async () => {
    const companion = createCompanion(config, {
      database: { host: hostname, port: Number(pgPort), user: db.roles.authenticator, password: db.authenticatorPassword, database: db.name },
      log: (line) => logged.push(line),
    });
    await companion.ready;
    await new Promise<void>((resolve) => companion.server.listen(port, "127.0.0.1", resolve));
    return companion;
  };
  const stack: OAuthStack = {
    issuer,
    clientId,
    clientSecret,
    auth: config.auth,
    config,
    logged,
    companion: await start(),
    async restart() {
      await stack.companion.close();
      stack.companion = await start();
    },
    async close() {
      await stack.companion.close();
    },
  };
  return stack;
}
