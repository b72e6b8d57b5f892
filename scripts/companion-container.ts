// Which Docker container runs the companion, from the stack output `containers` ({ postgrest, companion, proxy }),
// as `pulumi stack output containers --json` prints it. Anything else is one sentence saying what to do.
import type { CommandResult } from "./prerequisites.js";

export class ContainerLookupError extends Error {
  override name = "ContainerLookupError";
}

const firstLine = (s: string) => s.trim().split("\n")[0] ?? "";

export function companionContainer(result: CommandResult, stack: string): string {
  if (result.error || result.status !== 0) {
    const said = firstLine(result.stderr) || result.error?.message || `exit code ${result.status}`;
    if (/no stack named/i.test(said)) throw new ContainerLookupError(`there is no stack ${JSON.stringify(stack)} yet: run \`npm run up\` first`);
    if (/does not have output property/i.test(said)) {
      throw new ContainerLookupError(`stack ${JSON.stringify(stack)} has no \`containers\` output: run \`npm run up\` to deploy this version`);
    }
    throw new ContainerLookupError(`cannot read the stack output \`containers\` (pulumi said: ${said})`);
  }
  let containers: unknown;
  try {
    containers = JSON.parse(result.stdout);
  } catch {
    throw new ContainerLookupError(`the stack output \`containers\` is not JSON: ${JSON.stringify(result.stdout.slice(0, 200))}`);
  }
  const name = (containers as { companion?: unknown } | null)?.companion;
  if (typeof name !== "string" || name === "") {
    throw new ContainerLookupError(`the stack output \`containers\` names no companion container (got ${JSON.stringify(containers)}): run \`npm run up\``);
  }
  return name;
}
