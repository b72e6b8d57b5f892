// Everything the authorization server must refuse, each with the standard OAuth error (RFC 6749 5.2 / 4.1.2.1),
// and every forged or foreign token refused by the core kit's PostgREST verifier for PostgREST's reason.
import { SignJWT } from "jose";
import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { OAUTH_SCHEMA } from "../../companion/oauth/schema.js";
import { addUser, deleteUser, disableUser, enableUser } from "../../companion/oauth/users.js";
import { authorize, Browser, chatGptClient } from "../support/chatgpt.js";
import { createOAuthTestDatabase, type OAuthTestDatabase } from "../support/oauth-db.js";
import { API_URL, CALLBACK, startOAuthStack, type OAuthStack } from "../support/oauth-stack.js";
import { authenticate } from "../../lib/postgrest/index.js";
import type pg from "pg";

let oauthDb: OAuthTestDatabase;
let stack: OAuthStack;
let owner: pg.Client;
let config: client.Configuration;
const carol = { username: "carol@example.com", password: "carol's long passphrase" };

async function signedIn(params: Record<string, string> = {}) {
  const state = client.randomState();
  const { callback, page } = await authorize(config, { redirect_uri: CALLBACK, scope: "api", state, ...params }, carol);
  if (!callback) throw new Error(`no redirect: ${page?.status} ${page?.html}`);
  return { callback, state };
}

