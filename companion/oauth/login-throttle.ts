// Slows password guessing: after too many failures within a window, a sign-in name (or a client address) is refused
// until the window has passed, whether the next password is right or not. Kept in memory: one companion serves
// the stack, and a restart forgiving a few failures is harmless next to Argon2id's cost per guess.

export interface ThrottleOptions {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly now?: () => number;
  /** Bounds memory when many names are tried: the oldest entries are forgotten first. */
  readonly maxEntries?: number;
}

export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>();
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

  fail(key: string): void {
    const entry = this.live(key);
    if (entry) entry.count += 1;
    else {
      this.failures.set(key, { count: 1, since: this.now() });
      this.forgetOldest();
    }
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }

  private live(key: string) {
    const entry = this.failures.get(key);
    if (entry && this.now() - entry.since >= this.options.windowMs) {
      this.failures.delete(key);
      return undefined;
    }
    return entry;
  }

  private forgetOldest() {
    const max = this.options.maxEntries ?? 10_000;
    while (this.failures.size > max) this.failures.delete(this.failures.keys().next().value!);
  }
}
