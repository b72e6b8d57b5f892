import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { reownSchemaCommand, reownSchemaSql } from "../../infra/database/schema-owner.js";

describe("handing a retained schema back to its re-created login", () => {
  test("runs psql in the database container as the superuser, with the SQL on stdin, stopping at the first error", () => {
    const dir = mkdtempSync(join(tmpdir(), "pgpt-docker-"));
    writeFileSync(join(dir, "docker"), `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/argv"\ncat > "${dir}/stdin"\n`);
    chmodSync(join(dir, "docker"), 0o755);
    execFileSync("/bin/sh", ["-c", reownSchemaCommand("db-server-1a2b", "app", "gpt_oauth", "gpt_oauth")], {
      env: { PATH: `${dir}:${process.env.PATH}` },
    });
    expect(readFileSync(join(dir, "argv"), "utf8").trim().split("\n")).toEqual([
      "exec", "-i", "db-server-1a2b",
      "psql", "-q", "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=terse", "-U", "postgres", "-d", "app",
    ]);
    // The heredoc is quoted: the shell leaves $$ and %I alone.
    expect(readFileSync(join(dir, "stdin"), "utf8")).toBe(`${reownSchemaSql("gpt_oauth", "gpt_oauth")}\n`);
  });

  test("gives back the schema and every table, view and free-standing sequence in it, not column-owned sequences", () => {
    const sql = reownSchemaSql("gpt_oauth", "gpt_oauth");
    expect(sql).toContain("format('ALTER SCHEMA %I OWNER TO %I', 'gpt_oauth', 'gpt_oauth')");
    expect(sql).toContain("c.relnamespace = 'gpt_oauth'::regnamespace AND c.relowner <> 'gpt_oauth'::regrole");
    expect(sql).toContain("c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')");
    expect(sql).toMatch(/NOT \(c\.relkind = 'S' AND EXISTS/);
  });

  test("refuses names that are not plain identifiers, and quotes the container and database for the shell", () => {
    expect(() => reownSchemaSql("gpt_oauth'; drop table x; --", "gpt_oauth")).toThrow(/schema = .*lower-case PostgreSQL identifier/);
    expect(() => reownSchemaSql("gpt_oauth", "Owner")).toThrow(/owner = "Owner"/);
    expect(reownSchemaCommand("x'; rm -rf /; '", "app", "s", "o")).toContain(`'x'\\''; rm -rf /; '\\'''`);
  });
});
