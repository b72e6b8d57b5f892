// The choice of what the GPT sees: GPT Builder takes at most 30 operations. Deterministic and steerable from stack
// config: include/exclude by table or function name (`notes` or `api.notes`), read-only mode, then by tier
// (reads and functions, creates, updates, deletes, duplicate POSTs) and, within a tier, include order then path.
import { label, type Candidate } from "./candidate.js";
import type { OmittedGroup } from "./document.js";
import { MAX_OPERATIONS } from "./importer-operation-rules.js";

export interface SelectionOptions {
  /** Only these tables and functions (empty or absent = all). */
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  /** Leave out every operation that changes data. */
  readonly readOnly?: boolean;
  readonly limit?: number;
}

export interface Selection {
  readonly chosen: readonly Candidate[];
  readonly omitted: readonly OmittedGroup[];
  readonly warnings: readonly string[];
}

const names = (c: Candidate) => [c.object.name, `${c.object.schema}.${c.object.name}`];

export function selectOperations(candidates: readonly Candidate[], options: SelectionOptions = {}): Selection {
  const include = options.include ?? [];
  const exclude = new Set(options.exclude ?? []);
  const limit = options.limit ?? MAX_OPERATIONS;
  const omitted = new Map<string, string[]>();
  const omit = (reason: string, c: Candidate) => omitted.set(reason, [...(omitted.get(reason) ?? []), label(c)]);
  const rank = (c: Candidate) => {
    const at = include.findIndex((n) => names(c).includes(n));
    return at === -1 ? include.length : at;
  };

  const eligible: Candidate[] = [];
  for (const c of candidates) {
    if (c.unavailable) omit(`${c.object.kind} ${c.object.name} ${c.unavailable}`, c);
    else if (include.length && rank(c) === include.length) omit("not named in openapiInclude", c);
    else if (names(c).some((n) => exclude.has(n))) omit("named in openapiExclude", c);
    else if (options.readOnly && c.write) omit("openapiReadOnly is on: operations that change data are left out", c);
    else eligible.push(c);
  }
  eligible.sort((a, b) => a.tier - b.tier || rank(a) - rank(b) || a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  const chosen = eligible.slice(0, limit);
  for (const c of eligible.slice(limit)) omit(`over GPT Builder's limit of ${limit} operations (kept first: reads and functions, then creates, updates, deletes)`, c);

  const known = new Set(candidates.flatMap(names));
  const warnings = [
    ...include.filter((n) => !known.has(n)).map((n) => `openapiInclude names "${n}", which is not a table, view or function this role can use`),
    ...[...exclude].filter((n) => !known.has(n)).map((n) => `openapiExclude names "${n}", which is not a table, view or function this role can use`),
  ];
  return { chosen, omitted: [...omitted].map(([reason, operations]) => ({ reason, operations })), warnings };
}
