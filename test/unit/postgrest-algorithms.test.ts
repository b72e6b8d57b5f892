// Which keys verify which tokens: every algorithm family PostgREST v16 accepts, with real keys from jose.
import { generateKeyPairSync, sign as nodeSign } from "node:crypto";
import { exportJWK, generateKeyPair, generateSecret, importJWK, type CryptoKey, type JWK } from "jose";
import { describe, expect, test } from "vitest";
import { authenticate, KEY_ERROR_DETAILS, type AuthResult } from "../../lib/postgrest/index.js";
import { craftedToken, NOW, PASSPHRASE, signingInput, signToken, signWithPassphrase } from "./postgrest-tokens.js";

const claims = { role: "app_user" };

function authenticateWith(jwtSecret: string, token: string): Promise<AuthResult> {
  return authenticate(`Bearer ${token}`, { jwtSecret, dbAnonRole: "anon" }, NOW);
}

const jwks = (...keys: JWK[]) => JSON.stringify({ keys });

function expectRole(result: AuthResult) {
  if (!result.ok) expect.fail(`rejected: ${result.error.message} (${result.error.details})`);
  expect(result.role).toBe("app_user");
}

function expectRefused(result: AuthResult, message: string, details: string | null) {
  if (result.ok) expect.fail(`accepted as ${result.role}`);
  expect(result.error).toMatchObject({ status: 401, code: "PGRST301", message, details });
}

const KEY_ERROR = "No suitable key or wrong key type";
const noCandidate = (result: AuthResult) => expectRefused(result, KEY_ERROR, KEY_ERROR_DETAILS.noCandidate);
const noneVerified = (result: AuthResult) => expectRefused(result, KEY_ERROR, KEY_ERROR_DETAILS.noneVerified);
const badCrypto = (result: AuthResult) => expectRefused(result, "JWT cryptographic operation failed", null);

async function keyPair(alg: string, options: { crv?: string } = {}): Promise<{ privateKey: CryptoKey; jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...options });
  return { privateKey, jwk: await exportJWK(publicKey) };
}

async function octKey(alg: "HS256" | "HS384" | "HS512"): Promise<{ secret: Uint8Array; jwk: JWK }> {
  const secret = await generateSecret(alg, { extractable: true });
  const jwk = await exportJWK(secret);
  return { secret: new Uint8Array(Buffer.from(jwk.k!, "base64url")), jwk };
}

// WebCrypto binds an RSA key to one hash, so the same key material is imported once per algorithm to sign.
const rsa = await keyPair("RS256");
const rsaPrivateJwk = await exportJWK(rsa.privateKey);
const rsaSigner = (alg: string) => importJWK(rsaPrivateJwk, alg) as Promise<CryptoKey>;
const ecdsa = { ES256: await keyPair("ES256"), ES384: await keyPair("ES384"), ES512: await keyPair("ES512") };
const ed25519 = await keyPair("EdDSA");

describe("HMAC", () => {
  test("a plain secret verifies HS256", async () => {
    expectRole(await authenticateWith(PASSPHRASE, await signWithPassphrase(claims)));
  });

  test.each(["HS256", "HS384", "HS512"] as const)("an oct JWK without alg verifies %s", async (alg) => {
    const { secret, jwk } = await octKey(alg);
    expectRole(await authenticateWith(JSON.stringify(jwk), await signToken(claims, secret, { alg })));
  });

  test("a plain secret is no candidate for HS384: a passphrase only verifies HS256", async () => {
    const token = await signToken(claims, new TextEncoder().encode(PASSPHRASE), { alg: "HS384" });
    noCandidate(await authenticateWith(PASSPHRASE, token));
  });

  test("a token signed with another secret is tried and fails", async () => {
    const otherSecret = new TextEncoder().encode("another-secret-of-32-characters!");
    const token = await signToken(claims, otherSecret, { alg: "HS256" });
    noneVerified(await authenticateWith(PASSPHRASE, token));
  });
});

describe("asymmetric keys", () => {
  test.each(["RS256", "RS384", "RS512"])("an RSA public JWK verifies %s", async (alg) => {
    expectRole(await authenticateWith(JSON.stringify(rsa.jwk), await signToken(claims, await rsaSigner(alg), { alg })));
  });

  test.each(["ES256", "ES384", "ES512"] as const)("an EC public JWK on the matching curve verifies %s", async (alg) => {
    const { privateKey, jwk } = ecdsa[alg];
    expectRole(await authenticateWith(JSON.stringify(jwk), await signToken(claims, privateKey, { alg })));
  });

  test("an ES256 token is refused by a P-384 key", async () => {
    const token = await signToken(claims, ecdsa.ES256.privateKey, { alg: "ES256" });
    noneVerified(await authenticateWith(jwks(ecdsa.ES384.jwk), token));
  });

  test("an Ed25519 OKP JWK verifies EdDSA", async () => {
    const token = await signToken(claims, ed25519.privateKey, { alg: "EdDSA" });
    expectRole(await authenticateWith(JSON.stringify(ed25519.jwk), token));
  });

  test("an Ed448 key does not verify EdDSA", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed448");
    const unsigned = signingInput({ alg: "EdDSA" }, claims);
    const token = `${unsigned}.${nodeSign(null, Buffer.from(unsigned), privateKey).toString("base64url")}`;
    noneVerified(await authenticateWith(JSON.stringify(publicKey.export({ format: "jwk" })), token));
  });

  test("an RSA key is no candidate for an HS256 token", async () => {
    noCandidate(await authenticateWith(JSON.stringify(rsa.jwk), await signWithPassphrase(claims)));
  });
});

