import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

export interface SqlFile {
  /** File name without directory: the ledger key and the apply order. */
  readonly name: string;
  readonly path: string;
  readonly sql: string;
  /** sha256 of the file's bytes, hex. */
  readonly sha256: string;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * The `*.sql` files directly in `dir`, in name order. Order is by UTF-16 code unit, not locale, so it is the same
 * on every machine (`010_a.sql` < `010_B.sql` differs between locales).
 */
export async function listSqlFiles(dir: string): Promise<SqlFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isFile() && e.name.endsWith(".sql"))
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Promise.all(
    names.map(async (name) => {
      const path = join(dir, name);
      const bytes = await readFile(path);
      return { name, path, sql: bytes.toString("utf8"), sha256: sha256Hex(bytes) };
    }),
  );
}
