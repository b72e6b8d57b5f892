import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { databaseUri, dockerEnvs, postgrestEnv } from "../../infra/postgrest/env.js";
import { syncPasswordCommand } from "../../infra/database/superuser-password.js";
import { gptAction } from "../../infra/outputs/gpt-action.js";

const settings = {
  dbUri: "postgres://authenticator:pw@postgres:5432/app",
  schemas: ["api", "v2"],
  anonRole: "anon",
  jwtSecret: "s".repeat(64),
  jwtAudience: "https://data.example.com/api",
  maxRows: 100,
  publicUrl: "https://data.example.com",
};

describe("PostgREST environment", () => {
  test("carries every setting PostgREST needs under its PGRST_ name", () => {
    expect(postgrestEnv(settings)).toEqual({
      PGRST_DB_URI: settings.dbUri,
      PGRST_DB_SCHEMAS: "api,v2",
      PGRST_DB_ANON_ROLE: "anon",
      PGRST_JWT_SECRET: settings.jwtSecret,
      PGRST_JWT_AUD: "https://data.example.com/api",
      PGRST_DB_MAX_ROWS: "100",
      PGRST_OPENAPI_SERVER_PROXY_URI: "https://data.example.com",
      PGRST_SERVER_PORT: "3000",
      PGRST_ADMIN_SERVER_PORT: "3001",
      PGRST_ADMIN_SERVER_HOST: "127.0.0.1",
    });
  });


  test("the database URI percent-encodes user, password and database", () => {
    const uri = databaseUri("auth", "p@ss:w/rd", "postgres", 5432, "app");
    expect(uri).toBe("postgres://auth:p%40ss%3Aw%2Frd@postgres:5432/app");
    expect(decodeURIComponent(new URL(uri).password)).toBe("p@ss:w/rd");
  });

  test("docker envs are K=V strings, keeping '=' inside values", () => {
    expect(dockerEnvs({ A: "1", PGRST_JWT_SECRET: '{"k":"a=b"}' })).toEqual(["A=1", 'PGRST_JWT_SECRET={"k":"a=b"}']);
  });
});

describe("superuser password sync", () => {
  test("passes the password by variable name and psql's stdin: it is in no process's arguments", () => {
    const dir = mkdtempSync(join(tmpdir(), "pgpt-docker-"));
    // A stand-in docker that records its argv (psql's arguments included), the variable it forwards, and its stdin.
    writeFileSync(
      join(dir, "docker"),
      `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/argv"\nprintf '%s' "$PGPT_SUPERUSER_PASSWORD" > "${dir}/env"\ncat > "${dir}/stdin"\n`,
    );
    chmodSync(join(dir, "docker"), 0o755);
    const password = "Secret123pw";
    execFileSync("/bin/sh", ["-c", syncPasswordCommand("db-server-1a2b")], {
      env: { PATH: `${dir}:${process.env.PATH}`, PGPT_SUPERUSER_PASSWORD: password },
    });
    const argv = readFileSync(join(dir, "argv"), "utf8").trim().split("\n");
    expect(argv).toEqual([
      "exec", "-i", "-e", "PGPT_SUPERUSER_PASSWORD", "db-server-1a2b",
      // Terse errors: psql would otherwise echo a failing statement, password included.
      "psql", "-q", "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=terse", "-U", "postgres", "-d", "postgres",
    ]);
    expect(readFileSync(join(dir, "env"), "utf8")).toBe(password);
    expect(readFileSync(join(dir, "stdin"), "utf8")).toBe("\\set pw `printenv PGPT_SUPERUSER_PASSWORD`\nALTER ROLE postgres PASSWORD :'pw';\n");
  });

  test("quotes the container name for the shell", () => {
    expect(syncPasswordCommand("x'; rm -rf /; '")).toContain(`'x'\\''; rm -rf /; '\\'''`);
  });
});

describe("GPT Builder fields", () => {
  const oauth = { clientId: "gpt-0123", clientSecret: "s3cret", authorizationUrl: "https://x/oauth/auth", tokenUrl: "https://x/oauth/token", scope: "api" };
  const inputs = { openApiUrl: "https://x/openapi.json", authenticatedOpenApiUrl: "https://x/openapi.json?view=k", bearerToken: "t0k", anonRole: "anon", authenticatedRole: "authenticated", oauth };

  test("name the Builder's own fields per mode, with Bearer as the API key's auth type", () => {
    const fields = gptAction(inputs);
    expect(fields.none).toMatchObject({ "Import from URL": "https://x/openapi.json", "Authentication Type": "None" });
    expect(fields.apiKey).toMatchObject({ "Import from URL": "https://x/openapi.json?view=k", "Authentication Type": "API Key", "API Key": "t0k", "Auth Type": "Bearer" });
    expect(fields).not.toHaveProperty("warning");
  });

  test("carry the reason GPT Builder would refuse the origin, when it would", () => {
    const fields = gptAction({ ...inputs, openApiUrl: "http://localhost:3000/openapi.json", originWarning: "not https" });
    expect(fields.warning).toBe("not https");
  });

  test("OAuth: exactly the Builder's OAuth fields, POST as the exchange method, and what to do with the callback URL", () => {
    const fields = gptAction(inputs).oauth;
    expect(fields).toEqual({
      "Authentication Type": "OAuth",
      "Client ID": "gpt-0123",
      "Client Secret": "s3cret",
      "Authorization URL": "https://x/oauth/auth",
      "Token URL": "https://x/oauth/token",
      Scope: "api",
      "Token Exchange Method": "Default (POST request)",
      "Callback URL": expect.stringContaining("npm run oauth -- callbacks add <url>"),
      note: expect.stringContaining('"Basic authorization header" works too'),
    });
    expect(fields["Callback URL"]).toContain("config set oauthCallbackUrls <url>");
  });
});
