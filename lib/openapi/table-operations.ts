// A table or view becomes up to four operations, each only if the role holds the privilege (openapi-mode
// follow-privileges, one step finer: per verb and per column). Writes follow PostgREST's default
// `return=minimal`, because GPT actions cannot send the Prefer header that would ask for the rows back.
import type { Column, PgType, Relation } from "./catalog.js";
import { TIERS, type Candidate } from "./candidate.js";
import { literalDefault } from "./defaults.js";
import type { Operation, Parameter, Schema } from "./document.js";
import { resolveType, typeSchema } from "./json-schema.js";
import { tableOperationId, singular } from "./naming.js";
import { filterParameter, readingParameters, RESERVED_PARAMETERS } from "./query-parameters.js";
import { fitText, splitComment, SUMMARY_LIMIT } from "./text-limits.js";

type Types = ReadonlyMap<number, PgType>;

export interface TableContext {
  readonly types: Types;
  readonly componentName: string;
  readonly maxRows?: number;
  /** Set when no operation on this relation can work from a GPT. */
  readonly unavailable?: string;
}

/** NOT NULL on the column or on its domain. */
const isNotNull = (column: Column, types: Types) => column.notNull || resolveType(column.type, types).notNull;

function columnSchema(column: Column, types: Types, fkNote?: string): Schema {
  const schema = typeSchema(column.type, types, column.maxLength !== undefined ? { maxLength: column.maxLength } : {});
  const about = column.comment ?? resolveType(column.type, types).comment;
  const notes = [about, fkNote, isNotNull(column, types) ? undefined : "Can be null."].filter(Boolean).join(" ");
  const fallback = literalDefault(column.default, schema);
  return { ...schema, ...(notes ? { description: notes } : {}), ...(fallback !== undefined ? { default: fallback } : {}) };
}

function fkNotes(relation: Relation): Map<string, string> {
  const notes = new Map<string, string>();
  for (const fk of relation.foreignKeys) {
    fk.columns.forEach((col, i) => notes.set(col, `References ${fk.table}.${fk.referenced[i]}.`));
  }
  return notes;
}

/** The row as read: only the columns the role may select. Views get no `required` (PostgREST: nullability unknown). */
export function rowSchema(relation: Relation, types: Types): Schema {
  const notes = fkNotes(relation);
  const readable = relation.columns.filter((c) => c.canSelect);
  const required = relation.kind === "v" || relation.kind === "m" ? [] : readable.filter((c) => isNotNull(c, types)).map((c) => c.name);
  return {
    type: "object",
    ...(relation.comment ? { description: relation.comment } : {}),
    properties: Object.fromEntries(readable.map((c) => [c.name, columnSchema(c, types, notes.get(c.name))])),
    ...(required.length ? { required } : {}),
  };
}

function bodySchema(columns: readonly Column[], types: Types, requiredWhen: (c: Column) => boolean): Schema {
  const required = columns.filter(requiredWhen).map((c) => c.name);
  return {
    type: "object",
    properties: Object.fromEntries(columns.map((c) => [c.name, columnSchema(c, types)])),
    ...(required.length ? { required } : {}),
  };
}

function summaries(relation: Relation, verb: string): Pick<Operation, "summary" | "description"> {
  const { summary, description } = splitComment(relation.comment);
  const what = summary ?? relation.name;
  return {
    summary: fitText(`${verb}: ${what}`, SUMMARY_LIMIT),
    ...(description ? { description: fitText(description, SUMMARY_LIMIT) } : {}),
  };
}

/**
 * Filters that say which rows a PATCH or DELETE touches: the primary key, required. Without a key the role can read
 * (views, tables without one, or no SELECT on it) there is no such filter, and the operation is left out: a call
 * that omitted the filters would change every row.
 */
function rowFilters(relation: Relation, types: Types): Parameter[] | undefined {
  const readable = relation.columns.filter((c) => c.canSelect && !RESERVED_PARAMETERS.has(c.name));
  const key = relation.primaryKey.map((name) => readable.find((c) => c.name === name));
  if (!key.length || !key.every(Boolean)) return undefined;
  return key.map((c) => filterParameter(c!.name, typeSchema(c!.type, types), c!.comment, true));
}

export const NO_ROW_KEY = "has no primary key the role can read: a call without filters would change every row";

export function tableCandidates(relation: Relation, ctx: TableContext): Candidate[] {
  const { types, componentName } = ctx;
  const path = `/${relation.name}`;
  const object = { kind: "table", schema: relation.schema, name: relation.name } as const;
  const common = { path, object, ...(ctx.unavailable ? { unavailable: ctx.unavailable } : {}) };
  const out: Candidate[] = [];
  const ref = { $ref: `#/components/schemas/${componentName}` };

  if (relation.canSelect) {
    const readable = relation.columns.filter((c) => c.canSelect);
    const filters = readable
      .filter((c) => !RESERVED_PARAMETERS.has(c.name))
      .map((c) => filterParameter(c.name, typeSchema(c.type, types), c.comment));
    const related = relation.foreignKeys.map((fk) => fk.table);
    out.push({
      ...common, method: "get", tier: TIERS.primary, write: false, refs: [componentName],
      operation: {
        operationId: tableOperationId("list", relation.name),
        ...summaries(relation, "List"),
        parameters: [...filters, ...readingParameters(readable.map((c) => c.name), related, ctx.maxRows)],
        responses: { "200": { description: "OK", content: { "application/json": { schema: { type: "array", items: ref } } } } },
        "x-openai-isConsequential": false,
      },
    });
  }
  if (relation.canInsert) {
    const writable = relation.columns.filter((c) => c.canInsert && !c.generated);
    out.push({
      ...common, method: "post", tier: TIERS.create, write: true, refs: [],
      operation: {
        operationId: tableOperationId("create", relation.name),
        ...summaries(relation, `Add one ${singular(relation.name)} to`),
        requestBody: { required: true, content: { "application/json": { schema: bodySchema(writable, types, (c) => isNotNull(c, types) && c.default === undefined) } } },
        responses: { "201": { description: "Created. The response has no body; list again to see the new row." } },
        "x-openai-isConsequential": true,
      },
    });
  }
  const rowKey = rowFilters(relation, types);
  const keyed = rowKey ? {} : { unavailable: ctx.unavailable ?? NO_ROW_KEY };
  if (relation.canUpdate) {
    const writable = relation.columns.filter((c) => c.canUpdate && !c.generated);
    out.push({
      ...common, ...keyed, method: "patch", tier: TIERS.update, write: true, refs: [],
      operation: {
        operationId: tableOperationId("update", relation.name),
        ...summaries(relation, `Change one ${singular(relation.name)} in`),
        parameters: rowKey ?? [],
        requestBody: { required: true, content: { "application/json": { schema: bodySchema(writable, types, () => false) } } },
        responses: { "204": { description: "Changed. The response has no body." } },
        "x-openai-isConsequential": true,
      },
    });
  }
  if (relation.canDelete) {
    out.push({
      ...common, ...keyed, method: "delete", tier: TIERS.delete, write: true, refs: [],
      operation: {
        operationId: tableOperationId("delete", relation.name),
        ...summaries(relation, `Delete one ${singular(relation.name)} from`),
        parameters: rowKey ?? [],
        responses: { "204": { description: "Deleted. The response has no body." } },
        "x-openai-isConsequential": true,
      },
    });
  }
  return out;
}
