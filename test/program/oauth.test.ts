// GPT Builder's OAuth option under Pulumi mocks: the authorization server's login and schema, its generated client,
// the companion's environment read back by the companion's own config reader, the audience, and the Builder fields.
import { beforeAll, describe, expect, test } from "vitest";
import { decodeJwt } from "jose";
import { authenticate } from "../../lib/postgrest/index.js";
import { readCompanionConfig } from "../../companion/config.js";
import { reownSchemaCommand } from "../../infra/database/schema-owner.js";
import { containerEnv as envOf, RESOURCE_TYPES as T, runProgram, type ProgramRun } from "../support/pulumi-mocks.js";


const callback = (id: string, host = "chatgpt.com") => `https://${host}/aip/g-${id}/oauth/callback`;
const GPT_A = "0123456789abcdef0123456789abcdef";
const GPT_B = "fedcba9876543210fedcba9876543210";

const companionEnv = (run: ProgramRun) => envOf(run.one(T.container, "companion-server"));
const postgrestEnv = (run: ProgramRun) => envOf(run.one(T.container, "postgrest"));

/** Every string in the outputs outside a secret path, with its path. */
function plainOutputs(run: ProgramRun): [string, string][] {
  const found: [string, string][] = [];
  const walk = (value: unknown, path: string) => {
    if (run.secretOutputs.has(path)) return;
    if (typeof value === "string") found.push([path, value]);
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
  };
  for (const [name, value] of Object.entries(run.outputs)) walk(value, name);
  return found;
}

describe("the OAuth login and its schema", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram();
  });

  test("gpt_oauth logs in on its own: no member of any role, and no role is a member of it", () => {
    const role = run.one(T.role, "oauth-login-role");
    expect(role.inputs).toMatchObject({ name: "gpt_oauth", login: true });
    expect(role.inputs.roles).toBeUndefined();
    const memberships = run.ofType(T.grantRole).flatMap((g) => [g.inputs.role, g.inputs.grantRole]);
    expect(memberships).not.toContain("gpt_oauth");
  });

  test("it owns the gpt_oauth schema, created only if missing, and nothing on it is granted to anyone", () => {
    expect(run.one(T.schema, "oauth-login-schema").inputs).toEqual({ name: "gpt_oauth", database: "app", owner: "gpt_oauth", ifNotExists: true });
    expect(run.ofType(T.grant).map((g) => g.inputs.schema)).not.toContain("gpt_oauth");
    expect(run.ofType(T.grant).map((g) => g.inputs.role)).not.toContain("gpt_oauth");
  });

  test("its password is generated, secret, and the one the companion's OAuth connection uses", () => {
    const password = run.one(T.password, "oauth-login-password");
    expect(password.inputs).toMatchObject({ length: 32, special: false });
    const role = run.one(T.role, "oauth-login-role");
    expect(role.inputs.password).toBe(password.state.result);
    expect(role.secretInputs).toContain("password");
    expect(companionEnv(run)).toMatchObject({ PGPT_OAUTH_PGUSER: "gpt_oauth", PGPT_OAUTH_PGPASSWORD: password.state.result });
  });

  test("once the role and schema exist, the superuser gives the schema's tables back to it (destroy, then up)", () => {
    const reown = run.one(T.command, "oauth-login-reown");
    const dbContainer = run.one(T.container, "db-server").state.name;
    expect(reown.inputs.create).toBe(reownSchemaCommand(dbContainer, "app", "gpt_oauth", "gpt_oauth"));
    expect(reown.inputs.update).toBeUndefined();
    expect(run.dependsOn.get("oauth-login-reown")).toEqual(["oauth-login-role", "oauth-login-schema"]);
  });

  test("sql/ does not wait for it; the companion does", () => {
    expect(run.dependsOn.get("sql-apply")).not.toContain("oauth-login");
    expect(run.dependsOn.get("companion-server")).toContain("oauth-login");
  });
});

