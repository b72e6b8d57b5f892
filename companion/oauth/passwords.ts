// Password hashes: Argon2id with OWASP's parameters, stated here rather than inherited from the library's defaults
// (they are equal today), so a future default cannot silently change what is stored. Hashing runs off the event
// loop in the native binding (@node-rs/argon2), kept external to the bundle (companion/bundle.ts).
import { randomBytes } from "node:crypto";
import { hash, parseOptions, verify, type Algorithm, type Options, type Version } from "@node-rs/argon2";

export { assertPasswordAllowed, generatePassword, passwordProblem, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./password-rule.js";

// The enums are `const enum`s without runtime values, which isolated modules cannot read: their numbers instead.
const ARGON2ID = 2 as Algorithm;
const VERSION_0x13 = 1 as Version;

/** OWASP Password Storage Cheat Sheet: Argon2id, m = 19 MiB, t = 2, p = 1. */
export const ARGON2_PARAMETERS = {
  algorithm: ARGON2ID,
  version: VERSION_0x13,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
} as const satisfies Options;

/** A PHC string ($argon2id$v=19$m=19456,t=2,p=1$salt$hash). Apply the password rule before: this hashes anything. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_PARAMETERS);
}

/** The parameters come from the stored hash, so hashes made under older parameters still verify. */
export function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  return verify(storedHash, password);
}

/** True when the hash was made with other parameters than today's: rehash it at the next successful login. */
export function needsRehash(storedHash: string): boolean {
  let used;
  try {
    used = parseOptions(storedHash);
  } catch {
    return true;
  }
  return (
    used.algorithm !== ARGON2_PARAMETERS.algorithm ||
    used.version !== ARGON2_PARAMETERS.version ||
    used.memoryCost !== ARGON2_PARAMETERS.memoryCost ||
    used.timeCost !== ARGON2_PARAMETERS.timeCost ||
    used.parallelism !== ARGON2_PARAMETERS.parallelism ||
    used.outputLen !== ARGON2_PARAMETERS.outputLen
  );
}

let dummy: Promise<string> | undefined;

/**
 * A hash of a random password nobody knows, made once per process. Verifying an unknown user's password against
 * it costs what a real verification costs, so response times do not tell which usernames exist.
 */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(32).toString("base64url"));
  return dummy;
}

/** What users.ts needs from the hashing, so a test can watch which hash a login was checked against. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(storedHash: string, password: string): Promise<boolean>;
  needsRehash(storedHash: string): boolean;
  dummyHash(): Promise<string>;
}

export const argon2id: PasswordHasher = { hash: hashPassword, verify: verifyPassword, needsRehash, dummyHash };
