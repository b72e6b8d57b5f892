// The GPT's redirect URIs on real PostgreSQL: the stack config's list mirrored at start, URLs added and removed by
// the admin command, both ChatGPT hosts every time.
import type pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { addCallback, listCallbackEntries, listCallbacks, removeCallback, syncConfigCallbacks } from "../../companion/oauth/callbacks.js";
import { createOAuthTestDatabase, type OAuthTestDatabase } from "../support/oauth-db.js";

let oauth: OAuthTestDatabase;
let db: pg.Client;

const both = (id: string) => [`https://chat.openai.com/aip/${id}/oauth/callback`, `https://chatgpt.com/aip/${id}/oauth/callback`];
const A = "g-aaaaaaaaaaaa";
const B = "g-bbbbbbbbbbbb";
const C = "g-cccccccccccc";
const url = (id: string) => `https://chatgpt.com/aip/${id}/oauth/callback`;

beforeAll(async () => {
  oauth = await createOAuthTestDatabase();
  db = await oauth.db.connect(oauth.oauthUrl);
});
afterAll(() => oauth?.drop());
beforeEach(() => db.query("delete from gpt_oauth.callbacks"));

describe("the stack config's callbacks", () => {
  test("are stored under both hosts, sorted", async () => {
    await syncConfigCallbacks(db, [url(B), `https://chat.openai.com/aip/${A}/oauth/callback`]);
    expect(await listCallbacks(db)).toEqual([...both(A), ...both(B)].sort());
  });

  test("replace the previous config list and leave command rows alone", async () => {
    await syncConfigCallbacks(db, [url(A), url(B)]);
    await addCallback(db, url(C));
    await syncConfigCallbacks(db, [url(B)]);
    expect(await listCallbacks(db)).toEqual([...both(B), ...both(C)].sort());
    await syncConfigCallbacks(db, []);
    expect(await listCallbacks(db)).toEqual(both(C));
  });

  test("a URL added by command stays a command row when the config lists it too, and outlives its removal from the config", async () => {
    await addCallback(db, url(A));
    await syncConfigCallbacks(db, [url(A)]);
    expect((await listCallbackEntries(db)).map((e) => e.source)).toEqual(["command", "command"]);
    await syncConfigCallbacks(db, []);
    expect(await listCallbacks(db)).toEqual(both(A));
  });

  test("a bad URL in the config is refused, naming it", async () => {
    await expect(syncConfigCallbacks(db, ["https://evil.example/cb"])).rejects.toThrow(/"https:\/\/evil.example\/cb" is not a ChatGPT callback URL/);
  });
});

describe("callbacks added and removed by command", () => {
  test("adding stores both host forms once; adding again adds nothing", async () => {
    expect(await addCallback(db, ` ${url(A)} `)).toEqual({ added: both(A) });
    expect(await addCallback(db, `https://chat.openai.com/aip/${A}/oauth/callback`)).toEqual({ added: [] });
    expect(await listCallbackEntries(db)).toEqual(both(A).map((u) => ({ url: u, source: "command", addedAt: expect.any(Date) })));
  });

  test("a URL that is not a ChatGPT callback is refused with the expected shape", async () => {
    await expect(addCallback(db, "http://chatgpt.com/aip/g-aaaaaaaaaaaa/oauth/callback")).rejects.toThrow(
      /is not a ChatGPT callback URL: expected https:\/\/chatgpt.com\/aip\/g-<id>\/oauth\/callback/,
    );
    expect(await listCallbacks(db)).toEqual([]);
  });

  test("removing takes away both forms, given either", async () => {
    await addCallback(db, url(A));
    await addCallback(db, url(B));
    expect(await removeCallback(db, `https://chat.openai.com/aip/${A}/oauth/callback`)).toEqual({ removed: both(A) });
    expect(await listCallbacks(db)).toEqual(both(B));
  });

  test("removing a URL that is not registered says so and lists what is", async () => {
    await addCallback(db, url(B));
    await expect(removeCallback(db, url(A))).rejects.toThrow(`"${url(A)}" is not registered. Registered: ${both(B).join(", ")}`);
  });

  test("a URL from the stack config cannot be removed by command: the message points at the config", async () => {
    await syncConfigCallbacks(db, [url(A)]);
    await expect(removeCallback(db, url(A))).rejects.toThrow(/comes from the stack configuration .* remove it from the stack config and run `npm run up`/);
    expect(await listCallbacks(db)).toEqual(both(A));
  });
});
