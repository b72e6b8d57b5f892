// GPT Builder's OAuth option, as stack configuration: the ChatGPT callback URLs known ahead of time and the token
// lifetimes, checked like every other key. The issuer lives under the API's own origin because GPT Builder refuses an
// OAuth flow on another domain than the action's.
import { callbackUrlProblem, expandCallbackUrls } from "../../lib/oauth/callback-url.js";
import { OAUTH_SCHEMA } from "../../companion/oauth/schema.js";
import { OAUTH_PREFIX } from "../proxy/caddyfile.js";
import { parseTtlSeconds } from "./durations.js";
import type { ConfigKeyName } from "./keys.js";

/** The one scope the authorization server grants: what GPT Builder's Scope field must hold. */
export const OAUTH_SCOPE = "api";

/** The companion's OAuth login shares its schema's name, so the default search_path ("$user", public) finds it first. */
export const OAUTH_ROLE = OAUTH_SCHEMA;

export interface OAuthSettings {
  /** Exact redirect URIs, each under both ChatGPT hosts, deduplicated and sorted. */
  readonly callbackUrls: readonly string[];
  readonly accessTokenSeconds: number;
  readonly refreshTokenSeconds: number;
  /** <origin>/oauth: the companion's authorization server; discovery and every endpoint live under it. */
  readonly issuer: string;
  readonly authorizationUrl: string;
  readonly tokenUrl: string;
  readonly scope: string;
}

type Get = (key: ConfigKeyName) => string;
type Bad = (key: ConfigKeyName, value: string, allowed: string) => void;

const HOUR = 3600;
const DAY = 86_400;

export function parseOAuthSettings(get: Get, origin: string, bad: Bad): OAuthSettings {
  const lifetime = (key: ConfigKeyName, min: number, max: number, range: string, example: string): number => {
    const value = get(key);
    const seconds = parseTtlSeconds(value);
    if (seconds === undefined || seconds < min || seconds > max) {
      bad(key, value, `must be a duration from ${range}: a whole number followed by s, m, h, d, w or y (e.g. ${example})`);
    }
    return seconds ?? 0;
  };

  // Comma or whitespace: pasted from GPT Builder one at a time or as a list, either works.
  const callbacksValue = get("oauthCallbackUrls");
  const urls = callbacksValue.split(/[\s,]+/).filter(Boolean);
  for (const url of urls) {
    const problem = callbackUrlProblem(url);
    if (problem) bad("oauthCallbackUrls", callbacksValue, problem);
  }
  const issuer = `${origin}${OAUTH_PREFIX}`;
  return {
    callbackUrls: expandCallbackUrls(urls.filter((url) => !callbackUrlProblem(url))),
    accessTokenSeconds: lifetime("oauthAccessTokenTtl", 60, HOUR, "1m to 1h", "15m"),
    refreshTokenSeconds: lifetime("oauthRefreshTokenTtl", HOUR, 365 * DAY, "1h to 365d", "30d"),
    issuer,
    // oidc-provider's own route names under the issuer.
    authorizationUrl: `${issuer}/auth`,
    tokenUrl: `${issuer}/token`,
    scope: OAUTH_SCOPE,
  };
}
