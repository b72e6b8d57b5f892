// One operation the document could contain, with what the choice of at most 30 needs to know about it.
import type { Method, Operation, Schema } from "./document.js";

/** Lower tiers are kept first when there are more operations than GPT Builder takes. */
export const TIERS = {
  /** Reading a table, and functions: written for a purpose, so worth more than generic writes. */
  primary: 0,
  create: 1,
  update: 2,
  delete: 3,
  /** POST of a function that GET already offers. */
  twin: 4,
} as const;

export interface Candidate {
  readonly method: Method;
  readonly path: string;
  readonly object: { readonly kind: "table" | "function"; readonly schema: string; readonly name: string };
  readonly tier: number;
  /** Changes data: left out in read-only mode, and asked about before each call (x-openai-isConsequential). */
  readonly write: boolean;
  readonly operation: Operation;
  /** Names in components.schemas the operation points at. */
  readonly refs: readonly string[];
  /** Set when the operation can never work from a GPT, whatever the selection. */
  readonly unavailable?: string;
}

export interface CandidateSet {
  readonly candidates: readonly Candidate[];
  /** Row schemas of the relations, by component name. */
  readonly schemas: ReadonlyMap<string, Schema>;
}

export const label = (c: Pick<Candidate, "method" | "path">) => `${c.method.toUpperCase()} ${c.path}`;
