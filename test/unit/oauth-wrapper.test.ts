// `npm run oauth`: the companion container found from the stack output, and the docker command built so that a
// password only ever travels on stdin.
import { describe, expect, test } from "vitest";
import { parseAdminArgs } from "../../companion/oauth/admin-args.js";
import { adminInvocation } from "../../scripts/admin-invocation.js";
import { companionContainer, ContainerLookupError } from "../../scripts/companion-container.js";
import type { CommandResult } from "../../scripts/prerequisites.js";

const ok = (stdout: string): CommandResult => ({ status: 0, stdout, stderr: "" });
const failed = (stderr: string): CommandResult => ({ status: 255, stdout: "", stderr });

describe("companionContainer", () => {
  test("is the companion entry of `pulumi stack output containers --json`", () => {
    const out = JSON.stringify({ postgrest: "postgrest-gpt-dev-postgrest", companion: "postgrest-gpt-dev-companion", proxy: "postgrest-gpt-dev-proxy" }, null, 2);
    expect(companionContainer(ok(`${out}\n`), "dev")).toBe("postgrest-gpt-dev-companion");
  });

  test("no stack yet: run npm run up", () => {
    expect(() => companionContainer(failed("error: no stack named 'dev' found\n"), "dev")).toThrow(new ContainerLookupError('there is no stack "dev" yet: run `npm run up` first'));
  });

  test("a stack deployed before the output existed: run npm run up", () => {
    expect(() => companionContainer(failed("error: current stack does not have output property 'containers'\n"), "dev")).toThrow(
      'stack "dev" has no `containers` output: run `npm run up` to deploy this version',
    );
  });

  test("any other failure quotes Pulumi's first line", () => {
    expect(() => companionContainer(failed("error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE\nmore\n"), "dev")).toThrow(
      "cannot read the stack output `containers` (pulumi said: error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE)",
    );
  });

  test("output without a companion name is refused, showing what it got", () => {
    expect(() => companionContainer(ok('{"postgrest":"p"}'), "dev")).toThrow('the stack output `containers` names no companion container (got {"postgrest":"p"})');
    expect(() => companionContainer(ok("not json"), "dev")).toThrow("the stack output `containers` is not JSON");
  });
});

describe("adminInvocation", () => {
  const run = (args: string[], tty: boolean) => adminInvocation("companion-1", args, parseAdminArgs(args), tty);

  test("a command without a password: docker exec without stdin", () => {
    expect(run(["users", "list"], true)).toEqual({ dockerArgs: ["exec", "companion-1", "node", "companion-admin.mjs", "users", "list"], stdin: "none" });
  });

  test("at a terminal, add and reset-password prompt; the password is not among the arguments", () => {
    for (const args of [["users", "add", "alice@example.com", "--role", "editor"], ["users", "reset-password", "alice@example.com"]]) {
      expect(run(args, true)).toEqual({ dockerArgs: ["exec", "-i", "companion-1", "node", "companion-admin.mjs", ...args], stdin: "prompt" });
    }
  });

  test("with a password piped in, the wrapper's stdin is passed through", () => {
    expect(run(["users", "add", "bob@example.com"], false)).toEqual({
      dockerArgs: ["exec", "-i", "companion-1", "node", "companion-admin.mjs", "users", "add", "bob@example.com"],
      stdin: "pass-through",
    });
  });
});
