// Slows password guessing: after too many attempts within a window, a key (a sign-in name, a client address) is
// refused until the window has passed, whether the next password is right or not. An attempt counts when it starts,
// not when its password check ends, so a burst of parallel guesses is held to the limit too. Kept in memory: one
// companion serves the stack, and a restart forgiving a few failures is harmless next to Argon2id's cost per guess.

export interface ThrottleOptions {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly now?: () => number;
  /** Bounds memory when many keys are tried: the oldest keys that are not refused are forgotten first. */
  readonly maxEntries?: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, { count: number; since: number }>();
  private readonly now: () => number;

  constructor(private readonly options: ThrottleOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds until `key` may try again; 0 when it may try now. */
  blockedFor(key: string): number {
    const entry = this.live(key);
    if (!entry || entry.count < this.options.maxFailures) return 0;
    return entry.since + this.options.windowMs - this.now();
  }

  /** Counts an attempt as a failure until it is shown to be right (succeed or forgive). */
  attempt(key: string): void {
    const entry = this.live(key);
    if (entry) entry.count += 1;
    else {
      this.entries.set(key, { count: 1, since: this.now() });
      this.forgetOldest(key);
    }
  }

  /** The right password: the key starts afresh. */
  succeed(key: string): void {
    this.entries.delete(key);
  }

  /** Takes back one attempt: for a key shared by many people, one success must not clear the others' failures. */
  forgive(key: string): void {
    const entry = this.live(key);
    if (entry && --entry.count <= 0) this.entries.delete(key);
  }

  private live(key: string) {
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.since >= this.options.windowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private forgetOldest(keep: string) {
    const max = this.options.maxEntries ?? 100_000;
    if (this.entries.size <= max) return;
    // Never a refused key (flooding the map with new names must not lift a block), nor the one being counted. When
    // only those are left, the map grows past its bound rather than forget a count.
    for (const key of this.entries.keys()) {
      if (this.entries.size <= max) return;
      if (key !== keep && this.blockedFor(key) === 0) this.entries.delete(key);
    }
  }
}
