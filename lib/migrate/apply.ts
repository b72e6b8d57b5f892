import type { ClientBase } from "pg";
import { withMigrationLock } from "./advisory-lock.js";
import { ensureLedger, readLedger, recordApplied } from "./ledger.js";
import { MigrationError } from "./migration-error.js";
import { quoteIdentifier, substituteVariables, type VariableValues } from "./psql-variables.js";
import { sha256Hex, type SqlFile } from "./sql-files.js";

export interface ApplyOptions {
  /** In apply order (listSqlFiles returns them so). */
  readonly files: readonly SqlFile[];
  readonly variables: VariableValues;
  /** PostgREST's db-schemas: unqualified names in the files resolve in these, then in `public`. */
  readonly schemas: readonly string[];
  /** Called once per file as soon as its fate is known, for progress output. */
  readonly onFile?: (outcome: FileOutcome) => void;
}

export type FileStatus = "applied" | "reapplied" | "unchanged";

export interface FileOutcome {
  readonly name: string;
  readonly status: FileStatus;
  /** sha256 of the SQL as executed (after substitution), as recorded in the ledger. */
  readonly sha256: string;
}

export interface ApplyResult {
  readonly files: readonly FileOutcome[];
}

/** What PostgREST listens for to rebuild its schema cache (db-channel `pgrst`). */
export const RELOAD_SCHEMA_SQL = "notify pgrst, 'reload schema'";

/**
 * Applies every file whose SQL is new or changed, each in its own transaction together with its ledger row.
 * The ledger keys on the hash of the SQL *after* substitution, so changing a role name re-applies the files that
 * use it, just as editing them would.
 *
 * Throws VariableError before touching the database when a file uses an undefined variable, and MigrationError
 * when a file fails (that file is rolled back, earlier ones stay applied).
 */
export async function applyMigrations(client: ClientBase, options: ApplyOptions): Promise<ApplyResult> {
  if (options.schemas.length === 0) throw new Error("applyMigrations: at least one schema is required");
  const prepared = options.files.map((file) => {
    const sql = substituteVariables(file.sql, options.variables, file.name);
    return { name: file.name, sql, sha256: sha256Hex(sql) };
  });
  const searchPath = [...options.schemas, "public"].map(quoteIdentifier).join(", ");

  return withMigrationLock(client, async () => {
    await ensureLedger(client);
    // Read under the lock: a run that waited for us must see what we applied.
    const ledger = await readLedger(client);
    const outcomes: FileOutcome[] = [];
    let committedAny = false;
    try {
      for (const file of prepared) {
        const previous = ledger.get(file.name);
        if (previous?.sha256 === file.sha256) {
          report(outcomes, options, { name: file.name, status: "unchanged", sha256: file.sha256 });
          continue;
        }
        await applyOne(client, file, searchPath);
        committedAny = true;
        report(outcomes, options, {
          name: file.name,
          status: previous ? "reapplied" : "applied",
          sha256: file.sha256,
        });
      }
    } catch (error) {
      // Files before the failing one did change the schema: PostgREST must still hear about them.
      if (committedAny) await client.query(RELOAD_SCHEMA_SQL).catch(() => undefined);
      throw error;
    }
    await client.query(RELOAD_SCHEMA_SQL);
    return { files: outcomes };
  });
}

function report(outcomes: FileOutcome[], options: ApplyOptions, outcome: FileOutcome): void {
  outcomes.push(outcome);
  options.onFile?.(outcome);
}

async function applyOne(
  client: ClientBase,
  file: { name: string; sql: string; sha256: string },
  searchPath: string,
): Promise<void> {
  await client.query("begin");
  try {
    await client.query(`set local search_path to ${searchPath}`);
    const { rows } = await client.query<{ xid: string }>("select pg_current_xact_id()::text as xid");
    try {
      // No parameters: the simple query protocol runs the whole multi-statement file in our transaction.
      await client.query(file.sql);
    } catch (error) {
      throw MigrationError.fromDatabaseError(file.name, file.sql, error);
    }
    // A COMMIT/ROLLBACK/END inside the file would silently split it out of our transaction (and away from its
    // ledger row); detect it by the transaction id changing.
    const after = await client.query<{ xid: string | null }>(
      "select pg_current_xact_id_if_assigned()::text as xid",
    );
    if (after.rows[0]?.xid !== rows[0]?.xid) {
      throw new MigrationError(
        file.name,
        undefined,
        undefined,
        "the file ends the transaction it runs in (COMMIT, ROLLBACK or END); remove its transaction control",
      );
    }
    await recordApplied(client, file.name, file.sha256);
    await client.query("commit");
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error instanceof MigrationError ? error : MigrationError.fromDatabaseError(file.name, undefined, error);
  }
}
