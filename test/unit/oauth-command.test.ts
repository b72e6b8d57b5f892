// `npm run oauth` end to end with stand-ins for the Pulumi CLI and Docker on PATH: it finds the companion container
// from the stack output, runs the admin bundle there, hands a piped password over on stdin (never as an argument),
// and refuses a mistyped command before asking Pulumi anything.
import { spawn } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";

let bin: string;

beforeAll(async () => {
  bin = await mkdtemp(join(tmpdir(), "pgpt-oauth-cli-"));
  await writeFile(
    join(bin, "pulumi"),
    `#!/bin/sh
echo "$*" >> "${bin}/pulumi.log"
case "$1" in
  version) echo v3.200.0 ;;
  stack) echo '{"companion":"pgpt-dev-companion","postgrest":"pgpt-dev-postgrest","proxy":"pgpt-dev-proxy"}' ;;
esac
`,
  );
  await writeFile(
    join(bin, "docker"),
    `#!/bin/sh
case "$1" in
  version) echo 28.0.0 ;;
  exec) printf '%s\\n' "$@" > "${bin}/docker.args"; cat > "${bin}/docker.stdin"; echo "admin ran"; exit 3 ;;
esac
`,
  );
  await chmod(join(bin, "pulumi"), 0o755);
  await chmod(join(bin, "docker"), 0o755);
});
afterAll(() => rm(bin, { recursive: true, force: true }));

function oauth(args: string[], stdin: string) {
  const proc = spawn(process.execPath, ["--import", "tsx", "scripts/oauth.ts", ...args], {
    env: { PATH: `${bin}:${process.env.PATH}`, PULUMI_BACKEND_URL: `file://${bin}`, PULUMI_CONFIG_PASSPHRASE: "test" },
  });
  let stdout = "";
  let stderr = "";
  proc.stdout.on("data", (c) => (stdout += c));
  proc.stderr.on("data", (c) => (stderr += c));
  proc.stdin.end(stdin);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => proc.on("close", (code) => resolve({ code, stdout, stderr })));
}

test("users add runs the admin bundle in the companion container, the piped password on stdin only, and passes its exit code on", async () => {
  const r = await oauth(["users", "add", "alice@example.com"], "a piped password here\n");
  expect(r.stdout).toBe("admin ran\n");
  expect(r.code).toBe(3);
  expect(await readFile(join(bin, "pulumi.log"), "utf8")).toMatch(/^stack output containers --json --stack dev$/m);
  const args = (await readFile(join(bin, "docker.args"), "utf8")).trim().split("\n");
  expect(args).toEqual(["exec", "-i", "pgpt-dev-companion", "node", "companion-admin.mjs", "users", "add", "alice@example.com"]);
  expect(await readFile(join(bin, "docker.stdin"), "utf8")).toBe("a piped password here\n");
});

test("a command without a password gets no stdin", async () => {
  const r = await oauth(["callbacks", "list"], "not for docker");
  expect(r.code).toBe(3);
  expect((await readFile(join(bin, "docker.args"), "utf8")).trim().split("\n")).toEqual(["exec", "pgpt-dev-companion", "node", "companion-admin.mjs", "callbacks", "list"]);
  expect(await readFile(join(bin, "docker.stdin"), "utf8")).toBe("");
});

test("a mistyped command exits 2 with the usage text, before Pulumi or Docker is asked", async () => {
  await rm(join(bin, "pulumi.log"), { force: true });
  const r = await oauth(["users", "ad", "alice"], "");
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^users needs one of add, .*\(unknown: "ad"\)\n\nusage: npm run oauth -- <command>/);
  expect(existsSync(join(bin, "pulumi.log"))).toBe(false);
});
