// PostgREST's three roles (https://docs.postgrest.org "Authentication"): the authenticator logs in and can only
// become anon or authenticated; those two cannot log in and get USAGE on the exposed schemas, nothing more here.
// Table privileges live in sql/, next to the tables they protect.
import * as pulumi from "@pulumi/pulumi";
import * as postgresql from "@pulumi/postgresql";
import * as random from "@pulumi/random";

export interface ApiRolesArgs {
  readonly provider: postgresql.Provider;
  readonly database: pulumi.Input<string>;
  readonly anonRole: string;
  readonly authenticatedRole: string;
  readonly authenticatorRole: string;
  readonly schemas: readonly string[];
  readonly statementTimeoutMs: pulumi.Input<number>;
}

export class ApiRoles extends pulumi.ComponentResource {
  readonly authenticator: pulumi.Output<string>;
  readonly authenticatorPassword: pulumi.Output<string>;
  readonly anon: pulumi.Output<string>;
  readonly authenticated: pulumi.Output<string>;
  readonly schemas: pulumi.Output<string[]>;
  /** Everything later steps (migrations, PostgREST) must wait for. */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: ApiRolesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("postgrest-gpt:database:ApiRoles", name, {}, opts);
    const pg = { parent: this, provider: args.provider };

    const password = new random.RandomPassword(`${name}-authenticator-password`, { length: 32, special: false }, { parent: this });
    // NOINHERIT: the authenticator holds no privilege of its own until PostgREST switches role for a request.
    const authenticator = new postgresql.Role(
      `${name}-authenticator`,
      { name: args.authenticatorRole, login: true, inherit: false, password: pulumi.secret(password.result) },
      pg,
    );
    const requestRole = (suffix: string, roleName: string) =>
      new postgresql.Role(
        `${name}-${suffix}`,
        { name: roleName, login: false, statementTimeout: args.statementTimeoutMs },
        pg,
      );
    const anon = requestRole("anon", args.anonRole);
    const authenticated = requestRole("authenticated", args.authenticatedRole);

    const memberships = [anon, authenticated].map(
      (role, i) =>
        new postgresql.GrantRole(
          `${name}-authenticator-as-${i === 0 ? "anon" : "authenticated"}`,
          { role: authenticator.name, grantRole: role.name },
          pg,
        ),
    );

    const schemas = args.schemas.map(
      (schema) => new postgresql.Schema(`${name}-schema-${schema}`, { name: schema, database: args.database, ifNotExists: true }, { ...pg, retainOnDelete: true }),
    );
    const usage = schemas.flatMap((schema, s) =>
      [anon, authenticated].map(
        (role, r) =>
          new postgresql.Grant(
            `${name}-usage-${args.schemas[s]}-${r === 0 ? "anon" : "authenticated"}`,
            { database: args.database, schema: schema.name, role: role.name, objectType: "schema", privileges: ["USAGE"] },
            pg,
          ),
      ),
    );

    this.authenticator = authenticator.name;
    this.authenticatorPassword = pulumi.secret(password.result);
    this.anon = anon.name;
    this.authenticated = authenticated.name;
    this.schemas = pulumi.all(schemas.map((s) => s.name));
    this.ready = [authenticator, anon, authenticated, ...memberships, ...schemas, ...usage];
    this.registerOutputs({ authenticator: this.authenticator, anon: this.anon, authenticated: this.authenticated });
  }
}
