// The real caddy binary reads the rendered Caddyfile: caddyfile.test.ts proves what we write, this proves Caddy
// understands it as we mean. Needs the caddy binary (apt-get install caddy). Skipped on a machine without it, but under
// CI a missing binary fails the run, so a green CI always includes this check (.ci/run installs it).
import { execFile, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { renderCaddyfile, type CaddyfileArgs } from "../../infra/proxy/caddyfile.js";

const POSTGREST = "postgrest-gpt-dev-postgrest:3000";
const COMPANION = "postgrest-gpt-dev-companion:8080";
const MODES = {
  local: { httpPort: 8080, postgrest: POSTGREST, companion: COMPANION },
  domain: { domain: "gpt.example.com", acmeEmail: "ops@example.com", httpPort: 8080, postgrest: POSTGREST, companion: COMPANION },
} satisfies Record<string, CaddyfileArgs>;
type Mode = keyof typeof MODES;

const hasCaddy = spawnSync("caddy", ["version"]).status === 0;

interface Handler { readonly handler: string; readonly routes?: readonly Route[]; readonly [field: string]: unknown }
interface Route { readonly match?: readonly { readonly path?: readonly string[]; readonly host?: readonly string[] }[]; readonly handle: readonly Handler[] }
interface Server { readonly listen: readonly string[]; readonly routes: readonly Route[]; readonly automatic_https?: { readonly disable?: boolean } }
interface Adapted {
  readonly apps: {
    readonly http: { readonly servers: Record<string, Server> };
    readonly tls?: { readonly automation: { readonly policies: readonly { subjects?: string[]; issuers: { module: string; email?: string }[] }[] } };
  };
}

describe.skipIf(!hasCaddy && !process.env.CI)("caddy reads the rendered Caddyfile (needs the caddy binary: apt-get install caddy)", () => {
  let dir = "";
  const file = (mode: Mode) => join(dir, `${mode}.Caddyfile`);

  beforeAll(async () => {
    if (!hasCaddy) throw new Error("CI is set but caddy is not on PATH: install it (apt-get install caddy), as .ci/run does");
    dir = await mkdtemp(join(tmpdir(), "postgrest-gpt-caddy-"));
    for (const mode of Object.keys(MODES) as Mode[]) await writeFile(file(mode), renderCaddyfile(MODES[mode]));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs caddy with its home and data dirs inside the temp dir, so nothing is written to the real home. */
  function caddy(...args: string[]): Promise<{ code: number | string; stdout: string; stderr: string }> {
    const env = { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, "data"), XDG_CONFIG_HOME: join(dir, "config") };
    return new Promise((resolve) => {
      execFile("caddy", args, { env, timeout: 30_000 }, (error, stdout, stderr) => {
        // execFile's message is the command line plus stderr, or why it could not start (ENOENT).
        resolve({ code: error ? (error.code ?? error.message) : 0, stdout, stderr: error ? error.message : stderr });
      });
    });
  }

  async function adapt(mode: Mode): Promise<{ server: Server; routes: readonly Route[]; config: Adapted }> {
    const result = await caddy("adapt", "--adapter", "caddyfile", "--config", file(mode));
    expect(result.code, result.stderr).toBe(0);
    const config = JSON.parse(result.stdout) as Adapted;
    const servers = Object.values(config.apps.http.servers);
    expect(servers).toHaveLength(1);
    const server = servers[0]!;
    // A hostname site wraps its routes in one route matching the host; a port-only site does not.
    const [first] = server.routes;
    const routes = first?.match?.[0]?.host ? first.handle[0]!.routes! : server.routes;
    return { server, routes, config };
  }

  /** The handlers run for a route matching exactly these paths (none: the fallback), with subroutes flattened. */
  function handlersFor(routes: readonly Route[], paths?: readonly string[]): Handler[] {
    const route = routes.find((r) =>
      paths === undefined ? r.match === undefined && r.handle[0]?.handler === "subroute" : JSON.stringify(r.match?.[0]?.path) === JSON.stringify(paths),
    );
    if (route === undefined) throw new Error(`no route for ${JSON.stringify(paths ?? "the fallback")} in ${JSON.stringify(routes)}`);
    const flatten = (hs: readonly Handler[]): Handler[] => hs.flatMap((h) => (h.handler === "subroute" ? h.routes!.flatMap((r) => flatten(r.handle)) : [h]));
    return flatten(route.handle);
  }

  test.each(Object.keys(MODES) as Mode[])("caddy validate accepts the %s-mode Caddyfile", async (mode) => {
    const result = await caddy("validate", "--adapter", "caddyfile", "--config", file(mode));
    expect(result.code, result.stderr).toBe(0);
  });

  test.each(Object.keys(MODES) as Mode[])("the %s-mode Caddyfile is already in caddy fmt layout", async (mode) => {
    const result = await caddy("fmt", file(mode));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(await readFile(file(mode), "utf8"));
  });

  test("local mode listens on :8080 with automatic HTTPS disabled", async () => {
    const { server, config } = await adapt("local");
    expect(server.listen).toEqual([":8080"]);
    expect(server.automatic_https).toEqual({ disable: true });
    expect(config.apps.tls).toBeUndefined();
  });

  test("domain mode listens on :443 for the domain, with acmeEmail as the ACME contact", async () => {
    const { server, config } = await adapt("domain");
    expect(server.listen).toEqual([":443"]);
    expect(server.automatic_https).toBeUndefined();
    expect(server.routes[0]?.match).toEqual([{ host: ["gpt.example.com"] }]);
    const [policy] = config.apps.tls!.automation.policies;
    expect(policy?.subjects).toEqual(["gpt.example.com"]);
    expect(policy?.issuers.find((i) => i.module === "acme")?.email).toBe("ops@example.com");
  });

  describe.each(Object.keys(MODES) as Mode[])("%s mode routes", (mode) => {
    test("/api/* strips the /api prefix and proxies to PostgREST", async () => {
      expect(handlersFor((await adapt(mode)).routes, ["/api/*"])).toEqual([
        { handler: "rewrite", strip_path_prefix: "/api" },
        { handler: "reverse_proxy", upstreams: [{ dial: POSTGREST }] },
      ]);
    });

    test("/api alone is rewritten to / and proxied to PostgREST", async () => {
      expect(handlersFor((await adapt(mode)).routes, ["/api"])).toEqual([
        { handler: "rewrite", uri: "/" },
        { handler: "reverse_proxy", upstreams: [{ dial: POSTGREST }] },
      ]);
    });

    test("/openapi.json, /oauth and /oauth/* are proxied to the companion unchanged", async () => {
      const { routes } = await adapt(mode);
      const toCompanion = [{ handler: "reverse_proxy", upstreams: [{ dial: COMPANION }] }];
      expect(handlersFor(routes, ["/openapi.json"])).toEqual(toCompanion);
      // Behind a tunnel (local mode) the companion hears the client's address from private-range peers.
      const trusted = mode === "local" ? { trusted_proxies: ["192.168.0.0/16", "172.16.0.0/12", "10.0.0.0/8", "127.0.0.1/8", "fd00::/8", "::1"] } : {};
      expect(handlersFor(routes, ["/oauth", "/oauth/*"])).toEqual([{ ...toCompanion[0], ...trusted }]);
    });

    test("anything else gets a 404 with a JSON body", async () => {
      expect(handlersFor((await adapt(mode)).routes)).toEqual([
        { handler: "headers", response: { set: { "Content-Type": ["application/json"] } } },
        { handler: "static_response", status_code: 404, body: '{"message":"Not found: use /api or /openapi.json"}' },
      ]);
    });
  });
});
