// The redirect URIs a GPT can have. ChatGPT shows https://chatgpt.com/aip/g-<id>/oauth/callback once the GPT is saved
// (and a new <id> whenever an OAuth field is edited); the legacy chat.openai.com host is the same GPT. Anything else
// is refused by name: a redirect URI is where authorization codes are sent.
const HOSTS = ["chatgpt.com", "chat.openai.com"] as const;
const SHAPE = /^https:\/\/(chatgpt\.com|chat\.openai\.com)\/aip\/(g-[A-Za-z0-9]{8,64})\/oauth\/callback$/;

export const CALLBACK_URL_EXAMPLE = "https://chatgpt.com/aip/g-0123456789abcdef0123456789abcdef/oauth/callback";

/** Why the value is not a ChatGPT callback URL, or undefined when it is one. */
export function callbackUrlProblem(value: string): string | undefined {
  if (SHAPE.test(value)) return undefined;
  return `${JSON.stringify(value)} is not a ChatGPT callback URL: expected https://chatgpt.com/aip/g-<id>/oauth/callback (or the chat.openai.com form), e.g. ${CALLBACK_URL_EXAMPLE}`;
}

/** The URL under both ChatGPT hosts, so whichever one ChatGPT sends is registered. */
export function callbackUrlForms(value: string): string[] {
  const match = SHAPE.exec(value);
  if (!match) throw new Error(callbackUrlProblem(value));
  return HOSTS.map((host) => `https://${host}/aip/${match[2]}/oauth/callback`);
}

/** Every form of every URL, validated, deduplicated, in a stable order. Throws naming each bad value. */
export function expandCallbackUrls(values: readonly string[]): string[] {
  const problems = values.map(callbackUrlProblem).filter((p): p is string => p !== undefined);
  if (problems.length) throw new Error(problems.join("; "));
  return [...new Set(values.flatMap(callbackUrlForms))].sort();
}
