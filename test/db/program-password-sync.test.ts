// The superuser password sync (infra/database/superuser-password.ts) run for real: the shell command as declared,
// a stand-in `docker exec` that hands psql's arguments to the real psql, against a PostgreSQL of this file's own
// (its superuser password is changed, so not the shared test server).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import pg from "pg";
import { syncPasswordCommand } from "../../infra/database/superuser-password.js";
import { startEmbeddedPostgres, type RunningPostgres } from "../support/embedded-postgres.js";

// psql is Debian's postgresql-client: on our machines and CI, not guaranteed on every developer's.
const hasPsql = spawnSync("psql", ["--version"]).status === 0;

describe.skipIf(!hasPsql)("superuser password sync against a real server", () => {
  let server: RunningPostgres;
  let port: number;
  let bin: string;

  beforeAll(async () => {
    server = await startEmbeddedPostgres("initial-password");
    port = server.port;
    bin = mkdtempSync(join(tmpdir(), "pgpt-bin-"));
    // `docker exec -i -e VAR <container> psql ...` becomes `psql ... -h 127.0.0.1 -p <port>`; the container's trusted
    // local socket is played by the current password in PGPASSWORD.
    writeFileSync(join(bin, "docker"), `#!/bin/sh\nshift 5\nexec "$@" -h 127.0.0.1 -p ${port}\n`, { mode: 0o755 });
  });

  afterAll(async () => {
    await server?.stop();
  });

  const canLogIn = async (password: string) => {
    const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password, database: "postgres" });
    try {
      await client.connect();
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  test("sets the generated password, so the provider can log in with it", async () => {
    const generated = "Generated0password0from0random";
    execFileSync("/bin/sh", ["-c", syncPasswordCommand("db-server-x")], {
      env: { PATH: `${bin}:${process.env.PATH}`, PGPASSWORD: "initial-password", PGPT_SUPERUSER_PASSWORD: generated },
    });
    expect(await canLogIn(generated)).toBe(true);
    expect(await canLogIn("initial-password")).toBe(false);
  });

  test("a failure stops with psql's terse message, never the statement with the password in it", () => {
    const result = spawnSync("/bin/sh", ["-c", syncPasswordCommand("db-server-x")], {
      // Wrong current password: psql cannot connect at all.
      env: { PATH: `${bin}:${process.env.PATH}`, PGPASSWORD: "wrong", PGPT_SUPERUSER_PASSWORD: "Another0secret0value" },
      encoding: "utf8",
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("password authentication failed");
    expect(result.stderr + result.stdout).not.toContain("Another0secret0value");
  });
});
