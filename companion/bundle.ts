// Bundles the companion into one ESM file for its image (companion/Dockerfile), so the runtime image carries
// Node.js and this file only: no node_modules, no Pulumi SDK, no TypeScript.
//   node --import tsx companion/bundle.ts <outfile>
import { build } from "esbuild";

export const ENTRY = "companion/main.ts";

export async function bundleCompanion(outfile: string): Promise<void> {
  await build({
    entryPoints: [ENTRY],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // pg's optional native binding is never installed; pg falls back to its JavaScript client.
    external: ["pg-native"],
    // CommonJS dependencies (pg) call require() for Node's built-ins, which an ES module does not have.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: "warning",
  });
}

if (process.argv[1]?.endsWith("companion/bundle.ts")) {
  const outfile = process.argv[2];
  if (!outfile) {
    console.error("usage: node --import tsx companion/bundle.ts <outfile>");
    process.exit(2);
  }
  await bundleCompanion(outfile);
}
