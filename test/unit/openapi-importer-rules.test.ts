import { describe, expect, test } from "vitest";
import {
  checkImporterRules,
  MAX_OPERATIONS,
  MAX_PARAMETER_DESCRIPTION,
  MAX_SUMMARY,
  type ImporterRule,
} from "../../lib/openapi/importer-rules.js";
import { formatJsonPath } from "../../lib/openapi/json-path.js";
import { checkOpenApiStructure } from "../../lib/openapi/openapi-validity.js";

// Loose on purpose: each test breaks one part of the document.
type Document = Record<string, any>;

/** What GPT Builder imports without complaint: two operations, one object schema, one bearer scheme. */
function validDocument(): Document {
  return {
    openapi: "3.1.0",
    info: { title: "Notes", version: "1.0.0" },
    servers: [{ url: "https://api.example.com/v1" }],
    paths: {
      "/notes": {
        get: {
          operationId: "listNotes",
          summary: "List notes",
          parameters: [{ name: "limit", in: "query", description: "How many notes", schema: { type: "integer" } }],
          responses: {
            "200": {
              description: "The notes",
              content: {
                "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/note" } } },
              },
            },
          },
        },
        post: {
          operationId: "createNote",
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/note" } } },
          },
          responses: { "201": { description: "Created" } },
        },
      },
    },
    components: {
      schemas: {
        note: {
          type: "object",
          properties: {
            id: { type: "integer" },
            title: { type: "string" },
            tags: { type: "array", items: { type: "string" } },
          },
          required: ["title"],
        },
      },
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    },
    security: [{ bearer: [] }],
  };
}

const GET = "$.paths['/notes'].get";
const NOTE = "$.components.schemas.note";

/** The document breaks exactly one rule, once, at `path`, and the message names the bad value. */
function expectOneViolation(document: Document, rule: ImporterRule, path: string, badValue: string): void {
  const violations = checkImporterRules(document);
  expect(violations.map((v) => `${v.rule} ${v.path}`)).toEqual([`${rule} ${path}`]);
  expect(violations[0]!.message).toContain(badValue);
}

describe("checkImporterRules on a document the importer accepts", () => {
  test("a small valid document has no violations and is structurally valid OpenAPI 3.1", async () => {
    expect(checkImporterRules(validDocument())).toEqual([]);
    expect(await checkOpenApiStructure(validDocument())).toEqual({ valid: true, errors: [] });
  });

  test("accepts openapi 3.1.1, the other version the importer names", () => {
    expect(checkImporterRules({ ...validDocument(), openapi: "3.1.1" })).toEqual([]);
  });

  test("accepts a summary of exactly 300 and a parameter description of exactly 700 characters", () => {
    const document = validDocument();
    document.paths["/notes"].get.summary = "s".repeat(MAX_SUMMARY);
    document.paths["/notes"].get.parameters[0].description = "d".repeat(MAX_PARAMETER_DESCRIPTION);
    expect(checkImporterRules(document)).toEqual([]);
  });

  test("accepts exactly 30 operations", () => {
    expect(checkImporterRules(withOperations(MAX_OPERATIONS))).toEqual([]);
  });
});

describe("checkImporterRules on the document as a whole", () => {
  test("reports a non-object document once, at $", () => {
    expect(checkImporterRules(null)).toEqual([
      { rule: "openapi-version", path: "$", message: "the document is null, not an OpenAPI object" },
    ]);
    expect(checkImporterRules(["openapi"])).toEqual([
      { rule: "openapi-version", path: "$", message: "the document is an array, not an OpenAPI object" },
    ]);
  });

  test("reports openapi 3.0.3 as a version the importer refuses", () => {
    expectOneViolation({ ...validDocument(), openapi: "3.0.3" }, "openapi-version", "$.openapi", '"3.0.3"');
  });

  test("reports a missing info.version", () => {
    const document = validDocument();
    delete document.info.version;
    expectOneViolation(document, "info", "$.info.version", "info.version is missing");
  });

  test("reports a missing components.schemas, and the refs that needed it", () => {
    const document = validDocument();
    delete document.components.schemas;
    const violations = checkImporterRules(document);
    expect(violations.map((v) => `${v.rule} ${v.path}`)).toEqual([
      `unresolved-ref ${GET}.responses['200'].content['application/json'].schema.items['$ref']`,
      "unresolved-ref $.paths['/notes'].post.requestBody.content['application/json'].schema['$ref']",
      "components-schemas $.components.schemas",
    ]);
    expect(violations[2]!.message).toContain("components.schemas is missing");
  });

  test("reports violations in document order, whatever order the rules run in", () => {
    const { components, ...rest } = validDocument();
    // components before paths, each with one problem: the components one must come first.
    const document: Document = { components, ...rest };
    document.components.schemas.note.properties.title.enum = [];
    document.paths["/notes"].post.operationId = "create note";
    expect(checkImporterRules(document).map((v) => v.path)).toEqual([
      `${NOTE}.properties.title.enum`,
      "$.paths['/notes'].post.operationId",
    ]);
  });
});

