// The GPT's redirect URIs, gpt_oauth.callbacks. The stack config's list is mirrored at each start (source
// 'config'); the admin command adds the URL ChatGPT shows after the GPT is saved (source 'command'), which takes
// effect at the next authorization because the provider reads this table on every client lookup (gpt-client.ts).
// Every URL is stored under both ChatGPT hosts, since either may be sent for the same GPT.
import type { SqlClient } from "../../lib/db/sql-client.js";
import { callbackUrlForms, callbackUrlProblem, expandCallbackUrls } from "../../lib/oauth/callback-url.js";
import { Refused } from "./refused.js";
import { OAUTH_SCHEMA } from "./schema.js";

const CALLBACKS = `${OAUTH_SCHEMA}.callbacks`;

export type CallbackSource = "config" | "command";

export interface CallbackEntry {
  readonly url: string;
  readonly source: CallbackSource;
  readonly addedAt: Date;
}

/** Every registered redirect URI, sorted: what the GPT client may redirect to. */
export async function listCallbacks(db: SqlClient): Promise<string[]> {
  const { rows } = await db.query<{ url: string }>(`select url from ${CALLBACKS} order by url`);
  return rows.map((r) => r.url);
}

/** The same, with where each came from, for `callbacks list`. */
export async function listCallbackEntries(db: SqlClient): Promise<CallbackEntry[]> {
  const { rows } = await db.query<CallbackEntry>(`select url, source, added_at as "addedAt" from ${CALLBACKS} order by url`);
  return rows;
}

/**
 * Makes the 'config' rows exactly these URLs (in both host forms); 'command' rows are kept. A URL already added by
 * command stays a command row, so removing it from the config later does not remove what an admin added.
 */
export async function syncConfigCallbacks(db: SqlClient, urls: readonly string[]): Promise<void> {
  const wanted = expandCallbackUrls(urls);
  // One statement: a concurrent lookup sees the old list or the new one, never an empty one in between.
  await db.query(
    `with stale as (delete from ${CALLBACKS} where source = 'config' and url <> all($1::text[]))
     insert into ${CALLBACKS} (url, source) select unnest($1::text[]), 'config' on conflict (url) do nothing`,
    [wanted],
  );
}

/** Registers the URL under both hosts. Returns the forms newly added (none when it was registered already). */
export async function addCallback(db: SqlClient, url: string): Promise<{ added: string[] }> {
  const forms = formsOf(url);
  const { rows } = await db.query<{ url: string }>(
    `insert into ${CALLBACKS} (url, source) select unnest($1::text[]), 'command' on conflict (url) do nothing returning url`,
    [forms],
  );
  return { added: rows.map((r) => r.url).sort() };
}

/** Unregisters both host forms of a URL the command added. URLs from the stack config are changed there. */
export async function removeCallback(db: SqlClient, url: string): Promise<{ removed: string[] }> {
  const forms = formsOf(url);
  const { rows: present } = await db.query<{ url: string; source: CallbackSource }>(
    `select url, source from ${CALLBACKS} where url = any($1::text[])`,
    [forms],
  );
  if (present.length === 0) {
    const registered = await listCallbacks(db);
    throw new Refused(`${JSON.stringify(url.trim())} is not registered. Registered: ${registered.length ? registered.join(", ") : "none"}`);
  }
  if (present.some((r) => r.source === "config")) {
    throw new Refused(
      `${JSON.stringify(url.trim())} comes from the stack configuration (PGPT_OAUTH_CALLBACK_URLS), which is restored at every start: remove it from the stack config and run \`npm run up\``,
    );
  }
  const { rows } = await db.query<{ url: string }>(`delete from ${CALLBACKS} where url = any($1::text[]) and source = 'command' returning url`, [forms]);
  return { removed: rows.map((r) => r.url).sort() };
}

function formsOf(url: string): string[] {
  const value = url.trim();
  const problem = callbackUrlProblem(value);
  if (problem) throw new Refused(problem);
  return callbackUrlForms(value);
}
