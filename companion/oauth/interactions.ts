// The sign-in step of the authorization flow (oidc-provider "interactions"): GET shows the form, POST checks the
// password. Consent is implied (provider.ts loadExistingGrant), so signing in is the only step a person sees.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import type pg from "pg";
import { clientAddress } from "./client-address.js";
import { LoginThrottle } from "./login-throttle.js";
import { PAGE_HEADERS, renderErrorPage, renderLoginPage } from "./pages.js";
import { API_SCOPE, scopeIsAllowed } from "./provider.js";
import { comparableName, verifyLogin } from "./users.js";

const MAX_FORM_BYTES = 8 * 1024;
const FAILURE_WINDOW_MS = 15 * 60 * 1000;

export interface InteractionOptions {
  readonly provider: Provider;
  readonly db: pg.Pool;
  readonly cookieKey: string;
  /** /oauth: the interaction URLs are <mountPath>/interaction/<uid>[/login]. */
  readonly mountPath: string;
  readonly log: (line: string) => void;
}

export type InteractionHandler = (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<void>;

/** Ties the form to its interaction: a request forged from elsewhere cannot know the uid or the key. */
export function csrfToken(cookieKey: string, uid: string): string {
  return createHmac("sha256", cookieKey).update(`login-form:${uid}`).digest("base64url");
}

function csrfMatches(expected: string, given: unknown): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  if (!String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function sendPage(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { ...PAGE_HEADERS, "Content-Length": Buffer.byteLength(html) });
  res.end(html);
}

const EXPIRED = {
  error: "login_expired",
  description: "this sign-in page has expired or was opened in another browser. Start again from the GPT.",
};

export function createInteractionHandler({ provider, db, cookieKey, mountPath, log }: InteractionOptions): InteractionHandler {
  // Three limits. A name from one address: someone mistyping, or one attacker on one account. A name from anywhere:
  // guessing one account from many addresses, set higher so a stranger cannot lock a person out with five tries.
  // An address over all names: spraying common passwords, set higher still for people behind one NAT.
  const byNameAndAddress = new LoginThrottle({ maxFailures: 5, windowMs: FAILURE_WINDOW_MS });
  const byName = new LoginThrottle({ maxFailures: 20, windowMs: FAILURE_WINDOW_MS });
  const byAddress = new LoginThrottle({ maxFailures: 50, windowMs: FAILURE_WINDOW_MS });
  const route = new RegExp(`^${mountPath}/interaction/([A-Za-z0-9_-]{1,64})(/login)?$`);

  return async (req, res, pathname) => {
    const match = route.exec(pathname);
    const method = req.method ?? "GET";
    if (!match || (match[2] ? method !== "POST" : method !== "GET")) {
      return sendPage(res, match ? 405 : 404, renderErrorPage({ error: match ? "method_not_allowed" : "not_found" }));
    }
    const uid = match[1]!;
    let details: Awaited<ReturnType<Provider["interactionDetails"]>>;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      return sendPage(res, 400, renderErrorPage(EXPIRED));
    }
    if (details.uid !== uid) return sendPage(res, 400, renderErrorPage(EXPIRED));
    // Refused before anyone types a password: a token without the API scope would be useless anyway.
    if (!scopeIsAllowed(details.params.scope) || details.prompt.name !== "login") {
      const description = scopeIsAllowed(details.params.scope) ? "consent cannot be given here" : `scope must be "${API_SCOPE}"`;
      await provider.interactionFinished(req, res, { error: "access_denied", error_description: description }, { mergeWithLastSubmission: false });
      return;
    }
    const csrf = csrfToken(cookieKey, uid);
    const action = `${mountPath}/interaction/${uid}/login`;
    const clientName = "ChatGPT";
    if (!match[2]) return sendPage(res, 200, renderLoginPage({ action, csrfToken: csrf, clientName }));

    const form = await readForm(req);
    if (!form || !csrfMatches(csrf, form.get("csrf"))) {
      return sendPage(res, 403, renderErrorPage({ error: "invalid_request", description: "the sign-in form was not sent from this page. Start again from the GPT." }));
    }
    const username = (form.get("username") ?? "").trim();
    const password = form.get("password") ?? "";
    const nameKey = await comparableName(db, username);
    const address = clientAddress(String(req.headers["x-forwarded-for"] ?? ""), req.socket.remoteAddress);
    const pairKey = `${nameKey}\n${address}`;
    const wait = Math.max(byNameAndAddress.blockedFor(pairKey), byName.blockedFor(nameKey), byAddress.blockedFor(address));
    if (wait > 0) {
      log(`oauth: sign-in throttled for ${address}`);
      const minutes = Math.ceil(wait / 60_000);
      return sendPage(res, 429, renderLoginPage({ action, csrfToken: csrf, clientName, username, message: `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.` }));
    }
    // Counted before the password is checked, so parallel guesses cannot all start under the limit.
    byNameAndAddress.attempt(pairKey);
    byName.attempt(nameKey);
    byAddress.attempt(address);
    const user = username && password ? await verifyLogin(db, username, password) : undefined;
    if (!user) return sendPage(res, 401, renderLoginPage({ action, csrfToken: csrf, clientName, username, message: "Wrong username or password." }));
    byNameAndAddress.succeed(pairKey);
    byName.succeed(nameKey);
    byAddress.forgive(address);
    await provider.interactionFinished(req, res, { login: { accountId: user.id } }, { mergeWithLastSubmission: false });
  };
}
