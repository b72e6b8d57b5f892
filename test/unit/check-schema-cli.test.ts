import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runCheckSchema } from "../../lib/openapi/check-schema.js";

const READY = "OK: Notes 1.0.0, 1 operation, ready for GPT Builder's importer";

function validDocument(): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: { title: "Notes", version: "1.0.0" },
    servers: [{ url: "https://api.example.com" }],
    paths: {
      "/notes": {
        get: {
          operationId: "listNotes",
          responses: {
            "200": {
              description: "The notes",
              content: {
                "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/note" } } },
              },
            },
          },
        },
      },
    },
    components: { schemas: { note: { type: "object", properties: { title: { type: "string" } } } } },
  };
}

const VALID_YAML = `openapi: 3.1.0
info:
  title: Notes
  version: "1.0.0"
servers:
  - url: https://api.example.com
paths:
  /notes:
    get:
      operationId: listNotes
      responses:
        "200":
          description: The notes
components:
  schemas: {}
`;

async function run(args: string[], cwd = dir) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exitCode = await runCheckSchema(args, cwd, {
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
  });
  return { exitCode, stdout, stderr };
}

let dir: string;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "check-schema-"));
  server = createServer((request, response) => {
    if (request.url === "/openapi.json") {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(validDocument()));
    } else {
      response.writeHead(404, { "content-type": "text/plain" }).end("not here");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe("check-schema", () => {
  test("a valid JSON file exits 0 with the OK line", async () => {
    const file = join(dir, "valid.json");
    await writeFile(file, JSON.stringify(validDocument(), null, 2));
    expect(await run([file])).toEqual({ exitCode: 0, stdout: [READY], stderr: [] });
  });

  test("reads a YAML file, and a relative path from the given directory", async () => {
    await writeFile(join(dir, "valid.yaml"), VALID_YAML);
    expect(await run(["valid.yaml"])).toEqual({ exitCode: 0, stdout: [READY], stderr: [] });
  });

  test("a broken document exits 1 with one line per problem, rule first, then the count", async () => {
    const document = validDocument();
    document.openapi = "3.0.3";
    document.servers = [{ url: "http://api.example.com" }];
    const file = join(dir, "broken.json");
    await writeFile(file, JSON.stringify(document));
    const result = await run([file]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toEqual([
      expect.stringMatching(/^openapi-version {2}\$\.openapi {2}openapi "3\.0\.3" is not accepted/),
      expect.stringMatching(/^servers {2}\$\.servers\[0\]\.url {2}server url "http:\/\/api\.example\.com" uses http/),
      "2 problems",
    ]);
  });

  test("prints structure errors as openapi-3.1 lines", async () => {
    const file = join(dir, "no-info.json");
    const { info: _, ...document } = validDocument();
    await writeFile(file, JSON.stringify(document));
    const result = await run([file]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("openapi-3.1  /  must have required property 'info'");
    expect(result.stdout).toContain(
      "info  $.info  info is missing; GPT Builder's importer needs an object with title and version",
    );
  });

  test("a missing file exits 2 with one stderr line naming the path", async () => {
    const file = join(dir, "absent.json");
    expect(await run([file])).toEqual({
      exitCode: 2,
      stdout: [],
      stderr: [`check-schema: cannot read ${file}: no such file`],
    });
  });

  test("a file that is neither JSON nor YAML exits 2 naming the file and the parser's complaint", async () => {
    const file = join(dir, "truncated.json");
    await writeFile(file, '{"openapi": "3.1.0",');
    const result = await run([file]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toHaveLength(1);
    expect(result.stderr[0]).toMatch(/^check-schema: cannot parse .*truncated\.json as JSON: \S/);
  });

  test("a YAML scalar is not an OpenAPI document: exit 2", async () => {
    const file = join(dir, "scalar.yaml");
    await writeFile(file, "just some text\n");
    expect(await run([file])).toEqual({
      exitCode: 2,
      stdout: [],
      stderr: [`check-schema: ${file} holds a string, not an OpenAPI document`],
    });
  });

  test("fetches a URL and checks what it serves", async () => {
    expect(await run([`${baseUrl}/openapi.json`])).toEqual({ exitCode: 0, stdout: [READY], stderr: [] });
  });

  test("a URL answering 404 exits 2 naming the URL and the status", async () => {
    const url = `${baseUrl}/missing.json`;
    expect(await run([url])).toEqual({
      exitCode: 2,
      stdout: [],
      stderr: [`check-schema: cannot fetch ${url}: HTTP 404 Not Found`],
    });
  });

  test("no argument exits 2 with the usage on stderr; --help exits 0 with it on stdout", async () => {
    const missing = await run([]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr[0]).toBe("check-schema: missing file or URL");
    expect(missing.stderr[1]).toMatch(/^usage: npm run check-schema -- <file or URL>/);
    expect(await run(["--help"])).toEqual({ exitCode: 0, stdout: [missing.stderr[1]], stderr: [] });
  });
});
