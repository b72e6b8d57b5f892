/**
 * A configuration PostgREST v16 would refuse at startup. Thrown rather than returned: a server with this
 * configuration never answers a request, so there is no per-request outcome to report.
 */
export class PostgrestConfigError extends Error {
  override readonly name = "PostgrestConfigError";
}
