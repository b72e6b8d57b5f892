// The core kit's PostgREST verifier and a header reader, for tests that judge access tokens as PostgREST would.
export { authenticate } from "../../lib/postgrest/index.js";
export { decodeProtectedHeader } from "jose";