describe("checkImporterRules on servers", () => {
  const withServer = (url: string): Document => ({ ...validDocument(), servers: [{ url }] });

  test("reports an http server", () => {
    expectOneViolation(withServer("http://api.example.com"), "servers", "$.servers[0].url", '"http://api.example.com"');
  });

  test("reports a server with a port, even https's default one", () => {
    expectOneViolation(withServer("https://api.example.com:8443/v1"), "servers", "$.servers[0].url", "port 8443");
    expectOneViolation(withServer("https://api.example.com:443"), "servers", "$.servers[0].url", "port 443");
  });

  test("reports a localhost server", () => {
    expectOneViolation(withServer("https://localhost/v1"), "servers", "$.servers[0].url", "localhost");
  });

  test("reports an IPv4 or IPv6 literal as server host", () => {
    expectOneViolation(withServer("https://203.0.113.7"), "servers", "$.servers[0].url", "203.0.113.7");
    expectOneViolation(withServer("https://[2001:db8::1]/api"), "servers", "$.servers[0].url", "[2001:db8::1]");
  });

  test("reports a host without a dot", () => {
    expectOneViolation(withServer("https://intranet/api"), "servers", "$.servers[0].url", '"intranet"');
  });

  test("reports a relative server url", () => {
    expectOneViolation(withServer("/v1"), "servers", "$.servers[0].url", '"/v1"');
  });

  test("reports two servers once, at servers", () => {
    const document = validDocument();
    document.servers.push({ url: "https://backup.example.com" });
    expectOneViolation(document, "servers", "$.servers", "2 entries");
  });

  test("reports missing servers", () => {
    const document = validDocument();
    delete document.servers;
    expectOneViolation(document, "servers", "$.servers", "servers is missing");
  });
});

describe("checkImporterRules on operations", () => {
  test("reports 31 operations once, at paths, with the count", () => {
    expectOneViolation(withOperations(MAX_OPERATIONS + 1), "operation-count", "$.paths", "31 operations");
  });

  test("reports a missing operationId, naming the operation", () => {
    const document = validDocument();
    delete document.paths["/notes"].post.operationId;
    expectOneViolation(document, "operation-id", "$.paths['/notes'].post.operationId", "post /notes");
  });

  test("reports an operationId with characters outside [A-Za-z0-9_]", () => {
    const document = validDocument();
    document.paths["/notes"].get.operationId = "list notes";
    const bad = '"list notes" has characters outside [A-Za-z0-9_]';
    expectOneViolation(document, "operation-id", `${GET}.operationId`, bad);
  });

  test("reports a duplicate operationId at the later operation, naming the first one's path", () => {
    const document = validDocument();
    document.paths["/notes"].post.operationId = "listNotes";
    const path = "$.paths['/notes'].post.operationId";
    expectOneViolation(document, "operation-id", path, `"listNotes" is already used by get /notes at ${GET}`);
  });

  test("reports a 301-character summary", () => {
    const document = validDocument();
    document.paths["/notes"].get.summary = "s".repeat(MAX_SUMMARY + 1);
    expectOneViolation(document, "summary-length", `${GET}.summary`, "is 301 characters");
  });

  test("counts characters, not UTF-16 units, in a description", () => {
    const document = validDocument();
    document.paths["/notes"].get.description = "📝".repeat(MAX_SUMMARY);
    expect(checkImporterRules(document)).toEqual([]);
    document.paths["/notes"].get.description = "📝".repeat(MAX_SUMMARY + 1);
    expectOneViolation(document, "summary-length", `${GET}.description`, "is 301 characters");
  });
});

