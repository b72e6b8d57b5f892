// Query parameters for reading a table, written to teach PostgREST's syntax to a model that has never seen it:
// a filter value is `operator.value`, never a bare value. Only query parameters: GPT Builder drops header ones,
// so paging is limit/offset rather than Range.
import type { Schema, Parameter } from "./document.js";
import { fitText, PARAMETER_DESCRIPTION_LIMIT } from "./text-limits.js";

/** Query parameters PostgREST reads itself; a column with one of these names cannot be filtered on. */
export const RESERVED_PARAMETERS = new Set(["select", "order", "limit", "offset", "or", "and", "not", "on_conflict", "columns"]);

function operatorsFor(schema: Schema): string {
  if (schema.type === "array") return "cs.{a,b} (contains all), ov.{a,b} (contains any), eq.{a,b}, is.null";
  if (schema.type === "object") return "is.null, not.is.null; a key: use select=col->>key";
  if (schema.type === "boolean") return "is.true, is.false, is.null";
  if (schema.format === "date" || schema.format === "date-time") {
    return "eq.2024-05-01, gt.2024-05-01, gte.2024-05-01T12:00:00Z, lt.2024-06-01, lte.2024-06-01, is.null";
  }
  if (schema.type === "integer" || schema.type === "number") return "eq.5, neq.5, gt.5, gte.5, lt.5, lte.5, in.(1,2,3), is.null";
  if (schema.enum) return `eq.${schema.enum[0]}, in.(${schema.enum.slice(0, 2).join(",")}), neq.${schema.enum[0]}, is.null`;
  return "eq.abc, neq.abc, ilike.*abc* (contains, any case), like.abc*, in.(a,b), is.null";
}

export function filterParameter(column: string, schema: Schema, note: string | undefined, required = false): Parameter {
  const about = note ? `${note} ` : "";
  const values = schema.enum ? ` Values: ${schema.enum.join(", ")}.` : "";
  const text = required
    ? `${about}Which row: eq.<${column}>, e.g. ${column}=eq.42. Required, so that only the rows you mean are changed.`
    : `${about}Filter as operator.value, e.g. ${operatorsFor(schema)}. Prefix not. to negate.${values}`;
  return { name: column, in: "query", required, description: fitText(text, PARAMETER_DESCRIPTION_LIMIT), schema: { type: "string" } };
}

export function readingParameters(columns: readonly string[], related: readonly string[], maxRows: number | undefined): Parameter[] {
  const listed = fitText(columns.join(", "), 300);
  const embed = related.length ? ` Related rows: select=*,${related[0]}(*)${related.length > 1 ? ` (also ${related.slice(1).join(", ")})` : ""}.` : "";
  const cap = maxRows ? ` The server returns at most ${maxRows} rows per call.` : "";
  return [
    {
      name: "select",
      in: "query",
      required: false,
      description: fitText(`Columns to return, comma-separated, e.g. select=${columns.slice(0, 2).join(",")}. Default: all. Columns: ${listed}.${embed}`, PARAMETER_DESCRIPTION_LIMIT),
      schema: { type: "string" },
    },
    {
      name: "order",
      in: "query",
      required: false,
      description: fitText(`Sort order: column.asc or column.desc, comma-separated, e.g. order=${columns[0] ?? "id"}.desc. Columns: ${listed}.`, PARAMETER_DESCRIPTION_LIMIT),
      schema: { type: "string" },
    },
    { name: "limit", in: "query", required: false, description: `At most this many rows.${cap}`, schema: { type: "integer" } },
    { name: "offset", in: "query", required: false, description: "Skip this many rows (paging with limit).", schema: { type: "integer" } },
  ];
}
