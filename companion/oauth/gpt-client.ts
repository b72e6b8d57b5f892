// The one OAuth client: the GPT. It is served from the adapter (model Client) rather than static configuration, so
// its redirect URIs are read from gpt_oauth.callbacks on every lookup and `npm run oauth -- callbacks add` takes
// effect at once, without a restart or a redeploy.
import type pg from "pg";
import type { Adapter, AdapterPayload } from "oidc-provider";
import { listCallbacks } from "./callbacks.js";
import type { OAuthConfig } from "./config.js";

/**
 * oidc-provider refuses a code-flow client without redirect URIs. Until the first callback is registered, this one
 * stands in: the .invalid TLD never resolves (RFC 6761), so no code can be delivered there.
 */
export const NO_CALLBACK_YET = "https://no-callback-registered.invalid/oauth/callback";

/** The GPT's client metadata: confidential, code flow only, refresh tokens, exact redirect URIs. */
export function gptClientMetadata(oauth: Pick<OAuthConfig, "clientId" | "clientSecret">, callbacks: readonly string[]): AdapterPayload {
  return {
    client_id: oauth.clientId,
    client_secret: oauth.clientSecret,
    client_name: "ChatGPT",
    redirect_uris: callbacks.length ? [...callbacks] : [NO_CALLBACK_YET],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    // GPT Builder's "Default (POST request)"; oidc-provider accepts the Basic header from the same client too.
    token_endpoint_auth_method: "client_secret_post",
  };
}

export class GptClientAdapter implements Adapter {
  constructor(
    private readonly db: Pick<pg.Pool, "query">,
    private readonly oauth: Pick<OAuthConfig, "clientId" | "clientSecret">,
  ) {}

  async find(id: string): Promise<AdapterPayload | undefined> {
    if (id !== this.oauth.clientId) return undefined;
    return gptClientMetadata(this.oauth, await listCallbacks(this.db));
  }

  // The GPT client is defined by the stack; nothing at runtime may create, change or delete it.
  async upsert(): Promise<void> {
    throw new Error("the GPT client is defined by the stack configuration");
  }
  async findByUid(): Promise<undefined> {
    return undefined;
  }
  async findByUserCode(): Promise<undefined> {
    return undefined;
  }
  async consume(): Promise<void> {}
  async destroy(): Promise<void> {}
  async revokeByGrantId(): Promise<void> {}
}
