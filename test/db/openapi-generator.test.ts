// The generator on real PostgreSQL: the rich fixture schema read as each role, through the authenticator login
// (the companion's least-privileged connection), then held to the importer's rules and a real 3.1 validator.
import { readFileSync } from "node:fs";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { substituteVariables } from "../../lib/migrate/index.js";
import { buildOpenApiDocument, readCatalog, type OpenApiDocument } from "../../lib/openapi/index.js";
import { createTestDatabase, type TestDatabase } from "../support/db-fixtures.js";
import { expectImportable, operationsOf } from "../support/openapi.js";

let db: TestDatabase;
let authenticator: pg.Client;
let anonDoc: OpenApiDocument;
let authDoc: OpenApiDocument;

const SERVER = "https://gpt.example.com/api";
const ALL = { limit: Number.POSITIVE_INFINITY };

async function generate(role: string, auth: "none" | "bearer", selection: object = ALL): Promise<OpenApiDocument> {
  const catalog = await readCatalog(authenticator, { role, schemas: ["api", "admin"] });
  return buildOpenApiDocument(catalog, { serverUrl: SERVER, auth, maxRows: 20, selection });
}

beforeAll(async () => {
  db = await createTestDatabase();
  const migrator = await db.connect(db.migratorUrl);
  const sql = readFileSync(new URL("../fixtures/openapi-rich.sql", import.meta.url), "utf8");
  await migrator.query(substituteVariables(sql, db.variables, "openapi-rich.sql"));
  authenticator = await db.connect(db.authenticatorUrl);
  anonDoc = await generate(db.roles.anon, "none");
  authDoc = await generate(db.roles.authenticated, "bearer");
});
afterAll(() => db?.drop());

const omittedReasonOf = (doc: OpenApiDocument, op: string) => doc["x-postgrest-gpt"].omitted.find((g) => g.operations.includes(op))?.reason;
const props = (doc: OpenApiDocument, name: string) => doc.components.schemas[name]!.properties!;

describe("follow-privileges, verb by verb", () => {
  test("anon is offered only reads and the functions granted to it", () => {
    expect(operationsOf(anonDoc)).toEqual([
      "GET /authors",
      "GET /events",
      "GET /everything",
      "GET /everything_names",
      "GET /rpc/add_numbers", "POST /rpc/add_numbers",
      "GET /rpc/list_authors", "POST /rpc/list_authors",
      "GET /rpc/out_params", "POST /rpc/out_params",
      "GET /rpc/overloaded", "POST /rpc/overloaded",
      "POST /rpc/paged",
      "GET /rpc/total", "POST /rpc/total",
      "GET /stats",
    ]);
  });

  test("authenticated also gets the writes it holds, the table only it may read and its own functions", () => {
    expect(operationsOf(authDoc)).toEqual([
      "GET /authors", "POST /authors", "PATCH /authors", "DELETE /authors",
      "GET /everything", "POST /everything", "PATCH /everything", "DELETE /everything",
      "GET /everything_names", "POST /everything_names",
      "GET /rpc/add_numbers", "POST /rpc/add_numbers",
      "GET /rpc/admin_only", "POST /rpc/admin_only",
      "GET /rpc/list_authors", "POST /rpc/list_authors",
      "GET /rpc/out_params", "POST /rpc/out_params",
      "GET /rpc/overloaded", "POST /rpc/overloaded",
      "POST /rpc/paged",
      "POST /rpc/raw_json",
      "POST /rpc/reset_everything",
      "GET /rpc/total", "POST /rpc/total",
      "GET /secrets", "POST /secrets", "PATCH /secrets", "DELETE /secrets",
      "GET /stats",
    ]);
  });

  test("a view without a key the role can read gets no PATCH or DELETE: without filters they would change every row", () => {
    const reason = omittedReasonOf(authDoc, "PATCH /everything_names");
    expect(reason).toMatch(/no primary key the role can read: a call without filters would change every row/);
    expect(omittedReasonOf(authDoc, "DELETE /everything_names")).toBe(reason);
  });

  test("a partition is not offered: PostgREST serves partitioned tables through the parent", () => {
    expect(anonDoc.paths).toHaveProperty("/events");
    expect(anonDoc.paths).not.toHaveProperty("/events_2024");
    expect(anonDoc["x-postgrest-gpt"].omitted.flatMap((g) => g.operations)).not.toContain("GET /events_2024");
  });

  test("an update offers only the columns the role may update, a create only those it may insert", () => {
    const patch = authDoc.paths["/everything"]!.patch!.requestBody!.content["application/json"].schema;
    expect(Object.keys(patch.properties!)).toEqual(["a_text", "a_mood"]);
    const post = authDoc.paths["/everything"]!.post!.requestBody!.content["application/json"].schema;
    expect(post.properties).not.toHaveProperty("a_generated");
    // a_positive: its domain is NOT NULL and it has no default.
    expect(post.required).toEqual(["id", "a_positive"]);
  });

  test("both documents pass the importer rules and a real OpenAPI 3.1 validator", async () => {
    await expectImportable(anonDoc);
    await expectImportable(authDoc);
  });

  test("anon's document declares no security scheme; authenticated's declares one bearer scheme", () => {
    expect(anonDoc.components.securitySchemes).toBeUndefined();
    expect(authDoc.components.securitySchemes).toEqual({ bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } });
    expect(authDoc.security).toEqual([{ bearerAuth: [] }]);
  });
});

