import { resolve } from "node:path";
import { LEDGER_SCHEMA } from "./ledger.js";

export class ConfigError extends Error {
  override name = "ConfigError";
}

export interface ApplyConfig {
  readonly sqlDir: string;
  /** PostgREST's db-schemas, first one the default. */
  readonly schemas: readonly string[];
  /** The psql variables the SQL files may use. */
  readonly variables: Readonly<Record<string, string>>;
}

// Variable name -> environment variable. Unset (or empty) ones stay undefined: a file using them is refused.
const ROLE_VARIABLES = {
  anon_role: "PGPT_ANON_ROLE",
  authenticated_role: "PGPT_AUTHENTICATED_ROLE",
  authenticator_role: "PGPT_AUTHENTICATOR_ROLE",
} as const;

// PostgREST refuses these in db-schemas; ours would be exposed if listed.
const NOT_EXPOSABLE = new Set(["pg_catalog", "information_schema", LEDGER_SCHEMA]);

export function readApplyConfig(env: NodeJS.ProcessEnv, cwd: string): ApplyConfig {
  const schemas = (env.PGPT_DB_SCHEMAS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (schemas.length === 0) {
    throw new ConfigError("PGPT_DB_SCHEMAS is not set (the exposed schemas, comma separated, e.g. api)");
  }
  const refused = schemas.filter((s) => NOT_EXPOSABLE.has(s));
  if (refused.length > 0) throw new ConfigError(`PGPT_DB_SCHEMAS must not list ${refused.join(", ")}`);

  const variables: Record<string, string> = { api_schema: schemas[0]! };
  for (const [name, envName] of Object.entries(ROLE_VARIABLES)) {
    const value = env[envName];
    if (value) variables[name] = value;
  }
  return { sqlDir: resolve(cwd, env.PGPT_SQL_DIR || "sql"), schemas, variables };
}
