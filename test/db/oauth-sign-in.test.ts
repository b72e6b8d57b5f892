// The sign-in page a person sees, and what survives a restart of the companion.
import * as client from "openid-client";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { addCallback } from "../../companion/oauth/callbacks.js";
import { addUser, setUserRole } from "../../companion/oauth/users.js";
import { authorize, Browser, chatGptClient, csrfFrom, formActionFrom } from "../support/chatgpt.js";
import { createOAuthTestDatabase, type OAuthTestDatabase } from "../support/oauth-db.js";
import { CALLBACK, startOAuthStack, type OAuthStack } from "../support/oauth-stack.js";

let oauthDb: OAuthTestDatabase;
let stack: OAuthStack;
let owner: pg.Client;
let config: client.Configuration;
const dave = { username: "Dave@Example.com", password: "dave's long passphrase" };

const payload = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;

/** Starts an authorization in a fresh browser and returns the sign-in form. */
async function openForm(browser = new Browser()) {
  const url = client.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: "api", state: "s" });
  const { response, url: formUrl } = await browser.follow(url.href, url.origin);
  const html = await response.text();
  return { browser, response, html, formUrl, action: new URL(formActionFrom(html), url.origin).href, csrf: csrfFrom(html) };
}

async function submit(form: Awaited<ReturnType<typeof openForm>>, fields: Record<string, string>) {
  const res = await form.browser.request(form.action, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, headers: res.headers, html: await res.text(), location: res.headers.get("location") };
}

beforeAll(async () => {
  oauthDb = await createOAuthTestDatabase();
  stack = await startOAuthStack(oauthDb);
  owner = await oauthDb.db.connect(oauthDb.oauthUrl);
  await addUser(owner, { ...dave, role: oauthDb.db.roles.authenticated, authenticator: oauthDb.db.roles.authenticator });
  config = await chatGptClient(stack.issuer, stack.clientId, stack.clientSecret, "post");
});
afterAll(async () => {
  await stack?.close();
  await oauthDb?.drop();
});

