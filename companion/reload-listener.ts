// LISTEN on PostgREST's own channel: the migrations end with `NOTIFY pgrst, 'reload schema'` (lib/migrate), so the
// companion's documents are rebuilt exactly when PostgREST reloads its schema cache. A lost connection is
// re-established with backoff, and the cache is dropped on reconnect, since notifications may have been missed.
import pg from "pg";

export const RELOAD_CHANNEL = "pgrst";

export interface ReloadListener {
  close(): Promise<void>;
}

export function listenForReloads(
  connect: () => pg.Client,
  onReload: () => void,
  log: (line: string) => void,
): ReloadListener {
  let client: pg.Client | undefined;
  let closed = false;
  let delayMs = 500;
  let timer: NodeJS.Timeout | undefined;

  const retry = () => {
    if (closed) return;
    timer = setTimeout(start, delayMs);
    delayMs = Math.min(delayMs * 2, 30_000);
  };

  async function start() {
    const current = connect();
    client = current;
    current.on("error", (error) => {
      log(`schema-change listener lost its connection (${error.message}); reconnecting`);
      current.end().catch(() => undefined);
      retry();
    });
    current.on("notification", (message) => {
      // PostgREST's payloads: 'reload schema', 'reload config', or empty (= schema).
      if (message.channel === RELOAD_CHANNEL && (message.payload ?? "") !== "reload config") onReload();
    });
    try {
      await current.connect();
      await current.query(`listen ${RELOAD_CHANNEL}`);
      delayMs = 500;
      onReload();
    } catch (error) {
      log(`schema-change listener cannot connect (${(error as Error).message}); retrying`);
      current.end().catch(() => undefined);
      retry();
    }
  }

  void start();
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      await client?.end().catch(() => undefined);
    },
  };
}
