// 300 tables, 1,200 possible operations: the document still holds GPT Builder's 30, chosen the documented way,
// and says what it left out. (Generation time is measured by `npm run bench:openapi`, not asserted here.)
import type pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { buildOpenApiDocument, readCatalog, type OpenApiDocument } from "../../lib/openapi/index.js";
import { createTestDatabase, type TestDatabase } from "../support/db-fixtures.js";
import { manyTablesSql, tableName } from "../support/many-tables.js";
import { expectImportable, operationsOf } from "../support/openapi.js";

const TABLES = 300;
let db: TestDatabase;
let authenticator: pg.Client;
let doc: OpenApiDocument;

beforeAll(async () => {
  db = await createTestDatabase();
  const migrator = await db.connect(db.migratorUrl);
  await migrator.query(manyTablesSql(TABLES, db.roles));
  authenticator = await db.connect(db.authenticatorUrl);
  const catalog = await readCatalog(authenticator, { role: db.roles.authenticated, schemas: ["api"] });
  doc = buildOpenApiDocument(catalog, { serverUrl: "https://gpt.example.com/api", auth: "bearer" });
});
afterAll(() => db?.drop());

test("the 30 kept are the reads of the first 30 tables by name: reads come before any write", () => {
  const expected = Array.from({ length: 30 }, (_, i) => `GET /${tableName(i + 1)}`);
  expect(operationsOf(doc)).toEqual(expected);
});

test("the other 1,170 operations are listed as left out over the limit", () => {
  const omitted = doc["x-postgrest-gpt"].omitted;
  expect(omitted).toHaveLength(1);
  expect(omitted[0]!.reason).toMatch(/over GPT Builder's limit of 30 operations/);
  expect(omitted[0]!.operations).toHaveLength(TABLES * 4 - 30);
  expect(omitted[0]!.operations).toContain(`GET /${tableName(31)}`);
  expect(omitted[0]!.operations).toContain(`DELETE /${tableName(1)}`);
});

test("only the row schemas of the kept operations are in components", () => {
  expect(Object.keys(doc.components.schemas)).toHaveLength(30);
});

test("the document passes the importer rules and a real OpenAPI 3.1 validator", async () => {
  await expectImportable(doc);
});

test("an include list offers only the tables it names, all their operations when they fit", async () => {
  const catalog = await readCatalog(authenticator, { role: db.roles.authenticated, schemas: ["api"] });
  const steered = buildOpenApiDocument(catalog, {
    serverUrl: "https://gpt.example.com/api",
    auth: "bearer",
    selection: { include: [tableName(300), tableName(150)] },
  });
  expect(operationsOf(steered)).toEqual([
    `GET /${tableName(150)}`, `POST /${tableName(150)}`, `PATCH /${tableName(150)}`, `DELETE /${tableName(150)}`,
    `GET /${tableName(300)}`, `POST /${tableName(300)}`, `PATCH /${tableName(300)}`, `DELETE /${tableName(300)}`,
  ]);
  await expectImportable(steered);
});
