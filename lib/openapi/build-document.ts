// The OpenAPI 3.1.0 document for one role's view of the catalog, shaped for GPT Builder's importer.
import { createHash } from "node:crypto";
import type { Catalog } from "./catalog.js";
import { candidatesFrom } from "./candidates.js";
import type { OpenApiDocument, Schema } from "./document.js";
import { selectOperations, type SelectionOptions } from "./select-operations.js";
import { splitComment } from "./text-limits.js";

export interface DocumentOptions {
  /** Where PostgREST is reached from outside: https://<domain>/api. */
  readonly serverUrl: string;
  /** The GPT Builder authentication the document declares: none (anon), or a bearer token. */
  readonly auth: "none" | "bearer";
  /** PostgREST's db-max-rows, mentioned where it caps results. */
  readonly maxRows?: number;
  readonly selection?: SelectionOptions;
}

export const DEFAULT_TITLE = "PostgREST API";

export function buildOpenApiDocument(catalog: Catalog, options: DocumentOptions): OpenApiDocument {
  const { candidates, schemas } = candidatesFrom(catalog, options.maxRows);
  const { chosen, omitted, warnings } = selectOperations(candidates, options.selection);

  const paths: OpenApiDocument["paths"] = {};
  for (const c of [...chosen].sort((a, b) => a.path.localeCompare(b.path))) (paths[c.path] ??= {})[c.method] = c.operation;
  // Methods in the order PostgREST lists them, whatever order the choice made.
  for (const [path, item] of Object.entries(paths)) {
    paths[path] = Object.fromEntries((["get", "post", "patch", "delete"] as const).filter((m) => item[m]).map((m) => [m, item[m]]));
  }
  const used = [...new Set(chosen.flatMap((c) => c.refs))].sort();
  const components: OpenApiDocument["components"] = {
    schemas: Object.fromEntries(used.map((name) => [name, schemas.get(name) as Schema])),
    ...(options.auth === "bearer" ? { securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } } : {}),
  };

  const { summary, description } = splitComment(catalog.schemaComments[catalog.schemas[0]!]);
  const version = createHash("sha256").update(JSON.stringify([paths, components])).digest("hex").slice(0, 12);
  return {
    openapi: "3.1.0",
    info: { title: summary ?? DEFAULT_TITLE, version, ...(description ? { description } : {}) },
    servers: [{ url: options.serverUrl }],
    paths,
    components,
    ...(options.auth === "bearer" ? { security: [{ bearerAuth: [] }] } : {}),
    "x-postgrest-gpt": { role: catalog.role, omitted: [...omitted], warnings: [...warnings] },
  };
}
