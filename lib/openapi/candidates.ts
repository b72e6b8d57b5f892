// Every operation the role could be offered, before the choice of 30. Only the first exposed schema is reachable:
// PostgREST serves the others only with an Accept-Profile/Content-Profile header, which GPT actions cannot send.
import type { Catalog } from "./catalog.js";
import type { Candidate, CandidateSet } from "./candidate.js";
import type { Schema } from "./document.js";
import { functionCandidates } from "./function-operations.js";
import { uniqueIds } from "./naming.js";
import { rowSchema, tableCandidates } from "./table-operations.js";

const METHOD_ORDER = ["get", "post", "patch", "delete"];

export function candidatesFrom(catalog: Catalog, maxRows?: number): CandidateSet {
  const defaultSchema = catalog.schemas[0]!;
  const elsewhere = (schema: string) =>
    schema === defaultSchema
      ? undefined
      : `in schema ${schema}, which PostgREST serves only with an Accept-Profile or Content-Profile header, and GPT actions cannot send headers`;

  const componentNames = uniqueIds(
    catalog.relations.map((r) => (r.schema === defaultSchema ? r.name : `${r.schema}.${r.name}`).replace(/[^A-Za-z0-9._-]/g, "_")),
  );
  const schemas = new Map<string, Schema>();
  const rowSchemas = new Map<string, string>();
  const candidates: Candidate[] = [];
  catalog.relations.forEach((relation, i) => {
    const componentName = componentNames[i]!;
    if (relation.canSelect) {
      schemas.set(componentName, rowSchema(relation, catalog.types));
      rowSchemas.set(`${relation.schema}.${relation.name}`, componentName);
    }
    const unavailable = elsewhere(relation.schema);
    candidates.push(
      ...tableCandidates(relation, { types: catalog.types, componentName, ...(maxRows ? { maxRows } : {}), ...(unavailable ? { unavailable } : {}) }),
    );
  });

  const seen = new Set<string>();
  for (const fn of catalog.functions) {
    const key = `${fn.schema}.${fn.name}`;
    const unavailable = elsewhere(fn.schema) ?? (seen.has(key) ? `overloads ${fn.name}: one /rpc path is described with one signature` : undefined);
    seen.add(key);
    candidates.push(
      ...functionCandidates(fn, {
        types: catalog.types,
        rowSchemaOf: (schema, name) => rowSchemas.get(`${schema}.${name}`),
        ...(unavailable ? { unavailable } : {}),
      }),
    );
  }

  // Ids are made unique over what the GPT could be offered (not what it never can, such as other schemas), in a
  // fixed order, so that neither the choice of 30 nor an object it cannot reach renames an operation.
  const ordered = candidates
    .filter((c) => !c.unavailable)
    .sort((a, b) => a.path.localeCompare(b.path) || METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method));
  const unique = uniqueIds(ordered.map((c) => c.operation.operationId));
  const ids = new Map(ordered.map((c, i) => [c, unique[i]!]));
  const renamed = candidates.map((c) => {
    const id = ids.get(c);
    return id === undefined || id === c.operation.operationId ? c : { ...c, operation: { ...c.operation, operationId: id } };
  });
  return { candidates: renamed, schemas };
}
