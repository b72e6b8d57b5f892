// The companion's per-role document cache: one build per role until the schema changes or the safety net expires.
import { describe, expect, test } from "vitest";
import { DocumentCache } from "../../companion/document-cache.js";

describe("document cache", () => {
  test("one build per role until invalidated or older than the safety net", async () => {
    let now = 0;
    const cache = new DocumentCache(1000, () => now);
    let builds = 0;
    const build = async () => ({ body: String(++builds), etag: "e" });
    await cache.get("anon", build);
    await cache.get("anon", build);
    expect(builds).toBe(1);
    cache.invalidate();
    await cache.get("anon", build);
    expect(builds).toBe(2);
    now = 1000;
    expect((await cache.get("anon", build)).body).toBe("3");
  });

  test("concurrent misses share one build; a failed build is not kept", async () => {
    const cache = new DocumentCache(60_000);
    let builds = 0;
    const slow = () => new Promise<{ body: string; etag: string }>((resolve) => setTimeout(() => resolve({ body: String(++builds), etag: "e" }), 10));
    await Promise.all([cache.get("anon", slow), cache.get("anon", slow)]);
    expect(builds).toBe(1);
    await expect(cache.get("other", () => Promise.reject(new Error("db down")))).rejects.toThrow("db down");
    expect((await cache.get("other", slow)).body).toBe("2");
  });
});
