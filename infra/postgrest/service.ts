// The PostgREST container: configured entirely by environment (see env.ts), started only after the database API
// exists, and reported ready by its own admin endpoint, since the image has no shell or curl. It publishes no port:
// the proxy reaches it on the stack's network.
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { SERVER_PORT, databaseUri, dockerEnvs, postgrestEnv } from "./env.js";
import { healthyAndRestarted } from "../docker/long-running.js";

/** Its name on the stack's network: the proxy's upstream stays the same when the container is replaced. */
export const POSTGREST_ALIAS = "postgrest";

export interface PostgrestServiceArgs {
  readonly image: pulumi.Input<string>;
  readonly network: pulumi.Input<string>;
  /** Where PostgreSQL is on the stack's network. */
  readonly database: { readonly host: string; readonly port: number; readonly name: pulumi.Input<string> };
  /** The authenticator role PostgREST logs in as. */
  readonly login: { readonly user: pulumi.Input<string>; readonly password: pulumi.Input<string> };
  readonly anonRole: pulumi.Input<string>;
  readonly schemas: pulumi.Input<string[]>;
  /** For HMAC algorithms this is the signing key itself. */
  readonly jwtSecret: pulumi.Input<string>;
  /** jwt-aud: always set, so tokens minted for another audience (OAuth's ID tokens among them) are refused. */
  readonly jwtAudience: string;
  readonly maxRows: number;
  /** Where PostgREST is reached from outside, behind the proxy: https://<domain>/api. */
  readonly publicUrl: string;
}

export class PostgrestService extends pulumi.ComponentResource {
  readonly container: docker.Container;
  /** host:port on the stack's network. */
  readonly upstream: pulumi.Output<string>;

  constructor(name: string, args: PostgrestServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("postgrest-gpt:postgrest:PostgrestService", name, {}, opts);
    const env = pulumi
      .all([args.login.user, args.login.password, args.database.name, args.anonRole, args.schemas, args.jwtSecret])
      .apply(([user, password, database, anonRole, schemas, jwtSecret]) =>
        postgrestEnv({
          dbUri: databaseUri(user, password, args.database.host, args.database.port, database),
          schemas,
          anonRole,
          jwtSecret,
          jwtAudience: args.jwtAudience,
          maxRows: args.maxRows,
          publicUrl: args.publicUrl,
        }),
      );
    const image = new docker.RemoteImage(`${name}-image`, { name: args.image, keepLocally: true }, { parent: this });
    this.container = new docker.Container(
      `${name}-server`,
      {
        image: image.imageId,
        // The db password and, for HMAC, the signing key are in there.
        envs: pulumi.secret(env.apply(dockerEnvs)),
        networksAdvanced: [{ name: args.network, aliases: [POSTGREST_ALIAS] }],
        ...healthyAndRestarted(["CMD", "postgrest", "--ready"]),
      },
      // The component's dependsOn (the applied sql/) is passed on: Pulumi does not make children wait for it, and
      // PostgREST should load a schema cache that already has the API in it.
      { parent: this, deleteBeforeReplace: true, dependsOn: opts?.dependsOn },
    );
    this.upstream = pulumi.output(`${POSTGREST_ALIAS}:${SERVER_PORT}`);
    this.registerOutputs({});
  }
}
