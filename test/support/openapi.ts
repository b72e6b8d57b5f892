// Every generated document in the tests is held to both bars: GPT Builder's importer rules and a real OpenAPI 3.1
// validator.
import { expect } from "vitest";
import { checkImporterRules } from "../../lib/openapi/importer-rules.js";
import { checkOpenApiStructure } from "../../lib/openapi/openapi-validity.js";
import type { OpenApiDocument } from "../../lib/openapi/index.js";

export async function expectImportable(document: OpenApiDocument): Promise<void> {
  expect(checkImporterRules(document)).toEqual([]);
  expect(await checkOpenApiStructure(document)).toEqual({ valid: true, errors: [] });
}

/** "GET /notes" for each operation in the document, in document order. */
export function operationsOf(document: OpenApiDocument): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
}
