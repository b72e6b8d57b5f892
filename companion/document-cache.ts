// One generated document per role, shared by every caller with that role. Dropped when the schema changes (the
// NOTIFY the migrations send) and, in case a notification was missed while reconnecting, after maxAgeMs.
// Concurrent misses for one role wait on the same generation instead of each querying the catalog.

export interface CachedDocument {
  readonly body: string;
  readonly etag: string;
}

export class DocumentCache {
  private readonly entries = new Map<string, { at: number; value: Promise<CachedDocument> }>();

  constructor(
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(role: string, build: () => Promise<CachedDocument>): Promise<CachedDocument> {
    const hit = this.entries.get(role);
    if (hit && this.now() - hit.at < this.maxAgeMs) return hit.value;
    const value = build();
    const entry = { at: this.now(), value };
    this.entries.set(role, entry);
    // A failure is not cached: the next request tries again.
    value.catch(() => {
      if (this.entries.get(role) === entry) this.entries.delete(role);
    });
    return value;
  }

  invalidate(): void {
    this.entries.clear();
  }
}
