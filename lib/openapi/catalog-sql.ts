// The catalog query behind readCatalog (oids as int8: json renders the oid type as a string): $1 is the role whose privileges count, $2 the exposed schemas. One
// statement returning one JSON value, because generation time is dominated by round trips, not by the planner.
//
// Which objects PostgREST v16 exposes, and how this follows it:
//   * relations of kind r, p, v, m, f in the schemas, partitions excepted (its allTables: `not relispartition`;
//     a partitioned table is reached through its parent); a role sees those it holds any privilege on
//     (openapi-mode follow-privileges). We go one step further and keep only the verbs it holds, column by column;
//   * whether a view or foreign table takes INSERT/UPDATE/DELETE is pg_relation_is_updatable's answer, as there;
//   * functions (prokind f) the role may execute, with their volatility deciding GET (see function-operations.ts).
// A schema the role has no USAGE on is left out entirely: every request into it would fail with 42501.
export const CATALOG_SQL = `
with recursive
exposed as (
  select n.oid, n.nspname
  from pg_namespace n
  where n.nspname = any($2::text[]) and has_schema_privilege($1::text, n.oid, 'USAGE')
),
rels as (
  select c.oid, x.nspname as schema, c.relname as name, c.relkind as kind,
         obj_description(c.oid, 'pg_class') as comment,
         -- pg_relation_is_updatable: bit 4 = UPDATE, 8 = INSERT, 16 = DELETE; tables take all three.
         case when c.relkind in ('r', 'p') then 28
              when c.relkind in ('v', 'f') then pg_relation_is_updatable(c.oid::regclass, true)
              else 0 end as updatable,
         has_any_column_privilege($1::text, c.oid, 'SELECT') as can_select,
         has_any_column_privilege($1::text, c.oid, 'INSERT') as can_insert,
         has_any_column_privilege($1::text, c.oid, 'UPDATE') as can_update,
         has_table_privilege($1::text, c.oid, 'DELETE') as can_delete
  from pg_class c
  join exposed x on x.oid = c.relnamespace
  where c.relkind in ('r', 'p', 'v', 'm', 'f') and not c.relispartition
),
visible_rels as (
  select * from rels where can_select or can_insert or can_update or can_delete
),
cols as (
  select a.attrelid, a.attnum, a.attname, a.atttypid, a.attnotnull,
         case when a.atttypmod > 4 and t.typname in ('varchar', 'bpchar', '_varchar', '_bpchar')
              then a.atttypmod - 4 end as max_length,
         case when a.attidentity = '' and a.attgenerated = '' then pg_get_expr(d.adbin, d.adrelid) end as default_expr,
         (a.attidentity <> '' or a.attgenerated <> '') as generated,
         col_description(a.attrelid, a.attnum) as comment,
         has_column_privilege($1::text, a.attrelid, a.attnum, 'SELECT') as can_select,
         has_column_privilege($1::text, a.attrelid, a.attnum, 'INSERT') as can_insert,
         has_column_privilege($1::text, a.attrelid, a.attnum, 'UPDATE') as can_update
  from pg_attribute a
  join visible_rels r on r.oid = a.attrelid
  join pg_type t on t.oid = a.atttypid
  left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
  where a.attnum > 0 and not a.attisdropped
),
funcs as (
  select p.oid, x.nspname as schema, p.proname as name, obj_description(p.oid, 'pg_proc') as comment,
         p.provolatile as volatility, p.proretset as returns_set, p.prorettype as return_type,
         coalesce(p.proallargtypes, p.proargtypes::oid[]) as arg_types, p.proargmodes as arg_modes,
         p.proargnames as arg_names, p.pronargs as nargs, p.pronargdefaults as nargdefaults
  from pg_proc p
  join exposed x on x.oid = p.pronamespace
  where p.prokind = 'f' and has_function_privilege($1::text, p.oid, 'EXECUTE')
),
used_types(oid) as (
  select atttypid from cols
  union select unnest(arg_types) from funcs
  union select return_type from funcs
  -- Elements of arrays and the types under domains, as deep as they go.
  union select case when t.typcategory = 'A' then t.typelem else t.typbasetype end
  from used_types u join pg_type t on t.oid = u.oid
  where (t.typcategory = 'A' and t.typelem <> 0) or t.typbasetype <> 0
)
select json_build_object(
  'schemaComments', (
    select json_object_agg(nspname, obj_description(oid, 'pg_namespace'))
    from exposed where obj_description(oid, 'pg_namespace') is not null
  ),
  'relations', (
    select json_agg(json_strip_nulls(json_build_object(
      'schema', r.schema, 'name', r.name, 'kind', r.kind, 'comment', r.comment,
      'canSelect', r.can_select,
      'canInsert', r.can_insert and (r.updatable & 8) = 8,
      'canUpdate', r.can_update and (r.updatable & 4) = 4,
      'canDelete', r.can_delete and (r.updatable & 16) = 16,
      'columns', coalesce((
        select json_agg(json_strip_nulls(json_build_object(
          'name', c.attname, 'type', c.atttypid::int8, 'maxLength', c.max_length, 'notNull', c.attnotnull,
          'default', c.default_expr, 'generated', c.generated, 'comment', c.comment,
          'canSelect', c.can_select, 'canInsert', c.can_insert, 'canUpdate', c.can_update
        )) order by c.attnum)
        from cols c where c.attrelid = r.oid
      ), '[]'::json),
      'primaryKey', coalesce((
        select json_agg(a.attname order by k.ord)
        from pg_constraint pk
        cross join lateral unnest(pk.conkey) with ordinality as k(attnum, ord)
        join pg_attribute a on a.attrelid = pk.conrelid and a.attnum = k.attnum
        where pk.conrelid = r.oid and pk.contype = 'p'
      ), '[]'::json),
      'foreignKeys', coalesce((
        select json_agg(json_build_object(
          'columns', (select json_agg(a.attname order by k.ord)
                      from unnest(fk.conkey) with ordinality as k(attnum, ord)
                      join pg_attribute a on a.attrelid = fk.conrelid and a.attnum = k.attnum),
          'table', ft.relname,
          'referenced', (select json_agg(a.attname order by k.ord)
                         from unnest(fk.confkey) with ordinality as k(attnum, ord)
                         join pg_attribute a on a.attrelid = fk.confrelid and a.attnum = k.attnum)
        ) order by fk.conname)
        from pg_constraint fk join pg_class ft on ft.oid = fk.confrelid
        where fk.conrelid = r.oid and fk.contype = 'f'
      ), '[]'::json)
    )) order by r.schema, r.name)
    from visible_rels r
  ),
  'functions', (
    select json_agg(json_strip_nulls(json_build_object(
      'oid', f.oid::int8, 'schema', f.schema, 'name', f.name, 'comment', f.comment, 'volatility', f.volatility,
      'returnsSet', f.returns_set, 'returnType', f.return_type::int8, 'argTypes', f.arg_types::int8[], 'argModes', f.arg_modes,
      'argNames', f.arg_names, 'nargs', f.nargs, 'nargdefaults', f.nargdefaults
    )) order by f.schema, f.name, f.oid)
    from funcs f
  ),
  'types', (
    select json_agg(json_strip_nulls(json_build_object(
      'oid', t.oid::int8, 'name', format_type(t.oid, null), 'kind', t.typtype, 'category', t.typcategory,
      'element', case when t.typcategory = 'A' and t.typelem <> 0 then t.typelem::int8 end,
      'base', nullif(t.typbasetype, 0)::int8,
      -- A domain declared NOT NULL makes its columns not null, whatever the column says.
      'notNull', case when t.typtype = 'd' and t.typnotnull then true end,
      'enumLabels', case when t.typtype = 'e' then (
        select json_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid) end,
      'comment', obj_description(t.oid, 'pg_type'),
      'relation', case when t.typrelid <> 0 then (
        select json_build_object('schema', n.nspname, 'name', c.relname)
        from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = t.typrelid) end
    )))
    from pg_type t where t.oid in (select oid from used_types)
  )
) as catalog
`;
