// Real key pairs shaped like @pulumi/tls's outputs (PKCS#8 private, SPKI public, PEM), and HMAC secrets shaped like
// @pulumi/random's, for tests that check what the program derives from them.
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { keySpec, type JwtAlgorithm } from "../../infra/keys/algorithms.js";
import type { KeyMaterial } from "../../infra/keys/jwt-secret.js";

/** Inputs as the program gives them to tls.PrivateKey. */
export interface TlsKeyInputs {
  readonly algorithm: "RSA" | "ECDSA" | "ED25519";
  readonly rsaBits?: number;
  readonly ecdsaCurve?: string;
}

export function pemKeyPair(inputs: TlsKeyInputs): { privateKeyPemPkcs8: string; publicKeyPem: string } {
  const curves: Record<string, string> = { P224: "P-224", P256: "P-256", P384: "P-384", P521: "P-521" };
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  if (inputs.algorithm === "RSA") pair = generateKeyPairSync("rsa", { modulusLength: inputs.rsaBits ?? 2048 });
  else if (inputs.algorithm === "ECDSA") pair = generateKeyPairSync("ec", { namedCurve: curves[inputs.ecdsaCurve ?? "P224"]! });
  else pair = generateKeyPairSync("ed25519");
  return {
    privateKeyPemPkcs8: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

export function materialFor(algorithm: JwtAlgorithm): KeyMaterial {
  const spec = keySpec(algorithm);
  if (spec.kind === "hmac") return { algorithm, hmacSecret: "k".repeat(spec.length - 8) + "12345678" };
  const { privateKeyPemPkcs8, publicKeyPem } = pemKeyPair(spec);
  return { algorithm, privateKeyPem: privateKeyPemPkcs8, publicKeyPem };
}
