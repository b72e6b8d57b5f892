import { DatabaseError } from "pg";

/** A file failed to apply: its transaction was rolled back, earlier files stay applied. */
export class MigrationError extends Error {
  constructor(
    readonly file: string,
    /** 1-based line in the file, when Postgres reported a position. */
    readonly line: number | undefined,
    readonly sqlstate: string | undefined,
    readonly pgMessage: string,
  ) {
    super(`${file}${line === undefined ? "" : `:${line}`}: ${pgMessage}${sqlstate ? ` (SQLSTATE ${sqlstate})` : ""}`);
    this.name = "MigrationError";
  }

  /** `sql` is the text the error's position refers to; undefined when the error came from our own statements. */
  static fromDatabaseError(file: string, sql: string | undefined, error: unknown): MigrationError {
    if (!(error instanceof DatabaseError)) {
      const message = error instanceof Error ? error.message : String(error);
      return new MigrationError(file, undefined, undefined, message);
    }
    const position = error.position === undefined || sql === undefined ? undefined : Number(error.position);
    const line = position === undefined || sql === undefined ? undefined : lineAtPosition(sql, position);
    // Without a position (a runtime error inside a DO block or function), the context is what locates it.
    const where = line === undefined && error.where ? ` [${error.where.replace(/\s*\n\s*/g, "; ")}]` : "";
    return new MigrationError(file, line, error.code, `${error.message}${where}`);
  }
}

/**
 * The 1-based line of a Postgres error position. Postgres counts characters (code points), 1-based, over the
 * whole query string sent, which for us is the whole (substituted) file.
 */
export function lineAtPosition(sql: string, position: number): number {
  let line = 1;
  let chars = 0;
  for (const ch of sql) {
    if (++chars >= position) break;
    if (ch === "\n") line++;
  }
  return line;
}
