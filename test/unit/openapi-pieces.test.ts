// The generator's pure pieces, each on its inputs alone: names, defaults, text limits, type mapping, the choice.
import { describe, expect, test } from "vitest";
import type { Candidate } from "../../lib/openapi/candidate.js";
import type { PgType } from "../../lib/openapi/catalog.js";
import { literalDefault } from "../../lib/openapi/defaults.js";
import { rpcOperationId, singular, tableOperationId, uniqueIds } from "../../lib/openapi/naming.js";
import { typeSchema } from "../../lib/openapi/json-schema.js";
import { selectOperations } from "../../lib/openapi/select-operations.js";
import { fitText, splitComment } from "../../lib/openapi/text-limits.js";

describe("operation ids", () => {
  test.each([
    ["notes", "note"], ["categories", "category"], ["addresses", "address"], ["boxes", "box"],
    ["statuses", "status"], ["status", "status"], ["analysis", "analysis"], ["person", "person"],
  ])("the singular of %s is %s", (plural, one) => expect(singular(plural)).toBe(one));

  test("tables read as verbs on the name, functions as rpc_<name>, all in [A-Za-z0-9_]", () => {
    expect(tableOperationId("list", "notes")).toBe("listNotes");
    expect(tableOperationId("create", "order_items")).toBe("createOrderItem");
    expect(tableOperationId("delete", "Weird-Name s")).toBe("deleteWeirdName");
    expect(tableOperationId("list", "ü")).toBe("listfc");
    expect(rpcOperationId("search_notes", false)).toBe("rpc_search_notes");
    expect(rpcOperationId("search-notes", true)).toBe("rpc_search_notes_post");
  });

  test("clashing ids keep the first and number the rest", () => {
    expect(uniqueIds(["createNote", "createNote", "listNotes", "createNote"])).toEqual(["createNote", "createNote_2", "listNotes", "createNote_3"]);
  });
});

describe("defaults and text", () => {
  test.each([
    ["'draft'::text", { type: "string" }, "draft"],
    ["'it''s'::character varying", { type: "string" }, "it's"],
    ["42", { type: "integer" }, 42],
    ["'-1'::integer", { type: "integer" }, -1],
    ["42.2", { type: "number" }, 42.2],
    ["false", { type: "boolean" }, false],
    ["now()", { type: "string", format: "date-time" }, undefined],
    ["nextval('s'::regclass)", { type: "integer" }, undefined],
    ["'{}'::text[]", { type: "array" }, undefined],
  ] as const)("the default %s is %j", (expression, schema, value) => {
    expect(literalDefault(expression, schema)).toEqual(value);
  });

  test("text over a limit is cut at a word and marked; comments split into summary and description", () => {
    const cut = fitText("word ".repeat(100), 300);
    expect(cut.length).toBeLessThanOrEqual(300);
    expect(cut.endsWith("word…")).toBe(true);
    expect(fitText("short", 300)).toBe("short");
    expect(splitComment("Title\nmore\nlines")).toEqual({ summary: "Title", description: "more\nlines" });
    expect(splitComment("  ")).toEqual({});
  });
});

describe("type mapping", () => {
  const types = new Map<number, PgType>([
    [1, { oid: 1, name: "integer", kind: "b", category: "N" }],
    [2, { oid: 2, name: "integer[]", kind: "b", category: "A", element: 1 }],
    [3, { oid: 3, name: "api.positive", kind: "d", category: "N", base: 1, comment: "Above zero." }],
    [4, { oid: 4, name: "api.empty", kind: "e", category: "E", enumLabels: [] }],
    [5, { oid: 5, name: "tsvector", kind: "b", category: "U" }],
    [6, { oid: 6, name: "jsonb", kind: "b", category: "U" }],
  ]);

  test("arrays, domains, empty enums, unknown and json types", () => {
    expect(typeSchema(2, types)).toEqual({ type: "array", items: { type: "integer", format: "int32" } });
    expect(typeSchema(3, types)).toEqual({ type: "integer", format: "int32" });
    expect(typeSchema(4, types)).toEqual({ type: "string", format: "api.empty" });
    expect(typeSchema(5, types)).toEqual({ type: "string", format: "tsvector" });
    expect(typeSchema(6, types)).toEqual({ type: "object", properties: {} });
    expect(typeSchema(99, types)).toEqual({ type: "string" });
  });
});

describe("the choice of operations", () => {
  const op = (method: Candidate["method"], name: string, tier: number, write = tier > 0, kind: "table" | "function" = "table"): Candidate => ({
    method,
    path: kind === "table" ? `/${name}` : `/rpc/${name}`,
    object: { kind, schema: "api", name },
    tier,
    write,
    refs: [],
    operation: { operationId: `${method}_${name}`, summary: name, responses: {}, "x-openai-isConsequential": write },
  });
  const all = [op("delete", "a", 3), op("get", "b", 0), op("post", "a", 1), op("get", "a", 0), op("post", "f", 0, true, "function")];
  const chosen = (options: Parameters<typeof selectOperations>[1]) => selectOperations(all, options).chosen.map((c) => `${c.method} ${c.path}`);

  test("by tier, then by path: reads and functions before creates before deletes", () => {
    expect(chosen({ limit: 4 })).toEqual(["get /a", "get /b", "post /rpc/f", "post /a"]);
  });

  test("the same input always gives the same choice, whatever its order", () => {
    expect(selectOperations([...all].reverse(), { limit: 3 }).chosen).toEqual(selectOperations(all, { limit: 3 }).chosen);
  });

  test("include order comes before path order within a tier", () => {
    expect(chosen({ include: ["b", "a"], limit: 2 })).toEqual(["get /b", "get /a"]);
  });

  test("read-only mode drops writes, volatile functions included", () => {
    expect(chosen({ readOnly: true })).toEqual(["get /a", "get /b"]);
  });
});
