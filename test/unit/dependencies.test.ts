// Versions the project promises (../shared/reference/pulumi-notes.md): a second copy of @pulumi/pulumi breaks
// mocks and resource registration (pulumi/pulumi#12141); 3.248 is the newest that runs on Node 20.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

function copiesOf(pkg: string, dir = join(root, "node_modules"), found: string[] = []): string[] {
  if (existsSync(join(dir, pkg, "package.json"))) found.push(join(dir, pkg));
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === ".bin") continue;
    const scoped = entry.name.startsWith("@") ? readdirSync(join(dir, entry.name)).map((n) => join(entry.name, n)) : [entry.name];
    for (const name of scoped) {
      const nested = join(dir, name, "node_modules");
      if (existsSync(nested)) copiesOf(pkg, nested, found);
    }
  }
  return found;
}

test("exactly one copy of @pulumi/pulumi is installed, at 3.248.x", () => {
  const copies = copiesOf(join("@pulumi", "pulumi"));
  expect(copies).toEqual([join(root, "node_modules", "@pulumi", "pulumi")]);
  expect(JSON.parse(readFileSync(join(copies[0]!, "package.json"), "utf8")).version).toMatch(/^3\.248\./);
});

test("TypeScript is 5.x (Pulumi's ts-node loading needs its JS compiler API) and vitest is 4.1.x", () => {
  const version = (name: string) => JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version as string;
  expect(version("typescript")).toMatch(/^5\./);
  expect(version("vitest")).toMatch(/^4\.1\./);
});
