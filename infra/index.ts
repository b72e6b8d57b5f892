// postgrest-gpt: PostgreSQL + PostgREST secured by the stack's own JWT key, behind one public origin for GPT Builder.
//
//   config ──> signing key, OAuth client ───────────────┬──────────────┐
//          └─> network ─> PostgreSQL ─> roles ─> sql/ ─> PostgREST    companion (/openapi.json, /oauth)
//                                  └──> OAuth login ───────────────────┘
//                                                         └──> Caddy: https://<domain>/api, /openapi.json, /oauth ──> outputs
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { readStackConfig } from "./config/read.js";
import { SigningKey } from "./keys/signing-key.js";
import { PostgresDatabase } from "./database/postgres.js";
import { ApiRoles } from "./database/roles.js";
import { OAuthRole } from "./database/oauth-role.js";
import { GptOAuthClient } from "./oauth/client.js";
import { SqlMigrations } from "./database/migrations.js";
import { PostgrestService } from "./postgrest/service.js";
import { CompanionService } from "./companion/service.js";
import { CaddyProxy } from "./proxy/service.js";
import { gptAction as gptActionFields } from "./outputs/gpt-action.js";

const config = readStackConfig();
const stack = `postgrest-gpt-${pulumi.getStack()}`;
const projectDir = fileURLToPath(new URL("..", import.meta.url));

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

// The authorization server's own login and schema: outside PostgREST's reach, and outside sql/'s.
const oauthLogin = new OAuthRole("oauth-login", { provider: db.provider, database: db.database, container: db.container.name });
const oauthClient = new GptOAuthClient("oauth-client");

const migrations = new SqlMigrations(
  "sql",
  {
    projectDir,
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

// PostgREST and the companion reach the database the same way: on the stack's network, as the authenticator.
const internal = { host: db.internalHost, port: db.internalPort, name: db.database };
const authenticator = { user: roles.authenticator, password: roles.authenticatorPassword };

const api = new PostgrestService(
  "postgrest",
  {
    image: config.postgrestImage,
    network: network.name,
    database: internal,
    login: authenticator,
    anonRole: roles.anon,
    schemas: roles.schemas,
    jwtSecret: key.jwtSecret,
    jwtAudience: config.jwtAudience,
    maxRows: config.dbMaxRows,
    publicUrl: config.apiUrl,
  },
  { dependsOn: [migrations] },
);

const companion = new CompanionService(
  "companion",
  {
    projectDir,
    imageName: `${stack}-companion`,
    network: network.name,
    database: internal,
    login: authenticator,
    schemas: roles.schemas,
    anonRole: roles.anon,
    authenticatedRole: roles.authenticated,
    apiUrl: config.apiUrl,
    jwtSecret: key.jwtSecret,
    jwtAudience: config.jwtAudience,
    maxRows: config.dbMaxRows,
    openapi: config.openapi,
    oauth: {
      login: { user: oauthLogin.user, password: oauthLogin.password },
      issuer: config.oauth.issuer,
      clientId: oauthClient.clientId,
      clientSecret: oauthClient.clientSecret,
      callbackUrls: config.oauth.callbackUrls,
      signingKey: key.privateJwk,
      cookieKey: oauthClient.cookieKey,
      accessTokenSeconds: config.oauth.accessTokenSeconds,
      refreshTokenSeconds: config.oauth.refreshTokenSeconds,
    },
    planConnection: { host: db.host, port: db.hostPort, user: db.superuser, password: db.superuserPassword },
    planTriggers: migrations.digests,
  },
  { dependsOn: [migrations, oauthLogin] },
);

const proxy = new CaddyProxy("proxy", {
  image: config.caddyImage,
  network: network.name,
  domain: config.domain,
  acmeEmail: config.acmeEmail,
  hostPort: config.apiPort,
  postgrest: api.upstream,
  companion: companion.upstream,
  volumeName: `${stack}-caddy-data`,
});

if (config.originWarning) pulumi.log.warn(config.originWarning);

export const apiUrl = config.apiUrl;
export const openApiUrl = config.openApiUrl;
export const jwtAlgorithm = config.jwtAlgorithm;
export const anonRole = roles.anon;
export const authenticatedRole = roles.authenticated;
export const sampleBearerToken = key.mintToken(
  roles.authenticated.apply((role) => ({ role, sub: config.tokenSubject, aud: config.jwtAudience })),
  config.tokenTtlSeconds,
);
export const jwks = key.jwks;
// A plain object in which only the API key, its schema URL and the OAuth client secret are secret, so the rest
// stays readable in `pulumi stack output`.
export const gptAction = gptActionFields({
  openApiUrl: config.openApiUrl,
  authenticatedOpenApiUrl: pulumi.secret(pulumi.interpolate`${config.openApiUrl}?view=${companion.viewKey}`),
  bearerToken: sampleBearerToken,
  anonRole: config.anonRole,
  authenticatedRole: config.authenticatedRole,
  oauth: {
    clientId: oauthClient.clientId,
    clientSecret: oauthClient.clientSecret,
    authorizationUrl: config.oauth.authorizationUrl,
    tokenUrl: config.oauth.tokenUrl,
    scope: config.oauth.scope,
  },
  ...(config.originWarning ? { originWarning: config.originWarning } : {}),
});
// What each GPT authentication mode sees of the API, and what did not fit GPT Builder's 30 operations.
export const openApiPlan = companion.plan;
export const containers = { postgrest: api.container.name, companion: companion.container.name, proxy: proxy.container.name };
