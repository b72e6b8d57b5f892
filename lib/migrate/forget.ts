import type { ClientBase } from "pg";
import { withMigrationLock } from "./advisory-lock.js";
import { clearLedger } from "./ledger.js";

/**
 * Clears the ledger, so the next apply runs every file again. The Pulumi resource calls this on delete: the data
 * volume may be retained, and a later create must then re-apply the (idempotent) files to it.
 * Returns how many entries were removed.
 */
export async function forgetMigrations(client: ClientBase): Promise<number> {
  return withMigrationLock(client, () => clearLedger(client));
}
