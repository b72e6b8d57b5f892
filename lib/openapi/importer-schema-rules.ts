// Schema-level importer rules: the JSON Schema GPT Builder cannot turn into a tool's argument and result types,
// and $refs it cannot follow. Schemas are found wherever OpenAPI allows them, not only in components.schemas.
import { formatJsonPath, isJsonObject, own, type JsonObject, type PathSegment } from "./json-path.js";
import { IMPORTER, quote, type Report } from "./importer-violation.js";

const SCHEMA_REF = "#/components/schemas/";
const COMPOSITIONS = ["oneOf", "anyOf", "allOf"];
// Keywords whose value is one schema, a list of schemas, or a map of named schemas.
const SUBSCHEMA = ["items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"]
  .concat(["unevaluatedItems", "unevaluatedProperties", "contentSchema"]);
const SUBSCHEMA_LISTS = ["oneOf", "anyOf", "allOf", "prefixItems"];
const SUBSCHEMA_MAPS = ["properties", "patternProperties", "dependentSchemas", "$defs", "definitions"];
// Free-form data (examples, extensions) may contain keys that look like schemas or refs but are not.
const NOT_OPENAPI = (key: string) => key === "example" || key === "examples" || key.startsWith("x-");

interface SchemaEdge {
  readonly from: string;
  readonly to: string;
  readonly ref: string;
  readonly at: readonly PathSegment[];
}

interface Walk {
  readonly document: JsonObject;
  readonly report: Report;
  // YAML aliases can make a parsed document contain itself; walking stops at a node already being walked.
  readonly open: Set<object>;
  readonly edges: SchemaEdge[];
}

export function checkSchemas(document: JsonObject, report: Report): void {
  const walk: Walk = { document, report, open: new Set(), edges: [] };
  walkDocument(walk, document, []);
  const components = own(document, "components");
  const schemas = isJsonObject(components) ? own(components, "schemas") : undefined;
  if (isJsonObject(schemas)) reportCycles(Object.keys(schemas), walk.edges, report);
}

function walkDocument(walk: Walk, node: unknown, at: readonly PathSegment[]): void {
  if (typeof node !== "object" || node === null || walk.open.has(node)) return;
  walk.open.add(node);
  if (Array.isArray(node)) {
    node.forEach((child: unknown, index) => walkDocument(walk, child, [...at, index]));
  } else {
    const ref = own(node as JsonObject, "$ref");
    if (typeof ref === "string") checkRef(walk, ref, [...at, "$ref"]);
    const componentSchemas = at.length === 1 && at[0] === "components";
    for (const [key, child] of Object.entries(node)) {
      if (NOT_OPENAPI(key)) continue;
      if (key === "schema") walkSchema(walk, child, [...at, key], undefined);
      else if (componentSchemas && key === "schemas" && isJsonObject(child)) {
        for (const [name, schema] of Object.entries(child)) walkSchema(walk, schema, [...at, key, name], name);
      } else walkDocument(walk, child, [...at, key]);
    }
  }
  walk.open.delete(node);
}

/** `component` names the components.schemas entry being walked, so its $refs become edges for the cycle check. */
function walkSchema(walk: Walk, schema: unknown, at: readonly PathSegment[], component: string | undefined): void {
  if (!isJsonObject(schema) || walk.open.has(schema)) return;
  walk.open.add(schema);
  const ref = own(schema, "$ref");
  if (typeof ref === "string") {
    const refAt = [...at, "$ref"];
    checkRef(walk, ref, refAt);
    if (component !== undefined && ref.startsWith(SCHEMA_REF)) {
      walk.edges.push({ from: component, to: decodeName(ref.slice(SCHEMA_REF.length).split("/")[0]!), ref, at: refAt });
    }
  }
  checkSchemaKeywords(walk.report, schema, at);
  for (const keyword of SUBSCHEMA) walkSchema(walk, own(schema, keyword), [...at, keyword], component);
  for (const keyword of SUBSCHEMA_LISTS) {
    const list = own(schema, keyword);
    if (!Array.isArray(list)) continue;
    list.forEach((child: unknown, index) => walkSchema(walk, child, [...at, keyword, index], component));
  }
  for (const keyword of SUBSCHEMA_MAPS) {
    const map = own(schema, keyword);
    if (!isJsonObject(map)) continue;
    for (const [name, child] of Object.entries(map)) walkSchema(walk, child, [...at, keyword, name], component);
  }
  walk.open.delete(schema);
}

