// Layer 2: the whole program under Pulumi mocks, once per algorithm. lib/postgrest (PostgREST v16's JWT rules, tied to
// the recorded conformance cases) plays PostgREST: it is configured from the container's own PGRST_* env.
import { beforeAll, describe, expect, test } from "vitest";
import { authenticate } from "../../lib/postgrest/index.js";
import { JWT_ALGORITHMS, isHmac } from "../../infra/keys/algorithms.js";
import { containerEnv as envOf, RESOURCE_TYPES as T, runProgram, type ProgramRun } from "../support/pulumi-mocks.js";


/** lib/postgrest configured exactly as the PostgREST container is. */
function postgrestConfigOf(run: ProgramRun) {
  const env = envOf(run.one(T.container, "postgrest"));
  return { jwtSecret: env.PGRST_JWT_SECRET, jwtAud: env.PGRST_JWT_AUD, dbAnonRole: env.PGRST_DB_ANON_ROLE };
}

describe.each(JWT_ALGORITHMS)("the stack with jwtAlgorithm %s", (algorithm) => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram({ jwtAlgorithm: algorithm });
  });

  test("generates its own key of the right kind, named after the algorithm", () => {
    const name = `jwt-key-${algorithm.toLowerCase()}`;
    if (isHmac(algorithm)) {
      expect(run.one(T.password, name).inputs).toMatchObject({ length: 64, special: false });
      expect(run.ofType(T.tlsKey)).toEqual([]);
    } else {
      const expected = {
        RS256: { algorithm: "RSA", rsaBits: 2048 },
        RS384: { algorithm: "RSA", rsaBits: 3072 },
        RS512: { algorithm: "RSA", rsaBits: 4096 },
        ES256: { algorithm: "ECDSA", ecdsaCurve: "P256" },
        ES384: { algorithm: "ECDSA", ecdsaCurve: "P384" },
        ES512: { algorithm: "ECDSA", ecdsaCurve: "P521" },
        EdDSA: { algorithm: "ED25519" },
      }[algorithm as Exclude<typeof algorithm, "HS256" | "HS384" | "HS512">];
      expect(run.one(T.tlsKey, name).inputs).toEqual(expected);
    }
  });

  test("the sample token is accepted by PostgREST's rules as the authenticated role, with sub, iat and integer exp", async () => {
    const token = run.outputs.sampleBearerToken as string;
    const result = await authenticate(`Bearer ${token}`, postgrestConfigOf(run));
    expect(result).toMatchObject({ ok: true, role: "authenticated", anonymous: false });
    const claims = (result as { claims: Record<string, unknown> }).claims;
    expect(claims.sub).toBe("gpt-action");
    expect(Number.isInteger(claims.exp)).toBe(true);
    expect((claims.exp as number) - (claims.iat as number)).toBe(365 * 86_400);
  });

  test("a token whose signature was tampered with is refused for a bad key, as PostgREST would", async () => {
    const [h, p, s] = (run.outputs.sampleBearerToken as string).split(".");
    const flipped = s!.startsWith("A") ? `B${s!.slice(1)}` : `A${s!.slice(1)}`;
    const result = await authenticate(`Bearer ${h}.${p}.${flipped}`, postgrestConfigOf(run));
    expect(result).toMatchObject({ ok: false, error: { status: 401, code: "PGRST301" } });
  });

  test("the companion's OAuth signing key mints access tokens PostgREST accepts, for PostgREST's audience", async () => {
    const { SignJWT, importJWK } = await import("jose");
    const env = envOf(run.one(T.container, "companion-server"));
    const jwk = JSON.parse(env.PGPT_OAUTH_SIGNING_KEY!);
    expect(jwk.kid).toBe(isHmac(algorithm) ? undefined : (run.outputs.jwks as { keys: { kid: string }[] }).keys[0]!.kid);
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ role: "authenticated", scope: "api" })
      .setProtectedHeader({ alg: jwk.alg, typ: "at+jwt", ...(jwk.kid ? { kid: jwk.kid } : {}) })
      .setSubject("a-user")
      .setAudience(env.PGPT_JWT_AUDIENCE!)
      .setIssuedAt(now)
      .setExpirationTime(now + 900)
      .sign(await importJWK(jwk, jwk.alg));
    expect(await authenticate(`Bearer ${token}`, postgrestConfigOf(run))).toMatchObject({ ok: true, role: "authenticated", claims: { sub: "a-user" } });
  });

  test("requests without a token run as the anon role PostgREST is told about", async () => {
    expect(await authenticate(undefined, postgrestConfigOf(run))).toMatchObject({ ok: true, role: "anon", anonymous: true });
  });

  test("secrets stay secret: token, GPT fields, PostgREST env, migration env, OAuth login; the public JWKS does not", () => {
    expect(run.secretOutputs.has("sampleBearerToken")).toBe(true);
    // Only the API-key mode's key, its schema URL (which carries the view key) and the OAuth client secret are secret;
    // the rest stays readable.
    expect([...run.secretOutputs].filter((p) => p.startsWith("gptAction")).sort()).toEqual([
      "gptAction.apiKey.API Key",
      "gptAction.apiKey.Import from URL",
      "gptAction.oauth.Client Secret",
    ]);
    expect(run.one(T.container, "postgrest").secretInputs).toContain("envs");
    expect(run.one(T.container, "companion").secretInputs).toContain("envs");
    expect(run.one(T.command, "companion-plan").secretInputs).toContain("environment");
    expect(run.one(T.command, "sql-apply").secretInputs).toContain("environment");
    expect(run.one(T.provider, "db-provider").secretInputs).toContain("password");
    expect(run.one(T.container, "db-server").secretInputs).toContain("envs");
    expect(run.one(T.role, "roles-authenticator").secretInputs).toContain("password");
    expect(run.one(T.role, "oauth-login-role").secretInputs).toContain("password");
    expect(run.one(T.command, "superuser-password-sync").secretInputs).toEqual(expect.arrayContaining(["environment", "triggers"]));
    expect(run.secretOutputs.has("jwks")).toBe(false);
    expect(run.secretOutputs.has("apiUrl")).toBe(false);
  });

  test("jwks is the public key PostgREST trusts, absent for HMAC", () => {
    const env = envOf(run.one(T.container, "postgrest"));
    if (isHmac(algorithm)) {
      expect(run.outputs.jwks).toBeUndefined();
    } else {
      expect(run.outputs.jwks).toEqual(JSON.parse(env.PGRST_JWT_SECRET!));
      expect(JSON.stringify(run.outputs.jwks)).not.toMatch(/"d":/);
    }
  });
});

