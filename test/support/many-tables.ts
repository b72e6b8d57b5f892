// A wide API for the choice of 30 and for generation time: `count` commented tables of five columns in schema api,
// readable by anon, fully writable by authenticated. Shared by the 300-table test and bench/openapi.ts.
import pg from "pg";

const ident = (name: string) => pg.escapeIdentifier(name);

export const tableName = (i: number) => `t_${String(i).padStart(3, "0")}`;

export function manyTablesSql(count: number, roles: { anon: string; authenticated: string }): string {
  return `
    create schema if not exists api;
    grant usage on schema api to ${ident(roles.anon)}, ${ident(roles.authenticated)};
    do $$
    begin
      for i in 1..${count} loop
        execute format($f$
          create table api.%1$I (
            id bigint generated always as identity primary key,
            name text not null,
            amount numeric(12, 2),
            tags text[] not null default '{}',
            created_at timestamptz not null default now()
          );
          comment on table api.%1$I is %2$L;
          comment on column api.%1$I.name is 'Display name.';
          grant select on api.%1$I to ${ident(roles.anon)};
          grant select, insert, update, delete on api.%1$I to ${ident(roles.authenticated)};
        $f$, 't_' || lpad(i::text, 3, '0'), 'Table ' || i || E'\\nOne of many.');
      end loop;
    end $$;`;
}
