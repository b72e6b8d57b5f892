export { runRequest, requestSchema } from "./run-request.js";
export type { RequestContext, RequestResult, SqlQuery, Volatility } from "./run-request.js";
export { loadRoleSettings } from "./role-settings.js";
export type { IsolationLevel, RoleSettings, RoleSettingsMap } from "./role-settings.js";
export { pgErrorStatus, postgrestErrorFromPg } from "./postgrest-error.js";
export type { RequestHeaders } from "./request-settings.js";
export type { SqlClient } from "./sql-client.js";
