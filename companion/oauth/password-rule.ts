// What a password must be before it is stored, and the one the admin command generates when none is given. Kept
// apart from the hashing so the host-side wrapper (scripts/oauth.ts) can check a typed password without loading
// the native Argon2 binding.
import { randomBytes } from "node:crypto";
import { Refused } from "./refused.js";

// Length is the one rule (NIST SP 800-63B): no composition rules. The maximum only bounds the work a login costs.
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;

/** Why the password cannot be set, or undefined. Never quotes the password. */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return `the password has ${length} characters: it needs at least ${PASSWORD_MIN_LENGTH} (at most ${PASSWORD_MAX_LENGTH})`;
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return `the password has ${length} characters: at most ${PASSWORD_MAX_LENGTH} are allowed (at least ${PASSWORD_MIN_LENGTH})`;
  }
  return undefined;
}

export function assertPasswordAllowed(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new Refused(problem);
}

/** 20 base64url characters: 120 random bits, typeable, and safe in any shell or form field. */
export function generatePassword(): string {
  return randomBytes(15).toString("base64url");
}