describe("checkImporterRules on parameters", () => {
  test("reports a 701-character parameter description", () => {
    const document = validDocument();
    document.paths["/notes"].get.parameters[0].description = "d".repeat(MAX_PARAMETER_DESCRIPTION + 1);
    const path = `${GET}.parameters[0].description`;
    expectOneViolation(document, "parameter-description-length", path, '"limit" description');
  });

  test("reports a $ref parameter at its place in the list", () => {
    const document = validDocument();
    document.components.parameters = { limit: { name: "limit", in: "query", schema: { type: "integer" } } };
    document.paths["/notes"].get.parameters = [{ $ref: "#/components/parameters/limit" }];
    expectOneViolation(document, "parameter-ref", `${GET}.parameters[0]`, '"#/components/parameters/limit"');
  });

  test("reports a header parameter at its path", () => {
    const document = validDocument();
    document.paths["/notes"].get.parameters.push({ name: "Prefer", in: "header", schema: { type: "string" } });
    expectOneViolation(document, "parameter-location", `${GET}.parameters[1].in`, '"Prefer" is in "header"');
  });

  test("reports a cookie parameter at its path", () => {
    const document = validDocument();
    document.paths["/notes"].get.parameters.push({ name: "session", in: "cookie", schema: { type: "string" } });
    expectOneViolation(document, "parameter-location", `${GET}.parameters[1].in`, '"cookie"');
  });

  test("reports a parameter repeated within one operation at the repeat, naming the first", () => {
    const document = validDocument();
    document.paths["/notes"].get.parameters.push({ name: "limit", in: "query", schema: { type: "integer" } });
    const repeats = `"limit" in query repeats ${GET}.parameters[0]`;
    expectOneViolation(document, "duplicate-parameter", `${GET}.parameters[1]`, repeats);
  });

  test("reports an operation parameter that repeats a path-level one", () => {
    const document = validDocument();
    document.paths["/notes"].parameters = [{ name: "limit", in: "query", schema: { type: "integer" } }];
    expectOneViolation(document, "duplicate-parameter", `${GET}.parameters[0]`, "$.paths['/notes'].parameters[0]");
  });

  test("does not count the same name in another location as a duplicate", () => {
    const document = validDocument();
    document.paths["/notes/{limit}"] = {
      get: {
        operationId: "getByLimit",
        parameters: [
          { name: "limit", in: "path", required: true, schema: { type: "integer" } },
          { name: "limit", in: "query", schema: { type: "integer" } },
        ],
        responses: { "200": { description: "ok" } },
      },
    };
    expect(checkImporterRules(document)).toEqual([]);
  });
});

describe("checkImporterRules on schemas", () => {
  test("reports an object without properties nested in an items", () => {
    const document = validDocument();
    document.components.schemas.note.properties.tags.items = { type: "object" };
    expectOneViolation(document, "object-properties", `${NOTE}.properties.tags.items`, 'type "object"');
  });

  test("reports an object without properties in a request body", () => {
    const document = validDocument();
    document.paths["/notes"].post.requestBody.content["application/json"].schema = { type: "object" };
    expectOneViolation(
      document,
      "object-properties",
      "$.paths['/notes'].post.requestBody.content['application/json'].schema",
      'type "object"',
    );
  });

  test("reports an empty enum", () => {
    const document = validDocument();
    document.components.schemas.note.properties.title.enum = [];
    expectOneViolation(document, "empty-enum", `${NOTE}.properties.title.enum`, "enum []");
  });

  test("reports anyOf", () => {
    const document = validDocument();
    document.components.schemas.note.properties.id = { anyOf: [{ type: "integer" }, { type: "string" }] };
    expectOneViolation(document, "schema-composition", `${NOTE}.properties.id.anyOf`, "anyOf");
  });

  test("reports a type array in a parameter's schema", () => {
    const document = validDocument();
    document.paths["/notes"].get.parameters[0].schema = { type: ["integer", "null"] };
    expectOneViolation(document, "schema-composition", `${GET}.parameters[0].schema.type`, '["integer","null"]');
  });

  test("reports patternProperties", () => {
    const document = validDocument();
    document.components.schemas.note.patternProperties = { "^x-": { type: "string" } };
    expectOneViolation(document, "schema-composition", `${NOTE}.patternProperties`, "patternProperties");
  });

  test("reports empty items", () => {
    const document = validDocument();
    document.components.schemas.note.properties.tags.items = {};
    expectOneViolation(document, "schema-composition", `${NOTE}.properties.tags.items`, "items {}");
  });

  test("reports a circular ref chain A -> B -> A at the ref that closes it", () => {
    const document = validDocument();
    document.components.schemas.a = { type: "object", properties: { b: { $ref: "#/components/schemas/b" } } };
    document.components.schemas.b = {
      type: "object",
      properties: { all: { type: "array", items: { $ref: "#/components/schemas/a" } } },
    };
    expectOneViolation(document, "circular-ref", "$.components.schemas.b.properties.all.items['$ref']", "a -> b -> a");
  });

  test("reports a schema that refers to itself", () => {
    const document = validDocument();
    document.components.schemas.note.properties.parent = { $ref: "#/components/schemas/note" };
    expectOneViolation(document, "circular-ref", `${NOTE}.properties.parent['$ref']`, "note -> note");
  });

  test("reports an unresolved $ref, naming the missing schema", () => {
    const document = validDocument();
    document.paths["/notes"].get.responses["200"].content["application/json"].schema.items.$ref =
      "#/components/schemas/notes";
    expectOneViolation(
      document,
      "unresolved-ref",
      `${GET}.responses['200'].content['application/json'].schema.items['$ref']`,
      '$.components.schemas has no "notes"',
    );
  });

  test("does not resolve a $ref to an inherited name such as constructor", () => {
    const document = validDocument();
    document.components.schemas.note.properties.id = { $ref: "#/components/schemas/constructor" };
    expectOneViolation(document, "unresolved-ref", `${NOTE}.properties.id['$ref']`, '"constructor"');
  });

  test("ignores schema-like keys inside examples", () => {
    const document = validDocument();
    document.components.schemas.note.example = { tags: { type: "object", enum: [] } };
    document.components.examples = { odd: { value: { schema: { anyOf: [] } } } };
    expect(checkImporterRules(document)).toEqual([]);
  });
});

