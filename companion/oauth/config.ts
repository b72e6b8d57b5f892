// The authorization server's settings, from the companion's environment (infra/companion/env.ts writes them).
// OAuth is on exactly when PGPT_OAUTH_ISSUER is set; then every other PGPT_OAUTH_* variable is required.
// Problems are appended to the companion's one list, so a bad configuration is reported all at once.
import { expandCallbackUrls } from "../../lib/oauth/callback-url.js";

export interface SigningJwk {
  readonly kty: string;
  readonly alg: string;
  readonly kid?: string;
  readonly [member: string]: unknown;
}

export interface OAuthConfig {
  /** https://<origin>/oauth: discovery, the authorization and token endpoints all live under it. */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Exact redirect URIs from the stack config (both ChatGPT hosts); the admin command adds more at runtime. */
  readonly callbackUrls: readonly string[];
  /** The private key (or HMAC secret) behind PostgREST's jwt-secret, as a JWK with `alg` (and `kid` when trusted with one). */
  readonly signingKey: SigningJwk;
  readonly cookieKey: string;
  readonly accessTokenSeconds: number;
  readonly refreshTokenSeconds: number;
  /** The OAuth login: owner of the gpt_oauth schema, same host and database as the authenticator. */
  readonly database: { readonly user: string; readonly password: string };
}

export const DEFAULT_ACCESS_TOKEN_SECONDS = 900;
export const DEFAULT_REFRESH_TOKEN_SECONDS = 30 * 24 * 3600;

export function readOAuthConfig(env: NodeJS.ProcessEnv, problems: string[]): OAuthConfig | undefined {
  const issuer = env.PGPT_OAUTH_ISSUER?.trim();
  if (!issuer) return undefined;
  const required = (name: string, what: string) => {
    const value = env[name]?.trim();
    if (!value) problems.push(`${name} is not set (${what}; required because PGPT_OAUTH_ISSUER is set)`);
    return value ?? "";
  };
  const seconds = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) problems.push(`${name} = ${JSON.stringify(raw)}: must be a whole number of seconds from ${min} to ${max}`);
    return n;
  };

  let issuerUrl: URL | undefined;
  try {
    issuerUrl = new URL(issuer);
  } catch {
    // reported below
  }
  if (!issuerUrl || !/^https?:$/.test(issuerUrl.protocol) || issuerUrl.search || issuerUrl.hash || !issuerUrl.pathname.endsWith("/oauth")) {
    problems.push(`PGPT_OAUTH_ISSUER = ${JSON.stringify(issuer)}: must be the public origin followed by /oauth, e.g. https://gpt.example.com/oauth`);
  }
  const clientId = required("PGPT_OAUTH_CLIENT_ID", "the GPT's OAuth client id");
  if (clientId && !/^[A-Za-z0-9._-]{8,128}$/.test(clientId)) problems.push(`PGPT_OAUTH_CLIENT_ID = ${JSON.stringify(clientId)}: must be 8 to 128 letters, digits, '.', '_' or '-'`);
  const clientSecret = required("PGPT_OAUTH_CLIENT_SECRET", "the GPT's OAuth client secret");
  // 43 alphanumeric characters carry 256 bits; anything shorter is guessable enough to matter (RFC 9700).
  if (clientSecret && clientSecret.length < 43) problems.push("PGPT_OAUTH_CLIENT_SECRET must be at least 43 characters (value not shown: a secret)");
  const cookieKey = required("PGPT_OAUTH_COOKIE_KEY", "the key that signs the login cookies");
  if (cookieKey && cookieKey.length < 32) problems.push("PGPT_OAUTH_COOKIE_KEY must be at least 32 characters (value not shown: a secret)");

  let callbackUrls: string[] = [];
  const rawCallbacks = (env.PGPT_OAUTH_CALLBACK_URLS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  try {
    callbackUrls = expandCallbackUrls(rawCallbacks);
  } catch (error) {
    problems.push(`PGPT_OAUTH_CALLBACK_URLS: ${(error as Error).message}`);
  }

  let signingKey: SigningJwk = { kty: "", alg: "" };
  const rawKey = required("PGPT_OAUTH_SIGNING_KEY", "the private JWK that signs access tokens");
  if (rawKey) {
    try {
      const parsed = JSON.parse(rawKey) as SigningJwk;
      if (typeof parsed !== "object" || parsed === null || typeof parsed.kty !== "string" || typeof parsed.alg !== "string") throw new Error("not a JWK");
      if (parsed.kty === "oct" ? typeof parsed.k !== "string" : typeof parsed.d !== "string") throw new Error("not a private key");
      signingKey = parsed;
    } catch (error) {
      problems.push(`PGPT_OAUTH_SIGNING_KEY is not a private JWK with kty and alg (value not shown: a secret): ${(error as Error).message}`);
    }
  }

  const user = required("PGPT_OAUTH_PGUSER", "the OAuth login, owner of the gpt_oauth schema");
  const password = required("PGPT_OAUTH_PGPASSWORD", "its password");
  return {
    issuer: issuer.replace(/\/+$/, ""),
    clientId,
    clientSecret,
    callbackUrls,
    signingKey,
    cookieKey,
    accessTokenSeconds: seconds("PGPT_OAUTH_ACCESS_TOKEN_SECONDS", DEFAULT_ACCESS_TOKEN_SECONDS, 60, 3600),
    refreshTokenSeconds: seconds("PGPT_OAUTH_REFRESH_TOKEN_SECONDS", DEFAULT_REFRESH_TOKEN_SECONDS, 3600, 365 * 24 * 3600),
    database: { user, password },
  };
}
