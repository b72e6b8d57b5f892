// `jwt-role-claim-key`: the part of RFC 9535 JSONPath a role claim needs, parsed once at configuration time.
// Supported: `$`, `.name`, `["quoted"]` / `['quoted']`, `[index]` (negative counts from the end), and filters
// `[?@ == literal]` / `[?(@ != literal)]` (either side may be `@` or a literal). PostgREST's parser accepts
// more of RFC 9535 (wildcards, slices, unions, descendants, functions); this kit refuses those loudly.
import { PostgrestConfigError } from "./config-error.js";
import type { JsonValue } from "./json.js";

export type Comparable = { readonly current: true } | { readonly literal: JsonValue };
export type Selector =
  | { readonly kind: "name"; readonly name: string }
  | { readonly kind: "index"; readonly index: number }
  | { readonly kind: "filter"; readonly left: Comparable; readonly op: "==" | "!="; readonly right: Comparable };

export interface RoleClaimKey {
  readonly source: string;
  readonly selectors: readonly Selector[];
}

export const DEFAULT_ROLE_CLAIM_KEY = "$.role";

export function parseRoleClaimKey(source: string): RoleClaimKey {
  const scanner = new Scanner(source);
  try {
    scanner.expect("$");
    const selectors: Selector[] = [];
    for (;;) {
      const segmentStart = scanner.pos;
      scanner.blanks();
      if (scanner.done) {
        // RFC 9535 allows blanks between segments, not after the last one.
        if (scanner.pos !== segmentStart) fail();
        return { source, selectors };
      }
      if (scanner.take(".")) selectors.push({ kind: "name", name: scanner.match(SHORTHAND_NAME) ?? fail() });
      else selectors.push(bracketed(scanner));
    }
  } catch (error) {
    if (!(error instanceof Unparseable)) throw error;
    throw new PostgrestConfigError(`failed to parse role-claim-key value (${source})`);
  }
}

const BLANKS = /[ \t\n\r]*/y;
const SHORTHAND_NAME = /[A-Za-z_\u0080-\uD7FF\uE000-\u{10FFFF}][A-Za-z0-9_\u0080-\uD7FF\uE000-\u{10FFFF}]*/uy;
const INDEX = /-?(?:0|[1-9][0-9]*)/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y;
const KEYWORD = /true|false|null/y;
const HEX4 = /[0-9A-Fa-f]{4}/y;
const ESCAPES: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", "/": "/", "\\": "\\" };

class Unparseable extends Error {}

function fail(): never {
  throw new Unparseable();
}

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(expected: string): boolean {
    return this.text.startsWith(expected, this.pos);
  }
  take(expected: string): boolean {
    if (!this.peek(expected)) return false;
    this.pos += expected.length;
    return true;
  }
  expect(expected: string): void {
    if (!this.take(expected)) fail();
  }
  next(): string {
    return this.text[this.pos++] ?? fail();
  }
  match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.pos;
    const found = pattern.exec(this.text)?.[0];
    if (found !== undefined) this.pos += found.length;
    return found;
  }
  blanks(): void {
    this.match(BLANKS);
  }
}

function bracketed(scanner: Scanner): Selector {
  scanner.expect("[");
  scanner.blanks();
  let selector: Selector;
  if (scanner.peek("?")) selector = filter(scanner);
  else if (scanner.peek("'") || scanner.peek("\"")) selector = { kind: "name", name: quoted(scanner) };
  else {
    const digits = scanner.match(INDEX) ?? fail();
    const index = Number(digits);
    if (digits === "-0" || !Number.isSafeInteger(index)) fail();
    selector = { kind: "index", index };
  }
  scanner.blanks();
  scanner.expect("]");
  return selector;
}

function filter(scanner: Scanner): Selector {
  scanner.expect("?");
  scanner.blanks();
  const parenthesised = scanner.take("(");
  scanner.blanks();
  const left = comparable(scanner);
  scanner.blanks();
  const op = scanner.take("==") ? "==" : scanner.take("!=") ? "!=" : fail();
  scanner.blanks();
  const right = comparable(scanner);
  if (parenthesised) {
    scanner.blanks();
    scanner.expect(")");
  }
  return { kind: "filter", left, op, right };
}

function comparable(scanner: Scanner): Comparable {
  if (scanner.take("@")) return { current: true };
  if (scanner.peek("'") || scanner.peek("\"")) return { literal: quoted(scanner) };
  const keyword = scanner.match(KEYWORD);
  if (keyword !== undefined) return { literal: JSON.parse(keyword) as JsonValue };
  return { literal: Number(scanner.match(NUMBER) ?? fail()) };
}

// RFC 9535 string literal: the other quote character needs no escape, control characters are not allowed.
function quoted(scanner: Scanner): string {
  const quote = scanner.next();
  let text = "";
  for (let char = scanner.next(); char !== quote; char = scanner.next()) {
    if (char < " ") fail();
    if (char !== "\\") text += char;
    else {
      const escaped = scanner.next();
      if (escaped === quote) text += quote;
      else if (escaped === "u") text += unicodeEscape(scanner);
      else text += ESCAPES[escaped] ?? fail();
    }
  }
  return text;
}

// A high surrogate must be followed by an escaped low one; a lone low surrogate is invalid.
function unicodeEscape(scanner: Scanner): string {
  const unit = () => Number.parseInt(scanner.match(HEX4) ?? fail(), 16);
  const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;
  const high = unit();
  if (isLow(high)) fail();
  if (high < 0xd800 || high > 0xdbff) return String.fromCharCode(high);
  scanner.expect("\\u");
  const low = unit();
  return isLow(low) ? String.fromCharCode(high, low) : fail();
}
