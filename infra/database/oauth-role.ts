// The companion's OAuth login: it owns the gpt_oauth schema (users, password hashes, refresh tokens) and nothing
// else. No request role is granted anything on that schema, PostgREST does not expose it, and no role PostgREST can
// switch to is a member of this login, so no token, however it was minted, reaches a password hash.
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import * as postgresql from "@pulumi/postgresql";
import * as random from "@pulumi/random";
import { OAUTH_SCHEMA } from "../../companion/oauth/schema.js";
import { OAUTH_ROLE } from "../config/oauth.js";
import { reownSchemaCommand } from "./schema-owner.js";

export interface OAuthRoleArgs {
  readonly provider: postgresql.Provider;
  readonly database: pulumi.Input<string>;
  /** The PostgreSQL container, whose local socket trusts the superuser. */
  readonly container: pulumi.Input<string>;
}

export class OAuthRole extends pulumi.ComponentResource {
  readonly user: pulumi.Output<string>;
  readonly password: pulumi.Output<string>;
  readonly schema: pulumi.Output<string>;

  constructor(name: string, args: OAuthRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("postgrest-gpt:database:OAuthRole", name, {}, opts);
    const pg = { parent: this, provider: args.provider };

    const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent: this });
    const role = new postgresql.Role(`${name}-role`, { name: OAUTH_ROLE, login: true, password: pulumi.secret(password.result) }, pg);
    // Retained like the API schemas: `pulumi destroy` must not take the users and their sign-ins with it.
    const schema = new postgresql.Schema(
      `${name}-schema`,
      { name: OAUTH_SCHEMA, database: args.database, owner: role.name, ifNotExists: true },
      { ...pg, retainOnDelete: true },
    );
    // After `pulumi destroy` and `up`, the tables the companion created belong to the superuser (schema-owner.ts).
    new command.local.Command(
      `${name}-reown`,
      {
        create: pulumi.all([args.container, args.database]).apply(([container, database]) => reownSchemaCommand(container, database, OAUTH_SCHEMA, OAUTH_ROLE)),
        logging: "stderr",
      },
      { parent: this, dependsOn: [role, schema] },
    );

    this.user = role.name;
    this.password = pulumi.secret(password.result);
    this.schema = schema.name;
    this.registerOutputs({ user: this.user, schema: this.schema });
  }
}
