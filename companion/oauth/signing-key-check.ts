// Refuses to start with a signing key PostgREST would not accept: every access token would then be a 401, found
// only when a person tries the GPT. A probe token goes through the same verifier the core kit ties to PostgREST.
import { importJWK, SignJWT } from "jose";
import { authenticate, type PostgrestAuthConfig } from "../../lib/postgrest/index.js";
import type { SigningJwk } from "./config.js";

export async function signingKeyProblem(signingKey: SigningJwk, auth: PostgrestAuthConfig, role: string): Promise<string | undefined> {
  try {
    const key = await importJWK(signingKey as never, signingKey.alg);
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ role })
      .setProtectedHeader({ alg: signingKey.alg, typ: "at+jwt", ...(signingKey.kid ? { kid: signingKey.kid } : {}) })
      .setSubject("signing-key-check")
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .setAudience(auth.jwtAud ?? "")
      .sign(key);
    const result = await authenticate(`Bearer ${token}`, auth);
    return result.ok ? undefined : `PostgREST would reject its tokens: ${result.error.message}${result.error.details ? ` (${result.error.details})` : ""}`;
  } catch (error) {
    return `it cannot sign with ${signingKey.alg}: ${(error as Error).message}`;
  }
}