describe("the stack's wiring (default config)", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram();
  });

  test("PostgREST logs in as the authenticator with the authenticator's own generated password", () => {
    const uri = new URL(envOf(run.one(T.container, "postgrest")).PGRST_DB_URI!);
    const authenticator = run.one(T.role, "roles-authenticator");
    expect(decodeURIComponent(uri.username)).toBe(authenticator.inputs.name);
    expect(decodeURIComponent(uri.password)).toBe(run.one(T.password, "authenticator-password").state.result);
    expect(authenticator.inputs.password).toBe(run.one(T.password, "authenticator-password").state.result);
    expect(uri.host).toBe("postgres:5432");
    expect(uri.pathname).toBe("/app");
  });

  test("PostgREST's anon role and schemas are the roles and schemas the program creates", () => {
    const env = envOf(run.one(T.container, "postgrest"));
    expect(env.PGRST_DB_ANON_ROLE).toBe(run.one(T.role, "roles-anon").inputs.name);
    expect(env.PGRST_DB_SCHEMAS).toBe(run.one(T.schema, "schema-api").inputs.name);
    expect(env.PGRST_OPENAPI_SERVER_PROXY_URI).toBe(run.outputs.apiUrl);
    expect(env.PGRST_DB_MAX_ROWS).toBe("20");
  });

  test("the authenticator logs in without inheriting and is granted exactly anon and authenticated", () => {
    expect(run.one(T.role, "roles-authenticator").inputs).toMatchObject({ login: true, inherit: false });
    const grants = run.ofType(T.grantRole).map((g) => [g.inputs.role, g.inputs.grantRole]);
    expect(grants.sort()).toEqual([["authenticator", "anon"], ["authenticator", "authenticated"]]);
  });

  test("anon and authenticated cannot log in, have a statement_timeout, and only USAGE on the exposed schema", () => {
    for (const name of ["roles-anon", "roles-authenticated"]) {
      expect(run.one(T.role, name).inputs).toMatchObject({ login: false, statementTimeout: 5000 });
    }
    const grants = run.ofType(T.grant).map((g) => g.inputs);
    expect(grants).toHaveLength(2);
    for (const g of grants) expect(g).toMatchObject({ database: "app", schema: "api", objectType: "schema", privileges: ["USAGE"] });
    expect(grants.map((g) => g.role).sort()).toEqual(["anon", "authenticated"]);
  });

  test("PostgreSQL is published on 127.0.0.1 only, checked over TCP, and its data lives on a per-stack volume", () => {
    const db = run.one(T.container, "db-server");
    expect(db.inputs.ports).toEqual([{ internal: 5432, external: 55432, ip: "127.0.0.1" }]);
    expect(db.inputs.healthcheck.tests.join(" ")).toContain("pg_isready -h 127.0.0.1");
    expect(db.inputs.wait).toBe(true);
    expect(db.inputs.volumes).toEqual([{ volumeName: "postgrest-gpt-dev-pgdata", containerPath: "/var/lib/postgresql/data" }]);
    expect(run.one(T.volume, "db-data").inputs.name).toBe("postgrest-gpt-dev-pgdata");
    expect(db.inputs.envs).toContain(`POSTGRES_PASSWORD=${run.one(T.password, "superuser-password").state.result}`);
  });

  test("the provider and the migrations connect as the superuser over the published port, without SSL", () => {
    const superuserPassword = run.one(T.password, "superuser-password").state.result;
    expect(run.one(T.provider, "db-provider").inputs).toMatchObject({
      host: "127.0.0.1",
      port: "55432",
      username: "postgres",
      password: superuserPassword,
      sslmode: "disable",
    });
    const env = run.one(T.command, "sql-apply").inputs.environment;
    expect(env).toMatchObject({ PGHOST: "127.0.0.1", PGPORT: "55432", PGUSER: "postgres", PGPASSWORD: superuserPassword, PGDATABASE: "app" });
    expect(env).toMatchObject({ PGPT_ANON_ROLE: "anon", PGPT_AUTHENTICATED_ROLE: "authenticated", PGPT_AUTHENTICATOR_ROLE: "authenticator", PGPT_DB_SCHEMAS: "api" });
    expect(run.one(T.command, "sql-apply").inputs.triggers).toEqual([expect.stringMatching(/^(\S+\.sql:[0-9a-f]{64} ?)+$/)]);
    expect(run.one(T.command, "sql-apply").inputs).toMatchObject({ update: "node --import tsx lib/migrate/cli.ts apply" });
  });

  test("ordering: provider after the healthy database, sql/ after every API role and grant, PostgREST after sql/", () => {
    expect(run.dependsOn.get("db-provider")).toEqual(["db-server", "db-superuser-password-sync"]);
    // The OAuth login is none of sql/'s business: it has its own ordering (test/program/oauth.test.ts).
    const declared = (type: string) => run.ofType(type).map((r) => r.name).filter((name) => !name.startsWith("oauth-"));
    expect([...run.dependsOn.get("sql-apply")!].sort()).toEqual(
      [...declared(T.role), ...declared(T.grantRole), ...declared(T.schema), ...declared(T.grant)].sort(),
    );
    expect(run.dependsOn.get("postgrest-server")).toEqual(["sql"]);
  });

  test("PostgREST publishes no port: only the proxy reaches it; it reports ready through its own admin endpoint", () => {
    const api = run.one(T.container, "postgrest");
    expect(api.inputs.ports).toBeUndefined();
    expect(api.inputs.healthcheck.tests).toEqual(["CMD", "postgrest", "--ready"]);
    expect(envOf(api)).toMatchObject({ PGRST_ADMIN_SERVER_HOST: "127.0.0.1", PGRST_ADMIN_SERVER_PORT: "3001" });
    expect(api.inputs.image).toBe(run.one("docker:index/remoteImage:RemoteImage", "postgrest-image").state.imageId);
    expect(run.one("docker:index/remoteImage:RemoteImage", "postgrest-image").inputs.name).toBe("postgrest/postgrest:v16.4");
  });

  test("the companion is built from this repository and runs the bundle's image after sql/ and the OAuth login", () => {
    const image = run.one("docker:index/image:Image", "companion-image");
    expect(image.inputs).toMatchObject({ imageName: "postgrest-gpt-dev-companion", skipPush: true });
    expect(image.inputs.build.dockerfile).toMatch(/\/companion\/Dockerfile$/);
    const server = run.one(T.container, "companion-server");
    expect(server.inputs.image).toBe(image.state.repoDigest);
    expect(server.inputs.ports).toBeUndefined();
    expect(run.dependsOn.get("companion-server")).toEqual(["sql", "oauth-login"]);
    expect(run.dependsOn.get("companion-plan")).toEqual(["sql", "oauth-login"]);
  });

  test("the companion judges tokens with PostgREST's own secret and roles, and reads the catalog as the authenticator", () => {
    const pgrst = envOf(run.one(T.container, "postgrest"));
    const env = envOf(run.one(T.container, "companion-server"));
    expect(env.PGPT_JWT_SECRET).toBe(pgrst.PGRST_JWT_SECRET);
    expect(env.PGPT_ANON_ROLE).toBe(pgrst.PGRST_DB_ANON_ROLE);
    expect(env.PGPT_DB_SCHEMAS).toBe(pgrst.PGRST_DB_SCHEMAS);
    const uri = new URL(pgrst.PGRST_DB_URI!);
    expect([env.PGUSER, env.PGPASSWORD, `${env.PGHOST}:${env.PGPORT}`, env.PGDATABASE]).toEqual([
      decodeURIComponent(uri.username), decodeURIComponent(uri.password), uri.host, uri.pathname.slice(1),
    ]);
    expect(env.PGPT_API_URL).toBe(run.outputs.apiUrl);
    expect(env.PGPT_OPENAPI_VIEW_KEY).toHaveLength(32);
  });

  test("the plan step prints, after sql/, what each mode sees, reading the database as the migrations do", () => {
    const plan = run.one(T.command, "companion-plan");
    expect(plan.inputs.create).toBe("node --import tsx lib/openapi/plan-cli.ts");
    const sqlEnv = run.one(T.command, "sql-apply").inputs.environment;
    expect(plan.inputs.environment).toMatchObject({ PGHOST: sqlEnv.PGHOST, PGPORT: sqlEnv.PGPORT, PGUSER: sqlEnv.PGUSER, PGPASSWORD: sqlEnv.PGPASSWORD });
    expect(plan.inputs.triggers[0]).toBe(run.one(T.command, "sql-apply").inputs.triggers[0]);
  });

  test("without a domain, Caddy serves plain HTTP on 127.0.0.1:apiPort, routing /api to PostgREST and /openapi.json to the companion", () => {
    const proxy = run.one(T.container, "proxy-server");
    expect(proxy.inputs.ports).toEqual([{ internal: 8080, external: 3000, ip: "127.0.0.1" }]);
    const caddyfile = proxy.inputs.uploads[0].content as string;
    expect(proxy.inputs.uploads[0].file).toBe("/etc/caddy/Caddyfile");
    expect(caddyfile).toContain("http://:8080 {");
    expect(caddyfile).toMatch(/handle_path \/api\/\* \{\n\t\treverse_proxy postgrest:3000/);
    expect(caddyfile).toMatch(/handle \/openapi\.json \{\n\t\treverse_proxy companion:8080/);
    expect(proxy.inputs.volumes).toEqual([{ volumeName: "postgrest-gpt-dev-caddy-data", containerPath: "/data" }]);
    // The upstreams are network aliases, so replacing PostgREST or the companion leaves the Caddyfile unchanged.
    expect(run.one(T.container, "postgrest").inputs.networksAdvanced).toEqual([{ name: "postgrest-gpt-dev", aliases: ["postgrest"] }]);
    expect(run.one(T.container, "companion-server").inputs.networksAdvanced).toEqual([{ name: "postgrest-gpt-dev", aliases: ["companion"] }]);
    expect(run.one("docker:index/remoteImage:RemoteImage", "proxy-image").inputs.name).toBe("caddy:2.10-alpine");
  });

  test("outputs point GPT Builder at the origin's /openapi.json, and warn that localhost will not do", () => {
    expect(run.outputs).toMatchObject({
      apiUrl: "http://localhost:3000/api",
      openApiUrl: "http://localhost:3000/openapi.json",
      jwtAlgorithm: "HS256",
      anonRole: "anon",
      authenticatedRole: "authenticated",
    });
    const viewKey = envOf(run.one(T.container, "companion-server")).PGPT_OPENAPI_VIEW_KEY;
    expect(run.outputs.gptAction).toMatchObject({
      warning: expect.stringContaining("GPT Builder cannot use http://localhost:3000"),
      none: { "Import from URL": "http://localhost:3000/openapi.json", "Authentication Type": "None" },
      apiKey: {
        "Import from URL": `http://localhost:3000/openapi.json?view=${viewKey}`,
        "Authentication Type": "API Key",
        "Auth Type": "Bearer",
        "API Key": run.outputs.sampleBearerToken,
      },
    });
  });
});