describe("column types to JSON Schema", () => {
  test("scalars get their JSON type and format, with character lengths", () => {
    const p = props(anonDoc, "everything");
    expect(p.a_smallint).toEqual({ type: "integer", format: "int32", description: "Can be null." });
    expect(p.a_bigint).toEqual({ type: "integer", format: "int64", default: 42 });
    expect(p.a_numeric).toEqual({ type: "number", format: "numeric", description: "Can be null.", default: 42.2 });
    expect(p.a_double).toMatchObject({ type: "number", format: "double" });
    expect(p.a_bool).toEqual({ type: "boolean", default: false });
    expect(p.a_text).toEqual({ type: "string", description: "Some text. Can be null.", default: "default" });
    expect(p.a_varchar).toMatchObject({ type: "string", maxLength: 20 });
    expect(p.a_char).toMatchObject({ type: "string", maxLength: 1 });
    expect(p.a_uuid).toMatchObject({ type: "string", format: "uuid" });
    expect(p.a_date).toMatchObject({ type: "string", format: "date", default: "1900-01-01" });
    expect(p.a_timestamptz).toEqual({ type: "string", format: "date-time", description: "Can be null." });
    expect(p.a_timestamp).toMatchObject({ type: "string", format: "timestamp without time zone" });
    expect(p.a_inet).toMatchObject({ type: "string", format: "inet" });
  });

  test("json is an object with properties, arrays carry their element type", () => {
    const p = props(anonDoc, "everything");
    expect(p.a_json).toMatchObject({ type: "object", properties: {} });
    expect(p.a_jsonb).toMatchObject({ type: "object", properties: {} });
    expect(p.a_text_arr).toMatchObject({ type: "array", items: { type: "string" } });
    expect(p.a_int_arr).toMatchObject({ type: "array", items: { type: "integer", format: "int32" } });
    expect(p.a_jsonb_arr).toMatchObject({ type: "array", items: { type: "object", properties: {} } });
  });

  test("enums list their labels; an enum without labels gets no empty enum; a domain keeps its base and comment", () => {
    const p = props(anonDoc, "everything");
    expect(p.a_mood).toEqual({ type: "string", enum: ["happy", "sad"], description: "How it felt. Can be null." });
    expect(p.a_nothing).not.toHaveProperty("enum");
    expect(p.a_short).toEqual({ type: "string", description: "Ten characters at most. Can be null." });
  });

  test("a domain declared NOT NULL makes its column not null", () => {
    expect(props(anonDoc, "everything").a_positive).toEqual({ type: "integer", format: "int32", description: "Above zero." });
  });

  test("nullability: not-null columns are required in a table's row, a view's row requires nothing", () => {
    expect(anonDoc.components.schemas.everything!.required).toEqual(["id", "a_bigint", "a_bool", "a_positive"]);
    expect(anonDoc.components.schemas.everything_names!.required).toBeUndefined();
  });

  test("a foreign key is named in the column's description and offered as an embedding in select", () => {
    expect(props(anonDoc, "everything").author_id!.description).toContain("References authors.id.");
    const select = anonDoc.paths["/everything"]!.get!.parameters!.find((p) => p.name === "select")!;
    expect(select.description).toContain("select=*,authors(*)");
  });
});

