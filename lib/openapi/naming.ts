// Operation ids a person and a GPT can read (listNotes, createNote, rpc_search_notes), derived from names alone so
// they stay the same from one generation to the next whatever else changes. GPT Builder wants [A-Za-z0-9_].

const words = (name: string) => name.split(/[^A-Za-z0-9]+/).filter(Boolean);

const pascal = (name: string) =>
  words(name)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");

/** English plurals as table names use them: notes -> note, categories -> category, addresses -> address. */
export function singular(name: string): string {
  if (/ies$/i.test(name)) return name.slice(0, -3) + "y";
  if (/(ss|us|is)$/i.test(name)) return name;
  if (/(ch|sh|x|ss|us)es$/i.test(name)) return name.slice(0, -2);
  if (/s$/i.test(name)) return name.slice(0, -1);
  return name;
}

export type TableVerb = "list" | "create" | "update" | "delete";

export function tableOperationId(verb: TableVerb, table: string): string {
  const base = verb === "list" ? pascal(table) : pascal(singular(table));
  // A name with no letters or digits at all (e.g. "ü") still needs an id: fall back to its code points.
  return `${verb}${base || codePoints(table)}`;
}

export function rpcOperationId(fn: string, twin: boolean): string {
  const base = words(fn).join("_") || codePoints(fn);
  return `rpc_${base}${twin ? "_post" : ""}`;
}

const codePoints = (s: string) => [...s].map((c) => c.codePointAt(0)!.toString(16)).join("_");

/**
 * Makes ids unique in list order: the first keeps its id, a later clash gets `_2`, `_3`... Collisions come from
 * names that differ only in punctuation or plural (`note` and `notes` both give createNote).
 */
export function uniqueIds(ids: readonly string[]): string[] {
  const taken = new Set<string>();
  return ids.map((id) => {
    let candidate = id;
    for (let n = 2; taken.has(candidate); n++) candidate = `${id}_${n}`;
    taken.add(candidate);
    return candidate;
  });
}
