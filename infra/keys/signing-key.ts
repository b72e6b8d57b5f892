// The JWT signing key, kept only in Pulumi state as a secret, and what PostgREST must trust to verify it.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { keySpec, type JwtAlgorithm } from "./algorithms.js";
import { trustedKey, type KeyMaterial, type PublicJwks, type TrustedKey } from "./jwt-secret.js";
import { mintToken, type TokenClaims } from "./mint-token.js";
import { signingJwk } from "./signing-jwk.js";

export interface SigningKeyArgs {
  /** Plain, not an Input: the algorithm decides which resource generates the key. */
  readonly algorithm: JwtAlgorithm;
}

export class SigningKey extends pulumi.ComponentResource {
  /** Private key or HMAC secret: secret. */
  readonly material: pulumi.Output<KeyMaterial>;
  /** PGRST_JWT_SECRET: secret (for HMAC it is the signing key itself). */
  readonly jwtSecret: pulumi.Output<string>;
  /** The public JWKS, for asymmetric algorithms; undefined for HMAC. */
  readonly jwks: pulumi.Output<PublicJwks | undefined>;
  /** The private key (or HMAC secret) as a JWK with alg and, when PostgREST pins one, kid: secret. */
  readonly privateJwk: pulumi.Output<string>;
  private readonly trusted: pulumi.Output<TrustedKey>;

  constructor(name: string, args: SigningKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("postgrest-gpt:keys:SigningKey", name, {}, opts);
    const { algorithm } = args;
    const spec = keySpec(algorithm);
    // The algorithm is part of the child's name, so changing jwtAlgorithm always replaces the key:
    // new key material, never an old key reused under a new algorithm.
    const child = `${name}-${algorithm.toLowerCase()}`;

    let material: pulumi.Output<KeyMaterial>;
    if (spec.kind === "hmac") {
      const secret = new random.RandomPassword(child, { length: spec.length, special: false }, { parent: this });
      material = secret.result.apply((hmacSecret): KeyMaterial => ({ algorithm, hmacSecret }));
    } else {
      const key = new tls.PrivateKey(
        child,
        {
          algorithm: spec.algorithm,
          ...(spec.algorithm === "RSA" ? { rsaBits: spec.rsaBits } : {}),
          ...(spec.algorithm === "ECDSA" ? { ecdsaCurve: spec.ecdsaCurve } : {}),
        },
        { parent: this },
      );
      material = pulumi
        .all([key.privateKeyPemPkcs8, key.publicKeyPem])
        .apply(([privateKeyPem, publicKeyPem]): KeyMaterial => ({ algorithm, privateKeyPem, publicKeyPem }));
    }
    this.material = pulumi.secret(material);

    const trusted = material.apply(trustedKey);
    this.trusted = trusted;
    this.jwtSecret = pulumi.secret(trusted.apply((t) => t.jwtSecret));
    // The JWKS holds only the public key: publishing it is safe, and unwrapping keeps it readable in outputs.
    this.jwks = pulumi.unsecret(trusted.apply((t) => t.jwks));
    this.privateJwk = pulumi.secret(pulumi.all([material, trusted]).apply(([m, t]) => signingJwk(m, t)));
    this.registerOutputs({ jwtSecret: this.jwtSecret, jwks: this.jwks, privateJwk: this.privateJwk });
  }

  /** A token PostgREST will accept from this key: secret. */
  mintToken(claims: pulumi.Input<TokenClaims>, ttlSeconds: number): pulumi.Output<string> {
    return pulumi.secret(
      pulumi.all([this.material, this.trusted, claims]).apply(([material, trusted, c]) => mintToken(material, trusted, c, ttlSeconds)),
    );
  }
}