describe("comments and filters", () => {
  test("COMMENT ON gives the title, summaries and descriptions", () => {
    expect(anonDoc.info).toMatchObject({ title: "Rich fixture API", description: "Every common column type, and privileges that differ by role." });
    expect(anonDoc.paths["/everything"]!.get).toMatchObject({ summary: "List: Everything", description: "One column of each common type." });
    expect(anonDoc.paths["/rpc/add_numbers"]!.get).toMatchObject({ summary: "Add two numbers", description: "b defaults to 1." });
  });

  test("every readable column is a query filter teaching operator.value, except names PostgREST reserves", () => {
    const params = anonDoc.paths["/everything"]!.get!.parameters!;
    const names = params.map((p) => p.name);
    expect(names.filter((n) => n === "select")).toHaveLength(1);
    expect(names.slice(-4)).toEqual(["select", "order", "limit", "offset"]);
    expect(params.find((p) => p.name === "a_text")!.description).toMatch(/eq\.abc.*ilike\.\*abc\*.*in\.\(a,b\).*is\.null/);
    expect(params.find((p) => p.name === "a_bigint")!.description).toMatch(/gt\.5.*in\.\(1,2,3\)/);
    expect(params.every((p) => p.in === "query")).toBe(true);
  });

  test("PATCH and DELETE require the primary key filter, so a GPT cannot change every row by omission", () => {
    for (const method of ["patch", "delete"] as const) {
      expect(authDoc.paths["/everything"]![method]!.parameters).toEqual([
        expect.objectContaining({ name: "id", required: true, description: expect.stringContaining("eq.<id>") }),
      ]);
    }
  });

  test("reads are not consequential, writes and volatile functions are", () => {
    expect(authDoc.paths["/everything"]!.get!["x-openai-isConsequential"]).toBe(false);
    expect(authDoc.paths["/everything"]!.delete!["x-openai-isConsequential"]).toBe(true);
    expect(authDoc.paths["/rpc/reset_everything"]!.post!["x-openai-isConsequential"]).toBe(true);
    expect(authDoc.paths["/rpc/add_numbers"]!.post!["x-openai-isConsequential"]).toBe(false);
  });
});

