// The authorization server's own tables, in a schema PostgREST does not expose. The schema belongs to the
// companion's OAuth login role (infra/database/oauth-role.ts); anon and authenticated get no USAGE on it, so no
// token can reach a password hash or a refresh token. The companion creates the tables at start, idempotently.
import type pg from "pg";

export const OAUTH_SCHEMA = "gpt_oauth";

const DDL = `
-- People who sign in to the GPT. role is the PostgreSQL role their tokens name; id is their JWT sub.
create table if not exists ${OAUTH_SCHEMA}.users (
  id uuid primary key default gen_random_uuid(),
  username text not null check (length(username) between 1 and 320),
  password_hash text not null,
  role name not null,
  disabled_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- Sign-in names are matched case-insensitively: Alice@example.com and alice@example.com are one person.
create unique index if not exists users_username_key on ${OAUTH_SCHEMA}.users (lower(username));

-- Exact redirect URIs of the GPT client. 'config' rows mirror the stack config and are replaced at each start;
-- 'command' rows come from the admin command and survive restarts and redeploys.
create table if not exists ${OAUTH_SCHEMA}.callbacks (
  url text primary key,
  source text not null check (source in ('config', 'command')),
  added_at timestamptz not null default now()
);

-- oidc-provider's state (grants, codes, refresh tokens, sessions, interactions), one row per model instance.
-- The generated columns are the lookups its adapter interface needs (by grant, by uid) plus one per account,
-- so disabling a user can revoke everything issued to them.
create table if not exists ${OAUTH_SCHEMA}.store (
  model text not null,
  id text not null,
  payload jsonb not null,
  grant_id text generated always as (payload ->> 'grantId') stored,
  uid text generated always as (payload ->> 'uid') stored,
  user_code text generated always as (payload ->> 'userCode') stored,
  account_id text generated always as (payload ->> 'accountId') stored,
  expires_at timestamptz,
  consumed_at timestamptz,
  primary key (model, id)
);
create index if not exists store_grant_id_idx on ${OAUTH_SCHEMA}.store (grant_id) where grant_id is not null;
create index if not exists store_uid_idx on ${OAUTH_SCHEMA}.store (uid) where uid is not null;
create index if not exists store_user_code_idx on ${OAUTH_SCHEMA}.store (user_code) where user_code is not null;
create index if not exists store_account_id_idx on ${OAUTH_SCHEMA}.store (account_id) where account_id is not null;
create index if not exists store_expires_at_idx on ${OAUTH_SCHEMA}.store (expires_at) where expires_at is not null;
`;

/** Creates the tables when missing. Serialized by an advisory lock: two companions starting at once is harmless. */
export async function ensureOAuthSchema(client: pg.ClientBase): Promise<void> {
  await client.query("begin");
  try {
    await client.query("select pg_advisory_xact_lock(hashtext($1))", [`${OAUTH_SCHEMA}.schema`]);
    await client.query(DDL);
    await client.query("commit");
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  }
}
