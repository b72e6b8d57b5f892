// The shape of a broken importer rule, shared by the rule modules so each reports without knowing the others.
import type { PathSegment } from "./json-path.js";

export type ImporterRule =
  | "openapi-version"
  | "info"
  | "servers"
  | "operation-id"
  | "operation-count"
  | "summary-length"
  | "parameter-description-length"
  | "parameter-ref"
  | "parameter-location"
  | "components-schemas"
  | "object-properties"
  | "empty-enum"
  | "schema-composition"
  | "circular-ref"
  | "security-schemes"
  | "duplicate-parameter"
  | "unresolved-ref";

export interface ImporterViolation {
  readonly rule: ImporterRule;
  /** JSONPath of the offending value, or of where a missing one belongs, e.g. `$.servers[0].url`. */
  readonly path: string;
  readonly message: string;
}

/** Rules report the path still as segments: checkImporterRules sorts by them into document order first. */
export type Report = (rule: ImporterRule, at: readonly PathSegment[], message: string) => void;

export const IMPORTER = "GPT Builder's importer";

const PREVIEW_LENGTH = 60;

/** A value as a message shows it: JSON, cut short so a 700-character description still fits on one line. */
export function quote(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Array.isArray(value) ? "[…]" : "{…}";
  }
  return text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH - 1)}…` : text;
}

/** "a string", "an array", "null": for messages about a value of the wrong kind. */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
