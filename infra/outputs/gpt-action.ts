// What a person types into GPT Builder's Actions screen, per authentication mode, under the names the Builder
// shows. The Builder's default Auth Type is Basic, which PostgREST treats as no token at all: every call would run
// as anon. "Import from URL" sends no token, so the API-key mode's schema URL carries the stack's view key instead.
// For OAuth, the Builder shows the Callback URL only once the GPT is saved, so that field says what to do with it.

/** The authorization server's fields; Computed is known only after deployment, but is not secret. */
export interface GptActionOAuth<Secret, Computed> {
  readonly clientId: Computed;
  readonly clientSecret: Secret;
  readonly authorizationUrl: string;
  readonly tokenUrl: string;
  readonly scope: string;
}

/** Secret is an Output in the program, so only those fields are hidden in `pulumi stack output`. */
export interface GptActionInputs<Secret, Computed = string> {
  readonly openApiUrl: string;
  /** openApiUrl?view=<key>: the authenticated role's document. */
  readonly authenticatedOpenApiUrl: Secret;
  readonly bearerToken: Secret;
  readonly anonRole: string;
  readonly authenticatedRole: string;
  readonly oauth: GptActionOAuth<Secret, Computed>;
  /** Why GPT Builder would refuse the origin (for every mode, OAuth's sign-in pages included), when it would. */
  readonly originWarning?: string;
}

export const CALLBACK_URL_HINT =
  "GPT Builder shows it once the GPT is saved, and a new one whenever an OAuth field is edited: copy it and run " +
  "`npm run oauth -- callbacks add <url>` (or `npm run pulumi -- config set oauthCallbackUrls <url>`, then `npm run up`).";

export function gptAction<Secret, Computed = string>(i: GptActionInputs<Secret, Computed>) {
  return {
    ...(i.originWarning ? { warning: i.originWarning } : {}),
    none: {
      "Import from URL": i.openApiUrl,
      "Authentication Type": "None",
      note: `Calls run as the ${i.anonRole} role: only what is granted to it.`,
    },
    apiKey: {
      "Import from URL": i.authenticatedOpenApiUrl,
      "Authentication Type": "API Key",
      "API Key": i.bearerToken,
      "Auth Type": "Bearer",
      note: `Calls run as the ${i.authenticatedRole} role. Choose Bearer: the default, Basic, makes every call anonymous.`,
    },
    oauth: {
      "Authentication Type": "OAuth",
      "Client ID": i.oauth.clientId,
      "Client Secret": i.oauth.clientSecret,
      "Authorization URL": i.oauth.authorizationUrl,
      "Token URL": i.oauth.tokenUrl,
      Scope: i.oauth.scope,
      "Token Exchange Method": "Default (POST request)",
      "Callback URL": CALLBACK_URL_HINT,
      note:
        `"Basic authorization header" works too. Import the schema as under apiKey. People sign in with accounts from ` +
        `\`npm run oauth -- users add <name>\`; calls run as each one's role (default ${i.authenticatedRole}).`,
    },
  };
}
