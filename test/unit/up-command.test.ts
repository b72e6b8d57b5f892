import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, test } from "vitest";
import { checkPrerequisites, type CommandResult, type RunCommand } from "../../scripts/prerequisites.js";
import { pulumiEnvironment } from "../../scripts/pulumi-env.js";

const ok: CommandResult = { status: 0, stdout: "27.0.1\n", stderr: "" };
const missing: CommandResult = { status: null, stdout: "", stderr: "", error: Object.assign(new Error("spawn ENOENT"), { code: "ENOENT" }) };
const machine = (answers: Record<string, CommandResult>): RunCommand => (command) => answers[command] ?? ok;

describe("npm run up prerequisites", () => {
  test("nothing to report when Docker's engine and the Pulumi CLI answer", () => {
    expect(checkPrerequisites(machine({}))).toEqual([]);
  });

  test("a missing docker command says Docker is not installed and where to get it", () => {
    const [problem] = checkPrerequisites(machine({ docker: missing }));
    expect(problem).toMatch(/^Docker is not installed/);
    expect(problem).toContain("https://docs.docker.com/get-docker/");
  });

  test("a docker client without a running engine says to start the engine, quoting docker", () => {
    const down = { status: 1, stdout: "", stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock.\n" };
    const [problem] = checkPrerequisites(machine({ docker: down }));
    expect(problem).toContain("engine is not reachable (Cannot connect to the Docker daemon");
  });

  test("a missing pulumi command says the Pulumi CLI is not installed and how to install it", () => {
    const problems = checkPrerequisites(machine({ pulumi: missing }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^The Pulumi CLI is not installed/);
    expect(problems[0]).toContain("get.pulumi.com");
  });

  test("both missing are both reported", () => {
    expect(checkPrerequisites(machine({ docker: missing, pulumi: missing }))).toHaveLength(2);
  });
});

describe("Pulumi environment", () => {
  test("defaults to file state in the project and a generated passphrase file, created once with owner-only access", () => {
    const dir = mkdtempSync(join(tmpdir(), "pgpt-up-"));
    const first = pulumiEnvironment({}, dir);
    expect(first.env.PULUMI_BACKEND_URL).toBe(`file://${dir}/.pulumi`);
    expect(first.createdPassphraseFile).toBe(join(dir, ".pulumi", "passphrase"));
    expect(first.env.PULUMI_CONFIG_PASSPHRASE_FILE).toBe(first.createdPassphraseFile);
    expect(statSync(first.createdPassphraseFile!).mode & 0o777).toBe(0o600);
    const passphrase = readFileSync(first.createdPassphraseFile!, "utf8");
    expect(passphrase).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const second = pulumiEnvironment({}, dir);
    expect(second.createdPassphraseFile).toBeUndefined();
    expect(readFileSync(second.env.PULUMI_CONFIG_PASSPHRASE_FILE!, "utf8")).toBe(passphrase);
  });

  test("keeps the user's own backend and passphrase", () => {
    const dir = mkdtempSync(join(tmpdir(), "pgpt-up-"));
    const { env, createdPassphraseFile } = pulumiEnvironment(
      { PULUMI_BACKEND_URL: "s3://bucket/state", PULUMI_CONFIG_PASSPHRASE: "mine" },
      dir,
    );
    expect(env.PULUMI_BACKEND_URL).toBe("s3://bucket/state");
    expect(env.PULUMI_CONFIG_PASSPHRASE).toBe("mine");
    expect(env.PULUMI_CONFIG_PASSPHRASE_FILE).toBeUndefined();
    expect(createdPassphraseFile).toBeUndefined();
  });

  test("an empty PULUMI_CONFIG_PASSPHRASE is the user's explicit choice and is kept", () => {
    const { env } = pulumiEnvironment({ PULUMI_CONFIG_PASSPHRASE: "" }, mkdtempSync(join(tmpdir(), "pgpt-up-")));
    expect(env.PULUMI_CONFIG_PASSPHRASE).toBe("");
    expect(env.PULUMI_CONFIG_PASSPHRASE_FILE).toBeUndefined();
  });
});

describe("npm run up, with stand-ins for docker and pulumi", () => {
  function standIns(): { bin: string; calls: () => string[] } {
    const bin = mkdtempSync(join(tmpdir(), "pgpt-bin-"));
    const log = join(bin, "calls.log");
    for (const tool of ["docker", "pulumi"]) {
      // Records each call with the settings Pulumi would read from the environment.
      writeFileSync(
        join(bin, tool),
        `#!/bin/sh\necho "${tool} $* | backend=$PULUMI_BACKEND_URL passphrase=$PULUMI_CONFIG_PASSPHRASE" >> "${log}"\n`,
        { mode: 0o755 },
      );
    }
    return { bin, calls: () => readFileSync(log, "utf8").trim().split("\n") };
  }

  test("checks the tools, selects or creates the dev stack with a passphrase provider, then runs pulumi up without prompting", () => {
    const { bin, calls } = standIns();
    execFileSync(process.execPath, ["--import", "tsx", "scripts/up.ts", "--refresh"], {
      cwd: new URL("../..", import.meta.url),
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, PULUMI_BACKEND_URL: "file:///tmp/state", PULUMI_CONFIG_PASSPHRASE: "pp" },
    });
    const settings = " | backend=file:///tmp/state passphrase=pp";
    expect(calls()).toEqual([
      "docker version --format {{.Server.Version}}" + settings,
      "pulumi version" + settings,
      "pulumi stack select dev --create --secrets-provider passphrase --non-interactive" + settings,
      "pulumi up --yes --stack dev --refresh" + settings,
    ]);
  });

  test("stops before Pulumi when Docker is missing, exit code 1", () => {
    const { bin, calls } = standIns();
    rmSync(join(bin, "docker"));
    let status = 0;
    try {
      execFileSync(process.execPath, ["--import", "tsx", "scripts/up.ts"], {
        cwd: new URL("../..", import.meta.url),
        // Only the stand-ins and node: no real docker can be found.
        env: { PATH: `${bin}:${dirname(process.execPath)}`, PULUMI_BACKEND_URL: "file:///tmp/state", PULUMI_CONFIG_PASSPHRASE: "pp" },
        stdio: "pipe",
      });
    } catch (e) {
      status = (e as { status: number }).status;
      expect(String((e as { stderr: Buffer }).stderr)).toContain("Docker is not installed");
    }
    expect(status).toBe(1);
    expect(calls()).toEqual(["pulumi version | backend=file:///tmp/state passphrase=pp"]);
  });
});
