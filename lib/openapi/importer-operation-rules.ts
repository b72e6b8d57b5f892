// Operation-level importer rules: what makes GPT Builder skip an operation, drop a parameter or refuse the document.
import { formatJsonPath, isJsonObject, own, type JsonObject, type PathSegment } from "./json-path.js";
import { IMPORTER, quote, type Report } from "./importer-violation.js";

export const MAX_OPERATIONS = 30;
export const MAX_SUMMARY = 300;
export const MAX_PARAMETER_DESCRIPTION = 700;

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);
// ChatGPT names each tool `<domain>__<operationId>`, so the id must be a plain identifier.
const OPERATION_ID = /^[A-Za-z0-9_]+$/;
const UNSUPPORTED_LOCATIONS = new Set(["header", "cookie"]);

export interface Operation {
  readonly label: string; // "get /notes", for messages
  readonly at: readonly PathSegment[];
  readonly operation: JsonObject;
}

/** Every operation under `paths`, in document order. */
export function listOperations(document: JsonObject): Operation[] {
  const paths = own(document, "paths");
  if (!isJsonObject(paths)) return [];
  return Object.entries(paths).flatMap(([path, item]) =>
    isJsonObject(item)
      ? Object.entries(item)
          .filter(([method, operation]) => METHODS.has(method) && isJsonObject(operation))
          .map(([method, operation]) => ({
            label: `${method} ${path}`,
            at: ["paths", path, method],
            operation: operation as JsonObject,
          }))
      : [],
  );
}

export function checkOperations(document: JsonObject, report: Report): void {
  const operations = listOperations(document);
  if (operations.length > MAX_OPERATIONS) {
    report(
      "operation-count",
      ["paths"],
      `the document has ${operations.length} operations; ${IMPORTER} allows at most ${MAX_OPERATIONS}`,
    );
  }
  checkOperationIds(operations, report);
  for (const { at, operation } of operations) {
    for (const field of ["summary", "description"]) {
      const text = own(operation, field);
      const length = typeof text === "string" ? characters(text) : 0;
      if (length > MAX_SUMMARY) {
        report(
          "summary-length",
          [...at, field],
          `${field} ${quote(text)} is ${length} characters; ${IMPORTER} allows at most ${MAX_SUMMARY}`,
        );
      }
    }
  }
  checkParameters(document, report);
}

function checkOperationIds(operations: readonly Operation[], report: Report): void {
  const firstUse = new Map<string, Operation>();
  for (const entry of operations) {
    const id = own(entry.operation, "operationId");
    const at = [...entry.at, "operationId"];
    if (id === undefined) {
      report("operation-id", at, `${entry.label} has no operationId; ${IMPORTER} skips operations without one`);
      continue;
    }
    if (typeof id !== "string" || id === "") {
      report("operation-id", at, `operationId ${quote(id)} is not an identifier; ${IMPORTER} needs [A-Za-z0-9_]+`);
      continue;
    }
    if (!OPERATION_ID.test(id)) {
      report("operation-id", at, `operationId ${quote(id)} has characters outside [A-Za-z0-9_]`);
    }
    const first = firstUse.get(id);
    if (first) {
      report(
        "operation-id",
        at,
        `operationId ${quote(id)} is already used by ${first.label} at ${formatJsonPath(first.at)}; ` +
          `each operation needs its own`,
      );
    } else {
      firstUse.set(id, entry);
    }
  }
}

/** Path-item parameters are checked once; each operation's own list is checked against them as well. */
function checkParameters(document: JsonObject, report: Report): void {
  const paths = own(document, "paths");
  if (!isJsonObject(paths)) return;
  for (const [path, item] of Object.entries(paths)) {
    if (!isJsonObject(item)) continue;
    const shared = checkParameterList(own(item, "parameters"), ["paths", path, "parameters"], new Map(), report);
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method) || !isJsonObject(operation)) continue;
      checkParameterList(own(operation, "parameters"), ["paths", path, method, "parameters"], new Map(shared), report);
    }
  }
}

/** Returns `seen` with this list's parameters added: "in:name" -> where it first appeared. */
function checkParameterList(
  list: unknown,
  at: readonly PathSegment[],
  seen: Map<string, readonly PathSegment[]>,
  report: Report,
): Map<string, readonly PathSegment[]> {
  if (!Array.isArray(list)) return seen;
  list.forEach((parameter: unknown, index) => {
    if (!isJsonObject(parameter)) return;
    const here = [...at, index];
    const ref = own(parameter, "$ref");
    if (ref !== undefined) {
      report(
        "parameter-ref",
        here,
        `parameter $ref ${quote(ref)} is not resolved by ${IMPORTER}, which then skips the operation; ` +
          `write the parameter inline (components.parameters cannot be used)`,
      );
      return;
    }
    const name = own(parameter, "name");
    const location = own(parameter, "in");
    if (typeof location === "string" && UNSUPPORTED_LOCATIONS.has(location)) {
      report(
        "parameter-location",
        [...here, "in"],
        `parameter ${quote(name)} is in ${quote(location)}; ${IMPORTER} ignores header and cookie parameters ` +
          `(allowed: path, query)`,
      );
    }
    const description = own(parameter, "description");
    const length = typeof description === "string" ? characters(description) : 0;
    if (length > MAX_PARAMETER_DESCRIPTION) {
      report(
        "parameter-description-length",
        [...here, "description"],
        `parameter ${quote(name)} description ${quote(description)} is ${length} characters; ` +
          `${IMPORTER} allows at most ${MAX_PARAMETER_DESCRIPTION}`,
      );
    }
    if (typeof name !== "string" || typeof location !== "string") return;
    const key = `${location}:${name}`;
    const first = seen.get(key);
    if (first) {
      report(
        "duplicate-parameter",
        here,
        `parameter ${quote(name)} in ${location} repeats ${formatJsonPath(first)}; ` +
          `${IMPORTER} rejects duplicate parameters, path-level ones included`,
      );
    } else {
      seen.set(key, here);
    }
  });
  return seen;
}

// The importer's errors are pydantic's (Python), whose len() counts code points, not UTF-16 units.
function characters(text: string): number {
  return [...text].length;
}
