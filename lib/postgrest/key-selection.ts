// Which trusted keys jose-jwt will even try for a token (`canDecodeJws`, Jose/Jwk.hs).
import { KEY_TYPE_FOR_ALGORITHM, type JwsAlgorithm } from "./algorithms.js";
import type { TrustedKey } from "./jwk.js";

/**
 * The keys to try, in configuration order. A token `kid` narrows the choice to keys carrying that same kid,
 * so a key without a kid (the plain passphrase included) is never tried for a token that has one.
 * EC keys are not filtered by curve here: jose-jwt tries them and the signature check fails instead, which
 * is what decides the error details.
 */
export function candidateKeys(keys: readonly TrustedKey[], alg: JwsAlgorithm, kid: string | undefined): TrustedKey[] {
  return keys.filter(
    (key) =>
      key.use !== "enc" &&
      (kid === undefined || key.kid === kid) &&
      (key.alg === undefined || key.alg === alg) &&
      key.kty === KEY_TYPE_FOR_ALGORITHM[alg],
  );
}
