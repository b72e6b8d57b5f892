import type { DatabaseError } from "pg";
import type { PostgrestError } from "../postgrest/errors.js";

/**
 * HTTP status for a PostgreSQL error, ported case by case (first match wins) from PostgREST v16.2
 * `src/library/PostgREST/Error.hs`, `pgErrorStatus` -> `mapSQLtoHTTP`:
 * https://github.com/PostgREST/postgrest/blob/v16.2/src/library/PostgREST/Error.hs#L537-L597
 * `authenticated` is PostgREST's `authed`: the request role is not the anonymous role.
 * The `PGRST` raise code is handled by postgrestErrorFromPg (its status comes from the DETAIL JSON).
 */
export function pgErrorStatus(sqlstate: string, message: string, authenticated: boolean): number {
  const c = sqlstate;
  if (c.startsWith("08")) return 503; // pg connection err
  if (c.startsWith("09")) return 500; // triggered action exception
  if (c.startsWith("0L")) return 403; // invalid grantor
  if (c.startsWith("0P")) return 403; // invalid role specification
  if (c === "23503") return 409; // foreign_key_violation
  if (c === "23505") return 409; // unique_violation
  if (c === "25006") return 405; // read_only_sql_transaction
  // cardinality_violation: pg-safeupdate's refusal is a client error, anything else a server one
  if (c === "21000") return message.endsWith("requires a WHERE clause") ? 400 : 500;
  // invalid_parameter_value: `set role` to a role that does not exist (PostgREST issue #3601)
  if (c === "22023") return message.startsWith("role") && message.endsWith("does not exist") ? 401 : 400;
  if (c.startsWith("25")) return 500; // invalid tx state
  if (c.startsWith("28")) return 403; // invalid auth specification
  if (c.startsWith("2D")) return 500; // invalid tx termination
  if (c.startsWith("38")) return 500; // external routine exception
  if (c.startsWith("39")) return 500; // external routine invocation
  if (c.startsWith("3B")) return 500; // savepoint exception
  if (c.startsWith("40")) return 500; // tx rollback
  if (c === "53400") return 500; // config limit exceeded
  if (c.startsWith("53")) return 503; // insufficient resources
  if (c.startsWith("54")) return 500; // too complex
  if (c.startsWith("55")) return 500; // obj not on prereq state
  if (c === "57P01") return 503; // terminating connection due to administrator command
  if (c.startsWith("57")) return 500; // operator intervention, incl. 57014 statement timeout / query_canceled
  if (c.startsWith("58")) return 500; // system error
  if (c.startsWith("F0")) return 500; // conf file error
  if (c.startsWith("HV")) return 500; // foreign data wrapper error
  if (c === "P0001") return 400; // default code for "raise"
  if (c.startsWith("P0")) return 500; // PL/pgSQL error
  if (c.startsWith("XX")) return 500; // internal error
  if (c === "42883") return message.startsWith("function xmlagg(") ? 406 : 404; // undefined function
  if (c === "42P01") return 404; // undefined table
  if (c === "42P17") return 500; // infinite recursion
  if (c === "42501") return authenticated ? 403 : 401; // insufficient privilege
  // `raise sqlstate 'PT404'`: the status is the code's last three digits (Haskell `readMaybe`, else 500)
  if (c.startsWith("PT")) return /^\d+$/.test(c.slice(2)) ? Number(c.slice(2)) : 500;
  return 400;
}

/** The error PostgREST v16 would answer for a PostgreSQL error raised during the request's transaction. */
export function postgrestErrorFromPg(error: DatabaseError, authenticated: boolean): PostgrestError {
  const code = error.code ?? "";
  if (code === "PGRST") return fromRaisePgrst(error.message, error.detail);
  const status = pgErrorStatus(code, error.message, authenticated);
  return {
    status,
    code,
    message: error.message,
    details: error.detail ?? null,
    hint: error.hint ?? null,
    // Error.hs: a 401 from the database asks the client for credentials (conformance case 1450).
    ...(status === 401 ? { wwwAuthenticate: "Bearer" } : {}),
  };
}

// `raise sqlstate 'PGRST' using message = '{"code":..,"message":..}', detail = '{"status":..,"headers":{}}'`
// gives full control over the response (Error.hs `parseRaisePGRST`); malformed JSON is PGRST121.
function fromRaisePgrst(message: string, detail: string | undefined): PostgrestError {
  const parsed = parseJsonObject(message);
  const body =
    parsed &&
    typeof parsed.code === "string" &&
    typeof parsed.message === "string" &&
    isOptionalString(parsed.details) &&
    isOptionalString(parsed.hint)
      ? { code: parsed.code, message: parsed.message, details: parsed.details ?? null, hint: parsed.hint ?? null }
      : undefined;
  if (!body) return raiseParseError(`Invalid JSON value for MESSAGE: '${message}'`, MESSAGE_HINT);
  if (detail === undefined) return raiseParseError("DETAIL is missing in the RAISE statement", DETAIL_HINT);
  const det = parseJsonObject(detail);
  const valid =
    det &&
    Number.isInteger(det.status) &&
    isOptionalString(det.status_text) &&
    typeof det.headers === "object" &&
    det.headers !== null &&
    !Array.isArray(det.headers) &&
    Object.values(det.headers).every((v) => typeof v === "string");
  if (!valid) return raiseParseError(`Invalid JSON value for DETAIL: '${detail}'`, DETAIL_HINT);
  return { status: det.status as number, ...body };
}

const MESSAGE_HINT =
  "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'.";
const DETAIL_HINT =
  "DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and optional key: 'status_text'.";

function raiseParseError(details: string, hint: string): PostgrestError {
  return {
    status: 500,
    code: "PGRST121",
    message: `Could not parse JSON in the "RAISE SQLSTATE 'PGRST'" error`,
    details,
    hint,
  };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function isOptionalString(value: unknown): value is string | null | undefined {
  return value === undefined || value === null || typeof value === "string";
}
