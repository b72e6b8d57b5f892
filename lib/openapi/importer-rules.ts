// GPT Builder's Actions schema importer silently skips or refuses what it cannot use. These rules say so up front,
// each at the JSONPath where the reader finds it. Operation and schema rules live in their own modules.
import { isIPv4 } from "node:net";
import { checkOperations, listOperations } from "./importer-operation-rules.js";
import { checkSchemas } from "./importer-schema-rules.js";
import { IMPORTER, kindOf, quote, type ImporterViolation, type Report } from "./importer-violation.js";
import {
  compareDocumentPositions,
  documentPosition,
  formatJsonPath,
  isJsonObject,
  own,
  type JsonObject,
  type PathSegment,
} from "./json-path.js";

export type { ImporterRule, ImporterViolation } from "./importer-violation.js";
export { MAX_OPERATIONS, MAX_PARAMETER_DESCRIPTION, MAX_SUMMARY } from "./importer-operation-rules.js";

// 3.0.x gets "Input should be '3.1.1' or '3.1.0'" from the importer.
const ACCEPTED_VERSIONS = ["3.1.0", "3.1.1"];
const SERVER_SHAPE = `${IMPORTER} needs exactly one https://host[/basepath] server`;

/** Every importer rule the document breaks, in document order. Never throws. */
export function checkImporterRules(document: unknown): ImporterViolation[] {
  if (!isJsonObject(document)) {
    const message = `the document is ${kindOf(document)}, not an OpenAPI object`;
    return [{ rule: "openapi-version", path: "$", message }];
  }
  const found: { rule: ImporterViolation["rule"]; at: readonly PathSegment[]; message: string }[] = [];
  const report: Report = (rule, at, message) => found.push({ rule, at: [...at], message });
  checkVersion(document, report);
  checkInfo(document, report);
  checkServers(document, report);
  checkOperations(document, report);
  checkComponents(document, report);
  checkSecurity(document, report);
  checkSchemas(document, report);
  // Rules run one after the other; sorting (stable for equal paths) puts each where the reader scrolls to it.
  return found
    .map((entry) => ({ entry, position: documentPosition(document, entry.at) }))
    .sort((a, b) => compareDocumentPositions(a.position, b.position))
    .map(({ entry }) => ({ rule: entry.rule, path: formatJsonPath(entry.at), message: entry.message }));
}

/** The operations the importer would see (for a summary line); 0 for anything but an object. */
export function countOperations(document: unknown): number {
  return isJsonObject(document) ? listOperations(document).length : 0;
}

function checkVersion(document: JsonObject, report: Report): void {
  const version = own(document, "openapi");
  if (typeof version === "string" && ACCEPTED_VERSIONS.includes(version)) return;
  const allowed = `${IMPORTER} accepts ${ACCEPTED_VERSIONS.map(quote).join(" or ")}`;
  const swagger = own(document, "swagger");
  if (version === undefined && swagger !== undefined) {
    report("openapi-version", ["openapi"], `the document is swagger ${quote(swagger)}, not OpenAPI 3.1; ${allowed}`);
  } else if (version === undefined) {
    report("openapi-version", ["openapi"], `openapi is missing; ${allowed}`);
  } else {
    report("openapi-version", ["openapi"], `openapi ${quote(version)} is not accepted; ${allowed}`);
  }
}

function checkInfo(document: JsonObject, report: Report): void {
  const info = own(document, "info");
  if (!isJsonObject(info)) {
    const problem = info === undefined ? "is missing" : `is ${kindOf(info)}`;
    report("info", ["info"], `info ${problem}; ${IMPORTER} needs an object with title and version`);
    return;
  }
  for (const field of ["title", "version"]) {
    const value = own(info, field);
    if (typeof value === "string" && value.trim() !== "") continue;
    const problem =
      value === undefined ? "is missing" : `${quote(value)} is ${typeof value === "string" ? "blank" : kindOf(value)}`;
    report("info", ["info", field], `info.${field} ${problem}; ${IMPORTER} needs a non-empty string`);
  }
}

