// Serves the authorization server under /oauth on the companion's plain HTTP server. oidc-provider expects to be
// mounted like an Express sub-app: it reads the prefix from req.originalUrl. The public origin comes from the
// issuer, never from request headers, so discovery and redirects name https://<domain> even behind a tunnel.
import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import type pg from "pg";
import type { OAuthConfig } from "./config.js";
import { createInteractionHandler } from "./interactions.js";
import { createAuthorizationServer } from "./provider.js";

export interface OAuthRoutes {
  readonly provider: Provider;
  /** /oauth itself or a path under it. */
  matches(pathname: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void>;
}

export function createOAuthRoutes(options: { oauth: OAuthConfig; audience: string; db: pg.Pool; log: (line: string) => void }): OAuthRoutes {
  const { oauth, log } = options;
  const issuer = new URL(oauth.issuer);
  const mountPath = issuer.pathname.replace(/\/+$/, "");
  const provider = createAuthorizationServer(options);
  provider.on("server_error", (_ctx, error) => log(`oauth: server error: ${error.message}`));
  const interactions = createInteractionHandler({ provider, db: options.db, cookieKey: oauth.cookieKey, mountPath, log });
  const callback = provider.callback();

  return {
    provider,
    matches: (pathname) => pathname === mountPath || pathname.startsWith(`${mountPath}/`),
    async handle(req, res, pathname) {
      req.headers["x-forwarded-proto"] = issuer.protocol.slice(0, -1);
      req.headers["x-forwarded-host"] = issuer.host;
      if (pathname.startsWith(`${mountPath}/interaction/`)) return interactions(req, res, pathname);
      const original = req.url ?? "/";
      Object.assign(req, { originalUrl: original });
      const rest = original.slice(mountPath.length);
      req.url = rest.startsWith("/") ? rest : `/${rest}`;
      await callback(req, res);
    },
  };
}
