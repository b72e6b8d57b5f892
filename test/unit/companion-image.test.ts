// The companion image's recipe: it copies only what exists and what the bundles need, runs unprivileged, and the
// build context never carries the stack's state or passphrase (.pulumi/).
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";

const dockerfile = readFileSync("companion/Dockerfile", "utf8");
const dockerignore = readFileSync(".dockerignore", "utf8").split("\n").map((l) => l.trim());

describe("companion/Dockerfile", () => {
  test("copies from the repository only paths that exist, and never .pulumi", () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(sources).toEqual(["package.json", "package-lock.json", "lib", "companion"]);
    for (const source of sources) expect(existsSync(source), source).toBe(true);
  });

  test("installs the lockfile exactly, builds the directory the tests run, and runs its server as the node user", () => {
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev .*--ignore-scripts/m);
    expect(dockerfile).toMatch(/^RUN node --import tsx companion\/bundle\.ts \/out$/m);
    // Everything the bundles need at runtime, the native argon2 package included, is inside /out.
    expect([...dockerfile.matchAll(/^COPY --from=build (.+)$/gm)].map((m) => m[1])).toEqual(["/out/ ./"]);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "companion\.mjs"\]$/m);
  });

  test("the build stage and the runtime stage share one base image, so argon2's installed binary fits the runtime", () => {
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(bases).toHaveLength(2);
    expect(bases[0]).toBe(bases[1]);
    expect(dockerfile).not.toMatch(/--platform/);
  });

  test(".dockerignore lets into the build context only what the Dockerfile copies: never .pulumi/ or node_modules", () => {
    const rules = dockerignore.filter((l) => l && !l.startsWith("#"));
    expect(rules).toEqual(["*", "!package.json", "!package-lock.json", "!lib/", "!companion/"]);
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(rules.slice(1).map((r) => r.slice(1).replace(/\/$/, ""))).toEqual(copied);
  });
});
