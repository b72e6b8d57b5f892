// The whole OAuth flow as ChatGPT runs it, against the companion on a real database: authorize -> sign in -> code
// -> tokens -> the access token passes the core kit's PostgREST verifier and, in a PostgREST-style transaction,
// sees only its user's rows -> refresh -> the new token works. Both of GPT Builder's token exchange methods.
import * as client from "openid-client";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { addUser } from "../../companion/oauth/users.js";
import { JWT_ALGORITHMS } from "../../infra/keys/algorithms.js";
import { runRequest } from "../../lib/db/index.js";
import { decodeProtectedHeader } from "jose";
import { authenticate } from "../../lib/postgrest/index.js";
import { authorize, chatGptClient, type ExchangeMethod } from "../support/chatgpt.js";
import { createOAuthTestDatabase, type OAuthTestDatabase } from "../support/oauth-db.js";
import { API_URL, CALLBACK, migrateExampleApi, startOAuthStack, type OAuthStack } from "../support/oauth-stack.js";

let oauthDb: OAuthTestDatabase;
let stack: OAuthStack;
let authenticator: pg.Client;
const alice = { username: "alice@example.com", password: "correct horse battery staple" };
const bob = { username: "bob@example.com", password: "another long passphrase" };
const ids: Record<string, string> = {};

/** A read of api.notes exactly as PostgREST would run it for this bearer token. */
async function notesAs(accessToken: string, issuedBy: OAuthStack = stack) {
  const auth = await authenticate(`Bearer ${accessToken}`, issuedBy.auth);
  if (!auth.ok) throw new Error(`PostgREST would reject the token: ${auth.error.message}`);
  const result = await runRequest<{ title: string; owner: string }>(
    authenticator,
    { role: auth.role, claims: auth.claims, anonymous: auth.anonymous, method: "GET", path: "/notes", schemas: ["api"] },
    { text: "select title, owner from api.notes order by id" },
  );
  if (!result.ok) throw new Error(result.error.message);
  return result.result.rows;
}

beforeAll(async () => {
  oauthDb = await createOAuthTestDatabase();
  await migrateExampleApi(oauthDb);
  stack = await startOAuthStack(oauthDb);
  const owner = await oauthDb.db.connect(oauthDb.oauthUrl);
  for (const [name, person] of Object.entries({ alice, bob })) {
    ids[name] = await addUser(owner, { ...person, role: oauthDb.db.roles.authenticated, authenticator: oauthDb.db.roles.authenticator });
  }
  const superuser = await oauthDb.db.connect(oauthDb.db.superuserUrl);
  await superuser.query("insert into api.notes (owner, title) values ($1, 'alice 1'), ($1, 'alice 2'), ($2, 'bob 1')", [ids.alice, ids.bob]);
  authenticator = await oauthDb.db.connect(oauthDb.db.authenticatorUrl);
});
afterAll(async () => {
  await stack?.close();
  await oauthDb?.drop();
});

describe.each<ExchangeMethod>(["post", "basic"])("ChatGPT with token exchange method %s", (method) => {
  test("authorize, sign in, exchange the code: a PostgREST token for alice that sees only her rows, then refresh", async () => {
    const config = await chatGptClient(stack.issuer, stack.clientId, stack.clientSecret, method);
    const state = client.randomState();
    const { callback, page } = await authorize(config, { redirect_uri: CALLBACK, scope: "api", state }, alice);
    expect(page).toBeUndefined();
    expect(callback!.searchParams.get("error_description")).toBeNull();
    expect(callback!.origin + callback!.pathname).toBe(CALLBACK);
    expect(callback!.searchParams.get("state")).toBe(state);
    expect(callback!.searchParams.get("iss")).toBe(stack.issuer);

    const tokens = await client.authorizationCodeGrant(config, callback!, { expectedState: state });
    expect(tokens.token_type.toLowerCase()).toBe("bearer");
    expect(typeof tokens.expires_in).toBe("number");
    expect(tokens.expires_in).toBe(900);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.scope).toBe("api");

    const claims = JSON.parse(Buffer.from(tokens.access_token.split(".")[1]!, "base64url").toString());
    expect(claims).toMatchObject({ sub: ids.alice, role: oauthDb.db.roles.authenticated, aud: API_URL, scope: "api", client_id: stack.clientId, iss: stack.issuer });
    expect(claims.exp - claims.iat).toBe(900);
    expect(decodeProtectedHeader(tokens.access_token)).toEqual({ alg: "HS256", typ: "at+jwt" });

    expect(await notesAs(tokens.access_token)).toEqual([
      { title: "alice 1", owner: ids.alice },
      { title: "alice 2", owner: ids.alice },
    ]);

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(typeof refreshed.expires_in).toBe("number");
    expect((await notesAs(refreshed.access_token)).map((n) => n.title)).toEqual(["alice 1", "alice 2"]);
  });
});

