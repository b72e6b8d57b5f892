// npm run pulumi -- <args>: the Pulumi CLI with this project's state backend and passphrase, e.g.
//   npm run pulumi -- config set jwtAlgorithm RS256
//   npm run pulumi -- stack output sampleBearerToken --show-secrets
import { runPulumi } from "./run-pulumi.js";

process.exitCode = runPulumi(process.argv.slice(2), { needsDocker: false });
