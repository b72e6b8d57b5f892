// Signature checks are jose's; this file only turns a trusted key into what jose verifies with.
import { compactVerify, importJWK, type CryptoKey } from "jose";
import type { JwsAlgorithm } from "./algorithms.js";
import type { TrustedKey } from "./jwk.js";

// Importing a public key costs far more than verifying with it, and the same keys serve every request.
const imported = new WeakMap<TrustedKey, Map<JwsAlgorithm, Promise<CryptoKey | Uint8Array>>>();

function verificationKey(key: TrustedKey, alg: JwsAlgorithm): Promise<CryptoKey | Uint8Array> {
  const { material } = key;
  if (material instanceof Uint8Array) return Promise.resolve(material);
  let byAlg = imported.get(key);
  if (!byAlg) imported.set(key, (byAlg = new Map()));
  let pending = byAlg.get(alg);
  if (!pending) {
    pending = importJWK(material, alg);
    byAlg.set(alg, pending);
  }
  return pending;
}

/**
 * The verified payload, or undefined. A key jose cannot use for `alg` (an EC key on another curve, an Ed448
 * key, an RSA modulus under 2048 bits) counts as a key that did not verify, as a bad signature does.
 */
export async function verifyWith(key: TrustedKey, alg: JwsAlgorithm, token: string): Promise<Uint8Array | undefined> {
  try {
    const { payload } = await compactVerify(token, await verificationKey(key, alg), { algorithms: [alg] });
    return payload;
  } catch {
    return undefined;
  }
}
