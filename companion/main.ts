// The companion's entry point in its container: configuration from the environment, then listen. A bad
// configuration stops it with one line naming every problem, before it listens.
import { CompanionConfigError, readCompanionConfig } from "./config.js";
import { createCompanion } from "./server.js";

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main() {
  const config = readCompanionConfig(process.env);
  const companion = createCompanion(config, { log });
  await companion.ready;
  companion.server.on("error", (error) => {
    log(`postgrest-gpt companion cannot listen on port ${config.port}: ${error.message}`);
    process.exit(1);
  });
  companion.server.listen(config.port, "0.0.0.0", () => {
    log(`postgrest-gpt companion: /openapi.json on port ${config.port}, schema ${config.schemas[0]}, documents for ${config.apiUrl}`);
    if (config.oauth) log(`postgrest-gpt companion: OAuth issuer ${config.oauth.issuer}, ${config.oauth.callbackUrls.length} callback URL(s) from config`);
  });
  const stop = () => {
    log("postgrest-gpt companion: stopping");
    companion.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  log(error instanceof CompanionConfigError ? error.message : `postgrest-gpt companion failed to start: ${(error as Error).message}`);
  process.exit(1);
});