describe("functions", () => {
  test("arguments: GET query parameters and a POST body, required unless they have a default", () => {
    const get = anonDoc.paths["/rpc/add_numbers"]!.get!;
    expect(get.operationId).toBe("rpc_add_numbers");
    expect(get.parameters!.map((p) => [p.name, p.required, p.schema])).toEqual([
      ["a", true, { type: "integer", format: "int32" }],
      ["b", false, { type: "integer", format: "int32" }],
    ]);
    const post = anonDoc.paths["/rpc/add_numbers"]!.post!;
    expect(post.operationId).toBe("rpc_add_numbers_post");
    expect(post.requestBody!.content["application/json"].schema).toMatchObject({ required: ["a"] });
  });

  test("results: setof a table points at its row schema, OUT parameters make an object", () => {
    expect(anonDoc.paths["/rpc/list_authors"]!.get!.responses["200"]!.content!["application/json"].schema).toEqual({
      type: "array",
      items: { $ref: "#/components/schemas/authors" },
    });
    expect(anonDoc.paths["/rpc/out_params"]!.get!.responses["200"]!.content!["application/json"].schema).toEqual({
      type: "object",
      properties: { doubled: { type: "integer", format: "int32" }, tripled: { type: "integer", format: "int32" } },
    });
  });

  test("a volatile function is POST only; a single unnamed json argument takes the whole body", () => {
    expect(authDoc.paths["/rpc/reset_everything"]).toEqual({ post: expect.objectContaining({ operationId: "rpc_reset_everything" }) });
    expect(authDoc.paths["/rpc/raw_json"]!.post!.requestBody!.content["application/json"].schema).toEqual({ type: "object", properties: {} });
  });

  test("an argument named like a PostgREST query parameter: no GET, the POST body carries it", () => {
    expect(anonDoc.paths["/rpc/paged"]).toEqual({ post: expect.objectContaining({ operationId: "rpc_paged" }) });
    expect(anonDoc.paths["/rpc/paged"]!.post!.requestBody!.content["application/json"].schema.required).toEqual(["lim", "select"]);
  });

  test("a variadic argument is sent on GET by repeating the parameter", () => {
    expect(anonDoc.paths["/rpc/total"]!.get!.parameters![0]!.description).toContain("nums=a&nums=b");
  });

  test("a table of the same name in another schema renames nothing", () => {
    expect(anonDoc.paths["/authors"]!.get!.operationId).toBe("listAuthors");
    expect(omittedReasonOf(anonDoc, "GET /authors")).toMatch(/in schema admin/);
  });

  test("what cannot be called or reached is left out with its reason", () => {
    expect(omittedReasonOf(anonDoc, "POST /rpc/unnamed")).toMatch(/unnamed arguments/);
    expect(omittedReasonOf(anonDoc, "POST /rpc/on_change")).toMatch(/returns trigger/);
    // One signature of an overloaded function is described, the other recorded as left out.
    expect(anonDoc.paths["/rpc/overloaded"]!.get!.parameters).toEqual([expect.objectContaining({ schema: { type: "integer", format: "int32" } })]);
    expect(omittedReasonOf(anonDoc, "POST /rpc/overloaded")).toMatch(/overloads overloaded/);
    expect(omittedReasonOf(anonDoc, "GET /elsewhere")).toMatch(/schema admin.*Accept-Profile/);
  });
});

describe("choosing what the GPT sees", () => {
  test("read-only mode leaves every write out and says so", async () => {
    const doc = await generate(db.roles.authenticated, "bearer", { ...ALL, readOnly: true });
    expect(operationsOf(doc).every((op) => op.startsWith("GET ") || /\/rpc\/(add_numbers|admin_only|list_authors|out_params|overloaded|paged|total)$/.test(op))).toBe(true);
    expect(omittedReasonOf(doc, "DELETE /secrets")).toMatch(/openapiReadOnly/);
    expect(omittedReasonOf(doc, "POST /rpc/reset_everything")).toMatch(/openapiReadOnly/);
    await expectImportable(doc);
  });

  test("include and exclude steer by name; names that match nothing are warned about", async () => {
    const doc = await generate(db.roles.authenticated, "bearer", { include: ["secrets", "api.add_numbers", "nope"], exclude: ["add_numbers"] });
    expect(operationsOf(doc)).toEqual(["GET /secrets", "POST /secrets", "PATCH /secrets", "DELETE /secrets"]);
    expect(omittedReasonOf(doc, "GET /stats")).toBe("not named in openapiInclude");
    expect(omittedReasonOf(doc, "GET /rpc/add_numbers")).toBe("named in openapiExclude");
    expect(doc["x-postgrest-gpt"].warnings).toEqual([expect.stringContaining('openapiInclude names "nope"')]);
    await expectImportable(doc);
  });

  test("over the limit, reads and functions are kept before writes, and the document says what was cut", async () => {
    const doc = await generate(db.roles.authenticated, "bearer", { limit: 15 });
    const ops = operationsOf(doc);
    // 14 reads and functions (11 GETs; POSTs of 2 volatile functions and of paged, which GET cannot call), then
    // the first create by path.
    expect(ops).toHaveLength(15);
    expect(ops.filter((op) => op.startsWith("GET "))).toHaveLength(11);
    expect(ops.filter((op) => /^POST \/[a-z_]+$/.test(op))).toEqual(["POST /authors"]);
    expect(omittedReasonOf(doc, "DELETE /secrets")).toMatch(/over GPT Builder's limit of 15/);
    await expectImportable(doc);
  });

  test("operation ids do not change with the selection", async () => {
    const narrow = await generate(db.roles.authenticated, "bearer", { include: ["everything"] });
    expect(narrow.paths["/everything"]).toEqual(authDoc.paths["/everything"]);
    await expectImportable(narrow);
  });
});
