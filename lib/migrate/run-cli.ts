import pg from "pg";
import { applyMigrations, type FileStatus } from "./apply.js";
import { ConfigError, readApplyConfig, type ApplyConfig } from "./cli-config.js";
import { forgetMigrations } from "./forget.js";
import { MigrationError } from "./migration-error.js";
import { VariableError } from "./psql-variables.js";
import { listSqlFiles, type SqlFile } from "./sql-files.js";

export const USAGE = `usage: node --import tsx lib/migrate/cli.ts <command>

commands:
  apply    apply new or changed *.sql files in order, then NOTIFY pgrst 'reload schema'
  forget   clear the ledger so the next apply runs every file again

connection: PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE (libpq variables)
apply also reads: PGPT_DB_SCHEMAS (required, comma list), PGPT_ANON_ROLE, PGPT_AUTHENTICATED_ROLE,
  PGPT_AUTHENTICATOR_ROLE, PGPT_SQL_DIR (default: sql)`;

export interface CliOutput {
  stdout(line: string): void;
  stderr(line: string): void;
}

const STATUS_WORD: Record<FileStatus, string> = {
  applied: "applied",
  reapplied: "re-applied",
  unchanged: "unchanged",
};

/** Runs the migrate CLI; returns the exit code (0 ok, 1 failure, 2 usage). Never throws. */
export async function runCli(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string, out: CliOutput): Promise<number> {
  // Nothing here prints the password on purpose; this guards against a library message that might.
  const redact = (text: string): string =>
    env.PGPASSWORD ? text.replaceAll(env.PGPASSWORD, "[password]") : text;
  const print = (line: string) => out.stdout(redact(line));
  const fail = (line: string) => {
    out.stderr(redact(`migrate: ${line}`));
    return 1;
  };

  const [command, ...rest] = args;
  if (command === "help" || command === "--help" || command === "-h") {
    out.stdout(USAGE);
    return 0;
  }
  if ((command !== "apply" && command !== "forget") || rest.length > 0) {
    out.stderr(command === undefined ? "migrate: missing command" : `migrate: unknown command: ${args.join(" ")}`);
    out.stderr(USAGE);
    return 2;
  }

  // Read the configuration and the files before connecting: their errors need no database.
  let plan: { config: ApplyConfig; files: SqlFile[] } | undefined;
  if (command === "apply") {
    try {
      const config = readApplyConfig(env, cwd);
      plan = { config, files: await listSqlFiles(config.sqlDir) };
    } catch (error) {
      if (error instanceof ConfigError) return fail(error.message);
      return fail(`cannot read the SQL directory: ${describe(error)}`);
    }
  }

  const client = new pg.Client({
    host: env.PGHOST || undefined,
    port: env.PGPORT ? Number(env.PGPORT) : undefined,
    user: env.PGUSER || undefined,
    password: env.PGPASSWORD || undefined,
    database: env.PGDATABASE || undefined,
    fallback_application_name: "postgrest-gpt-migrate",
    // pg ignores PGCONNECT_TIMEOUT; without a timeout an unreachable host hangs `pulumi up` for minutes.
    connectionTimeoutMillis: 1000 * (Number(env.PGCONNECT_TIMEOUT) || 30),
  });
  // An idle client's socket error would otherwise crash the process with a stack trace.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (error) {
    return fail(`cannot connect to PostgreSQL: ${describe(error)}`);
  }

  try {
    if (!plan) {
      const removed = await forgetMigrations(client);
      print(`ledger cleared (${removed} ${removed === 1 ? "entry" : "entries"}); the next apply runs every file`);
      return 0;
    }
    const result = await applyMigrations(client, {
      files: plan.files,
      variables: plan.config.variables,
      schemas: plan.config.schemas,
      onFile: (f) => print(`${STATUS_WORD[f.status].padEnd(10)} ${f.name}`),
    });
    const count = (s: FileStatus) => result.files.filter((f) => f.status === s).length;
    print(
      `${result.files.length} ${result.files.length === 1 ? "file" : "files"}: ${count("applied")} applied, ` +
        `${count("reapplied")} re-applied, ${count("unchanged")} unchanged; sent NOTIFY pgrst 'reload schema'`,
    );
    return 0;
  } catch (error) {
    if (error instanceof MigrationError || error instanceof VariableError) return fail(`failed: ${error.message}`);
    return fail(`failed: ${describe(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    // Node reports "localhost" resolving to ::1 and 127.0.0.1 as one AggregateError with an empty message.
    return [...new Set(error.errors.map(describe))].join("; ");
  }
  if (error instanceof pg.DatabaseError) return `${error.message} (SQLSTATE ${error.code})`;
  if (error instanceof Error) return error.message || String((error as { code?: unknown }).code ?? error.name);
  return String(error);
}
