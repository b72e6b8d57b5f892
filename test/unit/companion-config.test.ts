import { describe, expect, test } from "vitest";
import { CompanionConfigError, readCompanionConfig } from "../../companion/config.js";

const ENV = {
  PGHOST: "db", PGUSER: "authenticator", PGDATABASE: "app", PGPASSWORD: "pw",
  PGPT_DB_SCHEMAS: "api, extra", PGPT_ANON_ROLE: "anon", PGPT_AUTHENTICATED_ROLE: "authenticated",
  PGPT_API_URL: "https://gpt.example.com/api/", PGPT_JWT_SECRET: "a-secret-of-at-least-thirty-two-chars",
};

describe("companion configuration", () => {
  test("reads the environment with defaults: port 8080, all tables, writes allowed, 60 s safety net", () => {
    expect(readCompanionConfig(ENV)).toEqual({
      port: 8080,
      schemas: ["api", "extra"],
      anonRole: "anon",
      authenticatedRole: "authenticated",
      apiUrl: "https://gpt.example.com/api",
      auth: { jwtSecret: ENV.PGPT_JWT_SECRET, jwtAud: "", dbAnonRole: "anon" },
      selection: { include: [], exclude: [], readOnly: false },
      cacheSeconds: 60,
    });
  });

  test("the selection comes from comma lists and a boolean", () => {
    const config = readCompanionConfig({ ...ENV, PGPT_OPENAPI_INCLUDE: "notes, api.search_notes", PGPT_OPENAPI_EXCLUDE: "secrets", PGPT_OPENAPI_READ_ONLY: "true" });
    expect(config.selection).toEqual({ include: ["notes", "api.search_notes"], exclude: ["secrets"], readOnly: true });
  });

  test("every problem is named in one error, without echoing secret values", () => {
    const run = () => readCompanionConfig({ ...ENV, PGHOST: "", PGPT_JWT_SECRET: "short", PGPT_OPENAPI_READ_ONLY: "yes", PORT: "99999", PGPT_OPENAPI_VIEW_KEY: "tiny" });
    expect(run).toThrow(CompanionConfigError);
    const message = (() => { try { run(); } catch (e) { return (e as Error).message; } })()!;
    for (const name of ["PGHOST", "PGPT_JWT_SECRET", "PGPT_OPENAPI_READ_ONLY", "PORT", "PGPT_OPENAPI_VIEW_KEY"]) expect(message).toContain(name);
    // Values that are not secrets are quoted, so the reader sees what was wrong.
    expect(message).toContain('PORT = "99999"');
    expect(message).toContain('PGPT_OPENAPI_READ_ONLY = "yes"');
    expect(message).not.toContain("tiny");
    expect(message).not.toMatch(/\bshort\b/);
  });
});