describe("checkImporterRules on security", () => {
  test("reports two security schemes", () => {
    const document = validDocument();
    document.components.securitySchemes.apiKey = { type: "apiKey", in: "header", name: "X-Api-Key" };
    expectOneViolation(document, "security-schemes", "$.components.securitySchemes", '"bearer", "apiKey"');
  });

  test("reports a security requirement naming a scheme that does not exist", () => {
    const document = validDocument();
    document.paths["/notes"].post.security = [{ oauth: [] }];
    expectOneViolation(document, "security-schemes", "$.paths['/notes'].post.security[0].oauth", '"oauth"');
  });
});

describe("formatJsonPath", () => {
  test("uses dots for identifiers, quoted brackets for other keys and [n] for indexes", () => {
    expect(formatJsonPath(["paths", "/it's", "get", "parameters", 0, "$ref"])).toBe(
      "$.paths['/it\\'s'].get.parameters[0]['$ref']",
    );
    expect(formatJsonPath([])).toBe("$");
  });
});

describe("checkOpenApiStructure", () => {
  test("reports paths given as an array", async () => {
    const result = await checkOpenApiStructure({ ...validDocument(), paths: [] });
    expect(result).toEqual({ valid: false, errors: ["/paths  must be object"] });
  });

  test("reports a missing info", async () => {
    const { info: _, ...document } = validDocument();
    const result = await checkOpenApiStructure(document);
    expect(result.valid).toBe(false);
    expect(result.errors).toContain("/  must have required property 'info'");
  });

  test("reports a $ref that resolves to nothing", async () => {
    const document = validDocument();
    document.paths["/notes"].post.requestBody.content["application/json"].schema.$ref = "#/components/schemas/gone";
    expect(await checkOpenApiStructure(document)).toEqual({
      valid: false,
      errors: ["/  Can't resolve #/components/schemas/gone"],
    });
  });

  test("refuses non-objects without reading a string as a file name", async () => {
    expect(await checkOpenApiStructure(null)).toEqual({
      valid: false,
      errors: ["/  the document is null, not an object"],
    });
    // The library would read "package.json" from disk and validate that; here it is just a string.
    expect(await checkOpenApiStructure("package.json")).toEqual({
      valid: false,
      errors: ["/  the document is a string, not an object"],
    });
  });
});

/** The valid document with `count` GET operations instead of its own. */
function withOperations(count: number): Document {
  const document = validDocument();
  document.paths = Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `/things${i}`,
      { get: { operationId: `getThing${i}`, responses: { "200": { description: "ok" } } } },
    ]),
  );
  return document;
}
