// The sign-in in a real browser (headless Debian Chromium driven by playwright-core), which enforces what fetch does
// not: the page's Content-Security-Policy (form-action also governs the redirects after the form is posted, all the
// way to ChatGPT's callback), cookie rules across those redirects, and HTML form handling. ChatGPT's callback is
// intercepted: the browser reaches it exactly as it would reach chatgpt.com, and the code is exchanged as ChatGPT
// would. Needs /usr/bin/chromium; CI installs it (.ci/run), so under CI a missing browser fails instead of skipping.
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import * as client from "openid-client";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { addUser } from "../../companion/oauth/users.js";
import { chatGptClient } from "../support/chatgpt.js";
import { createOAuthTestDatabase, type OAuthTestDatabase } from "../support/oauth-db.js";
import { CALLBACK, startOAuthStack, type OAuthStack } from "../support/oauth-stack.js";
import { authenticate } from "../../lib/postgrest/index.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);

describe.skipIf(!hasChromium && !process.env.CI)("signing in with a real browser (needs Chromium: apt-get install chromium)", () => {
  let oauthDb: OAuthTestDatabase;
  let stack: OAuthStack;
  let browser: Browser;
  let config: client.Configuration;
  const lena = { username: "lena@example.com", password: "lena's long passphrase" };

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`CI is set but ${CHROMIUM} is missing: install it (apt-get install chromium), as .ci/run does`);
    oauthDb = await createOAuthTestDatabase();
    stack = await startOAuthStack(oauthDb);
    const owner = await oauthDb.db.connect(oauthDb.oauthUrl);
    await addUser(owner, { ...lena, role: oauthDb.db.roles.authenticated, authenticator: oauthDb.db.roles.authenticator });
    config = await chatGptClient(stack.issuer, stack.clientId, stack.clientSecret, "post");
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await oauthDb?.drop();
  });

  test("a wrong password shows the form again; the right one lands on ChatGPT's callback with a code that becomes a PostgREST token", async () => {
    const page = await browser.newPage();
    const blocked: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy|Refused/i.test(message.text())) blocked.push(message.text());
    });
    let callback: URL | undefined;
    await page.route("https://chatgpt.com/**", async (route) => {
      callback = new URL(route.request().url());
      await route.fulfill({ status: 200, contentType: "text/html", body: "<p>ChatGPT's callback</p>" });
    });
    const state = client.randomState();
    await page.goto(client.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: "api", state }).href);

    await page.fill('input[name="username"]', lena.username);
    await page.fill('input[name="password"]', "not her password");
    await Promise.all([page.waitForLoadState("load"), page.click('button[type="submit"]')]);
    await expect.poll(() => page.textContent("body")).toContain("Wrong username or password.");
    expect(await page.inputValue('input[name="username"]')).toBe(lena.username);

    await page.fill('input[name="password"]', lena.password);
    await page.click('button[type="submit"]');
    await expect.poll(() => callback?.href, { timeout: 10_000 }).toBeDefined();
    expect(blocked).toEqual([]);
    expect(callback!.origin + callback!.pathname).toBe(CALLBACK);
    expect(callback!.searchParams.get("state")).toBe(state);

    const tokens = await client.authorizationCodeGrant(config, callback!, { expectedState: state });
    expect(await authenticate(`Bearer ${tokens.access_token}`, stack.auth)).toMatchObject({ ok: true, role: oauthDb.db.roles.authenticated });
    await page.close();
  });

  test("another site cannot show the authorization server's pages in a frame", async () => {
    // The error page: it renders without cookies, which a cross-site frame would not get (SameSite=Lax) anyway.
    const page = await browser.newPage();
    const framedUrl = client.buildAuthorizationUrl(config, { redirect_uri: "https://attacker.example/cb", scope: "api", state: "s" }).href;
    // Another origin (localhost, not 127.0.0.1) served from this machine, so Chromium's private-network rules let
    // it try: only the framing rules can stop it.
    const attacker = createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end(`<iframe name="victim" src="${framedUrl}"></iframe>`);
    });
    const port = await new Promise<number>((resolve) => attacker.listen(0, "127.0.0.1", () => resolve((attacker.address() as AddressInfo).port)));
    const framed = page.waitForEvent("framenavigated", (frame) => frame.name() === "victim");
    await page.goto(`http://localhost:${port}/`);
    const frame = await framed;
    await frame.waitForLoadState("load");
    // A refused frame shows Chromium's own error page ("127.0.0.1 refused to connect.") instead.
    const shown = (await frame.textContent("body").catch(() => "")) ?? "";
    expect(shown).not.toContain("Sign-in error");
    // The same page outside a frame is shown, so the frame's emptiness is the framing rule, not a failed request.
    const direct = await browser.newPage();
    await direct.goto(framedUrl);
    expect(await direct.textContent("body")).toContain("Sign-in error");
    await direct.close();
    await page.close();
    attacker.close();
  });
});
