// Column defaults PostgreSQL prints as literals ('draft'::text, 42, false) become JSON Schema `default`s, as in
// PostgREST's document. Expressions (now(), nextval(...)) are left out: they are not values a caller could send.
import type { Schema } from "./document.js";

export function literalDefault(expression: string | undefined, schema: Schema): unknown {
  if (expression === undefined) return undefined;
  const quoted = /^'((?:[^']|'')*)'(?:::[\w\s."[\]]+)?$/.exec(expression.trim());
  const text = quoted ? quoted[1]!.replaceAll("''", "'") : expression.trim().replace(/^\((.*)\)$/, "$1");
  switch (schema.type) {
    case "string":
      return quoted ? text : undefined;
    case "integer":
    case "number": {
      if (!/^-?\d+(\.\d+)?$/.test(text)) return undefined;
      const n = Number(text);
      return schema.type === "integer" && !Number.isSafeInteger(n) ? undefined : n;
    }
    case "boolean":
      return text === "true" ? true : text === "false" ? false : undefined;
    default:
      return undefined;
  }
}
