import { base64url } from "jose";

// jose-jwt decodes token parts and JWK members as unpadded base64url and rejects anything else; jose's own
// decoder (atob underneath on Node 20) would quietly skip whitespace and accept padding, so check first.
const UNPADDED_BASE64URL = /^[A-Za-z0-9_-]*$/;

export function decodeBase64Url(text: string): Uint8Array | undefined {
  if (!UNPADDED_BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  try {
    return base64url.decode(text);
  } catch {
    return undefined;
  }
}
