import type { RoleSettings } from "./role-settings.js";

export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface RequestSettings {
  readonly searchPath: readonly string[];
  readonly roleSettings: RoleSettings | undefined;
  readonly role: string;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
}

/**
 * The single `select set_config(...)` PostgREST v16.2 runs first in every request transaction
 * (Query/PreQuery.hs `txVarQuery`), with every value passed as a parameter. Order matters: the role's own
 * settings come before the role switch, so `GRANT SET ON PARAMETER ... TO authenticator` is enough (#3045).
 * All are transaction-local (`true`), so nothing leaks to the next request on the same connection.
 */
export function requestSettingsQuery(s: RequestSettings): { text: string; values: string[] } {
  const values: string[] = [];
  const param = (value: string): string => {
    values.push(value);
    return `$${values.length}`;
  };
  const constant = (name: string, value: string) => `set_config('${name}', ${param(value)}, true)`;
  const dynamic = (name: string, value: string) => `set_config(${param(name)}, ${param(value)}, true)`;

  const parts = [
    constant("search_path", s.searchPath.map(quoteIdent).join(", ")),
    ...(s.roleSettings?.settings ?? []).map(([name, value]) => dynamic(name, value)),
    constant("role", s.role),
    // PostgREST writes the resolved role into the claims, whatever the token said.
    constant("request.jwt.claims", JSON.stringify({ ...s.claims, role: s.role })),
    constant("request.method", s.method),
    constant("request.path", s.path),
    constant("request.headers", JSON.stringify(s.headers)),
    constant("request.cookies", JSON.stringify(s.cookies)),
  ];
  return { text: `select ${parts.join(", ")}`, values };
}

/** Header names lower-cased, repeated headers joined, Cookie left out (it goes to request.cookies). */
export function requestHeaders(headers: RequestHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (value === undefined || key === "cookie") continue;
    out[key] = typeof value === "string" ? value : value.join(", ");
  }
  return out;
}

/** The Cookie header(s) as name -> value, like Web.Cookie's parseCookies (the last duplicate wins). */
export function requestCookies(headers: RequestHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== "cookie" || value === undefined) continue;
    for (const header of typeof value === "string" ? [value] : value) {
      for (const pair of header.split(";")) {
        const trimmed = pair.trimStart();
        if (trimmed === "") continue;
        const eq = trimmed.indexOf("=");
        if (eq === -1) out[trimmed] = "";
        else out[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
      }
    }
  }
  return out;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `schema.function` or `function` as in db-pre-request (split at the first dot, like PostgREST's toQi). */
export function qualifiedName(name: string): string {
  const dot = name.indexOf(".");
  return dot === -1 ? quoteIdent(name) : `${quoteIdent(name.slice(0, dot))}.${quoteIdent(name.slice(dot + 1))}`;
}