describe("with a domain", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram({ domain: "gpt.example.com", acmeEmail: "ops@example.com" });
  });

  test("outputs point GPT Builder at https://<domain>/openapi.json, and PostgREST's proxy URI matches", () => {
    expect(run.outputs.openApiUrl).toBe("https://gpt.example.com/openapi.json");
    expect(run.outputs.apiUrl).toBe("https://gpt.example.com/api");
    expect(envOf(run.one(T.container, "postgrest")).PGRST_OPENAPI_SERVER_PROXY_URI).toBe("https://gpt.example.com/api");
    expect(envOf(run.one(T.container, "companion-server")).PGPT_API_URL).toBe("https://gpt.example.com/api");
    expect(run.outputs.gptAction).not.toHaveProperty("warning");
    expect((run.outputs.gptAction as { none: Record<string, string> }).none["Import from URL"]).toBe("https://gpt.example.com/openapi.json");
  });

  test("Caddy takes 80 and 443 for automatic HTTPS, with the ACME email, and keeps certificates on a retained volume", () => {
    const proxy = run.one(T.container, "proxy-server");
    expect(proxy.inputs.ports).toEqual([{ internal: 80, external: 80 }, { internal: 443, external: 443 }]);
    const caddyfile = proxy.inputs.uploads[0].content as string;
    expect(caddyfile).toContain("gpt.example.com {");
    expect(caddyfile).toContain("\temail ops@example.com");
    expect(caddyfile).not.toContain("auto_https off");
  });
});

