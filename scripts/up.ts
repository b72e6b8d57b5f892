// npm run up [-- extra pulumi up flags]: the one command from a fresh clone to a running stack.
import { runPulumi } from "./run-pulumi.js";

process.exitCode = runPulumi(["up", "--yes", "--stack", "dev", ...process.argv.slice(2)], { needsDocker: true });
