// What a person types into GPT Builder's Actions screen, field by field, under the names the Builder shows.
// The Builder's default Auth Type is Basic, which PostgREST treats as no token at all: every call would run as anon.

export interface GptActionInputs {
  readonly openApiUrl: string;
  readonly bearerToken: string;
  readonly anonRole: string;
  readonly authenticatedRole: string;
}

export function gptAction(i: GptActionInputs) {
  return {
    schema: { importFromUrl: i.openApiUrl },
    authentication: {
      none: {
        "Authentication Type": "None",
        note: `Calls run as the ${i.anonRole} role: only what is granted to it.`,
      },
      apiKey: {
        "Authentication Type": "API Key",
        "API Key": i.bearerToken,
        "Auth Type": "Bearer",
        note: `Calls run as the ${i.authenticatedRole} role. Choose Bearer: the default, Basic, makes every call anonymous.`,
      },
    },
  };
}
