// Paths into a parsed JSON or YAML document: safe lookups, JSONPath text for reports, and document order.

export type PathSegment = string | number;
export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A member of an object, never one inherited from Object.prototype (a key like "constructor" must stay absent). */
export function own(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

// RFC 9535 member-name shorthand, limited to ASCII so the path reads the same in any terminal.
const SHORTHAND = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `["paths", "/notes", "get"]` -> `$.paths['/notes'].get`; array indexes as `[n]`. */
export function formatJsonPath(segments: readonly PathSegment[]): string {
  let path = "$";
  for (const segment of segments) {
    if (typeof segment === "number") path += `[${segment}]`;
    else if (SHORTHAND.test(segment)) path += `.${segment}`;
    else path += `['${escapeName(segment)}']`;
  }
  return path;
}

function escapeName(name: string): string {
  return name.replace(/[\\']|[\u0000-\u001f]/g, (char) =>
    char === "\\" || char === "'" ? `\\${char}` : `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

const ABSENT = Number.MAX_SAFE_INTEGER;

/**
 * Where a path sits in the document, one sibling index per segment, for sorting reports the way a reader scrolls.
 * A segment that is absent (a missing required key) sorts after all of its present siblings.
 */
export function documentPosition(document: unknown, segments: readonly PathSegment[]): number[] {
  const position: number[] = [];
  let node = document;
  for (const segment of segments) {
    let index = -1;
    if (Array.isArray(node) && typeof segment === "number") index = segment < node.length ? segment : -1;
    else if (isJsonObject(node) && typeof segment === "string") index = Object.keys(node).indexOf(segment);
    if (index < 0) {
      position.push(ABSENT);
      break;
    }
    position.push(index);
    node = Array.isArray(node) ? node[index] : (node as JsonObject)[segment];
  }
  return position;
}

/** Orders two documentPosition results: earlier siblings first, a parent before its children. */
export function compareDocumentPositions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}
