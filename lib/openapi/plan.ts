// What GPT Builder will see, per role, in a few lines: printed by `pulumi up` after the migrations (the plan
// command of infra/companion), so a table that did not make the 30 is never a surprise.
import type { ImporterViolation } from "./importer-violation.js";
import type { OpenApiDocument } from "./document.js";

const MAX_LISTED = 12;

function listed(items: readonly string[]): string {
  const shown = items.slice(0, MAX_LISTED).join(", ");
  return items.length > MAX_LISTED ? `${shown} and ${items.length - MAX_LISTED} more` : shown;
}

export function describePlan(label: string, doc: OpenApiDocument, violations: readonly ImporterViolation[]): string[] {
  const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
  const meta = doc["x-postgrest-gpt"];
  return [
    `${label} (role ${meta.role}): ${operations.length} operation${operations.length === 1 ? "" : "s"}${operations.length ? `: ${listed(operations)}` : ""}`,
    ...meta.omitted.map((g) => `  left out (${g.operations.length}): ${g.reason}: ${listed(g.operations)}`),
    ...meta.warnings.map((w) => `  warning: ${w}`),
    ...violations.map((v) => `  GPT Builder would refuse: ${v.path}: ${v.message}`),
  ];
}
