// PostgreSQL in Docker: data on a named volume that outlives the container and `pulumi destroy`, reachable from the
// host on 127.0.0.1 only, and a @pulumi/postgresql provider that exists only once the server accepts TCP connections.
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import * as postgresql from "@pulumi/postgresql";
import * as random from "@pulumi/random";
import * as command from "@pulumi/command";
import { syncPasswordCommand } from "./superuser-password.js";
import { healthyAndRestarted } from "../docker/long-running.js";

export interface PostgresDatabaseArgs {
  readonly image: pulumi.Input<string>;
  readonly network: pulumi.Input<string>;
  readonly hostPort: pulumi.Input<number>;
  readonly database: pulumi.Input<string>;
  /** Docker volume name; fixed per stack so a replaced container finds the same files. */
  readonly volumeName: pulumi.Input<string>;
}

/** The name other containers use for the database on the stack's network. */
export const POSTGRES_ALIAS = "postgres";
export const SUPERUSER = "postgres";

export class PostgresDatabase extends pulumi.ComponentResource {
  readonly host = "127.0.0.1";
  readonly hostPort: pulumi.Output<number>;
  readonly internalHost = POSTGRES_ALIAS;
  readonly internalPort = 5432;
  readonly database: pulumi.Output<string>;
  readonly superuser = SUPERUSER;
  readonly superuserPassword: pulumi.Output<string>;
  readonly provider: postgresql.Provider;
  readonly container: docker.Container;

  constructor(name: string, args: PostgresDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("postgrest-gpt:database:PostgresDatabase", name, {}, opts);
    const password = new random.RandomPassword(`${name}-superuser-password`, { length: 32, special: false }, { parent: this });

    // Losing the user's data is the worst failure this kit can have: the volume is retained on delete, so neither a
    // container replacement nor `pulumi destroy` removes it.
    const volume = new docker.Volume(`${name}-data`, { name: args.volumeName }, { parent: this, retainOnDelete: true });
    const image = new docker.RemoteImage(`${name}-image`, { name: args.image, keepLocally: true }, { parent: this });

    this.container = new docker.Container(
      `${name}-server`,
      {
        image: image.imageId,
        envs: [pulumi.secret(pulumi.interpolate`POSTGRES_PASSWORD=${password.result}`), pulumi.interpolate`POSTGRES_DB=${args.database}`],
        volumes: [{ volumeName: volume.name, containerPath: "/var/lib/postgresql/data" }],
        networksAdvanced: [{ name: args.network, aliases: [POSTGRES_ALIAS] }],
        ports: [{ internal: 5432, external: args.hostPort, ip: "127.0.0.1" }],
        // TCP, not the socket: during initdb the image listens on the socket only, so a socket check passes too early.
        ...healthyAndRestarted(["CMD-SHELL", "pg_isready -h 127.0.0.1 -p 5432 -U postgres"], "5s"),
      },
      // A fixed host port cannot be held by two containers: remove the old one before starting its replacement.
      { parent: this, deleteBeforeReplace: true },
    );

    this.hostPort = pulumi.output(args.hostPort);
    this.database = pulumi.output(args.database);
    this.superuserPassword = pulumi.secret(password.result);
    const passwordSynced = new command.local.Command(
      `${name}-superuser-password-sync`,
      {
        create: this.container.name.apply(syncPasswordCommand),
        environment: { PGPT_SUPERUSER_PASSWORD: this.superuserPassword },
        // Again whenever the container is replaced or the password changes.
        triggers: [this.container.id, this.superuserPassword],
        logging: "stderr",
      },
      { parent: this },
    );
    // The provider pings once, without retry: it must not exist before the healthcheck passes.
    this.provider = new postgresql.Provider(
      `${name}-provider`,
      {
        host: this.host,
        port: args.hostPort,
        database: args.database,
        username: SUPERUSER,
        password: this.superuserPassword,
        sslmode: "disable",
        superuser: true,
      },
      { parent: this, dependsOn: [this.container, passwordSynced] },
    );
    this.registerOutputs({ hostPort: this.hostPort, database: this.database });
  }
}