/** The raw token endpoint, for requests openid-client would refuse to send. */
async function tokenRequest(body: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${stack.issuer}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(body).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

const codeOf = (callback: URL) => callback.searchParams.get("code")!;
const withClient = (body: Record<string, string>) => ({ ...body, client_id: stack.clientId, client_secret: stack.clientSecret });

beforeAll(async () => {
  oauthDb = await createOAuthTestDatabase();
  stack = await startOAuthStack(oauthDb);
  owner = await oauthDb.db.connect(oauthDb.oauthUrl);
  await addUser(owner, { ...carol, role: oauthDb.db.roles.authenticated, authenticator: oauthDb.db.roles.authenticator });
  config = await chatGptClient(stack.issuer, stack.clientId, stack.clientSecret, "post");
});
afterAll(async () => {
  await stack?.close();
  await oauthDb?.drop();
});

describe("what the server offers", () => {
  test("discovery advertises only what works: the code flow, two client authentication methods, the api scope", async () => {
    const doc = (await (await fetch(`${stack.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      issuer: stack.issuer,
      authorization_endpoint: `${stack.issuer}/auth`,
      token_endpoint: `${stack.issuer}/token`,
      revocation_endpoint: `${stack.issuer}/token/revocation`,
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
      scopes_supported: ["api"],
      code_challenge_methods_supported: ["S256"],
      authorization_response_iss_parameter_supported: true,
    });
    for (const absent of ["end_session_endpoint", "pushed_authorization_request_endpoint", "userinfo_endpoint", "introspection_endpoint", "registration_endpoint", "device_authorization_endpoint", "dpop_signing_alg_values_supported"]) {
      expect(doc, absent).not.toHaveProperty(absent);
    }
  });

  test.each(["/session/end", "/request", "/me", "/token/introspection", "/reg", "/device/auth"])("%s is not served", async (path) => {
    const res = await fetch(`${stack.issuer}${path}`, { method: path === "/session/end" || path === "/me" ? "GET" : "POST" });
    expect(res.status).toBe(404);
  });

  test("an HMAC stack publishes no key at all", async () => {
    expect(await (await fetch(`${stack.issuer}/jwks`)).json()).toEqual({ keys: [] });
  });

  test("the client credentials and password grants are refused", async () => {
    for (const grant of ["client_credentials", "password"]) {
      const res = await tokenRequest(withClient({ grant_type: grant, username: carol.username, password: carol.password, scope: "api" }));
      expect(res, grant).toMatchObject({ status: 400, body: { error: "unsupported_grant_type" } });
    }
  });
});

describe("client authentication", () => {
  test("a wrong client secret in the POST body (Default) is invalid_client", async () => {
    const wrong = await chatGptClient(stack.issuer, stack.clientId, `${stack.clientSecret}x`, "post");
    const { callback, state } = await signedIn();
    await expect(client.authorizationCodeGrant(wrong, callback, { expectedState: state })).rejects.toMatchObject({ error: "invalid_client" });
  });

  test("a wrong client secret in a Basic authorization header is invalid_client with a Basic challenge", async () => {
    const { callback } = await signedIn();
    const basic = `Basic ${Buffer.from(`${stack.clientId}:${stack.clientSecret}x`).toString("base64")}`;
    const res = await fetch(`${stack.issuer}/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic },
      body: new URLSearchParams({ grant_type: "authorization_code", code: codeOf(callback), redirect_uri: CALLBACK }).toString(),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "invalid_client" });
    expect(res.headers.get("www-authenticate")).toMatch(/^Basic /);
  });

  test("a Basic header with client_id repeated in the body (as some clients send it) is accepted", async () => {
    const { callback } = await signedIn();
    const basic = `Basic ${Buffer.from(`${stack.clientId}:${stack.clientSecret}`).toString("base64")}`;
    const res = await tokenRequest({ grant_type: "authorization_code", code: codeOf(callback), redirect_uri: CALLBACK, client_id: stack.clientId }, { authorization: basic });
    expect(res.status).toBe(200);
    expect(res.body.access_token).toEqual(expect.any(String));
  });

  test("an unknown client id is invalid_client", async () => {
    const { callback } = await signedIn();
    const res = await tokenRequest({ grant_type: "authorization_code", code: codeOf(callback), redirect_uri: CALLBACK, client_id: "gpt-unknown-client", client_secret: stack.clientSecret });
    expect(res).toMatchObject({ status: 401, body: { error: "invalid_client" } });
  });

  test("the secret in both the body and a Basic header at once is invalid_request", async () => {
    const { callback } = await signedIn();
    const basic = `Basic ${Buffer.from(`${stack.clientId}:${stack.clientSecret}`).toString("base64")}`;
    const res = await tokenRequest(withClient({ grant_type: "authorization_code", code: codeOf(callback), redirect_uri: CALLBACK }), { authorization: basic });
    expect(res).toMatchObject({ status: 400, body: { error: "invalid_request" } });
  });
});

describe("redirect URIs", () => {
  test("an unregistered ChatGPT callback gets an error page naming the command that registers it, never a redirect", async () => {
    const other = "https://chatgpt.com/aip/g-ffffffffffffffffffffffffffffffff/oauth/callback";
    const { callback, page } = await authorize(config, { redirect_uri: other, scope: "api", state: "s" }, carol);
    expect(callback).toBeUndefined();
    expect(page!.status).toBe(400);
    expect(page!.html).toContain("invalid_redirect_uri");
    expect(page!.html).toContain(`npm run oauth -- callbacks add ${other}`);
  });

  test("a redirect URI elsewhere gets the error page without the registration hint", async () => {
    const { callback, page } = await authorize(config, { redirect_uri: "https://attacker.example/cb", scope: "api", state: "s" }, carol);
    expect(callback).toBeUndefined();
    expect(page!.status).toBe(400);
    expect(page!.html).toContain("invalid_redirect_uri");
    expect(page!.html).not.toContain("callbacks add");
  });

  test("a request without redirect_uri is refused even though the client has one", async () => {
    const url = client.buildAuthorizationUrl(config, { scope: "api", state: "s" });
    url.searchParams.delete("redirect_uri");
    const res = await new Browser().request(url.href);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("invalid_request");
  });

  test("the error page is no-store and cannot be framed", async () => {
    const res = await new Browser().request(client.buildAuthorizationUrl(config, { redirect_uri: "https://attacker.example/cb", scope: "api" }).href);
    expect(res.status).toBe(400);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });
});

describe("authorization codes", () => {
  test("a code used twice is invalid_grant, and the grant it came from is revoked", async () => {
    const { callback, state } = await signedIn();
    const tokens = await client.authorizationCodeGrant(config, callback, { expectedState: state });
    await expect(client.authorizationCodeGrant(config, callback, { expectedState: state })).rejects.toMatchObject({ error: "invalid_grant" });
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
  });

  test("a code sent by several requests at once is redeemed at most once, and whatever it issued is revoked", async () => {
    for (let round = 0; round < 3; round++) {
      const { callback } = await signedIn();
      const body = withClient({ grant_type: "authorization_code", code: codeOf(callback), redirect_uri: CALLBACK });
      const answers = await Promise.all(Array.from({ length: 8 }, () => tokenRequest(body)));
      const won = answers.filter((a) => a.status === 200);
      expect(won.length).toBeLessThanOrEqual(1);
      expect(answers.filter((a) => a.status !== 200).every((a) => a.status === 400 && a.body.error === "invalid_grant")).toBe(true);
      for (const winner of won) {
        const refresh = await tokenRequest(withClient({ grant_type: "refresh_token", refresh_token: winner.body.refresh_token! }));
        expect(refresh).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
      }
    }
  });

  test("a code lives 60 seconds; an expired one is invalid_grant", async () => {
    const { callback, state } = await signedIn();
    const { rows } = await owner.query(
      `select extract(epoch from expires_at - now())::int as ttl from ${OAUTH_SCHEMA}.store where model = 'AuthorizationCode' and id = $1`,
      [codeOf(callback)],
    );
    expect(rows[0].ttl).toBeGreaterThan(55);
    expect(rows[0].ttl).toBeLessThanOrEqual(60);
    await owner.query(`update ${OAUTH_SCHEMA}.store set expires_at = now() - interval '1 second' where model = 'AuthorizationCode' and id = $1`, [codeOf(callback)]);
    await expect(client.authorizationCodeGrant(config, callback, { expectedState: state })).rejects.toMatchObject({ error: "invalid_grant" });
  });

  test("a code sent with another redirect_uri than it was issued for is invalid_grant", async () => {
    const { callback } = await signedIn();
    const legacy = CALLBACK.replace("https://chatgpt.com/", "https://chat.openai.com/");
    const res = await tokenRequest(withClient({ grant_type: "authorization_code", code: codeOf(callback), redirect_uri: legacy }));
    expect(res).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });
});

describe("scope", () => {
  test.each([
    ["empty", ""],
    ["unknown", "admin"],
    ["api with an unknown one", "api admin"],
    ["openid", "openid api"],
  ])("an %s scope ends in access_denied at the callback, before any sign-in form", async (_name, scope) => {
    const state = client.randomState();
    const { callback, page } = await authorize(config, { redirect_uri: CALLBACK, scope, state }, undefined);
    expect(page).toBeUndefined();
    expect(callback!.searchParams.get("error")).toBe("access_denied");
    expect(callback!.searchParams.get("state")).toBe(state);
  });

  test("an unknown scope is refused even for a person already signed in (no sign-in form shown)", async () => {
    const browser = new Browser();
    await authorize(config, { redirect_uri: CALLBACK, scope: "api", state: "a" }, carol, browser);
    const { callback } = await authorize(config, { redirect_uri: CALLBACK, scope: "admin", state: "b" }, undefined, browser);
    expect(callback!.searchParams.get("error")).toBe("access_denied");
  });

  test("a resource other than the API is invalid_target", async () => {
    const { callback } = await authorize(config, { redirect_uri: CALLBACK, scope: "api", state: "s", resource: "https://other.example.com/api" }, carol);
    expect(callback!.searchParams.get("error")).toBe("invalid_target");
  });
});

describe("PKCE: not required, enforced when sent", () => {
  test("S256 challenge and its verifier: tokens", async () => {
    const verifier = client.randomPKCECodeVerifier();
    const { callback, state } = await signedIn({ code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256" });
    const tokens = await client.authorizationCodeGrant(config, callback, { expectedState: state, pkceCodeVerifier: verifier });
    expect(tokens.access_token).toEqual(expect.any(String));
  });

  test("a challenge sent but no verifier at the token endpoint (downgrade) is invalid_grant", async () => {
    const verifier = client.randomPKCECodeVerifier();
    const { callback } = await signedIn({ code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256" });
    const res = await tokenRequest(withClient({ grant_type: "authorization_code", code: codeOf(callback), redirect_uri: CALLBACK }));
    expect(res).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  test("a verifier for a code issued without a challenge is invalid_grant", async () => {
    const { callback } = await signedIn();
    const res = await tokenRequest(withClient({ grant_type: "authorization_code", code: codeOf(callback), redirect_uri: CALLBACK, code_verifier: client.randomPKCECodeVerifier() }));
    expect(res).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  test("a wrong verifier is invalid_grant", async () => {
    const { callback } = await signedIn({ code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: "S256" });
    const res = await tokenRequest(withClient({ grant_type: "authorization_code", code: codeOf(callback), redirect_uri: CALLBACK, code_verifier: client.randomPKCECodeVerifier() }));
    expect(res).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  test("the plain method is invalid_request", async () => {
    const { callback } = await authorize(config, { redirect_uri: CALLBACK, scope: "api", state: "s", code_challenge: client.randomPKCECodeVerifier(), code_challenge_method: "plain" }, carol);
    expect(callback!.searchParams.get("error")).toBe("invalid_request");
  });
});

describe("refresh tokens", () => {
  test("a disabled person's refresh token is invalid_grant, and enabling them again does not revive it", async () => {
    const { callback, state } = await signedIn();
    const tokens = await client.authorizationCodeGrant(config, callback, { expectedState: state });
    await disableUser(owner, carol.username);
    try {
      await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    } finally {
      await enableUser(owner, carol.username);
    }
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
  });

  test("a person disabled behind the command's back (only the flag set) still fails at the next refresh", async () => {
    const { callback, state } = await signedIn();
    const tokens = await client.authorizationCodeGrant(config, callback, { expectedState: state });
    await owner.query(`update ${OAUTH_SCHEMA}.users set disabled_at = now() where lower(username) = lower($1)`, [carol.username]);
    try {
      await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    } finally {
      await owner.query(`update ${OAUTH_SCHEMA}.users set disabled_at = null where lower(username) = lower($1)`, [carol.username]);
    }
  });

  test("a deleted person's refresh token is invalid_grant", async () => {
    const erin = { username: "erin@example.com", password: "erin's long passphrase" };
    await addUser(owner, { ...erin, role: oauthDb.db.roles.authenticated, authenticator: oauthDb.db.roles.authenticator });
    const state = client.randomState();
    const { callback } = await authorize(config, { redirect_uri: CALLBACK, scope: "api", state }, erin);
    const tokens = await client.authorizationCodeGrant(config, callback!, { expectedState: state });
    await deleteUser(owner, erin.username);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
  });

  test("a person whose row is deleted behind the command's back (tokens left in the store) fails at the next refresh", async () => {
    const fay = { username: "fay@example.com", password: "fay's long passphrase" };
    const id = await addUser(owner, { ...fay, role: oauthDb.db.roles.authenticated, authenticator: oauthDb.db.roles.authenticator });
    const state = client.randomState();
    const { callback } = await authorize(config, { redirect_uri: CALLBACK, scope: "api", state }, fay);
    const tokens = await client.authorizationCodeGrant(config, callback!, { expectedState: state });
    await owner.query(`delete from ${OAUTH_SCHEMA}.users where id = $1`, [id]);
    const { rows } = await owner.query(`select count(*)::int as n from ${OAUTH_SCHEMA}.store where model = 'RefreshToken' and account_id = $1`, [id]);
    expect(rows[0].n).toBe(1);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
  });

  test("a revoked refresh token is invalid_grant", async () => {
    const { callback, state } = await signedIn();
    const tokens = await client.authorizationCodeGrant(config, callback, { expectedState: state });
    await client.tokenRevocation(config, tokens.refresh_token!, { token_type_hint: "refresh_token" });
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
  });

  test("a refresh token is not tied to the sign-in cookie: the session ending does not end it", async () => {
    const { callback, state } = await signedIn();
    const tokens = await client.authorizationCodeGrant(config, callback, { expectedState: state });
    await owner.query(`delete from ${OAUTH_SCHEMA}.store where model = 'Session'`);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).toEqual(expect.any(String));
  });

  test("a refresh token lives as configured (30 days by default)", async () => {
    const { callback, state } = await signedIn();
    const tokens = await client.authorizationCodeGrant(config, callback, { expectedState: state });
    const { rows } = await owner.query(
      `select extract(epoch from expires_at - now())::int as ttl from ${OAUTH_SCHEMA}.store where model = 'RefreshToken' and id = $1`,
      [tokens.refresh_token],
    );
    expect(Math.round(rows[0].ttl / 3600)).toBe(30 * 24);
  });
});

describe("the PostgREST verifier refuses what was not issued for this API", () => {
  test("a tampered access token (role changed, signature kept) is refused as PostgREST refuses it", async () => {
    const { callback, state } = await signedIn();
    const { access_token } = await client.authorizationCodeGrant(config, callback, { expectedState: state });
    const [header, payload, signature] = access_token.split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
    const forged = [header, Buffer.from(JSON.stringify({ ...claims, role: "postgres" })).toString("base64url"), signature].join(".");
    const result = await authenticate(`Bearer ${forged}`, stack.auth);
    expect(result).toMatchObject({ ok: false, error: { status: 401, code: "PGRST301" } });
  });

  test("a token signed with the stack's key for another audience is refused as PostgREST refuses it", async () => {
    const secret = new TextEncoder().encode(stack.auth.jwtSecret);
    const now = Math.floor(Date.now() / 1000);
    const other = await new SignJWT({ role: oauthDb.db.roles.authenticated })
      .setProtectedHeader({ alg: "HS256", typ: "at+jwt" })
      .setSubject("someone")
      .setAudience("https://other.example.com/api")
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(secret);
    const result = await authenticate(`Bearer ${other}`, stack.auth);
    expect(result).toMatchObject({ ok: false, error: { status: 401, code: "PGRST303" } });
    const ours = await new SignJWT({ role: oauthDb.db.roles.authenticated }).setProtectedHeader({ alg: "HS256" }).setAudience(API_URL).setExpirationTime(now + 60).sign(secret);
    expect(await authenticate(`Bearer ${ours}`, stack.auth)).toMatchObject({ ok: true });
  });
});
