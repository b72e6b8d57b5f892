import type { ClientBase } from "pg";

// The ledger lives in its own schema that PostgREST never exposes and nobody but its owner (the migrating role)
// may use: it reveals which files ran and when, and an exposed table would become an API endpoint.
export const LEDGER_SCHEMA = "postgrest_gpt";
export const LEDGER_TABLE = `${LEDGER_SCHEMA}.migrations`;

export interface LedgerEntry {
  readonly fileName: string;
  /** sha256 of the SQL as executed, i.e. after variable substitution (see apply.ts). */
  readonly sha256: string;
  readonly appliedAt: Date;
}

export async function ensureLedger(client: ClientBase): Promise<void> {
  await client.query(`
    create schema if not exists ${LEDGER_SCHEMA};
    revoke all on schema ${LEDGER_SCHEMA} from public;
    create table if not exists ${LEDGER_TABLE} (
      file_name  text primary key,
      sha256     text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      applied_at timestamptz not null default clock_timestamp()
    );
    revoke all on ${LEDGER_TABLE} from public;
    comment on table ${LEDGER_TABLE} is 'SQL files applied by lib/migrate (postgrest-gpt): name, hash, time.';
  `);
}

export async function readLedger(client: ClientBase): Promise<Map<string, LedgerEntry>> {
  const exists = await client.query<{ t: string | null }>("select to_regclass($1)::text as t", [LEDGER_TABLE]);
  if (exists.rows[0]?.t == null) return new Map();
  const { rows } = await client.query<{ file_name: string; sha256: string; applied_at: Date }>(
    `select file_name, sha256, applied_at from ${LEDGER_TABLE} order by file_name`,
  );
  return new Map(rows.map((r) => [r.file_name, { fileName: r.file_name, sha256: r.sha256, appliedAt: r.applied_at }]));
}

/** Must run inside the file's own transaction, so the row commits or rolls back with the file. */
export async function recordApplied(client: ClientBase, fileName: string, sha256: string): Promise<void> {
  await client.query(
    `insert into ${LEDGER_TABLE} (file_name, sha256) values ($1, $2)
     on conflict (file_name) do update set sha256 = excluded.sha256, applied_at = clock_timestamp()`,
    [fileName, sha256],
  );
}

/** Empties the ledger; returns how many entries it held. */
export async function clearLedger(client: ClientBase): Promise<number> {
  const exists = await client.query<{ t: string | null }>("select to_regclass($1)::text as t", [LEDGER_TABLE]);
  if (exists.rows[0]?.t == null) return 0;
  const result = await client.query(`delete from ${LEDGER_TABLE}`);
  return result.rowCount ?? 0;
}
