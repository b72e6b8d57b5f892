// The one OAuth client the companion knows: the GPT. Its id is readable (typed into GPT Builder, shown in outputs),
// its secret and the key that signs the sign-in cookies are secrets. All alphanumeric, so they survive copy and paste
// and HTTP Basic authentication (GPT Builder's "Basic authorization header") without any encoding.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/** 43 alphanumerics carry 256 bits (43 × log2 62 ≈ 256.03), the client-secret strength RFC 9700 asks for. */
export const CLIENT_SECRET_LENGTH = 43;
const COOKIE_KEY_LENGTH = 43;

export class GptOAuthClient extends pulumi.ComponentResource {
  /** gpt-<16 hex>: not a secret, just a name. */
  readonly clientId: pulumi.Output<string>;
  readonly clientSecret: pulumi.Output<string>;
  readonly cookieKey: pulumi.Output<string>;

  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("postgrest-gpt:oauth:GptOAuthClient", name, {}, opts);
    const id = new random.RandomId(`${name}-id`, { byteLength: 8 }, { parent: this });
    const secret = new random.RandomPassword(`${name}-secret`, { length: CLIENT_SECRET_LENGTH, special: false }, { parent: this });
    const cookieKey = new random.RandomPassword(`${name}-cookie-key`, { length: COOKIE_KEY_LENGTH, special: false }, { parent: this });

    this.clientId = pulumi.interpolate`gpt-${id.hex}`;
    this.clientSecret = pulumi.secret(secret.result);
    this.cookieKey = pulumi.secret(cookieKey.result);
    this.registerOutputs({ clientId: this.clientId });
  }
}
