-- search_notes: one call for "find my notes about X", which a GPT would otherwise have to build from filters.
-- Exposed as POST/GET /rpc/search_notes?query=...; returns notes rows, so row-level security still applies
-- (security invoker, the default) and a user only ever finds their own notes.

create or replace function search_notes(query text)
returns setof notes
language sql
stable
as $$
  -- Resolved at call time with PostgREST's search_path (the API schema first), hence no schema name here.
  select *
  from notes
  where query = any (tags)
     or title ilike ('%' || query || '%')
     or body ilike ('%' || query || '%')
  order by created_at desc, id desc
$$;

comment on function search_notes(text) is
$$Search my notes
Notes whose title or body contains the query (case-insensitive) or that carry it as a tag, newest first.$$;

revoke execute on function search_notes(text) from public;
grant execute on function search_notes(text) to :"authenticated_role";