describe("the sign-in page", () => {
  test("is server-rendered with a CSRF token, not cached, not frameable", async () => {
    const form = await openForm();
    expect(form.response.status).toBe(200);
    expect(form.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(form.response.headers.get("cache-control")).toBe("no-store");
    expect(form.response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(form.response.headers.get("x-frame-options")).toBe("DENY");
    expect(form.html).not.toContain("<script");
  });

  test("a wrong password shows the form again with the name kept and a message", async () => {
    const form = await openForm();
    const res = await submit(form, { csrf: form.csrf, username: dave.username, password: "wrong password here" });
    expect(res.status).toBe(401);
    expect(res.html).toContain("Wrong username or password.");
    expect(res.html).toContain(`value="${dave.username}"`);
    expect(csrfFrom(res.html)).toBe(form.csrf);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  test("an unknown name gets exactly the answer a known name with a wrong password gets", async () => {
    const form = await openForm();
    const known = await submit(form, { csrf: form.csrf, username: "dave@example.com", password: "wrong password here" });
    const unknown = await submit(form, { csrf: form.csrf, username: "zoe@example.com", password: "wrong password here" });
    expect(known.status).toBe(401);
    expect(unknown.status).toBe(known.status);
    expect(unknown.html.replace("zoe@example.com", "X")).toBe(known.html.replace("dave@example.com", "X"));
  });

  test("spellings that find the same person share one limit (PostgreSQL's lower(), not JavaScript's)", async () => {
    const tim = { username: "tim.smith@example.com", password: "tim's long passphrase" };
    await addUser(owner, { ...tim, role: oauthDb.db.roles.authenticated, authenticator: oauthDb.db.roles.authenticator });
    const form = await openForm();
    for (let i = 0; i < 5; i++) expect((await submit(form, { csrf: form.csrf, username: tim.username, password: `wrong ${i} password` })).status).toBe(401);
    // "İ".toLowerCase() is "i̇" in JavaScript; the database's lower() makes it "i", so this name finds tim.
    expect((await submit(form, { csrf: form.csrf, username: "tİm.smİth@example.com", password: tim.password })).status).toBe(429);
  });

  test("a burst of parallel guesses for one name is held to the limit: five are checked, the rest refused", async () => {
    const target = { username: "hank@example.com", password: "hank's long passphrase" };
    await addUser(owner, { ...target, role: oauthDb.db.roles.authenticated, authenticator: oauthDb.db.roles.authenticator });
    const form = await openForm();
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => submit(form, { csrf: form.csrf, username: target.username, password: `guess number ${i}` })));
    expect(answers.filter((a) => a.status === 401)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(25);
  });

  test("a post without the form's CSRF token is refused and signs nobody in", async () => {
    const form = await openForm();
    const res = await submit(form, { csrf: "forged", username: dave.username, password: dave.password });
    expect(res.status).toBe(403);
    expect(res.location).toBeNull();
  });

  test("the form cannot be used from another browser (no interaction cookie)", async () => {
    const form = await openForm();
    const res = await new Browser().request(form.action, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrf: form.csrf, username: dave.username, password: dave.password }).toString(),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("login_expired");
  });

  test("the name is matched case-insensitively and the sign-in completes to the callback", async () => {
    const form = await openForm();
    const res = await submit(form, { csrf: form.csrf, username: dave.username.toLowerCase(), password: dave.password });
    expect(res.status).toBe(303);
    const { url } = await form.browser.follow(new URL(res.location!, form.action).href, new URL(stack.issuer).origin);
    expect(url.startsWith(CALLBACK)).toBe(true);
  });

  test("after five failures for a name, even the right password is refused for a while (429)", async () => {
    const throttled = { username: "gina@example.com", password: "gina's long passphrase" };
    await addUser(owner, { ...throttled, role: oauthDb.db.roles.authenticated, authenticator: oauthDb.db.roles.authenticator });
    const form = await openForm();
    for (let i = 0; i < 5; i++) expect((await submit(form, { csrf: form.csrf, ...throttled, password: `wrong ${i} password` })).status).toBe(401);
    const res = await submit(form, { csrf: form.csrf, ...throttled });
    expect(res.status).toBe(429);
    expect(res.html).toMatch(/Too many failed sign-ins\. Try again in 1[45] minutes\./);
    // Other people are not locked out by it.
    const other = await openForm();
    expect((await submit(other, { csrf: other.csrf, ...dave })).status).toBe(303);
  });
});

describe("without a redeploy or restart", () => {
  test("a callback registered by the command works at once", async () => {
    const edited = "https://chatgpt.com/aip/g-abcdefabcdefabcdefabcdefabcdefab/oauth/callback";
    const before = await authorize(config, { redirect_uri: edited, scope: "api", state: "s" }, dave);
    expect(before.page?.status).toBe(400);
    await addCallback(owner, edited);
    const state = client.randomState();
    const after = await authorize(config, { redirect_uri: edited, scope: "api", state }, dave);
    const tokens = await client.authorizationCodeGrant(config, after.callback!, { expectedState: state });
    expect(tokens.access_token).toEqual(expect.any(String));
  });

  test("a role changed by the command is in the next refreshed token", async () => {
    const editor = `${oauthDb.db.name}_editor`;
    const superuser = await oauthDb.db.connect(oauthDb.db.superuserUrl);
    await superuser.query(`create role ${editor} nologin; grant ${editor} to ${oauthDb.db.roles.authenticator}`);
    try {
      const state = client.randomState();
      const { callback } = await authorize(config, { redirect_uri: CALLBACK, scope: "api", state }, dave);
      const tokens = await client.authorizationCodeGrant(config, callback!, { expectedState: state });
      expect(payload(tokens.access_token).role).toBe(oauthDb.db.roles.authenticated);
      await setUserRole(owner, dave.username, editor, oauthDb.db.roles.authenticator);
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      expect(payload(refreshed.access_token).role).toBe(editor);
    } finally {
      await setUserRole(owner, dave.username, oauthDb.db.roles.authenticated, oauthDb.db.roles.authenticator);
      await superuser.query(`drop role ${editor}`);
    }
  });
});

describe("a restart of the companion loses nothing", () => {
  test("a refresh token issued before the restart works after it", async () => {
    const state = client.randomState();
    const { callback } = await authorize(config, { redirect_uri: CALLBACK, scope: "api", state }, dave);
    const tokens = await client.authorizationCodeGrant(config, callback!, { expectedState: state });
    await stack.restart();
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(payload(refreshed.access_token).sub).toBe(payload(tokens.access_token).sub);
  });

  test("a sign-in started before the restart completes after it, and its code is exchanged", async () => {
    const form = await openForm();
    await stack.restart();
    const res = await submit(form, { csrf: form.csrf, ...dave });
    expect(res.status).toBe(303);
    const { url } = await form.browser.follow(new URL(res.location!, form.action).href, new URL(stack.issuer).origin);
    const callback = new URL(url);
    const tokens = await client.authorizationCodeGrant(config, callback, { expectedState: "s" });
    expect(tokens.refresh_token).toEqual(expect.any(String));
  });

  test("a code issued before the restart is exchanged after it", async () => {
    const state = client.randomState();
    const { callback } = await authorize(config, { redirect_uri: CALLBACK, scope: "api", state }, dave);
    await stack.restart();
    const tokens = await client.authorizationCodeGrant(config, callback!, { expectedState: state });
    expect(tokens.access_token).toEqual(expect.any(String));
  });
});
