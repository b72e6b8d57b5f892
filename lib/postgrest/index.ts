export { authenticate, type AuthResult } from "./authenticate.js";
export { bearerToken } from "./bearer.js";
export { ALLOWED_SKEW_SECONDS, checkClaims } from "./claims.js";
export { prepareAuthConfig, validateAuthConfig, type PostgrestAuthConfig, type PreparedAuthConfig } from "./config.js";
export { PostgrestConfigError } from "./config-error.js";
export { decodeToken, type DecodedToken } from "./decode-token.js";
export {
  anonymousAccessDisabled,
  jwtClaimsError,
  jwtDecodeError,
  jwtSecretMissing,
  KEY_ERROR_DETAILS,
  UNSECURED_DETAILS,
  type PostgrestError,
} from "./errors.js";
export type { TrustedKey } from "./jwk.js";
export { parseJwtSecret, SECRET_TOO_SHORT, type JwtSecret } from "./jwt-secret.js";
export { DEFAULT_ROLE_CLAIM_KEY, parseRoleClaimKey, type RoleClaimKey } from "./role-claim.js";
export { roleName, selectRoleClaim } from "./role-claim-select.js";
