// The authorization server: oidc-provider configured for one confidential client (the GPT) and one resource (the
// API). Why each setting is what it is: ../shared/reference/oauth-design.md. Access tokens are RFC 9068 JWTs signed
// with the stack's own key, for PostgREST's jwt-aud, naming the user's role; nothing else is issued.
import { createSecretKey } from "node:crypto";
import Provider, { errors, type Configuration, type KoaContextWithOIDC, type ResourceServer, type SigningAlgorithmWithNone } from "oidc-provider";
import type pg from "pg";
import { callbackUrlProblem } from "../../lib/oauth/callback-url.js";
import type { OAuthConfig } from "./config.js";
import { GptClientAdapter } from "./gpt-client.js";
import { PAGE_HEADERS, renderErrorPage } from "./pages.js";
import { PgAdapter } from "./pg-adapter.js";
import { findActiveUser } from "./users.js";

/** The one scope, typed by the person in GPT Builder's Scope field. */
export const API_SCOPE = "api";
export const AUTHORIZATION_CODE_SECONDS = 60;
const INTERACTION_SECONDS = 15 * 60;
const LOGIN_SESSION_SECONDS = 60 * 60;

export interface AuthorizationServerOptions {
  readonly oauth: OAuthConfig;
  /** PostgREST's jwt-aud: the audience of every access token and the only resource. */
  readonly audience: string;
  /** The OAuth login's pool (owner of gpt_oauth). */
  readonly db: pg.Pool;
}

/** True when the request asks for exactly the API scope; an empty or unknown scope is refused, not ignored. */
export function scopeIsAllowed(scope: unknown): boolean {
  return typeof scope === "string" && scope.split(" ").filter(Boolean).join(" ") === API_SCOPE;
}

type ResourceSign = NonNullable<NonNullable<ResourceServer["jwt"]>["sign"]>;

function signing(oauth: OAuthConfig): { jwks: Configuration["jwks"]; sign: ResourceSign } {
  const alg = oauth.signingKey.alg as SigningAlgorithmWithNone;
  const { kid } = oauth.signingKey;
  if (oauth.signingKey.kty === "oct") {
    // HMAC keys cannot go in jwks; the resource server takes the exact bytes PostgREST verifies with.
    return { jwks: { keys: [] }, sign: { alg, key: createSecretKey(Buffer.from(String(oauth.signingKey.k), "base64url")) } as ResourceSign };
  }
  return {
    jwks: { keys: [{ ...oauth.signingKey, use: "sig" } as never] },
    sign: { alg, ...(kid ? { kid } : {}) } as ResourceSign,
  };
}

