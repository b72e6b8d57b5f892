// What `npm run up` needs on the user's machine, checked before Pulumi starts, so a missing tool is one sentence
// saying which and how to get it rather than a stack trace from deep inside a provider.

export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when the command could not be started at all (ENOENT: not installed). */
  readonly error?: NodeJS.ErrnoException;
}

export type RunCommand = (command: string, args: readonly string[]) => CommandResult;

const firstLine = (s: string) => s.trim().split("\n")[0] ?? "";

export function checkPrerequisites(run: RunCommand): string[] {
  const problems: string[] = [];

  const docker = run("docker", ["version", "--format", "{{.Server.Version}}"]);
  if (docker.error?.code === "ENOENT") {
    problems.push("Docker is not installed (no `docker` on PATH). Install Docker Desktop or Docker Engine: https://docs.docker.com/get-docker/");
  } else if (docker.error || docker.status !== 0) {
    const said = firstLine(docker.stderr) || docker.error?.message || "no answer";
    problems.push(`Docker is installed but its engine is not reachable (${said}). Start Docker Desktop, or the service: sudo systemctl start docker`);
  }

  const pulumi = run("pulumi", ["version"]);
  if (pulumi.error?.code === "ENOENT") {
    problems.push(
      "The Pulumi CLI is not installed (no `pulumi` on PATH). Install it: https://www.pulumi.com/docs/iac/download-install/ " +
        "(curl -fsSL https://get.pulumi.com | sh, or brew install pulumi/tap/pulumi)",
    );
  } else if (pulumi.error || pulumi.status !== 0) {
    problems.push(`The Pulumi CLI did not run (${firstLine(pulumi.stderr) || pulumi.error?.message || "no answer"}). Reinstall it: https://www.pulumi.com/docs/iac/download-install/`);
  }
  return problems;
}
