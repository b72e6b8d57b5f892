// What a person types into GPT Builder's Actions screen, per authentication mode, under the names the Builder
// shows. The Builder's default Auth Type is Basic, which PostgREST treats as no token at all: every call would run
// as anon. "Import from URL" sends no token, so the API-key mode's schema URL carries the stack's view key instead.

/** Secret is an Output in the program, so only those fields are hidden in `pulumi stack output`. */
export interface GptActionInputs<Secret> {
  readonly openApiUrl: string;
  /** openApiUrl?view=<key>: the authenticated role's document. */
  readonly authenticatedOpenApiUrl: Secret;
  readonly bearerToken: Secret;
  readonly anonRole: string;
  readonly authenticatedRole: string;
  /** Why GPT Builder would refuse the origin, when it would. */
  readonly originWarning?: string;
}

export function gptAction<Secret>(i: GptActionInputs<Secret>) {
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
  };
}
