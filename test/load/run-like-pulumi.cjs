// Loads infra/index.ts the way `pulumi up` does (@pulumi/pulumi/cmd/run/run.js, "automatic ESM mode"): the project's
// tsconfig through Pulumi's tsutils, ts-node's ESM hooks registered with module.register using Pulumi's own hooks.js,
// type checking on, then a dynamic import of package.json's "main". (run.js itself cannot be required outside the
// engine: its package index parses the engine's command line on load.) Resources go to Pulumi's mock monitor.
// Prints one JSON line: the registered resource types and the stack outputs' names, or the error.
"use strict";
const path = require("node:path");
const util = require("node:util");
const url = require("node:url");
const { register } = require("node:module");
const pulumi = require("@pulumi/pulumi");
const tsutils = require("@pulumi/pulumi/tsutils.js");

const root = path.resolve(__dirname, "../..");
const registered = [];

async function main() {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push(args.type);
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "postgrest-gpt",
    "dev",
    // Preview: computed values stay unknown, as in `pulumi preview`.
    true,
  );
  pulumi.runtime.setAllConfig(JSON.parse(process.env.PGPT_TEST_CONFIG || "{}"));
  process.chdir(root);

  const tsConfigPath = "tsconfig.json";
  const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
  const { typescriptRequire } = tsutils.typeScriptRequireStrings();
  const options = {
    compiler: typescriptRequire,
    transpileOnly: compilerOptions.noCheck,
    project: tsConfigPath,
    skipProject: false,
    compilerOptions: { target: "ES2022", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
  };
  register("./hooks.js", url.pathToFileURL(require.resolve("@pulumi/pulumi/cmd/run/run.js")), { data: options });

  const pkg = require(path.join(root, "package.json"));
  const exported = await import(url.pathToFileURL(path.join(root, pkg.main)).href);
  // Resources register as their inputs resolve: wait until no new one arrives.
  for (let seen = -1, i = 0; seen !== registered.length && i < 100; i++) {
    seen = registered.length;
    await new Promise((r) => setTimeout(r, 100));
  }
  process.stdout.write(JSON.stringify({ resources: registered, outputs: Object.keys(exported) }) + "\n");
}

main().catch((err) => {
  // Errors from the loader thread arrive without a prototype: inspect them rather than String() them.
  const message = err && typeof err.message === "string" ? err.message : util.inspect(err);
  process.stdout.write(JSON.stringify({ error: message, resources: registered }) + "\n");
  process.exitCode = 1;
});
