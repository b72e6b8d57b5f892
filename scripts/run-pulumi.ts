// Shared by `npm run up` and `npm run pulumi -- <args>`: check the tools, prepare the environment, select (or create)
// the stack, then hand over to the Pulumi CLI with the terminal attached.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { checkPrerequisites, type CommandResult } from "./prerequisites.js";
import { STACK, pulumiEnvironment } from "./pulumi-env.js";

const projectDir = fileURLToPath(new URL("..", import.meta.url));

function capture(command: string, args: readonly string[]): CommandResult {
  const r = spawnSync(command, args, { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", ...(r.error ? { error: r.error as NodeJS.ErrnoException } : {}) };
}

export function runPulumi(args: readonly string[], { needsDocker }: { needsDocker: boolean }): number {
  const problems = checkPrerequisites(capture).filter((p) => needsDocker || !p.startsWith("Docker"));
  if (problems.length > 0) {
    for (const p of problems) console.error(`✗ ${p}`);
    return 1;
  }
  const { env, createdPassphraseFile } = pulumiEnvironment(process.env, projectDir);
  if (createdPassphraseFile) {
    console.error(`Generated the passphrase that encrypts this stack's secrets: ${createdPassphraseFile}`);
    console.error("Back it up: without it the secrets in the stack (keys, passwords) cannot be decrypted.");
  }
  const select = spawnSync("pulumi", ["stack", "select", STACK, "--create", "--secrets-provider", "passphrase", "--non-interactive"], {
    cwd: projectDir,
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (select.status !== 0) return select.status ?? 1;
  const pulumi = spawnSync("pulumi", [...args], { cwd: projectDir, env, stdio: "inherit" });
  return pulumi.status ?? 1;
}