describe("key selection", () => {
  test("a token kid narrows the candidates to the JWK with that kid", async () => {
    const older = await keyPair("RS256");
    const secret = jwks({ ...older.jwk, kid: "older" }, { ...rsa.jwk, kid: "current" });
    const signedAs = (kid: string) => signToken(claims, rsa.privateKey, { alg: "RS256", kid });
    expectRole(await authenticateWith(secret, await signedAs("current")));
    // The key that would verify sits under another kid, so it is never tried.
    noneVerified(await authenticateWith(secret, await signedAs("older")));
  });

  test("a token kid no JWK carries finds no candidate", async () => {
    const token = await signToken(claims, rsa.privateKey, { alg: "RS256", kid: "unknown" });
    noCandidate(await authenticateWith(jwks({ ...rsa.jwk, kid: "current" }), token));
  });

  test("a JWK without kid is no candidate for a token with kid, even though it would verify", async () => {
    const token = await signToken(claims, rsa.privateKey, { alg: "RS256", kid: "current" });
    noCandidate(await authenticateWith(jwks(rsa.jwk), token));
  });

  test("the plain passphrase is no candidate for a token with kid", async () => {
    noCandidate(await authenticateWith(PASSPHRASE, await signWithPassphrase(claims, { kid: "k1" })));
  });

  test("a token without kid tries every compatible key in order", async () => {
    const stranger = await keyPair("RS256");
    const token = await signToken(claims, rsa.privateKey, { alg: "RS256" });
    expectRole(await authenticateWith(jwks({ ...stranger.jwk, kid: "a" }, { ...rsa.jwk, kid: "b" }), token));
  });

  test("a JWK alg must equal the token alg", async () => {
    const { secret, jwk } = await octKey("HS256");
    const token = await signToken(claims, secret, { alg: "HS256" });
    noCandidate(await authenticateWith(JSON.stringify({ ...jwk, alg: "HS512" }), token));
    expectRole(await authenticateWith(JSON.stringify({ ...jwk, alg: "HS256" }), token));
  });

  test('a key with use "enc" is skipped', async () => {
    const token = await signToken(claims, rsa.privateKey, { alg: "RS256" });
    noCandidate(await authenticateWith(JSON.stringify({ ...rsa.jwk, use: "enc" }), token));
    expectRole(await authenticateWith(JSON.stringify({ ...rsa.jwk, use: "sig" }), token));
  });

  test("JWKs with an alg or kty jose-jwt does not know are kept out without spoiling the set", async () => {
    const token = await signToken(claims, rsa.privateKey, { alg: "RS256" });
    expectRole(await authenticateWith(jwks({ ...rsa.jwk, alg: "PS256" }, { kty: "AKP", pub: "x" }, rsa.jwk), token));
  });
});

describe("algorithms PostgREST refuses", () => {
  test("PS256 is not a PostgREST algorithm: the header does not parse", async () => {
    const token = await signToken(claims, await rsaSigner("PS256"), { alg: "PS256" });
    badCrypto(await authenticateWith(JSON.stringify(rsa.jwk), token));
  });

  test("ES256K is not a PostgREST algorithm", async () => {
    badCrypto(await authenticateWith(PASSPHRASE, craftedToken({ alg: "ES256K" }, claims)));
  });

  test('alg "none" is refused whatever the signature part holds', async () => {
    const details = "JWT is unsecured but expected 'alg' was not 'none'";
    for (const signature of ["", "c2ln"]) {
      const result = await authenticateWith(PASSPHRASE, craftedToken({ alg: "none", typ: "JWT" }, {}, signature));
      expectRefused(result, "Wrong or unsupported encoding algorithm", details);
    }
  });

  test("three parts of garbage fail as a cryptographic operation", async () => {
    badCrypto(await authenticateWith(PASSPHRASE, "quifquirndsjagnrgniur.fonvoienqhhdj.iuqvnvhojah"));
  });

  // Had these headers parsed, the made-up signature would have failed with "None of the keys ...".
  test("a kid that is not a string, or an enc member, makes the header unparseable", async () => {
    badCrypto(await authenticateWith(PASSPHRASE, craftedToken({ alg: "HS256", kid: 1 }, claims)));
    badCrypto(await authenticateWith(PASSPHRASE, craftedToken({ alg: "HS256", enc: "A256GCM" }, claims)));
  });

  test("a padded base64 signature fails as a cryptographic operation", async () => {
    badCrypto(await authenticateWith(PASSPHRASE, `${await signWithPassphrase(claims)}=`));
  });
});
