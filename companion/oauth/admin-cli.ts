// The admin command, run inside the companion container with the companion's environment:
//   docker exec -i <companion> node companion-admin.mjs users add alice@example.com < password.txt
// On the host, `npm run oauth -- <command>` (scripts/oauth.ts) finds the container and runs this.
import { text } from "node:stream/consumers";
import pg from "pg";
import { runAdmin } from "./admin-commands.js";

process.exitCode = await runAdmin(process.argv.slice(2), {
  io: {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    // A terminal means nobody piped a password: one is generated rather than echoed while typed.
    readStdin: async () => (process.stdin.isTTY ? undefined : text(process.stdin)),
  },
  env: process.env,
  program: "node companion-admin.mjs",
  async connect(config) {
    const client = new pg.Client(config);
    await client.connect();
    return client;
  },
});
