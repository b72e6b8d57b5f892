// The environment `npm run up` and `npm run pulumi` give the Pulumi CLI: local file state and a passphrase secrets
// provider unless the user chose otherwise, so the first run needs no account and asks nothing.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const STACK = "dev";

export interface PulumiEnvironment {
  readonly env: NodeJS.ProcessEnv;
  /** A passphrase file this call had to create; the user must keep it to decrypt the stack's secrets. */
  readonly createdPassphraseFile?: string;
}

export function pulumiEnvironment(env: NodeJS.ProcessEnv, projectDir: string): PulumiEnvironment {
  const stateDir = join(projectDir, ".pulumi");
  const next: NodeJS.ProcessEnv = { ...env };
  if (!env.PULUMI_BACKEND_URL) next.PULUMI_BACKEND_URL = pathToFileURL(stateDir).href;
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined || env.PULUMI_CONFIG_PASSPHRASE_FILE) return { env: next };

  // A generated passphrase beats an empty one: an empty passphrase leaves every secret in the state readable.
  const file = join(stateDir, "passphrase");
  next.PULUMI_CONFIG_PASSPHRASE_FILE = file;
  if (existsSync(file)) return { env: next };
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
  return { env: next, createdPassphraseFile: file };
}
