// What a person types into GPT Builder's Actions screen, field by field, under the names the Builder shows.
// The Builder's default Auth Type is Basic, which PostgREST treats as no token at all: every call would run as anon.

/** Key is the token's type: a secret Output in the program, so only that one field is hidden in the outputs. */
export interface GptActionInputs<Key> {
  readonly openApiUrl: string;
  readonly bearerToken: Key;
  readonly anonRole: string;
  readonly authenticatedRole: string;
}

export function gptAction<Key>(i: GptActionInputs<Key>) {
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
