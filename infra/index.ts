// postgrest-gpt: PostgreSQL + PostgREST secured by the stack's own JWT key, ready for a GPT Builder action.
//
//   config ──> signing key ─────────────────────────────┐
//          └─> network ─> PostgreSQL ─> roles ─> sql/ ─> PostgREST ─> outputs for GPT Builder
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { readStackConfig } from "./config/read.js";
import { SigningKey } from "./keys/signing-key.js";
import { PostgresDatabase } from "./database/postgres.js";
import { ApiRoles } from "./database/roles.js";
import { SqlMigrations } from "./database/migrations.js";
import { PostgrestService } from "./postgrest/service.js";
import { gptAction as gptActionFields } from "./outputs/gpt-action.js";

const config = readStackConfig();
const stack = `postgrest-gpt-${pulumi.getStack()}`;

const key = new SigningKey("jwt-key", { algorithm: config.jwtAlgorithm });

const network = new docker.Network("network", { name: stack });

const db = new PostgresDatabase("db", {
  image: config.postgresImage,
  network: network.name,
  hostPort: config.dbPort,
  database: config.dbName,
  volumeName: `${stack}-pgdata`,
});

const roles = new ApiRoles("roles", {
  provider: db.provider,
  database: db.database,
  anonRole: config.anonRole,
  authenticatedRole: config.authenticatedRole,
  authenticatorRole: config.authenticatorRole,
  schemas: config.dbSchemas,
  statementTimeoutMs: config.statementTimeoutMs,
});

const migrations = new SqlMigrations(
  "sql",
  {
    projectDir: fileURLToPath(new URL("..", import.meta.url)),
    sqlDir: "sql",
    host: db.host,
    port: db.hostPort,
    database: db.database,
    user: db.superuser,
    password: db.superuserPassword,
    anonRole: roles.anon,
    authenticatedRole: roles.authenticated,
    authenticatorRole: roles.authenticator,
    schemas: roles.schemas,
  },
  { dependsOn: roles.ready },
);

const api = new PostgrestService(
  "postgrest",
  {
    image: config.postgrestImage,
    network: network.name,
    hostPort: config.apiPort,
    database: { host: db.internalHost, port: db.internalPort, name: db.database },
    login: { user: roles.authenticator, password: roles.authenticatorPassword },
    anonRole: roles.anon,
    schemas: roles.schemas,
    jwtSecret: key.jwtSecret,
    jwtAudience: config.jwtAudience,
    maxRows: config.dbMaxRows,
    publicUrl: config.apiUrl,
  },
  { dependsOn: [migrations] },
);

export const apiUrl = config.apiUrl;
// PostgREST v16 serves its (Swagger 2.0) description at the root.
export const openApiUrl = `${config.apiUrl}/`;
export const jwtAlgorithm = config.jwtAlgorithm;
export const anonRole = roles.anon;
export const authenticatedRole = roles.authenticated;
export const sampleBearerToken = key.mintToken(
  roles.authenticated.apply((role) => ({ role, sub: config.tokenSubject, aud: config.jwtAudience })),
  config.tokenTtlSeconds,
);
export const jwks = key.jwks;
// A plain object with only the API key secret, so the rest stays readable in `pulumi stack output`.
export const gptAction = gptActionFields({
  openApiUrl,
  bearerToken: sampleBearerToken,
  anonRole: config.anonRole,
  authenticatedRole: config.authenticatedRole,
});
export const postgrestContainer = api.container.name;
