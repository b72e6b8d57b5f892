export { readCatalog } from "./catalog.js";
export type { Catalog, CatalogScope, Column, DbFunction, PgType, Relation } from "./catalog.js";
export { buildOpenApiDocument, DEFAULT_TITLE } from "./build-document.js";
export type { DocumentOptions } from "./build-document.js";
export { selectOperations, MAX_OPERATIONS } from "./select-operations.js";
export type { Selection, SelectionOptions } from "./select-operations.js";
export type { OpenApiDocument, OmittedGroup } from "./document.js";