function checkServers(document: JsonObject, report: Report): void {
  const servers = own(document, "servers");
  if (!Array.isArray(servers) || servers.length === 0) {
    const problem =
      servers === undefined ? "is missing" : Array.isArray(servers) ? "is empty" : `is ${kindOf(servers)}`;
    report("servers", ["servers"], `servers ${problem}; ${SERVER_SHAPE}`);
    return;
  }
  if (servers.length > 1) {
    report("servers", ["servers"], `servers has ${servers.length} entries; ${SERVER_SHAPE} and drops the others`);
  }
  const url = isJsonObject(servers[0]) ? own(servers[0], "url") : undefined;
  for (const problem of serverUrlProblems(url)) report("servers", ["servers", 0, "url"], problem);
}

/** The action calls this host from OpenAI's servers, over TLS with a publicly trusted certificate. */
function serverUrlProblems(url: unknown): string[] {
  if (typeof url !== "string") {
    return [`server url ${url === undefined ? "is missing" : `${quote(url)} is not a string`}; ${SERVER_SHAPE}`];
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [`server url ${quote(url)} is not an absolute URL; ${SERVER_SHAPE}`];
  }
  const problems: string[] = [];
  const shown = quote(url);
  if (parsed.protocol !== "https:") {
    problems.push(`server url ${shown} uses ${parsed.protocol.slice(0, -1)}; ${SERVER_SHAPE}`);
  }
  const port = explicitPort(url);
  if (port) problems.push(`server url ${shown} names port ${port}; ${SERVER_SHAPE}, on the default port`);
  const host = parsed.hostname;
  if (host === "localhost" || host.endsWith(".localhost")) {
    problems.push(`server url ${shown} points at localhost; ${IMPORTER} needs a public host name`);
  } else if (host.startsWith("[") || isIPv4(host)) {
    problems.push(`server url ${shown} has the IP address ${host} as host; ${IMPORTER} needs a domain name`);
  } else if (!host.includes(".")) {
    problems.push(`server url ${shown} has host ${quote(host)} without a dot; ${IMPORTER} needs a public domain name`);
  }
  if (parsed.search || parsed.hash) problems.push(`server url ${shown} has a query or fragment; ${SERVER_SHAPE}`);
  return problems;
}

// URL drops a scheme's default port (https://host:443 -> https://host), but the importer wants none written.
function explicitPort(url: string): string | undefined {
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(url)?.[1] ?? "";
  const hostAndPort = authority.slice(authority.lastIndexOf("@") + 1);
  const afterHost = hostAndPort.startsWith("[") ? hostAndPort.slice(hostAndPort.indexOf("]") + 1) : hostAndPort;
  return /:(\d+)$/.exec(afterHost)?.[1];
}

function checkComponents(document: JsonObject, report: Report): void {
  const components = own(document, "components");
  const schemas = isJsonObject(components) ? own(components, "schemas") : undefined;
  if (!isJsonObject(schemas)) {
    const problem = schemas === undefined ? "is missing" : `is ${kindOf(schemas)}`;
    const message = `components.schemas ${problem}; ${IMPORTER} needs an object, even {}`;
    report("components-schemas", ["components", "schemas"], message);
  }
}

/** One security scheme at most, and every security requirement names it. */
function checkSecurity(document: JsonObject, report: Report): void {
  const components = own(document, "components");
  const schemes = isJsonObject(components) ? own(components, "securitySchemes") : undefined;
  const defined = isJsonObject(schemes) ? Object.keys(schemes) : [];
  const names = defined.map(quote).join(", ");
  if (defined.length > 1) {
    report(
      "security-schemes",
      ["components", "securitySchemes"],
      `components.securitySchemes has ${defined.length} schemes (${names}); ${IMPORTER} supports one`,
    );
  }
  const requirementLists: { list: unknown; at: readonly PathSegment[] }[] = [
    { list: own(document, "security"), at: ["security"] },
    ...listOperations(document).map(({ operation, at }) => ({
      list: own(operation, "security"),
      at: [...at, "security"],
    })),
  ];
  for (const { list, at } of requirementLists) {
    if (!Array.isArray(list)) continue;
    list.forEach((requirement: unknown, index) => {
      if (!isJsonObject(requirement)) return;
      for (const name of Object.keys(requirement)) {
        if (defined.includes(name)) continue;
        report(
          "security-schemes",
          [...at, index, name],
          `security requirement names ${quote(name)}, which components.securitySchemes lacks ` +
            `(${defined.length > 0 ? `defined: ${names}` : "none defined"})`,
        );
      }
    });
  }
}
