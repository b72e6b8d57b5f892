// The project's global setup (the embedded PostgreSQL) around one test that fails on purpose.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: new URL("../../..", import.meta.url).pathname,
    include: ["test/load/failing/*.check.ts"],
    globalSetup: ["test/support/postgres-server.ts"],
    hookTimeout: 120_000,
  },
});
