// psql-style variable interpolation, so the files in sql/ run unchanged both through our runner and through
// `psql -v anon_role=anon -f ...`. Only the quoted forms are substituted (`:"name"` -> identifier, `:'name'` ->
// literal): they are the forms that cannot inject SQL. The scanner follows psql's lexer closely enough that
// nothing inside string literals, quoted identifiers, dollar-quoted bodies or comments is touched, and that
// `::casts` stay casts.

export type VariableValues = Readonly<Record<string, string>>;

/** A `:"name"` / `:'name'` / `:name` found in code (not in a string, identifier, body or comment). */
export interface VariableReference {
  readonly form: "identifier" | "literal" | "bare";
  readonly name: string;
  /** Offsets into the scanned text: [start, end) covers the whole reference, colon and quotes included. */
  readonly start: number;
  readonly end: number;
  /** 1-based line of the colon. */
  readonly line: number;
}

export class VariableError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly variable: string,
    reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = "VariableError";
  }
}

// psql's {variable_char}: letters, digits, underscore and any non-ASCII character.
const VARIABLE_CHAR = /[A-Za-z0-9_\u0080-\uffff]/;
const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

/** Every variable reference in `sql` that psql would interpolate, in order. */
export function findVariableReferences(sql: string): VariableReference[] {
  const refs: VariableReference[] = [];
  let line = 1;
  let i = 0;
  const n = sql.length;

  // Advances to `to`, counting the line breaks crossed.
  const skipTo = (to: number): void => {
    for (; i < to && i < n; i++) if (sql.charCodeAt(i) === 10) line++;
    i = Math.min(to, n);
  };
  const indexOrEnd = (needle: string, from: number): number => {
    const at = sql.indexOf(needle, from);
    return at === -1 ? n : at + needle.length;
  };

  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];

    if (c === "\n") {
      line++;
      i++;
    } else if (c === "-" && next === "-") {
      const newline = sql.indexOf("\n", i);
      i = newline === -1 ? n : newline; // the newline itself is counted by the loop
    } else if (c === "/" && next === "*") {
      // Block comments nest in PostgreSQL (unlike C).
      let depth = 0;
      let j = i;
      while (j < n) {
        if (sql[j] === "/" && sql[j + 1] === "*") {
          depth++;
          j += 2;
        } else if (sql[j] === "*" && sql[j + 1] === "/") {
          depth--;
          j += 2;
          if (depth === 0) break;
        } else j++;
      }
      skipTo(j);
    } else if (c === "'") {
      skipTo(endOfStringLiteral(sql, i, isEscapeStringPrefix(sql, i)));
    } else if (c === '"') {
      skipTo(endOfQuoted(sql, i, '"'));
    } else if (c === "$") {
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(sql);
      if (tag) {
        skipTo(indexOrEnd(tag[0], i + tag[0].length));
      } else {
        i++; // $1 parameter or a stray dollar
      }
    } else if (IDENT_START.test(c)) {
      // Whole words at once, so a `$` inside one (foo$bar$) opens no dollar quote.
      let j = i + 1;
      while (j < n && IDENT_CHAR.test(sql[j]!)) j++;
      i = j;
    } else if (c === ":" && next === ":") {
      i += 2; // a cast: `x::text` must never read as variable `text`
    } else if (c === ":") {
      const ref = readReference(sql, i, line);
      if (ref) {
        refs.push(ref);
        i = ref.end;
      } else i++;
    } else {
      i++;
    }
  }
  return refs;
}

function readReference(sql: string, colon: number, line: number): VariableReference | undefined {
  const quote = sql[colon + 1];
  if (quote === '"' || quote === "'") {
    let j = colon + 2;
    while (j < sql.length && VARIABLE_CHAR.test(sql[j]!)) j++;
    // psql only recognises `:"name"` when name is made of variable chars and the quote closes right after it.
    if (j === colon + 2 || sql[j] !== quote) return undefined;
    return {
      form: quote === '"' ? "identifier" : "literal",
      name: sql.slice(colon + 2, j),
      start: colon,
      end: j + 1,
      line,
    };
  }
  let j = colon + 1;
  while (j < sql.length && VARIABLE_CHAR.test(sql[j]!)) j++;
  if (j === colon + 1) return undefined;
  return { form: "bare", name: sql.slice(colon + 1, j), start: colon, end: j, line };
}

// E'...' (and e'...') strings treat backslash as an escape; standard strings do not (standard_conforming_strings).
function isEscapeStringPrefix(sql: string, quote: number): boolean {
  const prev = sql[quote - 1];
  if (prev !== "E" && prev !== "e") return false;
  const beforePrev = sql[quote - 2];
  return beforePrev === undefined || !IDENT_CHAR.test(beforePrev);
}

function endOfStringLiteral(sql: string, open: number, backslashEscapes: boolean): number {
  let j = open + 1;
  while (j < sql.length) {
    const ch = sql[j];
    if (backslashEscapes && ch === "\\") j += 2;
    else if (ch === "'" && sql[j + 1] === "'") j += 2;
    else if (ch === "'") return j + 1;
    else j++;
  }
  return sql.length;
}

function endOfQuoted(sql: string, open: number, quote: string): number {
  let j = open + 1;
  while (j < sql.length) {
    if (sql[j] === quote && sql[j + 1] === quote) j += 2;
    else if (sql[j] === quote) return j + 1;
    else j++;
  }
  return sql.length;
}

/** PQescapeIdentifier: always quoted, embedded quotes doubled. */
export function quoteIdentifier(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

/** PQescapeLiteral: quotes doubled; a value with backslashes becomes an E'' string with doubled backslashes. */
export function quoteLiteral(value: string): string {
  const body = value.replaceAll("'", "''");
  return value.includes("\\") ? ` E'${body.replaceAll("\\", "\\\\")}'` : `'${body}'`;
}

/**
 * Replaces `:"name"` and `:'name'` with the quoted value of `name`. An undefined variable is an error (psql would
 * leave the text as is and fail later with a confusing syntax error). A bare `:name` naming a defined variable is
 * refused too: psql would paste the raw value, we would not, so the file would mean different things.
 */
export function substituteVariables(sql: string, values: VariableValues, file: string): string {
  let out = "";
  let last = 0;
  for (const ref of findVariableReferences(sql)) {
    const value = Object.hasOwn(values, ref.name) ? values[ref.name] : undefined;
    if (ref.form === "bare") {
      if (value !== undefined) {
        throw new VariableError(
          file,
          ref.line,
          ref.name,
          `variable "${ref.name}" is used unquoted; write :"${ref.name}" (identifier) or :'${ref.name}' (literal)`,
        );
      }
      continue; // like psql: `:word` that is no variable is plain text (e.g. array slices `a[1:n]`)
    }
    if (value === undefined) {
      const known = Object.keys(values).sort().join(", ") || "none";
      throw new VariableError(file, ref.line, ref.name, `variable "${ref.name}" is not defined (defined: ${known})`);
    }
    // Error lines are computed on the substituted text, so a value must not add lines to it.
    if (/[\r\n\0]/.test(value)) {
      throw new VariableError(file, ref.line, ref.name, `variable "${ref.name}" contains a line break or NUL`);
    }
    out += sql.slice(last, ref.start) + (ref.form === "identifier" ? quoteIdentifier(value) : quoteLiteral(value));
    last = ref.end;
  }
  return out + sql.slice(last);
}
