// Who is signing in, as far as throttling is concerned. Caddy sets X-Forwarded-For: in domain mode to the peer it
// saw (any value the client sent is replaced); behind a tunnel (local mode, where Caddy trusts private-range peers)
// it appends the tunnel's address to the chain the tunnel forwarded, whose last public entry the tunnel itself
// appended. So the right-most public address is the client: anything to its left may have been typed by them.
import { isIP } from "node:net";

const PRIVATE_V4 = [/^10\./, /^127\./, /^169\.254\./, /^172\.(1[6-9]|2\d|3[01])\./, /^192\.168\./, /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./];

function isPublic(ip: string): boolean {
  const version = isIP(ip);
  if (version === 4) return !PRIVATE_V4.some((range) => range.test(ip));
  if (version === 6) return !/^(::1?$|f[cd]|fe[89ab])/i.test(ip) && !ip.toLowerCase().startsWith("::ffff:");
  return false;
}

/** The /64 an IPv6 address belongs to: one subscriber usually holds a whole /64, so counting /128s is no limit. */
function groupOf(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const [head = "", tail = ""] = ip.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = ip.includes("::") && tail ? tail.split(":") : [];
  const full = ip.includes("::") ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${full.slice(0, 4).map((h) => h.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

/** The throttling key for a request: the client's IPv4 address or IPv6 /64. */
export function clientAddress(forwardedFor: string | undefined, socketAddress: string | undefined): string {
  const unmapped = (ip: string) => ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1");
  const chain = (forwardedFor ?? "").split(",").map((s) => unmapped(s.trim())).filter((s) => isIP(s) !== 0);
  const client = [...chain].reverse().find(isPublic) ?? chain.at(-1) ?? (socketAddress ? unmapped(socketAddress) : "unknown");
  return groupOf(client);
}