export function createAuthorizationServer({ oauth, audience, db }: AuthorizationServerOptions): Provider {
  const { jwks, sign } = signing(oauth);
  const mountPath = new URL(oauth.issuer).pathname;
  // ID tokens are never issued (openid is not an allowed scope), but every client is validated against this alg.
  const idTokenAlg = (oauth.signingKey.kty === "oct" ? "HS256" : oauth.signingKey.alg) as SigningAlgorithmWithNone;

  const configuration: Configuration = {
    adapter: (model: string) => (model === "Client" ? new GptClientAdapter(db, oauth) : new PgAdapter(db, model)),
    jwks,
    clientDefaults: {
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
      id_token_signed_response_alg: idTokenAlg,
    },
    enabledJWA: { idTokenSigningAlgValues: [idTokenAlg] },
    responseTypes: ["code"],
    // `api` is the API's resource scope (getResourceServerInfo), not an OpenID scope: listing it in `scopes`
    // would make the consent prompt ask for it as one.
    allowOmittingSingleRegisteredRedirectUri: false,
    cookies: { keys: [oauth.cookieKey] },
    // Only the two ways GPT Builder authenticates; discovery then advertises nothing else.
    clientAuthMethods: ["client_secret_post", "client_secret_basic"],
    features: {
      devInteractions: { enabled: false },
      revocation: {
        enabled: true,
        // A client revokes only what was issued to it; there is one client, so anything else is refused quietly.
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      userinfo: { enabled: false },
      // On by default and unused here: logout would serve its own page (outside PAGE_HEADERS), PAR and DPoP would
      // issue requests and bindings PostgREST knows nothing of.
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
      resourceIndicators: {
        enabled: true,
        // ChatGPT never sends `resource`; without a default no JWT would be issued.
        defaultResource: (_ctx, _client, oneOf) => (oneOf as string | undefined) ?? audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator): ResourceServer => {
          if (resourceIndicator !== audience) throw new errors.InvalidTarget(`the only resource is ${audience}`);
          return { scope: API_SCOPE, audience, accessTokenFormat: "jwt", accessTokenTTL: oauth.accessTokenSeconds, jwt: { sign } };
        },
      },
    },
    ttl: {
      AccessToken: oauth.accessTokenSeconds,
      AuthorizationCode: AUTHORIZATION_CODE_SECONDS,
      RefreshToken: oauth.refreshTokenSeconds,
      // A grant outliving its refresh tokens would be harmless; one dying first would break them.
      Grant: oauth.refreshTokenSeconds,
      Interaction: INTERACTION_SECONDS,
      Session: LOGIN_SESSION_SECONDS,
    },
    // No offline_access needed: the GPT is allowed refresh tokens by its grant types.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    // Refresh tokens live their own life, not the login cookie's.
    expiresWithSession: async () => false,
    // A rotated token replayed by a retry would revoke the whole grant and sign the person out (ChatGPT retries);
    // a confidential client does not need rotation (RFC 9700 4.14.2).
    rotateRefreshToken: () => false,
    pkce: { required: () => false },
    findAccount: async (_ctx, id) => {
      const user = await findActiveUser(db, id);
      if (!user) return undefined;
      return { accountId: user.id, role: user.role, claims: async () => ({ sub: user.id }) };
    },
    // Runs for each access token, refreshes included, so a changed role applies at the next refresh.
    extraTokenClaims: async (ctx, token) => {
      if (token.kind !== "AccessToken" || !token.accountId) return undefined;
      const account = ctx?.oidc?.account as { accountId: string; role?: string } | undefined;
      const role = account?.accountId === token.accountId && account.role ? account.role : (await findActiveUser(db, token.accountId))?.role;
      if (!role) throw new errors.InvalidGrant("the account is disabled or no longer exists");
      return { role };
    },
    // Consent is implied by signing in: the only thing a grant can hold is the API scope for the API.
    loadExistingGrant: async (ctx) => {
      if (!scopeIsAllowed(ctx.oidc.params?.scope)) throw new errors.AccessDenied(`scope must be "${API_SCOPE}"`);
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
      const grant = (grantId && (await ctx.oidc.provider.Grant.find(grantId))) || new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addResourceScope(audience, API_SCOPE);
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx, interaction) => `${mountPath}/interaction/${interaction.uid}` },
    renderError: async (ctx: KoaContextWithOIDC, out, error) => {
      ctx.set(PAGE_HEADERS);
      ctx.type = "html";
      ctx.body = renderErrorPage({ error: out.error, description: out.error_description, hint: redirectHint(ctx, error) });
    },
  };
  const provider = new Provider(oauth.issuer, configuration);
  // Behind Caddy; companion/oauth/mount.ts sets the forwarded headers from the configured origin, never the request's.
  provider.proxy = true;
  // Discovery lists the OpenID scopes it knows (openid, offline_access), both refused here; the one that works is
  // the API's resource scope. Its `discovery` setting cannot replace a computed member, so this rewrites the answer.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route === "discovery" && ctx.body && typeof ctx.body === "object") (ctx.body as Record<string, unknown>).scopes_supported = [API_SCOPE];
  });
  return provider;
}

/** For a ChatGPT callback that is not registered yet: the command that registers it. */
function redirectHint(ctx: KoaContextWithOIDC, error: Error): string | undefined {
  const redirectUri = ctx.oidc?.params?.redirect_uri;
  if (!(error instanceof errors.InvalidRedirectUri) || typeof redirectUri !== "string" || callbackUrlProblem(redirectUri)) return undefined;
  return `This GPT's callback URL is not registered. An administrator registers it with \`npm run oauth -- callbacks add ${redirectUri}\`, or adds it to the oauthCallbackUrls config and runs pulumi up.`;
}
