// GET /openapi.json: the document for whoever asks. No token: the anon role's view, declaring no authentication.
// A Bearer token: checked exactly as PostgREST checks it (same errors), then that role's view. `?view=<key>`: the
// authenticated role's view, for GPT Builder's "Import from URL", which cannot send a token. The catalog is read
// inside a PostgREST-style transaction as that role, so a token naming a role the authenticator cannot become
// fails here as it would at PostgREST.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type pg from "pg";
import { runRequest } from "../lib/db/index.js";
import { buildOpenApiDocument } from "../lib/openapi/build-document.js";
import { catalogFromRow, catalogQuery } from "../lib/openapi/catalog.js";
import { authenticate, type PostgrestError } from "../lib/postgrest/index.js";
import type { CompanionConfig } from "./config.js";
import type { CachedDocument, DocumentCache } from "./document-cache.js";
import { sendJson } from "./respond.js";

interface Viewer {
  readonly role: string;
  readonly anonymous: boolean;
  readonly claims: Readonly<Record<string, unknown>>;
}

class RequestRefused extends Error {
  constructor(readonly error: PostgrestError) {
    super(error.message);
  }
}

const sameKey = (given: string, expected: string) => {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
};

async function viewerOf(req: IncomingMessage, url: URL, config: CompanionConfig): Promise<Viewer | PostgrestError> {
  const view = url.searchParams.get("view");
  if (view !== null) {
    if (!config.viewKey || !sameKey(view, config.viewKey)) {
      return { status: 403, code: "PGPT403", message: "The view key is not valid for this stack", details: null, hint: "Use the openApiUrl the stack outputs" };
    }
    return { role: config.authenticatedRole, anonymous: false, claims: { role: config.authenticatedRole } };
  }
  const auth = await authenticate(req.headers.authorization, config.auth);
  if (!auth.ok) return auth.error;
  return { role: auth.role, anonymous: auth.anonymous, claims: auth.claims };
}

export interface OpenApiRouteDeps {
  readonly pool: pg.Pool;
  readonly config: CompanionConfig;
  readonly cache: DocumentCache;
  readonly log: (line: string) => void;
}

async function generate(deps: OpenApiRouteDeps, viewer: Viewer): Promise<CachedDocument> {
  const { pool, config } = deps;
  const scope = { role: viewer.role, schemas: config.schemas };
  const client = await pool.connect();
  try {
    const ctx = { role: viewer.role, claims: viewer.claims, anonymous: viewer.anonymous, method: "GET", path: "/openapi.json", schemas: config.schemas };
    const outcome = await runRequest(client, ctx, catalogQuery(scope));
    if (!outcome.ok) throw new RequestRefused(outcome.error);
    const document = buildOpenApiDocument(catalogFromRow(outcome.result.rows[0], scope), {
      serverUrl: config.apiUrl,
      auth: viewer.anonymous ? "none" : "bearer",
      ...(config.maxRows !== undefined ? { maxRows: config.maxRows } : {}),
      selection: config.selection,
    });
    const body = JSON.stringify(document, null, 2);
    return { body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"` };
  } finally {
    client.release();
  }
}

export async function serveOpenApi(req: IncomingMessage, res: ServerResponse, url: URL, deps: OpenApiRouteDeps): Promise<void> {
  const viewer = await viewerOf(req, url, deps.config);
  if (!("role" in viewer)) return sendError(res, viewer);
  let doc: CachedDocument;
  try {
    doc = await deps.cache.get(`${viewer.role}\u0000${viewer.anonymous}`, () => generate(deps, viewer));
  } catch (error) {
    if (error instanceof RequestRefused) return sendError(res, error.error);
    deps.log(`openapi.json: cannot read the catalog: ${(error as Error).message}`);
    return sendJson(res, 503, { message: "The database is not reachable; try again in a moment." });
  }
  const headers = {
    "Content-Type": "application/json; charset=utf-8",
    // Each role sees its own document: shared caches must key on the token, and revalidate after a migration.
    "Cache-Control": "private, no-cache",
    Vary: "Authorization",
    ETag: doc.etag,
  };
  if (req.headers["if-none-match"] === doc.etag) {
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(200, { ...headers, "Content-Length": Buffer.byteLength(doc.body) });
  res.end(req.method === "HEAD" ? undefined : doc.body);
}

function sendError(res: ServerResponse, error: PostgrestError): void {
  const { status, wwwAuthenticate, ...body } = error;
  sendJson(res, status, body, wwwAuthenticate ? { "WWW-Authenticate": wwwAuthenticate } : {});
}
