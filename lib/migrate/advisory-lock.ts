import type { ClientBase } from "pg";

// One fixed key for "postgrest-gpt migrations" in this database ('pgpt' as an integer). A session-level lock
// (not a transaction-level one) because every file runs in its own transaction while the lock must span them all.
export const MIGRATION_LOCK_KEY = 0x70677074;

/** Runs `fn` holding the migration lock; a concurrent run waits here until the first one is done. */
export async function withMigrationLock<T>(client: ClientBase, fn: () => Promise<T>): Promise<T> {
  await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
  try {
    return await fn();
  } finally {
    // If the connection died the server already released the lock with the session.
    await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => undefined);
  }
}
