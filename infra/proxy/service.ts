// Caddy in front of the stack: the one public origin GPT Builder talks to. With a domain, automatic HTTPS on 443
// (and 80 for the ACME challenge and the redirect); without one, plain HTTP on 127.0.0.1:<apiPort>, for a tunnel.
// Certificates live on a retained volume, so a redeploy does not ask Let's Encrypt again (it rate-limits).
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { renderCaddyfile } from "./caddyfile.js";
import { healthyAndRestarted } from "../docker/long-running.js";

/** Caddy's own port inside its container in local mode. */
export const LOCAL_HTTP_PORT = 8080;

export interface CaddyProxyArgs {
  readonly image: pulumi.Input<string>;
  readonly network: pulumi.Input<string>;
  readonly domain?: string;
  readonly acmeEmail?: string;
  /** Local mode: the host port on 127.0.0.1. */
  readonly hostPort: number;
  /** host:port on the stack's network. */
  readonly postgrest: pulumi.Input<string>;
  readonly companion: pulumi.Input<string>;
  readonly volumeName: string;
}

export class CaddyProxy extends pulumi.ComponentResource {
  readonly container: docker.Container;
  readonly caddyfile: pulumi.Output<string>;

  constructor(name: string, args: CaddyProxyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("postgrest-gpt:proxy:CaddyProxy", name, {}, opts);
    this.caddyfile = pulumi.all([args.postgrest, args.companion]).apply(([postgrest, companion]) =>
      renderCaddyfile({
        ...(args.domain ? { domain: args.domain } : {}),
        ...(args.acmeEmail ? { acmeEmail: args.acmeEmail } : {}),
        httpPort: LOCAL_HTTP_PORT,
        postgrest,
        companion,
      }),
    );
    const image = new docker.RemoteImage(`${name}-image`, { name: args.image, keepLocally: true }, { parent: this });
    const data = new docker.Volume(`${name}-data`, { name: args.volumeName }, { parent: this, retainOnDelete: true });
    const ports = args.domain
      ? [
          { internal: 80, external: 80 },
          { internal: 443, external: 443 },
        ]
      : [{ internal: LOCAL_HTTP_PORT, external: args.hostPort, ip: "127.0.0.1" }];
    this.container = new docker.Container(
      `${name}-server`,
      {
        image: image.imageId,
        networksAdvanced: [{ name: args.network }],
        ports,
        uploads: [{ file: "/etc/caddy/Caddyfile", content: this.caddyfile }],
        volumes: [{ volumeName: data.name, containerPath: "/data" }],
        // Caddy's admin API answers on localhost inside the container once the configuration is loaded.
        ...healthyAndRestarted(["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:2019/config/"]),
      },
      { parent: this, deleteBeforeReplace: true, dependsOn: opts?.dependsOn },
    );
    this.registerOutputs({});
  }
}
