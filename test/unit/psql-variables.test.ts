import { describe, expect, test } from "vitest";
import {
  findVariableReferences,
  quoteIdentifier,
  quoteLiteral,
  substituteVariables,
  VariableError,
} from "../../lib/migrate/psql-variables.js";

const vars = { anon_role: "web_anon", authenticated_role: "authenticated", api_schema: "api" };
const sub = (sql: string, values: Record<string, string> = vars) => substituteVariables(sql, values, "f.sql");

describe("substituteVariables", () => {
  test(':"name" becomes a quoted identifier and :\'name\' a quoted literal', () => {
    expect(sub(`grant usage on schema :"api_schema" to :"anon_role";`)).toBe(
      `grant usage on schema "api" to "web_anon";`,
    );
    expect(sub(`select :'anon_role' as r`)).toBe(`select 'web_anon' as r`);
  });

  test("quotes inside values are escaped the way psql escapes them", () => {
    const values = { v: `we"ird'role\\x` };
    expect(sub(`:"v"`, values)).toBe(`"we""ird'role\\x"`);
    // PQescapeLiteral: backslashes force an E'' string, with a leading space so it never glues to a word.
    expect(sub(`:'v'`, values)).toBe(` E'we"ird''role\\\\x'`);
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
  });

  test("casts are left alone, including casts to a quoted type name", () => {
    const sql = `select '1'::int, x::"text", y :: text, '{}'::json->>'sub'`;
    expect(sub(sql)).toBe(sql);
  });

  test("nothing is substituted in string literals, identifiers, dollar-quoted bodies or comments", () => {
    const sql = [
      `select ':"anon_role"', e'it\\'s :"anon_role"', 'a'':"anon_role"';`,
      `select ":""anon_role""" from t;`,
      `create function f() returns text language sql as $$ select ':"anon_role"' || :'anon_role' $$;`,
      `do $body$ begin perform :"anon_role"; end $body$;`,
      `-- grant all to :"anon_role"`,
      `/* outer /* nested :"anon_role" */ still comment :'anon_role' */`,
      `select 1;`,
    ].join("\n");
    expect(sub(sql)).toBe(sql);
    expect(findVariableReferences(sql)).toEqual([]);
  });

  test("code after each kind of quoted text is still substituted", () => {
    const sql = `select 'x', "y", $$z$$, $t$w$t$ /* c */ -- d\n, :"anon_role"`;
    expect(sub(sql)).toBe(`select 'x', "y", $$z$$, $t$w$t$ /* c */ -- d\n, "web_anon"`);
  });

  test("positional parameters and identifiers containing $ do not open dollar quotes", () => {
    expect(sub(`select $1, foo$bar$ from t where x = :'anon_role'`)).toBe(
      `select $1, foo$bar$ from t where x = 'web_anon'`,
    );
  });

  test("an E prefix that is the end of a word does not make the string backslash-escaped", () => {
    // In `somE'x\'` the quote after the backslash ends the (standard) string; the variable is code.
    expect(sub(`select some'x\\' , :"anon_role"`)).toBe(`select some'x\\' , "web_anon"`);
  });

  test("an undefined variable is an error naming the file, the line and the variable", () => {
    const sql = `select 1;\n\ngrant select on t to :"nobody";`;
    let error: unknown;
    try {
      substituteVariables(sql, vars, "010_notes.sql");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VariableError);
    expect(error).toMatchObject({ file: "010_notes.sql", line: 3, variable: "nobody" });
    expect((error as Error).message).toMatch(/^010_notes\.sql:3: variable "nobody" is not defined/);
  });

  test("line numbers count the lines inside skipped strings, bodies and comments", () => {
    const sql = `select 'a\nb';\n$$\n$$;\n/*\n*/\n-- x\n:'missing'`;
    expect(() => sub(sql)).toThrow(/^f\.sql:8: variable "missing"/);
  });

  test("a bare :name of a defined variable is refused, other bare words after a colon stay as they are", () => {
    expect(() => sub(`grant select on t to :anon_role;`)).toThrow(/used unquoted; write :"anon_role"/);
    expect(sub(`select arr[1:n], arr[2:3] from t`)).toBe(`select arr[1:n], arr[2:3] from t`);
  });

  test("a value with a line break is refused (it would shift error line numbers)", () => {
    expect(() => sub(`select :'v'`, { v: "a\nb" })).toThrow(/contains a line break/);
  });

  test("an unterminated string or body swallows the rest, like in psql", () => {
    expect(sub(`select 'never closed :"anon_role"`)).toBe(`select 'never closed :"anon_role"`);
    expect(sub(`select $$ never closed :"anon_role"`)).toBe(`select $$ never closed :"anon_role"`);
  });
});
