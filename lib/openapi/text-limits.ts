// GPT Builder's importer refuses summaries and descriptions over its limits; cut at a word, and say it was cut.

import { MAX_PARAMETER_DESCRIPTION, MAX_SUMMARY } from "./importer-operation-rules.js";

export const SUMMARY_LIMIT = MAX_SUMMARY;
export const PARAMETER_DESCRIPTION_LIMIT = MAX_PARAMETER_DESCRIPTION;

export function fitText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > limit / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** PostgREST's convention for COMMENT ON: the first line is the summary, the rest the description. */
export function splitComment(comment: string | undefined): { summary?: string; description?: string } {
  if (!comment?.trim()) return {};
  const [first, ...rest] = comment.trim().split("\n");
  const description = rest.join("\n").trim();
  return { summary: first!.trim(), ...(description ? { description } : {}) };
}
