// Password hashing and the password rule: OWASP's Argon2id parameters written into every hash, outdated hashes
// recognised, a dummy hash for unknown users, and a length rule whose message never quotes the password.
import { hash } from "@node-rs/argon2";
import { describe, expect, test } from "vitest";
import { ARGON2_PARAMETERS, dummyHash, generatePassword, hashPassword, needsRehash, passwordProblem, verifyPassword } from "../../companion/oauth/passwords.js";
import { assertPasswordAllowed } from "../../companion/oauth/password-rule.js";
import { Refused } from "../../companion/oauth/refused.js";

describe("hashing", () => {
  test("hashes are Argon2id v19 with m=19456 KiB, t=2, p=1, and verify only the same password", async () => {
    expect(ARGON2_PARAMETERS).toMatchObject({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const stored = await hashPassword("correct horse battery");
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword(stored, "correct horse battery")).toBe(true);
    expect(await verifyPassword(stored, "correct horse batterY")).toBe(false);
  });

  test("two hashes of one password differ (random salt)", async () => {
    expect(await hashPassword("same password here")).not.toBe(await hashPassword("same password here"));
  });

  test("a hash with today's parameters needs no rehash; other parameters, algorithms or garbage do", async () => {
    expect(needsRehash(await hashPassword("a password of length"))).toBe(false);
    expect(needsRehash(await hash("a password of length", { memoryCost: 4096, timeCost: 3, parallelism: 1 }))).toBe(true);
    expect(needsRehash(await hash("a password of length", { ...ARGON2_PARAMETERS, timeCost: 1 }))).toBe(true);
    expect(needsRehash(await hash("a password of length", { ...ARGON2_PARAMETERS, algorithm: 1 as never }))).toBe(true);
    expect(needsRehash("$2b$10$notargon")).toBe(true);
  });

  test("the dummy hash is made once, with today's parameters, and matches no guess", async () => {
    const first = await dummyHash();
    expect(await dummyHash()).toBe(first);
    expect(needsRehash(first)).toBe(false);
    expect(await verifyPassword(first, "")).toBe(false);
  });
});

describe("the password rule", () => {
  test("12 to 1024 characters, counted as characters rather than bytes", () => {
    expect(passwordProblem("x".repeat(12))).toBeUndefined();
    expect(passwordProblem("🔑".repeat(12))).toBeUndefined();
    expect(passwordProblem("x".repeat(1024))).toBeUndefined();
    expect(passwordProblem("x".repeat(11))).toBe("the password has 11 characters: it needs at least 12 (at most 1024)");
    expect(passwordProblem("x".repeat(1025))).toBe("the password has 1025 characters: at most 1024 are allowed (at least 12)");
  });

  test("a refused password is a Refused error that does not quote it", () => {
    expect(() => assertPasswordAllowed("hunter2")).toThrow(Refused);
    expect(() => assertPasswordAllowed("hunter2")).toThrow(/^(?!.*hunter2)/);
  });

  test("a generated password is 20 base64url characters and passes the rule", () => {
    const generated = new Set(Array.from({ length: 50 }, generatePassword));
    expect(generated.size).toBe(50);
    for (const p of generated) {
      expect(p).toMatch(/^[A-Za-z0-9_-]{20}$/);
      expect(passwordProblem(p)).toBeUndefined();
    }
  });
});
