// The PGRST3xx responses PostgREST v16 sends before opening a database connection (Error.hs, JwtError).

export interface PostgrestError {
  status: number;
  code: string;
  message: string;
  details: string | null;
  hint: string | null;
  wwwAuthenticate?: string;
}

/** The `details` jose-jwt attaches to its decode errors; PostgREST forwards them verbatim. */
export const KEY_ERROR_DETAILS = {
  noCandidate: "No suitable key was found to decode the JWT",
  noneVerified: "None of the keys was able to decode the JWT",
} as const;

export const UNSECURED_DETAILS = "JWT is unsecured but expected 'alg' was not 'none'";

// PostgREST renders the description with Haskell's `show`; for these fixed ASCII messages that is the same
// quoting JSON uses, and JSON.stringify keeps the escaping right should a message ever contain a quote.
function invalidTokenChallenge(message: string): string {
  return `Bearer error="invalid_token", error_description=${JSON.stringify(message)}`;
}

export function jwtSecretMissing(): PostgrestError {
  return { status: 500, code: "PGRST300", message: "Server lacks JWT secret", details: null, hint: null };
}

/** PGRST301: the token could not be decoded or verified. */
export function jwtDecodeError(message: string, details: string | null = null): PostgrestError {
  const wwwAuthenticate = invalidTokenChallenge(message);
  return { status: 401, code: "PGRST301", message, details, hint: null, wwwAuthenticate };
}

/** PGRST302: no role from the token and no db-anon-role to fall back to. */
export function anonymousAccessDisabled(): PostgrestError {
  return {
    status: 401,
    code: "PGRST302",
    message: "Anonymous access is disabled",
    details: null,
    hint: null,
    wwwAuthenticate: "Bearer",
  };
}

/** PGRST303: the signature is fine but the claims are not acceptable. */
export function jwtClaimsError(message: string): PostgrestError {
  const wwwAuthenticate = invalidTokenChallenge(message);
  return { status: 401, code: "PGRST303", message, details: null, hint: null, wwwAuthenticate };
}
