// The authorization server's life in the companion: its own pool (the OAuth login), the checks and table setup it
// needs before serving, a periodic purge of expired state, and shutdown. companion/server.ts only routes to it.
import pg from "pg";
import type { PostgrestAuthConfig } from "../../lib/postgrest/index.js";
import { syncConfigCallbacks } from "./callbacks.js";
import type { OAuthConfig } from "./config.js";
import { createOAuthRoutes, type OAuthRoutes } from "./mount.js";
import { purgeExpired } from "./pg-adapter.js";
import { ensureOAuthSchema } from "./schema.js";
import { signingKeyProblem } from "./signing-key-check.js";

const PURGE_EVERY_MS = 10 * 60 * 1000;

export interface RunningAuthorizationServer {
  readonly routes: OAuthRoutes;
  /** Settles once the tables exist and the signing key is known to match PostgREST's; rejects naming the problem. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly oauth: OAuthConfig;
  /** PostgREST's auth settings: the audience tokens are minted for, the key they must verify under. */
  readonly auth: PostgrestAuthConfig;
  /** The role the signing-key probe names: one PostgREST accepts. */
  readonly probeRole: string;
  /** libpq settings of the database (host, port, name); the OAuth login's user and password are added. */
  readonly database?: pg.ClientConfig;
  readonly log: (line: string) => void;
}

export function startAuthorizationServer({ oauth, auth, probeRole, database, log }: StartOptions): RunningAuthorizationServer {
  let closing = false;
  const db = new pg.Pool({ ...database, user: oauth.database.user, password: oauth.database.password, max: 8, application_name: "postgrest-gpt-oauth" });
  // pg-pool does not wait for the connections it ends; one cut by the server meanwhile is not news after close().
  db.on("error", (error) => closing || log(`idle OAuth database connection failed: ${error.message}`));
  const routes = createOAuthRoutes({ oauth, audience: auth.jwtAud ?? "", db, log });

  const ready = (async () => {
    const problem = await signingKeyProblem(oauth.signingKey, auth, probeRole);
    if (problem) throw new Error(`PGPT_OAUTH_SIGNING_KEY does not match PGPT_JWT_SECRET: ${problem}`);
    const client = await db.connect();
    try {
      await ensureOAuthSchema(client);
      await syncConfigCallbacks(client, oauth.callbackUrls);
    } finally {
      client.release();
    }
  })();
  // Observed by whoever awaits it (main.ts, each request); this keeps an early rejection from being "unhandled".
  ready.catch(() => undefined);

  const purge = setInterval(() => {
    purgeExpired(db).catch((error: Error) => log(`oauth: purging expired rows failed: ${error.message}`));
  }, PURGE_EVERY_MS);
  purge.unref();

  return {
    routes,
    ready,
    async close() {
      closing = true;
      clearInterval(purge);
      await db.end();
    },
  };
}
