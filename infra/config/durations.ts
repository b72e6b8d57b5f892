// Durations as people write them in stack config ("365d", "5s"), parsed strictly: a typo must not become a default.

const TTL_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };
const TIMEOUT_UNITS: Record<string, number> = { ms: 1, s: 1000, min: 60_000 };

function parse(value: string, units: Record<string, number>, bareUnit: string): number | undefined {
  const match = /^(\d+)\s*([a-z]*)$/.exec(value.trim());
  if (!match) return undefined;
  const factor = units[match[2] || bareUnit];
  if (factor === undefined) return undefined;
  return Number(match[1]) * factor;
}

/** Token lifetime in seconds; a bare number is seconds. */
export function parseTtlSeconds(value: string): number | undefined {
  return parse(value, TTL_UNITS, "s");
}

/** A PostgreSQL statement_timeout in milliseconds; a bare number is milliseconds, as in PostgreSQL. */
export function parseTimeoutMs(value: string): number | undefined {
  return parse(value, TIMEOUT_UNITS, "ms");
}