function checkSchemaKeywords(report: Report, schema: JsonObject, at: readonly PathSegment[]): void {
  const type = own(schema, "type");
  if (Array.isArray(type)) {
    const message = `type ${quote(type)} is a type array; ${IMPORTER} needs one type name`;
    report("schema-composition", [...at, "type"], message);
  }
  if (type === "object" && !isJsonObject(own(schema, "properties"))) {
    const message = `schema of type "object" has no properties; ${IMPORTER} needs them on every object`;
    report("object-properties", at, message);
  }
  for (const keyword of COMPOSITIONS) {
    if (Object.hasOwn(schema, keyword)) {
      report("schema-composition", [...at, keyword], `${keyword} is not supported by ${IMPORTER}; describe one shape`);
    }
  }
  if (Object.hasOwn(schema, "patternProperties")) {
    report(
      "schema-composition",
      [...at, "patternProperties"],
      `patternProperties is not supported by ${IMPORTER}; name each property under properties`,
    );
  }
  const items = own(schema, "items");
  if (items === true || (isJsonObject(items) && Object.keys(items).length === 0)) {
    report("schema-composition", [...at, "items"], `items ${quote(items)} is empty; ${IMPORTER} needs an item schema`);
  }
  const values = own(schema, "enum");
  if (Array.isArray(values) && values.length === 0) {
    report("empty-enum", [...at, "enum"], `enum [] has no values; ${IMPORTER} needs at least one`);
  }
}

function checkRef(walk: Walk, ref: string, at: readonly PathSegment[]): void {
  if (!ref.startsWith("#")) {
    const message = `$ref ${quote(ref)} points outside the document; ${IMPORTER} follows only "#/..." refs`;
    walk.report("unresolved-ref", at, message);
    return;
  }
  const missing = findMissing(walk.document, ref.slice(1));
  if (missing) {
    walk.report(
      "unresolved-ref",
      at,
      `$ref ${quote(ref)} does not resolve: ${formatJsonPath(missing.parent)} has no ${quote(missing.name)}`,
    );
  }
}

/** Follows a JSON Pointer fragment; returns the deepest existing node's path and the name it lacks, if any. */
function findMissing(document: JsonObject, pointer: string): { parent: PathSegment[]; name: string } | undefined {
  const parent: PathSegment[] = [];
  let node: unknown = document;
  for (const encoded of pointer === "" ? [] : pointer.split("/").slice(1)) {
    const name = decodeName(encoded);
    const index = Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(name) ? Number(name) : undefined;
    if (index !== undefined && index < (node as unknown[]).length) {
      node = (node as unknown[])[index];
      parent.push(index);
    } else if (isJsonObject(node) && Object.hasOwn(node, name)) {
      node = node[name];
      parent.push(name);
    } else {
      return { parent, name };
    }
  }
  return undefined;
}

// A $ref is a URI fragment holding a JSON Pointer: percent-encoding first, then ~1 and ~0.
function decodeName(encoded: string): string {
  let name = encoded;
  try {
    name = decodeURIComponent(encoded);
  } catch {
    // A stray "%" is kept as written; the lookup then reports the name as missing.
  }
  return name.replaceAll("~1", "/").replaceAll("~0", "~");
}

/** Depth-first over components.schemas in document order; each $ref that closes a cycle is reported once. */
function reportCycles(names: readonly string[], edges: readonly SchemaEdge[], report: Report): void {
  const known = new Set(names);
  const outgoing = new Map<string, SchemaEdge[]>();
  for (const edge of edges) outgoing.set(edge.from, [...(outgoing.get(edge.from) ?? []), edge]);
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (name: string): void => {
    state.set(name, "open");
    stack.push(name);
    for (const edge of outgoing.get(name) ?? []) {
      const target = state.get(edge.to);
      if (target === "open") {
        const cycle = [...stack.slice(stack.indexOf(edge.to)), edge.to].join(" -> ");
        const message = `$ref ${quote(edge.ref)} closes the cycle ${cycle}; ${IMPORTER} rejects circular refs`;
        report("circular-ref", edge.at, message);
      } else if (target === undefined && known.has(edge.to)) {
        visit(edge.to);
      }
    }
    stack.pop();
    state.set(name, "done");
  };
  for (const name of names) if (!state.has(name)) visit(name);
}
