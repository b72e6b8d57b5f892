// Layer 5: the program loads under Pulumi's own TypeScript loading (ts-node ESM hooks, type checking, tsconfig),
// not only under vitest's transformer.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const script = fileURLToPath(new URL("./run-like-pulumi.cjs", import.meta.url));

function load(config: Record<string, string> = {}): { resources?: string[]; outputs?: string[]; error?: string } {
  const env = { ...process.env, PGPT_TEST_CONFIG: JSON.stringify(Object.fromEntries(Object.entries(config).map(([k, v]) => [`postgrest-gpt:${k}`, v]))) };
  let out: string;
  try {
    out = execFileSync(process.execPath, [script], { env, encoding: "utf8", timeout: 90_000 });
  } catch (e) {
    out = (e as { stdout: string }).stdout;
  }
  return JSON.parse(out.trim().split("\n").pop()!);
}

describe("loading the program the way `pulumi up` does", () => {
  test("type-checks, imports and declares the whole stack with the documented outputs", () => {
    const result = load();
    expect(result.error).toBeUndefined();
    expect(result.outputs!.sort()).toEqual(
      ["anonRole", "apiUrl", "authenticatedRole", "containers", "gptAction", "jwks", "jwtAlgorithm", "openApiPlan", "openApiUrl", "sampleBearerToken"].sort(),
    );
    for (const type of [
      "docker:index/network:Network",
      "docker:index/volume:Volume",
      "docker:index/container:Container",
      "pulumi:providers:postgresql",
      "postgresql:index/role:Role",
      "postgresql:index/grantRole:GrantRole",
      "postgresql:index/grant:Grant",
      "command:local:Command",
      "random:index/randomPassword:RandomPassword",
    ]) {
      expect(result.resources, type).toContain(type);
    }
  });

  test("an asymmetric algorithm loads with a tls key", () => {
    expect(load({ jwtAlgorithm: "EdDSA" }).resources).toContain("tls:index/privateKey:PrivateKey");
  });

  test("bad configuration stops the program with one message before any resource is declared", () => {
    const result = load({ jwtAlgorithm: "PS256", apiPort: "0" });
    expect(result.error).toMatch(/^Invalid stack configuration:\n  - postgrest-gpt:jwtAlgorithm = "PS256": must be one of .*\n  - postgrest-gpt:apiPort = "0"/);
    expect(result.resources).toEqual([]);
  });
});
