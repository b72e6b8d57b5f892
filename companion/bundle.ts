// Builds the directory the companion image runs (companion/Dockerfile): two esbuild bundles, the server and the
// admin command, plus the node_modules of the one package that cannot be bundled. No Pulumi SDK, no TypeScript.
//   node --import tsx companion/bundle.ts <outdir>
// oidc-provider (ESM; koa, jose, debug) bundles cleanly and reads no files at runtime, so it is inside the bundle.
// @node-rs/argon2 loads a native .node binary chosen by platform, which no bundler can inline: it stays external
// and is copied with whichever of its platform packages npm installed, the build stage's, which is the image's.
import { cp, mkdir, readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { build } from "esbuild";

/** Output file (without .mjs) -> entry point. */
export const ENTRIES = {
  companion: "companion/main.ts",
  "companion-admin": "companion/oauth/admin-cli.ts",
} as const;

/** Imported by the bundles and copied beside them into node_modules. */
export const RUNTIME_PACKAGES = ["@node-rs/argon2"] as const;

export async function bundleCompanion(outdir: string): Promise<void> {
  await build({
    entryPoints: ENTRIES,
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // pg's optional native binding is never installed; pg falls back to its JavaScript client.
    external: ["pg-native", ...RUNTIME_PACKAGES],
    // CommonJS dependencies (pg) call require() for Node's built-ins, which an ES module does not have.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: "warning",
  });
  const copied = new Set<string>();
  for (const name of RUNTIME_PACKAGES) await copyPackage(name, import.meta.url, join(outdir, "node_modules"), copied, false);
}

/** Copies an installed package and, recursively, its installed dependencies; an optional one not installed is skipped. */
async function copyPackage(name: string, from: string, nodeModules: string, copied: Set<string>, optional: boolean): Promise<void> {
  if (copied.has(name)) return;
  const dir = installedDir(name, from);
  if (!dir) {
    if (optional) return;
    throw new Error(`${name} is not installed: run npm ci`);
  }
  copied.add(name);
  await mkdir(dirname(join(nodeModules, name)), { recursive: true });
  await cp(dir, join(nodeModules, name), { recursive: true, dereference: true });
  const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  const self = join(dir, "package.json");
  for (const dep of Object.keys(manifest.dependencies ?? {})) await copyPackage(dep, self, nodeModules, copied, false);
  for (const dep of Object.keys(manifest.optionalDependencies ?? {})) await copyPackage(dep, self, nodeModules, copied, true);
}

// Looks for the package folder along Node's search path rather than resolving an entry file: platform packages
// have no JavaScript entry, and `exports` may hide package.json.
function installedDir(name: string, from: string): string | undefined {
  const paths = createRequire(from).resolve.paths(name) ?? [];
  return paths.map((p) => join(p, name)).find((dir) => existsSync(join(dir, "package.json")));
}

if (process.argv[1]?.endsWith("companion/bundle.ts")) {
  const outdir = process.argv[2];
  if (!outdir) {
    console.error("usage: node --import tsx companion/bundle.ts <outdir>");
    process.exit(2);
  }
  await bundleCompanion(outdir);
}
