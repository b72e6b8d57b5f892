// The companion: a Node service built from this repository (companion/Dockerfile) that serves /openapi.json from the
// live catalog and GPT Builder's OAuth sign-in under /oauth. Started after sql/ is applied and the OAuth login exists;
// its plan step prints, during `pulumi up`, what each GPT authentication mode will see and what was left out.
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as random from "@pulumi/random";
import { dockerEnvs } from "../postgrest/env.js";
import { healthyAndRestarted } from "../docker/long-running.js";
import { COMPANION_PORT, companionEnv, withoutOAuth, type CompanionSettings } from "./env.js";

/** Its name on the stack's network: the proxy's upstream stays the same when the container is replaced. */
export const COMPANION_ALIAS = "companion";

/** The authorization server's settings, as Inputs. */
export interface CompanionOAuthArgs {
  /** The OAuth login, owner of the gpt_oauth schema. */
  readonly login: { readonly user: pulumi.Input<string>; readonly password: pulumi.Input<string> };
  readonly issuer: string;
  readonly clientId: pulumi.Input<string>;
  readonly clientSecret: pulumi.Input<string>;
  readonly callbackUrls: readonly string[];
  /** The private JWK of the key PostgREST trusts. */
  readonly signingKey: pulumi.Input<string>;
  readonly cookieKey: pulumi.Input<string>;
  readonly accessTokenSeconds: number;
  readonly refreshTokenSeconds: number;
}

export interface CompanionServiceArgs {
  /** Absolute path of the repository: the image's build context. */
  readonly projectDir: string;
  readonly imageName: string;
  readonly network: pulumi.Input<string>;
  /** Where PostgreSQL is on the stack's network. */
  readonly database: { readonly host: string; readonly port: number; readonly name: pulumi.Input<string> };
  /** The authenticator: the companion reads the catalog as PostgREST does, switching to the caller's role. */
  readonly login: { readonly user: pulumi.Input<string>; readonly password: pulumi.Input<string> };
  readonly schemas: pulumi.Input<string[]>;
  readonly anonRole: pulumi.Input<string>;
  readonly authenticatedRole: pulumi.Input<string>;
  readonly apiUrl: string;
  readonly jwtSecret: pulumi.Input<string>;
  readonly jwtAudience: string;
  readonly maxRows: number;
  readonly openapi: CompanionSettings["openapi"];
  readonly oauth: CompanionOAuthArgs;
  /** For the plan step, which runs on this machine: the database as the migrations reach it. */
  readonly planConnection: {
    readonly host: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
    readonly user: pulumi.Input<string>;
    readonly password: pulumi.Input<string>;
  };
  /** Re-run the plan when these change (the sql/ digests). */
  readonly planTriggers: pulumi.Input<string>;
}

export class CompanionService extends pulumi.ComponentResource {
  readonly container: docker.Container;
  /** host:port on the stack's network. */
  readonly upstream: pulumi.Output<string>;
  /** Lets a token-less "Import from URL" fetch the authenticated role's document. */
  readonly viewKey: pulumi.Output<string>;
  /** What the plan step printed. */
  readonly plan: pulumi.Output<string>;

  constructor(name: string, args: CompanionServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("postgrest-gpt:companion:CompanionService", name, {}, opts);
    const key = new random.RandomPassword(`${name}-view-key`, { length: 32, special: false }, { parent: this });
    this.viewKey = pulumi.secret(key.result);

    const image = new docker.Image(
      `${name}-image`,
      {
        imageName: args.imageName,
        build: { context: args.projectDir, dockerfile: `${args.projectDir}/companion/Dockerfile` },
        skipPush: true,
      },
      { parent: this },
    );
    const settings = {
      database: args.database,
      login: args.login,
      schemas: args.schemas,
      anonRole: args.anonRole,
      authenticatedRole: args.authenticatedRole,
      apiUrl: args.apiUrl,
      jwtSecret: args.jwtSecret,
      jwtAudience: args.jwtAudience,
      maxRows: args.maxRows,
      openapi: args.openapi,
      viewKey: key.result,
      oauth: args.oauth,
    };
    const env = pulumi.output(settings).apply((s) => companionEnv(s as CompanionSettings));
    this.container = new docker.Container(
      `${name}-server`,
      {
        // The local image ID changes with every build, so a new build replaces the container.
        image: image.repoDigest,
        envs: pulumi.secret(env.apply(dockerEnvs)),
        networksAdvanced: [{ name: args.network, aliases: [COMPANION_ALIAS] }],
        ...healthyAndRestarted(["CMD", "node", "-e", `fetch('http://127.0.0.1:${COMPANION_PORT}/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`]),
      },
      { parent: this, deleteBeforeReplace: true, dependsOn: opts?.dependsOn },
    );

    this.upstream = pulumi.output(`${COMPANION_ALIAS}:${COMPANION_PORT}`);

    const planEnv = pulumi.all([env, args.planConnection]).apply(([e, c]) => ({
      ...withoutOAuth(e),
      PGHOST: c.host,
      PGPORT: String(c.port),
      PGUSER: c.user,
      PGPASSWORD: c.password,
    }));
    const planned = new command.local.Command(
      `${name}-plan`,
      {
        dir: args.projectDir,
        create: "node --import tsx lib/openapi/plan-cli.ts",
        update: "node --import tsx lib/openapi/plan-cli.ts",
        environment: pulumi.secret(planEnv),
        triggers: [args.planTriggers, JSON.stringify(args.openapi), args.apiUrl],
      },
      { parent: this, dependsOn: opts?.dependsOn },
    );
    // Role names and paths only; without unsecret it would inherit the secrecy of the command's environment.
    this.plan = pulumi.unsecret(planned.stdout);
    this.registerOutputs({ plan: this.plan });
  }
}
