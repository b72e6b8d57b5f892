// The structural parse jose-jwt does before looking for a key (Jose/Internal/Parser.hs). Whatever fails here
// is one error to PostgREST, "JWT cryptographic operation failed", whether it is bad base64, a header that
// is not JSON, or an algorithm jose-jwt does not know.
import { isJwsAlgorithm, type JwsAlgorithm } from "./algorithms.js";
import { decodeBase64Url } from "./base64url.js";
import { isJsonObject, parseJsonBytes } from "./json.js";

export type ParsedJwt =
  | { readonly kind: "unsecured" }
  | {
      readonly kind: "jws";
      readonly alg: JwsAlgorithm;
      readonly kid: string | undefined;
      readonly payload: Uint8Array;
    };

/** `parts` is the token split on "."; PostgREST has already required exactly three. */
export function parseJwt(parts: readonly [string, string, string]): ParsedJwt | undefined {
  const [encodedHeader, encodedPayload, encodedSignature] = parts;
  const headerBytes = decodeBase64Url(encodedHeader);
  const header = headerBytes && parseJsonBytes(headerBytes);
  if (!isJsonObject(header)) return undefined;
  const payload = decodeBase64Url(encodedPayload);
  if (!payload) return undefined;
  // Checked before anything else in the header; the signature part of an unsecured token is never read.
  if (header.alg === "none") return { kind: "unsecured" };
  // "enc" makes it a JWE, which has five parts, so with three it cannot parse.
  if (Object.hasOwn(header, "enc") || !isJwsAlgorithm(header.alg)) return undefined;
  const { typ, cty, kid } = header;
  if (![typ, cty, kid].every((member) => member === undefined || member === null || typeof member === "string")) {
    return undefined;
  }
  if (!decodeBase64Url(encodedSignature)) return undefined;
  return { kind: "jws", alg: header.alg, kid: typeof kid === "string" ? kid : undefined, payload };
}
