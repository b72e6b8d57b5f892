import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { ConfigError, readApplyConfig } from "../../lib/migrate/cli-config.js";

describe("readApplyConfig", () => {
  test("reads schemas, role variables and the SQL directory from the environment", () => {
    const config = readApplyConfig(
      {
        PGPT_DB_SCHEMAS: " api , v2 ",
        PGPT_ANON_ROLE: "web_anon",
        PGPT_AUTHENTICATED_ROLE: "web_user",
        PGPT_AUTHENTICATOR_ROLE: "authenticator",
        PGPT_SQL_DIR: "db/sql",
      },
      "/project",
    );
    expect(config).toEqual({
      sqlDir: join("/project", "db/sql"),
      schemas: ["api", "v2"],
      variables: {
        api_schema: "api",
        anon_role: "web_anon",
        authenticated_role: "web_user",
        authenticator_role: "authenticator",
      },
    });
  });

  test("unset or empty role variables stay undefined and the SQL directory defaults to sql/", () => {
    const config = readApplyConfig({ PGPT_DB_SCHEMAS: "api", PGPT_ANON_ROLE: "" }, "/project");
    expect(config.variables).toEqual({ api_schema: "api" });
    expect(config.sqlDir).toBe(join("/project", "sql"));
  });

  test("refuses a missing schema list and schemas PostgREST must never expose, the ledger's included", () => {
    expect(() => readApplyConfig({ PGPT_DB_SCHEMAS: " , " }, "/p")).toThrow(ConfigError);
    expect(() => readApplyConfig({ PGPT_DB_SCHEMAS: "api,postgrest_gpt" }, "/p")).toThrow(
      "PGPT_DB_SCHEMAS must not list postgrest_gpt",
    );
    expect(() => readApplyConfig({ PGPT_DB_SCHEMAS: "pg_catalog" }, "/p")).toThrow(/must not list pg_catalog/);
  });
});