describe("the GPT's OAuth client", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram();
  });

  test("its id is gpt-<16 hex>, readable in the outputs", () => {
    expect(run.one(T.randomId, "oauth-client-id").inputs).toEqual({ byteLength: 8 });
    const id = companionEnv(run).PGPT_OAUTH_CLIENT_ID!;
    expect(id).toMatch(/^gpt-[0-9a-f]{16}$/);
    expect((run.outputs.gptAction as { oauth: Record<string, string> }).oauth["Client ID"]).toBe(id);
    expect(run.secretOutputs.has("gptAction.oauth.Client ID")).toBe(false);
  });

  test("its secret and the cookie key are 43 alphanumerics (256 bits), which survive copy, paste and Basic auth", () => {
    for (const name of ["oauth-client-secret", "oauth-client-cookie-key"]) {
      expect(run.one(T.password, name).inputs).toEqual({ length: 43, special: false });
    }
    expect(43 * Math.log2(62)).toBeGreaterThanOrEqual(256);
    const env = companionEnv(run);
    expect(env.PGPT_OAUTH_CLIENT_SECRET).toBe(run.one(T.password, "oauth-client-secret").state.result);
    expect(env.PGPT_OAUTH_COOKIE_KEY).toBe(run.one(T.password, "oauth-client-cookie-key").state.result);
  });

  test("client secret, cookie key, signing key and OAuth password never appear in a plain output", () => {
    const env = companionEnv(run);
    const jwk = JSON.parse(env.PGPT_OAUTH_SIGNING_KEY!) as { k?: string; d?: string };
    const secrets = [env.PGPT_OAUTH_CLIENT_SECRET!, env.PGPT_OAUTH_COOKIE_KEY!, env.PGPT_OAUTH_PGPASSWORD!, jwk.k ?? jwk.d!];
    for (const [path, value] of plainOutputs(run)) {
      for (const secret of secrets) expect(value, path).not.toContain(secret);
    }
    expect(run.secretOutputs.has("gptAction.oauth.Client Secret")).toBe(true);
    expect(run.one(T.container, "companion-server").secretInputs).toContain("envs");
  });
});

describe("the companion's OAuth environment, on localhost by default", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram();
  });

  test("carries every variable the authorization server reads, on the authenticator's host and database", () => {
    const env = companionEnv(run);
    expect(env).toMatchObject({
      PGPT_OAUTH_PGUSER: "gpt_oauth",
      PGPT_OAUTH_ISSUER: "http://localhost:3000/oauth",
      PGPT_OAUTH_CALLBACK_URLS: "",
      PGPT_OAUTH_ACCESS_TOKEN_SECONDS: "900",
      PGPT_OAUTH_REFRESH_TOKEN_SECONDS: "2592000",
      PGPT_JWT_AUDIENCE: "http://localhost:3000/api",
      PGHOST: "postgres",
      PGPORT: "5432",
      PGDATABASE: "app",
    });
    for (const name of ["PGPT_OAUTH_PGPASSWORD", "PGPT_OAUTH_CLIENT_ID", "PGPT_OAUTH_CLIENT_SECRET", "PGPT_OAUTH_SIGNING_KEY", "PGPT_OAUTH_COOKIE_KEY"]) {
      expect(env[name], name).toBeTruthy();
    }
  });

  test("is read back by the companion's own configuration reader without a problem", () => {
    const env = companionEnv(run);
    const { oauth } = readCompanionConfig(env);
    expect(oauth).toEqual({
      issuer: "http://localhost:3000/oauth",
      clientId: env.PGPT_OAUTH_CLIENT_ID,
      clientSecret: env.PGPT_OAUTH_CLIENT_SECRET,
      callbackUrls: [],
      signingKey: JSON.parse(env.PGPT_OAUTH_SIGNING_KEY!),
      cookieKey: env.PGPT_OAUTH_COOKIE_KEY,
      accessTokenSeconds: 900,
      refreshTokenSeconds: 30 * 86_400,
      database: { user: "gpt_oauth", password: env.PGPT_OAUTH_PGPASSWORD },
    });
  });

  test("the plan step, which only reads the catalog, gets none of it", () => {
    const plan = run.one(T.command, "companion-plan").inputs.environment as Record<string, string>;
    expect(Object.keys(plan).filter((name) => name.startsWith("PGPT_OAUTH_"))).toEqual([]);
  });

  test("PostgREST's jwt-aud is the API URL, and so are the companion's audience and the sample token's aud", async () => {
    expect(postgrestEnv(run).PGRST_JWT_AUD).toBe("http://localhost:3000/api");
    expect(companionEnv(run).PGPT_JWT_AUDIENCE).toBe("http://localhost:3000/api");
    const token = run.outputs.sampleBearerToken as string;
    expect(decodeJwt(token).aud).toBe("http://localhost:3000/api");
    const env = postgrestEnv(run);
    const result = await authenticate(`Bearer ${token}`, { jwtSecret: env.PGRST_JWT_SECRET, jwtAud: env.PGRST_JWT_AUD, dbAnonRole: env.PGRST_DB_ANON_ROLE });
    expect(result).toMatchObject({ ok: true, role: "authenticated" });
  });
});

