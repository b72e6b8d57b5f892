import type { SqlClient } from "./sql-client.js";

export type IsolationLevel = "READ COMMITTED" | "REPEATABLE READ" | "SERIALIZABLE";

export interface RoleSettings {
  /** GUCs from `ALTER ROLE <role> SET name = value`, applied with set_config(..., true) in each request. */
  readonly settings: ReadonlyArray<readonly [name: string, value: string]>;
  /** From `ALTER ROLE <role> SET default_transaction_isolation`; PostgREST puts it in BEGIN instead. */
  readonly isolationLevel: IsolationLevel | undefined;
}

export type RoleSettingsMap = ReadonlyMap<string, RoleSettings>;

// SET ROLE does not apply a role's own settings (only a login does), so PostgREST reads them once per schema
// cache load and replays them in every request. Port of `queryRoleSettings` in PostgREST v16.2
// src/library/PostgREST/Config/Database.hs: the roles the authenticator is a direct member of, their
// database-independent settings (rolconfig), limited to settings a user may set or was granted SET on (PG 15+).
const ROLE_SETTINGS_SQL = `
  with role_setting as (
    select distinct r.rolname, unnest(r.rolconfig) as setting
    from pg_auth_members m
    join pg_roles r on r.oid = m.roleid
    where m.member = quote_ident(current_user)::regrole::oid
  ),
  kv_settings as (
    select rolname,
           substr(setting, 1, strpos(setting, '=') - 1) as key,
           substr(setting, strpos(setting, '=') + 1) as value
    from role_setting
  ),
  iso_setting as (
    select rolname, value from kv_settings where key = 'default_transaction_isolation'
  )
  select kv.rolname,
         i.value as iso_lvl,
         coalesce(json_agg(json_build_array(kv.key, kv.value) order by kv.key)
                    filter (where kv.key <> 'default_transaction_isolation'), '[]') as role_settings
  from kv_settings kv
  join pg_settings ps on ps.name = kv.key
   and (ps.context = 'user' or has_parameter_privilege(quote_ident(current_user)::regrole::oid, ps.name, 'set'))
  left join iso_setting i on i.rolname = kv.rolname
  group by kv.rolname, i.value`;

/** Reads the settings of every role the connected (authenticator) role may switch to. */
export async function loadRoleSettings(client: SqlClient): Promise<RoleSettingsMap> {
  const { rows } = await client.query<{ rolname: string; iso_lvl: string | null; role_settings: [string, string][] }>(
    ROLE_SETTINGS_SQL,
  );
  return new Map(
    rows.map((r) => [
      r.rolname,
      { settings: r.role_settings, isolationLevel: r.iso_lvl === null ? undefined : toIsolationLevel(r.iso_lvl) },
    ]),
  );
}

// PostgREST's toIsolationLevel: anything unrecognised is READ COMMITTED.
function toIsolationLevel(value: string): IsolationLevel {
  switch (value.toLowerCase()) {
    case "repeatable read":
      return "REPEATABLE READ";
    case "serializable":
      return "SERIALIZABLE";
    default:
      return "READ COMMITTED";
  }
}
