// The token PostgREST takes from an Authorization header (wai-extra's extractBearerAuth).

// The scheme runs up to the first Data.Word8.isSpace character (space, \t \n \v \f \r, Latin-1 no-break
// space); all of those after it are skipped, and whatever follows, trailing blanks included, is the token.
const CREDENTIALS = /^([^ \t\n\v\f\r\u00a0]*)[ \t\n\v\f\r\u00a0]*([\s\S]*)$/;

/**
 * The token, "" when the scheme is Bearer but nothing follows, or undefined when there is no Bearer
 * credential at all: another scheme (Basic ...) counts as no token and the request runs anonymously.
 */
export function bearerToken(authorization: string | undefined): string | undefined {
  const [, scheme, token] = CREDENTIALS.exec(authorization ?? "") ?? [];
  if (authorization === undefined || scheme?.toLowerCase() !== "bearer") return undefined;
  return token ?? "";
}
