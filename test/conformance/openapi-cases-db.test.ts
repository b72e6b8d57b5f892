// Cross-checks the generator against PostgREST v16's own document, recorded in the openapi cases: on the fixture
// database, which paths and verbs a role is shown, and the title and description taken from the schema comment.
// PostgREST answers in Swagger 2.0 and we in OpenAPI 3.1, so only those facts are compared; every other assertion
// is about the Swagger shape, and each case with nothing comparable is listed below with the reason.
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { authenticate } from "../../lib/postgrest/index.js";
import { buildOpenApiDocument, checkOpenApiStructure, readCatalog, type OpenApiDocument } from "../../lib/openapi/index.js";
import { createConformanceDatabase, type ConformanceDatabase } from "../support/conformance-db.js";
import { authorizationHeader, CONFORMANCE_DIR, loadCases, serverConfig, type ConformanceCase } from "./load-cases.js";

const NOTHING_COMPARABLE: Record<number, string> = {
  1650: "media type of PostgREST's root endpoint (our document is served by the companion)",
  1651: "media type of PostgREST's root endpoint",
  1652: "406 for the openapi media type off the root",
  1653: "406 for text/csv at the root",
  1655: "Swagger externalDocs",
  1659: "Swagger column notes (<pk/> markers)",
  1660: "Swagger column notes (<fk/> markers)",
  1664: "Swagger definitions of a view",
  1665: "Swagger type formats (ours: test/db/openapi-generator.test.ts)",
  1666: "Swagger type formats",
  1667: "Swagger type formats",
  1668: "Swagger enum definition",
  1669: "Swagger defaults (ours: test/db/openapi-generator.test.ts)",
  1679: "Swagger securityDefinitions",
  1681: "HEAD at PostgREST's root endpoint",
  1686: "Swagger Prefer header parameter, which GPT Builder cannot send",
  1687: "PostgREST's own root path item: our document does not spend one of 30 operations on itself",
  1688: "Swagger produces/consumes",
};

/** Cases run on a PostgREST configured in ways this kit never configures it. */
const NOT_REPRODUCED: Record<number, string> = {
  1677: "openapi-mode ignore-privileges: the kit always follows privileges",
  1678: "openapi-mode disabled",
  1680: "openapi-security-active",
  1682: "db-root-spec replaces the generated document",
};

interface Fact {
  readonly what: string;
  readonly check: (doc: OpenApiDocument) => void;
}

const PATH_ASSERTION = /^\$\.paths\['([^']+)'\](?:\.(get|post|patch|delete))?(.*)$/;

/** The assertions of a case that our document can be held to. */
function comparableFacts(c: ConformanceCase): Fact[] {
  const facts: Fact[] = [];
  for (const a of c.expect.body_jsonpath ?? []) {
    const path = String(a.path);
    const m = PATH_ASSERTION.exec(path);
    // Absence deeper than the verb (a missing description) is about the Swagger shape, not about what is shown.
    if (m && m[1] !== "/" && !(a.absent === true && m[3])) {
      const [, route, method] = m;
      const present = a.absent !== true;
      // `$.paths['/x'].get.tags[0] equals ...` also says GET /x is there.
      facts.push({
        what: `${method?.toUpperCase() ?? "any method of"} ${route} is ${present ? "shown" : "not shown"}`,
        check: (doc) => {
          const item = doc.paths[route!];
          expect(method ? item?.[method as "get"] !== undefined : item !== undefined).toBe(present);
        },
      });
    } else if (path === "$.info.title" || path === "$.info.description") {
      const key = path.slice("$.info.".length) as "title" | "description";
      facts.push({ what: `info.${key}`, check: (doc) => expect(doc.info[key]).toBe(a.equals) });
    }
  }
  return facts;
}

const cases = loadCases("openapi/").filter((c) => c.request.path === "/");
const comparable = cases.filter((c) => !(c.id in NOTHING_COMPARABLE) && !(c.id in NOT_REPRODUCED));

let db: ConformanceDatabase;
beforeAll(async () => {
  db = await createConformanceDatabase(inject("databaseUrl"), new URL("fixtures/", CONFORMANCE_DIR));
});
afterAll(() => db?.drop());

/** What PostgREST's auth instance (HARNESS.md §2.2) would show this request: the anon role or the token's. */
async function documentFor(c: ConformanceCase): Promise<OpenApiDocument> {
  const auth = await authenticate(await authorizationHeader(c), serverConfig(c));
  if (!auth.ok) throw new Error(`case ${c.id}: the token was refused: ${auth.error.message}`);
  // §2.5: case 1654 runs with db-schemas = openapi_no_comment; the others on the default schema, test.
  const schemas = c.id === 1654 ? ["openapi_no_comment"] : ["test"];
  const catalog = await readCatalog(db.authenticator, { role: auth.role, schemas });
  return buildOpenApiDocument(catalog, { serverUrl: "https://api.example.com", auth: "none", selection: { limit: Number.POSITIVE_INFINITY } });
}

describe("PostgREST v16's openapi cases, where the documents can be compared", () => {
  test("every case either yields facts to compare or is listed with the reason it cannot", () => {
    for (const c of cases.filter((c) => !(c.id in NOT_REPRODUCED))) {
      expect(comparableFacts(c).length > 0, `case ${c.id}`).toBe(!(c.id in NOTHING_COMPARABLE));
    }
  });

  test.each(comparable.map((c) => [c.id, c.file, c] as const))("case %i (%s)", async (_id, _file, c) => {
    const doc = await documentFor(c);
    // Every operation is kept here (more than GPT Builder's 30), so only the OpenAPI 3.1 validator applies.
    expect(await checkOpenApiStructure(doc)).toEqual({ valid: true, errors: [] });
    for (const fact of comparableFacts(c)) {
      try {
        fact.check(doc);
      } catch (error) {
        throw new Error(`case ${c.id}: ${fact.what}: ${(error as Error).message}`);
      }
    }
  });
});
