// npm run oauth -- <command>: administers the GPT's users and callback URLs in the running stack, by running the
// admin command inside the companion container (it has the database settings; this machine may not reach the
// database at all). `npm run oauth -- --help` lists the commands.
//   npm run oauth -- users add alice@example.com          # asks for a password (Enter generates one)
//   npm run oauth -- users add bob@example.com < pw.txt    # or reads it from stdin
//   npm run oauth -- callbacks add https://chatgpt.com/aip/g-.../oauth/callback
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseAdminArgs, usage, UsageError, type AdminCommand } from "../companion/oauth/admin-args.js";
import { passwordProblem } from "../companion/oauth/password-rule.js";
import { Refused } from "../companion/oauth/refused.js";
import { adminInvocation } from "./admin-invocation.js";
import { companionContainer, ContainerLookupError } from "./companion-container.js";
import { checkPrerequisites, type CommandResult } from "./prerequisites.js";
import { STACK, pulumiEnvironment } from "./pulumi-env.js";
import { Cancelled, readHidden } from "./read-hidden.js";

const PROGRAM = "npm run oauth --";
const projectDir = fileURLToPath(new URL("..", import.meta.url));

function capture(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): CommandResult {
  const r = spawnSync(command, args, { cwd: projectDir, env, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", ...(r.error ? { error: r.error as NodeJS.ErrnoException } : {}) };
}

/** The password to send, "" to have the container generate one. */
async function promptPassword(command: AdminCommand): Promise<string> {
  const who = "username" in command ? command.username : "the user";
  const first = await readHidden(`Password for ${who} (Enter to generate one): `);
  if (first === "") return "";
  const problem = passwordProblem(first);
  if (problem) throw new Refused(problem);
  if ((await readHidden("Again: ")) !== first) throw new Refused("the two passwords differ; nothing was changed");
  return first;
}

async function main(args: readonly string[]): Promise<number> {
  let command: AdminCommand;
  try {
    command = parseAdminArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${usage(PROGRAM)}`);
    return 2;
  }
  if (command.kind === "help") {
    console.log(usage(PROGRAM));
    return 0;
  }

  const problems = checkPrerequisites((c, a) => capture(c, a));
  if (problems.length) {
    for (const p of problems) console.error(`✗ ${p}`);
    return 1;
  }
  const { env, createdPassphraseFile } = pulumiEnvironment(process.env, projectDir);
  if (createdPassphraseFile) console.error(`Generated a passphrase for this project's stacks: ${createdPassphraseFile} (back it up)`);
  const container = companionContainer(capture("pulumi", ["stack", "output", "containers", "--json", "--stack", STACK], env), STACK);

  const { dockerArgs, stdin } = adminInvocation(container, args, command, Boolean(process.stdin.isTTY));
  const password = stdin === "prompt" ? await promptPassword(command) : undefined;
  const child = spawn("docker", dockerArgs, { stdio: [stdin === "none" ? "ignore" : stdin === "pass-through" ? "inherit" : "pipe", "inherit", "inherit"] });
  if (password !== undefined) child.stdin!.end(password === "" ? "" : `${password}\n`);
  return new Promise((resolve) => {
    child.on("error", (error) => {
      console.error(`cannot run docker: ${error.message}`);
      resolve(1);
    });
    child.on("close", (code) => resolve(code ?? 1));
  });
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof Cancelled) process.exitCode = 130;
  else if (error instanceof Refused || error instanceof ContainerLookupError) {
    console.error(error.message);
    process.exitCode = 1;
  } else throw error;
}