describe("OAuth with a domain and configured callbacks and lifetimes", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram({
      domain: "gpt.example.com",
      oauthCallbackUrls: `${callback(GPT_A)}, ${callback(GPT_B, "chat.openai.com")}`,
      oauthAccessTokenTtl: "1h",
      oauthRefreshTokenTtl: "90d",
    });
  });

  test("the issuer is https://<domain>/oauth, every callback is registered under both hosts, lifetimes in seconds", () => {
    expect(companionEnv(run)).toMatchObject({
      PGPT_OAUTH_ISSUER: "https://gpt.example.com/oauth",
      PGPT_OAUTH_CALLBACK_URLS: [callback(GPT_A, "chat.openai.com"), callback(GPT_B, "chat.openai.com"), callback(GPT_A), callback(GPT_B)].join(","),
      PGPT_OAUTH_ACCESS_TOKEN_SECONDS: "3600",
      PGPT_OAUTH_REFRESH_TOKEN_SECONDS: String(90 * 86_400),
      PGPT_JWT_AUDIENCE: "https://gpt.example.com/api",
    });
  });

  test("gptAction.oauth holds exactly GPT Builder's OAuth fields, pointing at the origin", () => {
    const oauth = (run.outputs.gptAction as { oauth: Record<string, string> }).oauth;
    expect(oauth).toEqual({
      "Authentication Type": "OAuth",
      "Client ID": companionEnv(run).PGPT_OAUTH_CLIENT_ID,
      "Client Secret": companionEnv(run).PGPT_OAUTH_CLIENT_SECRET,
      "Authorization URL": "https://gpt.example.com/oauth/auth",
      "Token URL": "https://gpt.example.com/oauth/token",
      Scope: "api",
      "Token Exchange Method": "Default (POST request)",
      "Callback URL": expect.stringContaining("npm run oauth -- callbacks add <url>"),
      note: expect.stringContaining('"Basic authorization header" works too'),
    });
    expect(run.outputs.gptAction).not.toHaveProperty("warning");
  });
});

describe("OAuth behind a tunnel, with a configured audience", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram({ publicUrl: "https://abc.trycloudflare.com", jwtAudience: "urn:example:data" });
  });

  test("the issuer and endpoints follow publicUrl", () => {
    expect(companionEnv(run).PGPT_OAUTH_ISSUER).toBe("https://abc.trycloudflare.com/oauth");
    expect((run.outputs.gptAction as { oauth: Record<string, string> }).oauth).toMatchObject({
      "Authorization URL": "https://abc.trycloudflare.com/oauth/auth",
      "Token URL": "https://abc.trycloudflare.com/oauth/token",
    });
  });

  test("a configured jwtAudience replaces the API URL everywhere: PostgREST, the companion, the sample token", () => {
    expect(postgrestEnv(run).PGRST_JWT_AUD).toBe("urn:example:data");
    expect(companionEnv(run).PGPT_JWT_AUDIENCE).toBe("urn:example:data");
    expect(decodeJwt(run.outputs.sampleBearerToken as string).aud).toBe("urn:example:data");
  });
});

describe("bad OAuth configuration stops the program, naming the value", () => {
  test.each([
    ["oauthCallbackUrls", "https://example.com/callback", "is not a ChatGPT callback URL"],
    ["oauthAccessTokenTtl", "2h", "must be a duration from 1m to 1h"],
    ["oauthRefreshTokenTtl", "10m", "must be a duration from 1h to 365d"],
    ["dbSchemas", "api,gpt_oauth", "must not expose gpt_oauth"],
  ])("%s = %j", async (key, value, allowed) => {
    const failure = runProgram({ [key]: value }).then(() => undefined, (e: Error) => e.message);
    const message = await failure;
    expect(message).toContain(`postgrest-gpt:${key} = ${JSON.stringify(value)}: `);
    expect(message).toContain(allowed);
  });
});
