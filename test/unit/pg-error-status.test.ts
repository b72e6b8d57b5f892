import { DatabaseError } from "pg";
import { describe, expect, test } from "vitest";
import { pgErrorStatus, postgrestErrorFromPg } from "../../lib/db/postgrest-error.js";

// Expected statuses read from PostgREST v16.2 src/library/PostgREST/Error.hs, mapSQLtoHTTP.
describe("pgErrorStatus", () => {
  test.each([
    ["08006", 503], // connection failure
    ["09000", 500],
    ["0L000", 403],
    ["0P000", 403],
    ["23503", 409], // foreign key
    ["23505", 409], // unique
    ["23502", 400], // not null: falls to the default
    ["23514", 400], // check
    ["25006", 405], // read-only transaction
    ["25P02", 500],
    ["28000", 403],
    ["28P01", 403],
    ["2D000", 500],
    ["38000", 500],
    ["39000", 500],
    ["3B000", 500],
    ["40001", 500], // serialization failure
    ["40P01", 500], // deadlock
    ["53400", 500],
    ["53100", 503], // disk full
    ["53300", 503], // too many connections
    ["54000", 500],
    ["55P03", 500], // lock not available
    ["57014", 500], // statement timeout / query canceled
    ["57P01", 503], // admin shutdown
    ["58000", 500],
    ["F0000", 500],
    ["HV000", 500],
    ["P0001", 400], // raise exception
    ["P0002", 500], // no data found (PL/pgSQL)
    ["XX000", 500],
    ["42P01", 404], // undefined table
    ["42P17", 500],
    ["42601", 400], // syntax error: default
    ["42703", 400], // undefined column: default
    ["22012", 400], // division by zero: default
    ["22P02", 400], // invalid text representation
  ])("%s -> %i", (code, status) => {
    expect(pgErrorStatus(code, "some message", true)).toBe(status);
  });

  test("42501 is 401 for the anonymous role and 403 for a signed-in one", () => {
    expect(pgErrorStatus("42501", "permission denied for table notes", false)).toBe(401);
    expect(pgErrorStatus("42501", "permission denied for table notes", true)).toBe(403);
  });

  test("22023 is 401 only when the role does not exist", () => {
    expect(pgErrorStatus("22023", 'role "ghost" does not exist', true)).toBe(401);
    expect(pgErrorStatus("22023", "invalid value for parameter", true)).toBe(400);
  });

  test("21000 is a client error only for pg-safeupdate's refusal", () => {
    expect(pgErrorStatus("21000", "DELETE requires a WHERE clause", true)).toBe(400);
    expect(pgErrorStatus("21000", "more than one row returned by a subquery used as an expression", true)).toBe(500);
  });

  test("42883 is 404, except the missing xmlagg of an XML response (406)", () => {
    expect(pgErrorStatus("42883", "function api.nope() does not exist", true)).toBe(404);
    expect(pgErrorStatus("42883", "function xmlagg(text) does not exist", true)).toBe(406);
  });

  test("PTxxx codes carry their own status; a non-numeric one is 500", () => {
    expect(pgErrorStatus("PT404", "gone", true)).toBe(404);
    expect(pgErrorStatus("PT418", "teapot", false)).toBe(418);
    expect(pgErrorStatus("PTabc", "bad", true)).toBe(500);
  });
});

function pgError(fields: { code: string; message: string; detail?: string; hint?: string }): DatabaseError {
  const e = new DatabaseError(fields.message, 0, "error");
  e.code = fields.code;
  e.detail = fields.detail;
  e.hint = fields.hint;
  return e;
}

describe("postgrestErrorFromPg", () => {
  test("copies code, message, detail and hint; absent fields are null", () => {
    expect(postgrestErrorFromPg(pgError({ code: "23505", message: "dup", detail: "Key (id)=(1)" }), true)).toEqual({
      status: 409,
      code: "23505",
      message: "dup",
      details: "Key (id)=(1)",
      hint: null,
    });
  });

  test("a 401 asks for credentials with WWW-Authenticate: Bearer, a 403 does not (cases 1450, 1451)", () => {
    const denied = pgError({ code: "42501", message: "permission denied for table notes" });
    expect(postgrestErrorFromPg(denied, false)).toMatchObject({ status: 401, wwwAuthenticate: "Bearer" });
    expect(postgrestErrorFromPg(denied, true)).not.toHaveProperty("wwwAuthenticate");
  });

  test("RAISE SQLSTATE 'PGRST' with malformed JSON is PGRST121 (500), naming what failed to parse", () => {
    expect(postgrestErrorFromPg(pgError({ code: "PGRST", message: "not json", detail: "{}" }), true)).toEqual({
      status: 500,
      code: "PGRST121",
      message: `Could not parse JSON in the "RAISE SQLSTATE 'PGRST'" error`,
      details: "Invalid JSON value for MESSAGE: 'not json'",
      hint: "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'.",
    });
    const message = '{"code":"X1","message":"m"}';
    expect(postgrestErrorFromPg(pgError({ code: "PGRST", message }), true)).toMatchObject({
      code: "PGRST121",
      details: "DETAIL is missing in the RAISE statement",
    });
    expect(postgrestErrorFromPg(pgError({ code: "PGRST", message, detail: '{"status":400}' }), true)).toMatchObject({
      code: "PGRST121",
      details: `Invalid JSON value for DETAIL: '{"status":400}'`,
    });
  });
});
