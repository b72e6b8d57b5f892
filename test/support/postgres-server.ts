// Starts a real PostgreSQL for the database layer of the tests, unless DATABASE_URL names one already.
// vitest runs this once (globalSetup) and hands the URL to every test file through `inject("databaseUrl")`.
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "./embedded-postgres.js";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.DATABASE_URL;
  if (external) {
    project.provide("databaseUrl", external);
    return async () => {};
  }
  const server = await startEmbeddedPostgres("test-superuser-password");
  project.provide("databaseUrl", server.url);
  return () => server.stop();
}