test("bob signs in through the same GPT and sees only his row", async () => {
  const config = await chatGptClient(stack.issuer, stack.clientId, stack.clientSecret, "post");
  const state = client.randomState();
  const { callback } = await authorize(config, { redirect_uri: CALLBACK, scope: "api", state }, bob);
  const tokens = await client.authorizationCodeGrant(config, callback!, { expectedState: state });
  expect(await notesAs(tokens.access_token)).toEqual([{ title: "bob 1", owner: ids.bob }]);
});

test("the chat.openai.com form of a configured callback is registered too", async () => {
  const config = await chatGptClient(stack.issuer, stack.clientId, stack.clientSecret, "post");
  const legacy = CALLBACK.replace("https://chatgpt.com/", "https://chat.openai.com/");
  const state = client.randomState();
  const { callback } = await authorize(config, { redirect_uri: legacy, scope: "api", state }, alice);
  expect(callback!.href.startsWith(legacy)).toBe(true);
  const tokens = await client.authorizationCodeGrant(config, callback!, { expectedState: state });
  expect(tokens.access_token).toEqual(expect.any(String));
});

test("a retried refresh (the same refresh token twice) does not sign the person out", async () => {
  const config = await chatGptClient(stack.issuer, stack.clientId, stack.clientSecret, "post");
  const state = client.randomState();
  const { callback } = await authorize(config, { redirect_uri: CALLBACK, scope: "api", state }, alice);
  const tokens = await client.authorizationCodeGrant(config, callback!, { expectedState: state });
  const first = await client.refreshTokenGrant(config, tokens.refresh_token!);
  const retried = await client.refreshTokenGrant(config, tokens.refresh_token!);
  expect((await notesAs(retried.access_token)).length).toBe(2);
  const next = await client.refreshTokenGrant(config, first.refresh_token ?? tokens.refresh_token!);
  expect((await notesAs(next.access_token)).length).toBe(2);
});

describe("every signing algorithm the stack offers", () => {
  test.each(JWT_ALGORITHMS)("%s: the access token carries PostgREST's kid rule and passes its verifier", async (algorithm) => {
    const other = await startOAuthStack(oauthDb, { algorithm });
    try {
      const config = await chatGptClient(other.issuer, other.clientId, other.clientSecret, "basic");
      const state = client.randomState();
      const { callback } = await authorize(config, { redirect_uri: CALLBACK, scope: "api", state }, alice);
      const tokens = await client.authorizationCodeGrant(config, callback!, { expectedState: state });
      const header = decodeProtectedHeader(tokens.access_token);
      const secret = other.auth.jwtSecret ?? "";
      const trusted = JSON.parse(secret.startsWith("{") ? secret : "{}") as { keys?: { kid?: string }[] };
      expect(header.alg).toBe(algorithm);
      // A kid exactly when PostgREST's key has one: a plain HS256 secret with a kid in the token is a 401.
      expect(header.kid).toBe(trusted.keys?.[0]?.kid);
      expect((await notesAs(tokens.access_token, other)).map((n) => n.title)).toEqual(["alice 1", "alice 2"]);
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      expect((await notesAs(refreshed.access_token, other)).length).toBe(2);
    } finally {
      await other.close();
    }
  });
});
