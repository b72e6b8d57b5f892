-- Example API for postgrest-gpt: private notes per user plus public announcements.
--
-- Replace it with your own API: delete these files and add yours. How they are applied (lib/migrate):
--   * every *.sql file here, in name order (001_... before 010_...), each in its own transaction;
--   * a file is re-applied whenever its content (after variable substitution) changes, and skipped otherwise,
--     so write files that can run again: `create ... if not exists`, `create or replace`,
--     `drop policy if exists` before `create policy`, `alter table ... add column if not exists`;
--     deleting a file undoes nothing: add a file that drops what you no longer want;
--   * the search_path is the exposed schemas (PGPT_DB_SCHEMAS), then public: unqualified names land in the
--     first exposed schema, which is what PostgREST serves;
--   * psql-style variables, quoted: :"name" becomes an identifier, :'name' a literal. Defined: anon_role,
--     authenticated_role, authenticator_role, api_schema (the first exposed schema). Using any other is an error.
--   * no transaction control (BEGIN/COMMIT) in the files: the runner owns the transaction.
-- The same files run by hand:
--   psql -1 -v ON_ERROR_STOP=1 -v anon_role=anon -v authenticated_role=authenticated \
--        -v authenticator_role=authenticator -v api_schema=api -c 'set search_path to api, public' -f <file>
--
-- Security model: PostgREST logs in as the authenticator and switches to the role named in the token
-- (authenticated) or to the anonymous role. Those roles see only what is granted below; nothing is granted to
-- PUBLIC, and row-level security decides which rows a user sees.

-- Pulumi creates the schema and these USAGE grants too (infra/database/roles.ts); they are repeated here so that the
-- files also stand on their own under psql.
create schema if not exists :"api_schema";
-- The schema comment is the OpenAPI document's title (first line) and description (the rest).
comment on schema :"api_schema" is
$$Notes API
Keep private notes for the signed-in user and read public announcements.$$;

revoke all on schema :"api_schema" from public;
grant usage on schema :"api_schema" to :"anon_role", :"authenticated_role";

-- PostgreSQL lets PUBLIC execute every new function, and every function in the API schema is an endpoint
-- (/rpc/<name>). Revoke that default for the functions this role creates from now on. It has to be the
-- database-wide form: `alter default privileges in schema ... revoke` cannot take away a global default.
alter default privileges revoke execute on functions from public;
revoke execute on all functions in schema :"api_schema" from public;

