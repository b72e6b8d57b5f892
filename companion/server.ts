// The companion's HTTP server: /openapi.json, the authorization server under /oauth, and a health check. Caddy sends
// it only those paths (infra/proxy/caddyfile.ts); anything else is a JSON 404 here too.
import { createServer, type Server } from "node:http";
import pg from "pg";
import type { CompanionConfig } from "./config.js";
import { DocumentCache } from "./document-cache.js";
import { serveOpenApi } from "./openapi-route.js";
import { listenForReloads, type ReloadListener } from "./reload-listener.js";
import { sendJson } from "./respond.js";
import { startAuthorizationServer } from "./oauth/start.js";

export const OPENAPI_PATH = "/openapi.json";
export const HEALTH_PATH = "/healthz";

export interface Companion {
  readonly server: Server;
  readonly cache: DocumentCache;
  /** Settles once the companion can serve everything; rejects (naming the problem) when it cannot. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export interface CompanionOptions {
  /** libpq settings of the authenticator login; the PG* environment when absent. */
  readonly database?: pg.ClientConfig;
  readonly log?: (line: string) => void;
}

export function createCompanion(config: CompanionConfig, options: CompanionOptions = {}): Companion {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const pool = new pg.Pool({ ...options.database, max: 4, application_name: "postgrest-gpt-companion" });
  // pg-pool does not wait for the connections it ends; one cut by the server meanwhile is not news after close().
  let closing = false;
  pool.on("error", (error) => closing || log(`idle database connection failed: ${error.message}`));
  const cache = new DocumentCache(config.cacheSeconds * 1000);
  const listener: ReloadListener = listenForReloads(
    () => new pg.Client({ ...options.database, application_name: "postgrest-gpt-companion-listen" }),
    () => cache.invalidate(),
    log,
  );

  const oauth = config.oauth
    ? startAuthorizationServer({ oauth: config.oauth, auth: config.auth, probeRole: config.authenticatedRole, ...(options.database ? { database: options.database } : {}), log })
    : undefined;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://companion");
    const method = req.method ?? "GET";
    if (oauth?.routes.matches(url.pathname)) {
      const { routes, ready } = oauth;
      ready
        .then(() => routes.handle(req, res, url.pathname))
        .catch((error: unknown) => {
          log(`oauth ${url.pathname} failed: ${(error as Error).message}`);
          if (!res.headersSent) sendJson(res, 503, { error: "temporarily_unavailable", error_description: "the authorization server is not available" });
          else res.destroy();
        });
      return;
    }
    if (url.pathname === OPENAPI_PATH || url.pathname === HEALTH_PATH) {
      if (method !== "GET" && method !== "HEAD") return sendJson(res, 405, { message: `${method} is not allowed here: use GET` }, { Allow: "GET, HEAD" });
      if (url.pathname === HEALTH_PATH) return sendJson(res, 200, { status: "ok" });
      serveOpenApi(req, res, url, { pool, config, cache, log }).catch((error: unknown) => {
        log(`openapi.json failed: ${(error as Error).message}`);
        if (!res.headersSent) sendJson(res, 500, { message: "Internal error" });
        else res.destroy();
      });
      return;
    }
    sendJson(res, 404, { message: `Not found: ${url.pathname}` });
  });

  return {
    server,
    cache,
    ready: oauth?.ready ?? Promise.resolve(),
    async close() {
      closing = true;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await listener.close();
      await pool.end();
      await oauth?.close();
    },
  };
}