describe("configured names and audience flow through the whole stack", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram({
      jwtAlgorithm: "RS256",
      jwtAudience: "https://data.example.com",
      publicUrl: "https://data.example.com",
      anonRole: "web_anon",
      authenticatedRole: "web_user",
      authenticatorRole: "web_login",
      dbSchemas: "api,v2",
      tokenSubject: "assistant",
      tokenTtl: "30d",
    });
  });

  test("roles, grants, env and token all use the configured names", async () => {
    expect(run.ofType(T.role).map((r) => r.inputs.name).sort()).toEqual(["gpt_oauth", "web_anon", "web_login", "web_user"]);
    expect(run.ofType(T.grantRole).map((g) => g.inputs.role)).toEqual(["web_login", "web_login"]);
    expect(run.ofType(T.grant).map((g) => `${g.inputs.schema}:${g.inputs.role}`).sort()).toEqual(["api:web_anon", "api:web_user", "v2:web_anon", "v2:web_user"]);
    const env = envOf(run.one(T.container, "postgrest"));
    expect(env).toMatchObject({ PGRST_DB_ANON_ROLE: "web_anon", PGRST_DB_SCHEMAS: "api,v2", PGRST_JWT_AUD: "https://data.example.com" });
    expect(envOf(run.one(T.container, "companion-server")).PGPT_JWT_AUDIENCE).toBe("https://data.example.com");
    const result = await authenticate(`Bearer ${run.outputs.sampleBearerToken}`, postgrestConfigOf(run));
    expect(result).toMatchObject({ ok: true, role: "web_user", claims: { sub: "assistant", aud: "https://data.example.com" } });
  });

  test("PostgREST refuses a token for another audience: the audience is enforced", async () => {
    const { SignJWT, importPKCS8 } = await import("jose");
    const material = run.one(T.tlsKey, "jwt-key-rs256").state;
    const kid = (run.outputs.jwks as { keys: { kid: string }[] }).keys[0]!.kid;
    const other = await new SignJWT({ role: "web_user", aud: "https://elsewhere.example.com" })
      .setProtectedHeader({ alg: "RS256", kid })
      .sign(await importPKCS8(material.privateKeyPemPkcs8, "RS256"));
    const result = await authenticate(`Bearer ${other}`, postgrestConfigOf(run));
    expect(result).toMatchObject({ ok: false, error: { status: 401, code: "PGRST303", message: "JWT not in audience" } });
  });
});
