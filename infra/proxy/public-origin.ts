// What may name the public origin: checked once for stack config (before any resource) and again by the Caddyfile
// renderer (before interpolation). Each check returns what is allowed, or undefined when the value is fine.

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
// Docker DNS also resolves container names with underscores.
const UPSTREAM_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i;
const EMAIL_LOCAL = /^[a-z0-9._%+-]{1,64}$/i;
// Caddy gives these names a certificate from its own CA, which GPT Builder would not trust.
const NOT_PUBLIC = /(^|\.)(localhost|local|internal|home\.arpa)$/i;

export const HOSTNAME_RULE = "letters, digits and hyphens in dot-separated labels of 1 to 63 characters, not starting or ending with a hyphen";

function isHostname(value: string, label: RegExp): boolean {
  return value.length <= 253 && value.split(".").every((l) => label.test(l));
}

export function isPort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}

export function domainProblem(d: string): string | undefined {
  const hint = "leave domain unset for local plain-HTTP mode";
  if (!isHostname(d, LABEL)) return `must be a DNS hostname such as gpt.example.com: ${HOSTNAME_RULE}; no scheme, port or path`;
  if (/^\d+$/.test(d.slice(d.lastIndexOf(".") + 1))) return `must be a DNS hostname, not an IP address (Let's Encrypt certifies names); ${hint}`;
  if (NOT_PUBLIC.test(d)) return `must be a public hostname, not localhost, .local, .internal or .home.arpa; ${hint}`;
  if (!d.includes(".")) return "must be a fully qualified hostname with at least one dot, such as gpt.example.com";
  return undefined;
}

export function acmeEmailProblem(email: string): string | undefined {
  const at = email.lastIndexOf("@");
  const [local, host] = [email.slice(0, at), email.slice(at + 1)];
  if (at < 0 || !EMAIL_LOCAL.test(local) || !host.includes(".") || !isHostname(host, LABEL)) {
    return "must be a plain address local@domain: letters, digits and . _ % + - before the @, a DNS hostname after it";
  }
  return undefined;
}

export function upstreamProblem(value: string): string | undefined {
  const match = /^([^:]+):(\d{1,5})$/.exec(value);
  if (!match || !isHostname(match[1]!, UPSTREAM_LABEL) || !isPort(Number(match[2]))) {
    return `must be host:port, the host in ${HOSTNAME_RULE} (underscores allowed), the port from 1 to 65535`;
  }
  return undefined;
}
