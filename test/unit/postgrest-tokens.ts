// Token minting for the lib/postgrest unit tests: jose signs, the tests choose every header member.
import { base64url, CompactSign, type CryptoKey, type JWSHeaderParameters } from "jose";

export const NOW = 1_700_000_000;
export const PASSPHRASE = "a-passphrase-of-at-least-32-chars";

const encoder = new TextEncoder();

export function signToken(
  payload: unknown,
  key: CryptoKey | Uint8Array,
  header: JWSHeaderParameters & { alg: string },
): Promise<string> {
  return new CompactSign(encoder.encode(JSON.stringify(payload))).setProtectedHeader(header).sign(key);
}

export function signWithPassphrase(payload: unknown, header: Record<string, unknown> = {}): Promise<string> {
  return signToken(payload, encoder.encode(PASSPHRASE), { alg: "HS256", ...header });
}

/** "<header>.<payload>", base64url-encoded; a string payload is taken as the payload's raw text. */
export function signingInput(header: unknown, payload: unknown): string {
  const payloadText = typeof payload === "string" ? payload : JSON.stringify(payload);
  return `${base64url.encode(JSON.stringify(header))}.${base64url.encode(payloadText)}`;
}

/** A token jose would refuse to produce: any header, any payload, any signature text. */
export function craftedToken(header: unknown, payload: unknown, signature = "c2ln"): string {
  return `${signingInput(header, payload)}.${signature}`;
}
