// PostgreSQL types to the JSON Schema subset GPT Builder imports: no type arrays, no anyOf, every object with
// `properties`, no empty enum. PostgREST's JSON decides the JSON type (bigint and numeric arrive as numbers);
// `format` keeps the standard name where one fits and PostgreSQL's own otherwise, as PostgREST's document does.
import type { PgType } from "./catalog.js";
import type { Schema } from "./document.js";

type Types = ReadonlyMap<number, PgType>;

const SCALARS: Readonly<Record<string, Schema>> = {
  smallint: { type: "integer", format: "int32" },
  integer: { type: "integer", format: "int32" },
  bigint: { type: "integer", format: "int64" },
  numeric: { type: "number", format: "numeric" },
  real: { type: "number", format: "float" },
  "double precision": { type: "number", format: "double" },
  boolean: { type: "boolean" },
  text: { type: "string" },
  "character varying": { type: "string" },
  character: { type: "string" },
  citext: { type: "string" },
  name: { type: "string" },
  uuid: { type: "string", format: "uuid" },
  date: { type: "string", format: "date" },
  "timestamp with time zone": { type: "string", format: "date-time" },
};

/** Types with a JSON object as value: `properties` is required by the importer even when nothing is known of them. */
const OBJECTS = new Set(["json", "jsonb"]);

/**
 * Follows domains down to the type that decides the JSON shape. On the way it keeps the first comment of a domain,
 * enum or composite type (it describes the values) and whether a domain forbids NULL.
 */
export function resolveType(oid: number, types: Types): { type: PgType | undefined; comment?: string; notNull: boolean } {
  let type = types.get(oid);
  let comment: string | undefined;
  let notNull = false;
  for (let depth = 0; type?.kind === "d" && type.base !== undefined && depth < 16; depth++) {
    comment ??= type.comment;
    notNull ||= type.notNull === true;
    type = types.get(type.base);
  }
  if (type && (type.kind === "e" || type.kind === "c")) comment ??= type.comment;
  return { type, notNull, ...(comment ? { comment } : {}) };
}

export interface TypeHints {
  /** character(n) / character varying(n). */
  readonly maxLength?: number;
}

/** The JSON Schema of a value of type `oid`, without description (the caller knows the column or argument). */
export function typeSchema(oid: number, types: Types, hints: TypeHints = {}): Schema {
  const { type } = resolveType(oid, types);
  if (!type) return { type: "string" };
  if (type.category === "A" && type.element !== undefined) {
    return { type: "array", items: typeSchema(type.element, types, hints) };
  }
  if (type.kind === "e") {
    // An enum without labels cannot hold a value; an empty `enum` would also break the importer.
    return type.enumLabels?.length ? { type: "string", enum: [...type.enumLabels] } : { type: "string", format: type.name };
  }
  if (type.kind === "c" || OBJECTS.has(type.name)) return { type: "object", properties: {} };
  const scalar = SCALARS[type.name];
  if (scalar) return { ...scalar, ...(hints.maxLength !== undefined && scalar.type === "string" ? { maxLength: hints.maxLength } : {}) };
  return { type: "string", format: type.name };
}

/** Whether a GET query parameter can carry the value as is (PostgREST parses it from text). */
export function isScalarSchema(schema: Schema): boolean {
  return schema.type !== "array" && schema.type !== "object";
}
