// Evaluating a parsed jwt-role-claim-key against the claims, as PostgREST does (Config/JSPath.hs).
import { isJsonObject, type JsonObject, type JsonValue } from "./json.js";
import type { Comparable, RoleClaimKey, Selector } from "./role-claim.js";

/** The first node the path selects, or undefined when it selects nothing. */
export function selectRoleClaim(key: RoleClaimKey, claims: JsonObject): JsonValue | undefined {
  let nodes: JsonValue[] = [claims];
  for (const selector of key.selectors) nodes = nodes.flatMap((node) => apply(selector, node));
  return nodes[0];
}

/** The role name PostgREST takes from a selected node: a string as is, anything else as its JSON text. */
export function roleName(value: JsonValue): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function apply(selector: Selector, node: JsonValue): JsonValue[] {
  switch (selector.kind) {
    case "name":
      return isJsonObject(node) && Object.hasOwn(node, selector.name) ? [node[selector.name]] : [];
    case "index": {
      if (!Array.isArray(node)) return [];
      const index = selector.index < 0 ? node.length + selector.index : selector.index;
      return index >= 0 && index < node.length ? [node[index]] : [];
    }
    case "filter":
      return children(node).filter((child) => {
        const equal = jsonEqual(operand(selector.left, child), operand(selector.right, child));
        return selector.op === "==" ? equal : !equal;
      });
  }
}

// Object members in key order: aeson keeps objects in an ordered map, and "first match" depends on it.
function children(node: JsonValue): JsonValue[] {
  if (Array.isArray(node)) return node;
  if (!isJsonObject(node)) return [];
  return Object.keys(node)
    .sort()
    .map((name) => node[name]);
}

function operand(comparable: Comparable, current: JsonValue): JsonValue {
  return "current" in comparable ? current : comparable.literal;
}

function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const names = Object.keys(a);
    const sameNames = names.length === Object.keys(b).length && names.every((name) => Object.hasOwn(b, name));
    return sameNames && names.every((name) => jsonEqual(a[name], b[name]));
  }
  return a === b;
}
