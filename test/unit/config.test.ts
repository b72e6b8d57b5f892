import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { CONFIG_KEYS, type ConfigKeyName } from "../../infra/config/keys.js";
import { ConfigError, parseStackConfig } from "../../infra/config/validate.js";
import { parseTimeoutMs, parseTtlSeconds } from "../../infra/config/durations.js";
import { JWT_ALGORITHMS } from "../../infra/keys/algorithms.js";

const parseWith = (values: Partial<Record<ConfigKeyName, string>>) => parseStackConfig((k) => values[k]);

function problemsOf(values: Partial<Record<ConfigKeyName, string>>): string[] {
  try {
    parseWith(values);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error("expected the configuration to be refused");
}

describe("stack configuration", () => {
  test("an empty stack config gets the documented defaults", () => {
    expect(parseWith({})).toEqual({
      jwtAlgorithm: "HS256",
      jwtAudience: "http://localhost:3000/api",
      tokenTtlSeconds: 365 * 86_400,
      tokenSubject: "gpt-action",
      postgresImage: "postgres:17",
      postgrestImage: "postgrest/postgrest:v16.4",
      caddyImage: "caddy:2.10-alpine",
      dbName: "app",
      dbPort: 55432,
      apiPort: 3000,
      dbSchemas: ["api"],
      anonRole: "anon",
      authenticatedRole: "authenticated",
      authenticatorRole: "authenticator",
      statementTimeoutMs: 5000,
      dbMaxRows: 20,
      origin: "http://localhost:3000",
      apiUrl: "http://localhost:3000/api",
      openApiUrl: "http://localhost:3000/openapi.json",
      originWarning: expect.stringContaining("GPT Builder cannot use http://localhost:3000: it is not https, it has a port (3000), it is this machine"),
      openapi: { include: [], exclude: [], readOnly: false },
      oauth: {
        callbackUrls: [],
        accessTokenSeconds: 900,
        refreshTokenSeconds: 30 * 86_400,
        issuer: "http://localhost:3000/oauth",
        authorizationUrl: "http://localhost:3000/oauth/auth",
        tokenUrl: "http://localhost:3000/oauth/token",
        scope: "api",
      },
    });
  });

  test("Pulumi.yaml declares every key with the same type and default as the code", () => {
    const project = parse(readFileSync(new URL("../../Pulumi.yaml", import.meta.url), "utf8"));
    expect(project.name).toBe("postgrest-gpt");
    expect(Object.keys(project.config).sort()).toEqual(Object.keys(CONFIG_KEYS).sort());
    for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
      expect(project.config[key], key).toEqual({ type: spec.type, default: spec.default, description: spec.description });
    }
  });

  test.each(JWT_ALGORITHMS)("accepts jwtAlgorithm %s", (alg) => {
    expect(parseWith({ jwtAlgorithm: alg }).jwtAlgorithm).toBe(alg);
  });

  test.each([
    ["jwtAlgorithm", "PS256", "must be one of HS256, HS384, HS512, RS256, RS384, RS512, ES256, ES384, ES512, EdDSA"],
    ["jwtAlgorithm", "hs256", "must be one of"],
    ["jwtAlgorithm", "none", "must be one of"],
    ["dbPort", "70000", "whole number from 1 to 65535"],
    ["dbPort", "0", "whole number from 1 to 65535"],
    ["apiPort", "80.5", "whole number from 1 to 65535"],
    ["apiPort", "http", "whole number from 1 to 65535"],
    ["tokenTtl", "forever", "must be a duration from 60s to 10y"],
    ["tokenTtl", "1.5d", "must be a duration from 60s to 10y"],
    ["tokenTtl", "30", "must be a duration from 60s to 10y"],
    ["tokenTtl", "11y", "must be a duration from 60s to 10y"],
    ["anonRole", "Anon", "lower-case PostgreSQL identifier"],
    ["anonRole", "anon; drop table x", "lower-case PostgreSQL identifier"],
    ["authenticatedRole", "postgres", "reserved or superuser role name"],
    ["authenticatorRole", "pg_read_all_data", "reserved or superuser role name"],
    ["dbSchemas", "api,pg_catalog", "must not expose a system schema"],
    ["dbSchemas", "api,api", "must not list a schema twice"],
    ["dbSchemas", "api,", "lower-case PostgreSQL identifier"],
    ["dbName", "my-app", "lower-case PostgreSQL identifier"],
    ["publicUrl", "not a url", "must be an absolute http:// or https:// URL"],
    ["publicUrl", "ftp://example.com", "http:// or https:// URL without credentials"],
    ["publicUrl", "https://user:pw@example.com", "without credentials"],
    ["publicUrl", "https://abc.trycloudflare.com/base", "without a path"],
    ["domain", "https://gpt.example.com", "must be a DNS hostname"],
    ["domain", "gpt.example.com:8443", "must be a DNS hostname"],
    ["domain", "203.0.113.7", "not an IP address"],
    ["domain", "localhost", "must be a public hostname"],
    ["acmeEmail", "ops@example.com", "only used with domain"],
    ["openapiInclude", 'notes,"Quoted"', "must be a table, view or function name as the catalog spells it"],
    ["openapiExclude", "a\u0001b", "must be a table, view or function name"],
    ["openapiReadOnly", "yes", "must be true or false"],
    ["statementTimeout", "5 seconds", "must be a duration from 1ms to 60min"],
    ["statementTimeout", "2h", "must be a duration from 1ms to 60min"],
    ["dbMaxRows", "0", "whole number from 1 to 10000"],
    ["postgresImage", "postgres", "must pin a version"],
    ["postgresImage", "postgres:latest", "must pin a version"],
    ["postgrestImage", "postgrest/postgrest:v14.5", "must be a PostgREST v16.x tag"],
    ["jwtAudience", " padded", "without surrounding spaces"],
    ["dbSchemas", "api,gpt_oauth", "must not expose gpt_oauth, the OAuth server's own schema"],
    ["anonRole", "gpt_oauth", "is the OAuth server's own login"],
    ["authenticatedRole", "gpt_oauth", "is the OAuth server's own login"],
    ["authenticatorRole", "gpt_oauth", "is the OAuth server's own login"],
    ["oauthCallbackUrls", "https://evil.example.com/aip/g-0123456789abcdef/oauth/callback", "is not a ChatGPT callback URL"],
    ["oauthCallbackUrls", "http://chatgpt.com/aip/g-0123456789abcdef/oauth/callback", "is not a ChatGPT callback URL"],
    ["oauthCallbackUrls", "https://chatgpt.com/aip/g-0123456789abcdef/oauth/callback?x=1", "expected https://chatgpt.com/aip/g-<id>/oauth/callback"],
    ["oauthAccessTokenTtl", "30s", "must be a duration from 1m to 1h"],
    ["oauthAccessTokenTtl", "2h", "must be a duration from 1m to 1h"],
    ["oauthAccessTokenTtl", "soon", "must be a duration from 1m to 1h"],
    ["oauthRefreshTokenTtl", "59m", "must be a duration from 1h to 365d"],
    ["oauthRefreshTokenTtl", "366d", "must be a duration from 1h to 365d"],
    ["oauthRefreshTokenTtl", "2y", "must be a duration from 1h to 365d"],
  ] as const)("refuses %s = %j, naming the key, the value and what is allowed", (key, value, allowed) => {
    const problems = problemsOf({ [key]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`postgrest-gpt:${key} = ${JSON.stringify(value)}`);
    expect(problems[0]).toContain(allowed);
    expect(problems[0]).toContain(`pulumi config set ${key}`);
  });

  test("reports every bad value in one message", () => {
    const err = (() => {
      try {
        parseWith({ jwtAlgorithm: "XX", dbPort: "-1" });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.message).toMatch(/jwtAlgorithm = "XX"[\s\S]*dbPort = "-1"/);
  });

  test("the three roles must be distinct", () => {
    expect(problemsOf({ anonRole: "web", authenticatedRole: "web" })[0]).toContain("three different roles");
  });

  test("api and database ports must differ", () => {
    expect(problemsOf({ apiPort: "55432" })[0]).toContain("must differ from dbPort");
  });

  test("a domain is the https origin: PostgREST under /api, the document at /openapi.json", () => {
    const config = parseWith({ domain: "gpt.example.com", acmeEmail: "ops@example.com" });
    expect(config).toMatchObject({
      domain: "gpt.example.com",
      acmeEmail: "ops@example.com",
      origin: "https://gpt.example.com",
      apiUrl: "https://gpt.example.com/api",
      openApiUrl: "https://gpt.example.com/openapi.json",
    });
    expect(config.originWarning).toBeUndefined();
  });

  test("without a domain, a tunnel's publicUrl is the origin; unset means localhost on apiPort, with a warning", () => {
    const tunnel = parseWith({ publicUrl: "https://abc.trycloudflare.com/" });
    expect(tunnel.origin).toBe("https://abc.trycloudflare.com");
    expect(tunnel.openApiUrl).toBe("https://abc.trycloudflare.com/openapi.json");
    expect(tunnel.originWarning).toBeUndefined();
    expect(parseWith({ apiPort: "8080" }).apiUrl).toBe("http://localhost:8080/api");
    expect(parseWith({ publicUrl: "http://abc.example.com" }).originWarning).toContain("it is not https");
  });

  test("domain and publicUrl together are refused: the origin would be ambiguous", () => {
    expect(problemsOf({ domain: "gpt.example.com", publicUrl: "https://abc.trycloudflare.com" })[0]).toContain("cannot be combined with domain");
  });

  test("the schema choice takes names as the catalog spells them, even those SQL would quote", () => {
    expect(parseWith({ openapiExclude: "my-items, Order Lines" }).openapi.exclude).toEqual(["my-items", "Order Lines"]);
  });

  test("the schema choice: comma lists of names, and read-only mode", () => {
    expect(parseWith({ openapiInclude: "notes, api.search_notes", openapiExclude: "secrets", openapiReadOnly: "true" }).openapi).toEqual({
      include: ["notes", "api.search_notes"],
      exclude: ["secrets"],
      readOnly: true,
    });
  });

  test("several exposed schemas keep their order; the first is PostgREST's default", () => {
    expect(parseWith({ dbSchemas: "api, v2" }).dbSchemas).toEqual(["api", "v2"]);
  });

  test("the audience is always set: the configured jwtAudience verbatim, else the API URL of the origin", () => {
    expect(parseWith({ jwtAudience: "https://api.example.com" }).jwtAudience).toBe("https://api.example.com");
    expect(parseWith({ jwtAudience: "" }).jwtAudience).toBe("http://localhost:3000/api");
    expect(parseWith({ domain: "gpt.example.com" }).jwtAudience).toBe("https://gpt.example.com/api");
  });

  test("a PostgREST image pinned by digest is accepted", () => {
    const image = `postgrest/postgrest@sha256:${"a".repeat(64)}`;
    expect(parseWith({ postgrestImage: image }).postgrestImage).toBe(image);
  });
});

describe("OAuth configuration", () => {
  const url = (id: string, host = "chatgpt.com") => `https://${host}/aip/g-${id}/oauth/callback`;
  const a = "0123456789abcdef0123456789abcdef";
  const b = "fedcba9876543210fedcba9876543210";

  test("callback URLs separated by commas or whitespace are registered under both ChatGPT hosts, once each", () => {
    const { callbackUrls } = parseWith({ oauthCallbackUrls: `${url(a)}, ${url(b, "chat.openai.com")}\n${url(a, "chat.openai.com")}` }).oauth;
    expect(callbackUrls).toEqual([url(a, "chat.openai.com"), url(b, "chat.openai.com"), url(a), url(b)]);
  });

  test("each bad callback URL is named, next to the good ones", () => {
    const problems = problemsOf({ oauthCallbackUrls: `${url(a)} https://chatgpt.com/oauth/callback` });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('"https://chatgpt.com/oauth/callback" is not a ChatGPT callback URL');
  });

  test("the issuer and its endpoints live under the origin: the domain, or the tunnel's publicUrl", () => {
    expect(parseWith({ domain: "gpt.example.com" }).oauth).toMatchObject({
      issuer: "https://gpt.example.com/oauth",
      authorizationUrl: "https://gpt.example.com/oauth/auth",
      tokenUrl: "https://gpt.example.com/oauth/token",
    });
    expect(parseWith({ publicUrl: "https://abc.trycloudflare.com" }).oauth.issuer).toBe("https://abc.trycloudflare.com/oauth");
  });

  test("token lifetimes take the units of tokenTtl, and the bounds themselves", () => {
    expect(parseWith({ oauthAccessTokenTtl: "1m", oauthRefreshTokenTtl: "1h" }).oauth).toMatchObject({ accessTokenSeconds: 60, refreshTokenSeconds: 3600 });
    expect(parseWith({ oauthAccessTokenTtl: "1h", oauthRefreshTokenTtl: "365d" }).oauth).toMatchObject({ accessTokenSeconds: 3600, refreshTokenSeconds: 365 * 86_400 });
    expect(parseWith({ oauthAccessTokenTtl: "600", oauthRefreshTokenTtl: "2w" }).oauth).toMatchObject({ accessTokenSeconds: 600, refreshTokenSeconds: 14 * 86_400 });
  });
});

describe("durations", () => {
  test("token lifetimes take s, m, h, d, w, y and a bare number of seconds", () => {
    expect(parseTtlSeconds("90")).toBe(90);
    expect(parseTtlSeconds("15m")).toBe(900);
    expect(parseTtlSeconds("12h")).toBe(43_200);
    expect(parseTtlSeconds("30d")).toBe(2_592_000);
    expect(parseTtlSeconds("2w")).toBe(1_209_600);
    expect(parseTtlSeconds("1y")).toBe(31_536_000);
    expect(parseTtlSeconds("1x")).toBeUndefined();
    expect(parseTtlSeconds("-5s")).toBeUndefined();
  });

  test("statement timeouts take ms, s, min and a bare number of milliseconds, as PostgreSQL does", () => {
    expect(parseTimeoutMs("250")).toBe(250);
    expect(parseTimeoutMs("250ms")).toBe(250);
    expect(parseTimeoutMs("5s")).toBe(5000);
    expect(parseTimeoutMs("2min")).toBe(120_000);
    expect(parseTimeoutMs("2m")).toBeUndefined();
  });
});
