// Entry point: `node --import tsx lib/migrate/cli.ts apply|forget` (run by the Pulumi command resource).
import { runCli } from "./run-cli.js";

process.exitCode = await runCli(process.argv.slice(2), process.env, process.cwd(), {
  stdout: (line) => console.log(line),
  stderr: (line) => console.error(line),
});
