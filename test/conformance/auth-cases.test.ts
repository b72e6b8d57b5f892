// Ties lib/postgrest to what real PostgREST v16 answered in the recorded `auth/*` cases. A case whose recorded
// body is a PGRST3xx error was decided before the database and must be reproduced exactly; every other case got
// past authentication, so it must be accepted, as the role PostgREST would have switched to.
import { expect, test } from "vitest";
import { authenticate, type PostgrestError } from "../../lib/postgrest/index.js";
import {
  authorizationHeader,
  headerValue,
  literalAuthorization,
  loadCases,
  serverConfig,
  type ConformanceCase,
} from "./load-cases.js";

const cases = loadCases("auth/");

test("the recorded auth cases are there to check against", () => {
  expect(cases.length).toBeGreaterThan(0);
});

for (const c of cases) {
  const title = `${c.id} ${c.feature}`;
  const recorded = recordedJwtError(c);
  if (recorded) {
    test(`${title}: rejected with ${recorded.code} before the database`, async () => {
      const result = await authenticate(await authorizationHeader(c), serverConfig(c));
      if (result.ok) expect.fail(`accepted as ${result.role}, PostgREST answered ${recorded.code}`);
      const { status, code, message, details, hint } = result.error;
      expect(status).toBe(c.expect.status);
      expect({ code, message, details, hint }).toEqual(recorded);
      const challenge = headerValue(c.expect.headers, "www-authenticate");
      if (challenge !== undefined) expect(result.error.wwwAuthenticate).toBe(challenge);
    });
  } else {
    const expected = roleNamedByCase(c);
    test(`${title}: accepted as ${expected.role ?? "?"}, outcome decided in the database`, async () => {
      if (expected.error) throw expected.error;
      const result = await authenticate(await authorizationHeader(c), serverConfig(c));
      if (!result.ok) expect.fail(`rejected with ${result.error.code} "${result.error.message}"`);
      expect(result.role).toBe(expected.role);
      expect(result.claims.role).toBe(expected.role);
      // PostgREST answers a permission error with 401 for db-anon-role and 403 for anyone else.
      if (recordedBody(c)?.code === "42501") expect(result.anonymous).toBe(c.expect.status === 401);
    });
  }
}

type ErrorBody = Pick<PostgrestError, "code" | "message" | "details" | "hint">;

function recordedBody(c: ConformanceCase): Record<string, unknown> | undefined {
  const body = c.expect.body_exact ?? c.expect.body_json;
  return isRecord(body) ? body : undefined;
}

function recordedJwtError(c: ConformanceCase): ErrorBody | undefined {
  const body = recordedBody(c);
  if (typeof body?.code !== "string" || !/^PGRST3\d\d$/.test(body.code)) return undefined;
  return body as ErrorBody;
}

/**
 * The role PostgREST switches to, read independently of lib/postgrest: the claims the case sends, walked along
 * its role claim key (plain member, quoted member and index steps only), else db-anon-role.
 */
function roleNamedByCase(c: ConformanceCase): { role?: string; error?: Error } {
  const config = serverConfig(c);
  const path = config.jwtRoleClaimKey ?? "$.role";
  const steps = [...path.slice(1).matchAll(/\.([A-Za-z_]\w*)|\["([^"\\]*)"\]|\[(\d+)\]/g)];
  if (!path.startsWith("$") || steps.map(([text]) => text).join("") !== path.slice(1)) {
    return { error: new Error(`case ${c.id}: the test cannot read role claim key ${path} on its own`) };
  }
  let node = claimsSent(c);
  for (const [, name, quotedName, index] of steps) {
    const member = name ?? quotedName;
    if (member !== undefined) node = isRecord(node) ? node[member] : undefined;
    else node = Array.isArray(node) ? node[Number(index)] : undefined;
  }
  const role = typeof node === "string" ? node : config.dbAnonRole;
  return role === undefined ? { error: new Error(`case ${c.id}: no role and no anonymous role`) } : { role };
}

function claimsSent(c: ConformanceCase): unknown {
  const literal = literalAuthorization(c);
  if (literal === undefined) return c.request.jwt?.payload ?? {};
  const payload = /^bearer\s+[^.]*\.([^.]*)\./i.exec(literal)?.[1];
  return payload === undefined ? {} : JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
