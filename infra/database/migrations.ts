// Applies sql/ through lib/migrate/cli.ts (a plain module, tested against a real PostgreSQL): @pulumi/postgresql has
// no resource that runs arbitrary SQL. The files' hashes are the command's triggers; with an `update` command a
// changed trigger is an update, not a replacement, so `pulumi up` runs `apply` again and the runner's own ledger
// re-applies only the changed file. A failing file fails the resource, which stops `pulumi up` with the runner's
// message: file, line, Postgres error.
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { listSqlFiles } from "../../lib/migrate/sql-files.js";

export interface SqlMigrationsArgs {
  /** Absolute path of the project; the command runs there. */
  readonly projectDir: string;
  /** The SQL directory, relative to projectDir. */
  readonly sqlDir: string;
  readonly host: pulumi.Input<string>;
  readonly port: pulumi.Input<number>;
  readonly database: pulumi.Input<string>;
  readonly user: pulumi.Input<string>;
  readonly password: pulumi.Input<string>;
  readonly anonRole: pulumi.Input<string>;
  readonly authenticatedRole: pulumi.Input<string>;
  readonly authenticatorRole: pulumi.Input<string>;
  readonly schemas: pulumi.Input<string[]>;
}

const RUNNER = "node --import tsx lib/migrate/cli.ts";

export class SqlMigrations extends pulumi.ComponentResource {
  readonly applied: command.local.Command;
  /** "name:sha256 ..." of the applied files: changes whenever the database's API may have. */
  readonly digests: pulumi.Output<string>;

  constructor(name: string, args: SqlMigrationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("postgrest-gpt:database:SqlMigrations", name, {}, opts);
    // "name:sha256 ..." in the order the runner applies the files.
    const digests = (this.digests = pulumi
      .output(listSqlFiles(join(args.projectDir, args.sqlDir)))
      .apply((files) => files.map((f) => `${f.name}:${f.sha256}`).join(" ")));
    this.applied = new command.local.Command(
      `${name}-apply`,
      {
        dir: args.projectDir,
        create: `${RUNNER} apply`,
        update: `${RUNNER} apply`,
        // Forget the ledger with the resource: a stack created again over the retained volume re-applies every file
        // (and so restores the grants that dropping the roles took away).
        delete: `${RUNNER} forget`,
        environment: {
          PGHOST: args.host,
          PGPORT: pulumi.output(args.port).apply(String),
          PGDATABASE: args.database,
          PGUSER: args.user,
          PGPASSWORD: pulumi.secret(args.password),
          PGPT_SQL_DIR: args.sqlDir,
          PGPT_ANON_ROLE: args.anonRole,
          PGPT_AUTHENTICATED_ROLE: args.authenticatedRole,
          PGPT_AUTHENTICATOR_ROLE: args.authenticatorRole,
          PGPT_DB_SCHEMAS: pulumi.output(args.schemas).apply((s) => s.join(",")),
        },
        triggers: [digests],
      },
      // Pulumi does not make a component's children wait for the component's own dependsOn: pass it on, so the
      // files run only once every role, membership and grant exists.
      { parent: this, dependsOn: opts?.dependsOn },
    );
    this.registerOutputs({});
  }
}
