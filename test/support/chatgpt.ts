// Plays ChatGPT against the authorization server with openid-client, as GPT Builder's OAuth option does: code flow,
// no PKCE, `state` always sent, the client authenticated in the POST body ("Default (POST request)") or with an
// HTTP Basic header ("Basic authorization header"). The browser part (follow redirects, keep cookies, fill in the
// form) is a fetch loop with a cookie jar.
import * as client from "openid-client";

export type ExchangeMethod = "post" | "basic";

export async function chatGptClient(issuer: string, clientId: string, clientSecret: string, method: ExchangeMethod): Promise<client.Configuration> {
  const auth = method === "post" ? client.ClientSecretPost(clientSecret) : client.ClientSecretBasic(clientSecret);
  return client.discovery(new URL(issuer), clientId, { client_secret: clientSecret }, auth, { execute: [client.allowInsecureRequests] });
}

/** A browser: cookies per path prefix are overkill here, one jar per test flow is enough. */
export class Browser {
  private readonly cookies = new Map<string, string>();

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** Follows redirects until one leaves `origin` (the callback) or a page is shown. */
  async follow(url: string, origin: string, init: RequestInit = {}): Promise<{ response: Response; url: string }> {
    let current = url;
    let res = await this.request(current, init);
    while (res.status >= 300 && res.status < 400) {
      current = new URL(res.headers.get("location")!, current).href;
      if (!current.startsWith(origin)) return { response: res, url: current };
      res = await this.request(current);
    }
    return { response: res, url: current };
  }
}

export const csrfFrom = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
export const formActionFrom = (html: string) => /<form method="post" action="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, "&") ?? "";

export interface SignIn {
  readonly username: string;
  readonly password: string;
}

/**
 * Authorization request -> sign-in form -> callback URL (not fetched: it is ChatGPT's). Returns the callback URL, or
 * the page shown instead of a redirect.
 */
export async function authorize(
  config: client.Configuration,
  params: Record<string, string>,
  signIn: SignIn | undefined,
  browser = new Browser(),
): Promise<{ callback?: URL; page?: { status: number; html: string } }> {
  const authUrl = client.buildAuthorizationUrl(config, params);
  const origin = authUrl.origin;
  let { response, url } = await browser.follow(authUrl.href, origin);
  if (response.status >= 300 && response.status < 400) return { callback: new URL(url) };
  let html = await response.text();
  if (!signIn || !html.includes('name="csrf"')) return { page: { status: response.status, html } };
  const form = new URLSearchParams({ csrf: csrfFrom(html), username: signIn.username, password: signIn.password });
  ({ response, url } = await browser.follow(new URL(formActionFrom(html), origin).href, origin, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  }));
  if (response.status >= 300 && response.status < 400) return { callback: new URL(url) };
  html = await response.text();
  return { page: { status: response.status, html } };
}
