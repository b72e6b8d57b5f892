// The authorization server's settings as the companion reads them from its container environment.
import { describe, expect, test } from "vitest";
import { CompanionConfigError, readCompanionConfig } from "../../companion/config.js";
import { DEFAULT_ACCESS_TOKEN_SECONDS, DEFAULT_REFRESH_TOKEN_SECONDS } from "../../companion/oauth/config.js";
import { scopeIsAllowed } from "../../companion/oauth/provider.js";
import { signingKeyProblem } from "../../companion/oauth/signing-key-check.js";

const SECRET = "a-secret-of-at-least-thirty-two-chars";
const CLIENT_SECRET = "S".repeat(43);
const JWK = JSON.stringify({ kty: "oct", k: Buffer.from(SECRET).toString("base64url"), alg: "HS256" });
const CALLBACK = "https://chatgpt.com/aip/g-0123456789abcdef0123456789abcdef/oauth/callback";
const ENV = {
  PGHOST: "db", PGUSER: "authenticator", PGDATABASE: "app", PGPASSWORD: "pw",
  PGPT_DB_SCHEMAS: "api", PGPT_ANON_ROLE: "anon", PGPT_AUTHENTICATED_ROLE: "authenticated",
  PGPT_API_URL: "https://gpt.example.com/api", PGPT_JWT_SECRET: SECRET, PGPT_JWT_AUDIENCE: "https://gpt.example.com/api",
  PGPT_OAUTH_ISSUER: "https://gpt.example.com/oauth", PGPT_OAUTH_CLIENT_ID: "gpt-0123456789abcdef", PGPT_OAUTH_CLIENT_SECRET: CLIENT_SECRET,
  PGPT_OAUTH_CALLBACK_URLS: CALLBACK, PGPT_OAUTH_SIGNING_KEY: JWK, PGPT_OAUTH_COOKIE_KEY: "C".repeat(43),
  PGPT_OAUTH_PGUSER: "gpt_oauth", PGPT_OAUTH_PGPASSWORD: "oauth-password",
};

const problemsOf = (env: Record<string, string>) => {
  try {
    readCompanionConfig(env);
    return "";
  } catch (error) {
    expect(error).toBeInstanceOf(CompanionConfigError);
    return (error as Error).message;
  }
};

describe("the companion's OAuth settings", () => {
  test("are read with both callback forms and the default lifetimes (15 minutes, 30 days)", () => {
    expect(readCompanionConfig(ENV).oauth).toEqual({
      issuer: "https://gpt.example.com/oauth",
      clientId: "gpt-0123456789abcdef",
      clientSecret: CLIENT_SECRET,
      callbackUrls: [CALLBACK.replace("chatgpt.com", "chat.openai.com"), CALLBACK],
      signingKey: JSON.parse(JWK),
      cookieKey: "C".repeat(43),
      accessTokenSeconds: DEFAULT_ACCESS_TOKEN_SECONDS,
      refreshTokenSeconds: DEFAULT_REFRESH_TOKEN_SECONDS,
      database: { user: "gpt_oauth", password: "oauth-password" },
    });
    expect(DEFAULT_ACCESS_TOKEN_SECONDS).toBe(900);
    expect(DEFAULT_REFRESH_TOKEN_SECONDS).toBe(30 * 86_400);
  });

  test("are off without PGPT_OAUTH_ISSUER, whatever else is set", () => {
    expect(readCompanionConfig({ ...ENV, PGPT_OAUTH_ISSUER: "" }).oauth).toBeUndefined();
  });

  test("every missing variable is named once the issuer is set", () => {
    const message = problemsOf({ ...ENV, PGPT_OAUTH_CLIENT_ID: "", PGPT_OAUTH_CLIENT_SECRET: "", PGPT_OAUTH_SIGNING_KEY: "", PGPT_OAUTH_COOKIE_KEY: "", PGPT_OAUTH_PGUSER: "", PGPT_OAUTH_PGPASSWORD: "" });
    for (const name of ["PGPT_OAUTH_CLIENT_ID", "PGPT_OAUTH_CLIENT_SECRET", "PGPT_OAUTH_SIGNING_KEY", "PGPT_OAUTH_COOKIE_KEY", "PGPT_OAUTH_PGUSER", "PGPT_OAUTH_PGPASSWORD"]) {
      expect(message).toContain(`${name} is not set`);
    }
  });

  test("bad values are named with what is allowed, and secrets are never quoted", () => {
    const shortSecret = "short-client-secret";
    const badKey = '{"kty":"oct","alg":"HS256","k-missing":"secret-material-here"}';
    const message = problemsOf({
      ...ENV,
      PGPT_OAUTH_ISSUER: "https://gpt.example.com/auth?x=1",
      PGPT_OAUTH_CLIENT_SECRET: shortSecret,
      PGPT_OAUTH_SIGNING_KEY: badKey,
      PGPT_OAUTH_CALLBACK_URLS: "https://evil.example/cb",
      PGPT_OAUTH_ACCESS_TOKEN_SECONDS: "7200",
    });
    expect(message).toContain('PGPT_OAUTH_ISSUER = "https://gpt.example.com/auth?x=1": must be the public origin followed by /oauth');
    expect(message).toContain("PGPT_OAUTH_CLIENT_SECRET must be at least 43 characters");
    expect(message).toContain("PGPT_OAUTH_SIGNING_KEY is not a private JWK");
    expect(message).toContain('"https://evil.example/cb" is not a ChatGPT callback URL');
    expect(message).toContain('PGPT_OAUTH_ACCESS_TOKEN_SECONDS = "7200": must be a whole number of seconds from 60 to 3600');
    expect(message).not.toContain(shortSecret);
    expect(message).not.toContain("secret-material-here");
  });

  test("a public key is refused as the signing key: it cannot sign", () => {
    const publicOnly = JSON.stringify({ kty: "EC", crv: "P-256", x: "x", y: "y", alg: "ES256" });
    expect(problemsOf({ ...ENV, PGPT_OAUTH_SIGNING_KEY: publicOnly })).toContain("not a private key");
  });

  test("OAuth needs PostgREST's jwt-aud: tokens are minted for that audience", () => {
    expect(problemsOf({ ...ENV, PGPT_JWT_AUDIENCE: "" })).toContain("PGPT_JWT_AUDIENCE is not set (required with OAuth");
  });
});

describe("the signing key matches what PostgREST trusts", () => {
  const auth = { jwtSecret: SECRET, jwtAud: "https://gpt.example.com/api", dbAnonRole: "anon" };

  test("the stack's own key: no problem", async () => {
    expect(await signingKeyProblem(JSON.parse(JWK), auth, "authenticated")).toBeUndefined();
  });

  test("another key: PostgREST's reason for refusing its tokens", async () => {
    const other = { kty: "oct", k: Buffer.from("another-secret-of-at-least-32-characters").toString("base64url"), alg: "HS256" };
    expect(await signingKeyProblem(other, auth, "authenticated")).toMatch(/^PostgREST would reject its tokens: .*JWT/);
  });

  test("a kid PostgREST's plain HS256 secret does not know: refused, as PostgREST refuses it", async () => {
    expect(await signingKeyProblem({ ...JSON.parse(JWK), kid: "k1" }, auth, "authenticated")).toMatch(/^PostgREST would reject its tokens/);
  });
});

describe("the only scope", () => {
  test.each([
    ["api", true],
    [" api ", true],
    ["", false],
    ["openid", false],
    ["api admin", false],
    ["API", false],
    [undefined, false],
  ])("%j allowed: %s", (scope, allowed) => {
    expect(scopeIsAllowed(scope)).toBe(allowed);
  });
});
