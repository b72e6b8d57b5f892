// The sign-in page's pieces on their own: the throttle, the HTML, the CSRF token, the ChatGPT callback URL rules.
import { describe, expect, test } from "vitest";
import { csrfToken } from "../../companion/oauth/interactions.js";
import { clientAddress } from "../../companion/oauth/client-address.js";
import { LoginThrottle } from "../../companion/oauth/login-throttle.js";
import { PAGE_HEADERS, renderErrorPage, renderLoginPage } from "../../companion/oauth/pages.js";
import { callbackUrlForms, callbackUrlProblem, expandCallbackUrls } from "../../lib/oauth/callback-url.js";

describe("LoginThrottle", () => {
  const clock = () => {
    let now = 1_000_000;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  test("refuses a key after maxFailures within the window, until the window has passed", () => {
    const c = clock();
    const throttle = new LoginThrottle({ maxFailures: 3, windowMs: 60_000, now: c.now });
    for (let i = 0; i < 2; i++) throttle.attempt("alice");
    expect(throttle.blockedFor("alice")).toBe(0);
    throttle.attempt("alice");
    expect(throttle.blockedFor("alice")).toBe(60_000);
    c.advance(59_999);
    expect(throttle.blockedFor("alice")).toBe(1);
    c.advance(1);
    expect(throttle.blockedFor("alice")).toBe(0);
  });

  test("a success clears the count; other keys are never affected", () => {
    const throttle = new LoginThrottle({ maxFailures: 2, windowMs: 60_000 });
    throttle.attempt("alice");
    throttle.succeed("alice");
    throttle.attempt("alice");
    expect(throttle.blockedFor("alice")).toBe(0);
    throttle.attempt("bob");
    throttle.attempt("bob");
    expect(throttle.blockedFor("bob")).toBeGreaterThan(0);
    expect(throttle.blockedFor("alice")).toBe(0);
  });

  test("forgets the oldest keys that are not refused beyond maxEntries; a refused key survives any flood", () => {
    const throttle = new LoginThrottle({ maxFailures: 2, windowMs: 60_000, maxEntries: 2 });
    throttle.attempt("victim");
    throttle.attempt("victim");
    for (const name of ["a", "b", "c", "d"]) throttle.attempt(name);
    expect(throttle.blockedFor("victim")).toBeGreaterThan(0);
    throttle.attempt("a");
    expect(throttle.blockedFor("a")).toBe(0);
    expect(throttle.blockedFor("d")).toBe(0);
    throttle.attempt("d");
    throttle.attempt("d");
    expect(throttle.blockedFor("d")).toBeGreaterThan(0);
    expect(throttle.blockedFor("victim")).toBeGreaterThan(0);
  });

  test("when only refused keys are left to forget, the map grows rather than drop the key being counted", () => {
    const throttle = new LoginThrottle({ maxFailures: 2, windowMs: 60_000, maxEntries: 2 });
    for (const name of ["a", "a", "b", "b"]) throttle.attempt(name);
    throttle.attempt("x");
    throttle.attempt("x");
    expect(throttle.blockedFor("x")).toBeGreaterThan(0);
    expect(throttle.blockedFor("a")).toBeGreaterThan(0);
  });

  test("forgive takes back one attempt only, so one success on a shared address keeps the others' failures", () => {
    const throttle = new LoginThrottle({ maxFailures: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) throttle.attempt("nat");
    throttle.forgive("nat");
    expect(throttle.blockedFor("nat")).toBe(0);
    throttle.attempt("nat");
    expect(throttle.blockedFor("nat")).toBeGreaterThan(0);
  });
});

describe("clientAddress: the key of the per-address limit", () => {
  test.each([
    ["domain mode: Caddy replaced the header with the peer", "203.0.113.7", "172.18.0.1", "203.0.113.7"],
    ["behind a tunnel: the right-most public address, not what the client typed on the left", "1.2.3.4, 198.51.100.9, 172.18.0.1", "172.18.0.1", "198.51.100.9"],
    ["no public address (a LAN test): the right-most entry", "192.168.1.20, 172.18.0.1", "172.18.0.1", "172.18.0.1"],
    ["no header: the socket's address", "", "127.0.0.1", "127.0.0.1"],
    ["garbage entries are ignored", "not-an-ip, 203.0.113.7", undefined, "203.0.113.7"],
    ["an IPv4-mapped IPv6 socket address is the IPv4 address", "", "::ffff:203.0.113.7", "203.0.113.7"],
    ["an IPv4-mapped entry in the chain counts as the public IPv4 address it is", "6.6.6.6, ::ffff:198.51.100.9, 172.18.0.1", undefined, "198.51.100.9"],
    ["IPv6 counts per /64", "2001:db8:1:2:aaaa:bbbb:cccc:dddd", undefined, "2001:db8:1:2::/64"],
    ["compressed IPv6 too", "2001:db8::1", undefined, "2001:db8:0:0::/64"],
    ["unique local IPv6 is private: the public one wins", "2001:db8:5:6::9, fd00::1", undefined, "2001:db8:5:6::/64"],
  ])("%s", (_name, forwarded, socket, expected) => {
    expect(clientAddress(forwarded, socket)).toBe(expected);
  });

  test("two addresses of one IPv6 /64 share a key", () => {
    expect(clientAddress("2001:db8:1:2::1", undefined)).toBe(clientAddress("2001:db8:1:2:ffff::2", undefined));
  });
});

describe("pages", () => {
  test("every value on the sign-in page is escaped", () => {
    const html = renderLoginPage({ action: '/oauth/interaction/x/login"><script>', csrfToken: "t", clientName: "<b>", username: '"><img src=x onerror=alert(1)>', message: "<script>alert(1)</script>" });
    expect(html).not.toMatch(/<script|<img|<b>/);
    expect(html).toContain("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  });

  test("the error page escapes the description and marks the command as code", () => {
    const html = renderErrorPage({ error: "invalid_redirect_uri", description: "<x>", hint: "run `npm run oauth -- callbacks add <url>`" });
    expect(html).toContain("&lt;x&gt;");
    expect(html).toContain("<code>npm run oauth -- callbacks add &lt;url&gt;</code>");
  });

  test("pages are never cached or framed, and forms may only post here or end at ChatGPT", () => {
    expect(PAGE_HEADERS["Cache-Control"]).toBe("no-store");
    expect(PAGE_HEADERS["Content-Security-Policy"]).toContain("frame-ancestors 'none'");
    expect(PAGE_HEADERS["Content-Security-Policy"]).toContain("form-action 'self' https://chatgpt.com https://chat.openai.com;");
    expect(PAGE_HEADERS["X-Frame-Options"]).toBe("DENY");
  });

  test("the CSRF token belongs to one interaction and one key", () => {
    expect(csrfToken("key", "uid-1")).toBe(csrfToken("key", "uid-1"));
    expect(csrfToken("key", "uid-1")).not.toBe(csrfToken("key", "uid-2"));
    expect(csrfToken("key", "uid-1")).not.toBe(csrfToken("other", "uid-1"));
  });
});

describe("ChatGPT callback URLs", () => {
  const id = "g-0123456789abcdef0123456789abcdef";

  test.each([`https://chatgpt.com/aip/${id}/oauth/callback`, `https://chat.openai.com/aip/${id}/oauth/callback`])("accepts %s", (url) => {
    expect(callbackUrlProblem(url)).toBeUndefined();
  });

  test.each([
    `http://chatgpt.com/aip/${id}/oauth/callback`,
    `https://chatgpt.com.evil.example/aip/${id}/oauth/callback`,
    `https://evil.example/aip/${id}/oauth/callback`,
    `https://chatgpt.com/aip/${id}/oauth/callback?next=https://evil.example`,
    `https://chatgpt.com/aip/${id}/oauth/callback/`,
    "https://chatgpt.com/aip/g-/oauth/callback",
    "https://chatgpt.com/connector_platform_oauth_redirect",
  ])("refuses %s, naming it and the expected shape", (url) => {
    expect(callbackUrlProblem(url)).toContain(`${JSON.stringify(url)} is not a ChatGPT callback URL: expected https://chatgpt.com/aip/g-<id>/oauth/callback`);
  });

  test("one URL registers both hosts; a list is deduplicated and sorted", () => {
    const url = `https://chatgpt.com/aip/${id}/oauth/callback`;
    expect(callbackUrlForms(url)).toEqual([url, url.replace("chatgpt.com", "chat.openai.com")]);
    expect(expandCallbackUrls([url, url.replace("chatgpt.com", "chat.openai.com")])).toEqual([url.replace("chatgpt.com", "chat.openai.com"), url]);
  });

  test("a list with bad URLs names every one", () => {
    expect(() => expandCallbackUrls(["https://a.example/cb", "https://b.example/cb"])).toThrow(/a\.example.*b\.example/);
  });
});
