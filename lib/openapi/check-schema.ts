// `npm run check-schema -- <file or URL>`: would GPT Builder's importer take this OpenAPI document as it is?
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { checkImporterRules, countOperations } from "./importer-rules.js";
import { kindOf } from "./importer-violation.js";
import { isJsonObject, own } from "./json-path.js";
import { checkOpenApiStructure } from "./openapi-validity.js";

export const USAGE = `usage: npm run check-schema -- <file or URL>

Checks an OpenAPI document (JSON or YAML; a local file or an http(s) URL) against the OpenAPI 3.1 JSON Schema
and GPT Builder's importer rules, printing one line per problem: <rule>  <path>  <message>.
exit code: 0 ready to import, 1 problems found, 2 could not read or parse the document`;

export const FETCH_TIMEOUT_MS = 10_000;

export interface CliOutput {
  stdout(line: string): void;
  stderr(line: string): void;
}

/** Why the document could not be checked at all (exit code 2); the message names the file or URL. */
class SourceError extends Error {}

/** Runs the check; returns the exit code (0 ok, 1 problems, 2 usage or unreadable document). Never throws. */
export async function runCheckSchema(args: readonly string[], cwd: string, out: CliOutput): Promise<number> {
  const [source, ...rest] = args;
  if (source === "--help" || source === "-h") {
    out.stdout(USAGE);
    return 0;
  }
  if (source === undefined || rest.length > 0 || source.startsWith("-")) {
    const problem = source === undefined ? "missing file or URL" : `unexpected arguments: ${args.join(" ")}`;
    out.stderr(`check-schema: ${problem}`);
    out.stderr(USAGE);
    return 2;
  }

  let document: Record<string, unknown>;
  try {
    document = parseDocument(await readSource(source, cwd), source);
  } catch (error) {
    const reason = error instanceof SourceError ? error.message : `cannot check ${source}: ${describe(error)}`;
    out.stderr(`check-schema: ${reason}`);
    return 2;
  }

  const structure = await checkOpenApiStructure(document);
  const lines = [
    ...structure.errors.map((error) => `openapi-3.1  ${error}`),
    ...checkImporterRules(document).map(({ rule, path, message }) => `${rule}  ${path}  ${message}`),
  ];
  for (const line of lines) out.stdout(line);
  if (lines.length > 0) {
    out.stdout(`${lines.length} ${lines.length === 1 ? "problem" : "problems"}`);
    return 1;
  }
  // No problems means the info rule passed: title and version are non-empty strings.
  const info = own(document, "info") as Record<string, unknown>;
  const operations = countOperations(document);
  const counted = `${operations} ${operations === 1 ? "operation" : "operations"}`;
  out.stdout(`OK: ${String(info.title)} ${String(info.version)}, ${counted}, ready for GPT Builder's importer`);
  return 0;
}

async function readSource(source: string, cwd: string): Promise<string> {
  if (/^https?:\/\//i.test(source)) return fetchSource(source);
  try {
    return await readFile(resolve(cwd, source), "utf8");
  } catch (error) {
    throw new SourceError(`cannot read ${source}: ${describe(error)}`);
  }
}

async function fetchSource(url: string): Promise<string> {
  try {
    // The timeout covers the body as well: a server that stalls mid-document fails here too.
    const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) {
      const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
      throw new SourceError(`cannot fetch ${url}: HTTP ${status}`);
    }
    return await response.text();
  } catch (error) {
    if (error instanceof SourceError) throw error;
    throw new SourceError(`cannot fetch ${url}: ${describe(error)}`);
  }
}

function parseDocument(text: string, source: string): Record<string, unknown> {
  const content = text.replace(/^\uFEFF/, "");
  if (content.trim() === "") throw new SourceError(`${source} is empty`);
  let document: unknown;
  try {
    document = JSON.parse(content);
  } catch (jsonError) {
    try {
      document = parseYaml(content);
    } catch (yamlError) {
      // Most JSON is also YAML, so a broken JSON document is best explained by the JSON parser.
      const asJson = /^\s*[{[]/.test(content);
      const reason = describe(asJson ? jsonError : yamlError);
      throw new SourceError(`cannot parse ${source} as ${asJson ? "JSON" : "YAML"}: ${reason}`);
    }
  }
  if (!isJsonObject(document)) {
    throw new SourceError(`${source} holds ${kindOf(document)}, not an OpenAPI document`);
  }
  return document;
}

const FILE_ERRORS: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EISDIR: "it is a directory",
};

/** One line, no stack: file system codes in words, fetch's underlying network error, a parser's first line. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && Object.hasOwn(FILE_ERRORS, code)) return FILE_ERRORS[code];
  if (error.name === "TimeoutError") return `no answer within ${FETCH_TIMEOUT_MS / 1000} s`;
  // fetch rejects with "fetch failed"; the cause says what failed (refused, DNS, TLS).
  if (error.cause instanceof Error) return describe(error.cause);
  return (error.message.split("\n")[0] ?? "").replace(/:\s*$/, "").trim() || error.name;
}
