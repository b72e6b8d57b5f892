// npm run check-schema -- <file or URL>: checks an OpenAPI document against GPT Builder's importer rules.
import { runCheckSchema } from "../lib/openapi/check-schema.js";

// npm runs scripts from the package root; INIT_CWD is where the user typed the command, so relative paths work.
process.exitCode = await runCheckSchema(process.argv.slice(2), process.env.INIT_CWD ?? process.cwd(), {
  stdout: (line) => console.log(line),
  stderr: (line) => console.error(line),
});
