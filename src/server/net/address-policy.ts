// Which addresses a server-side request to a user-typed URL may reach: public
// unicast only, unless OUTBOUND_ALLOWLIST names the target. Parsing and range
// tables are ipaddr.js's; this file only decides what each range means to us.
import ipaddr from "ipaddr.js";
import type { Allowlist } from "./allowlist";

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** The IP literal of a parsed URL's host (brackets stripped), or null for a host name. */
export function hostIp(url: URL): string | null {
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  // The WHATWG parser already turned 0x7f000001, 2130706433 and 0177.0.0.1 into
  // dotted decimal, so only canonical forms reach this check.
  return ipaddr.isValid(host) ? host : null;
}

function v4(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/** IPv4 addresses carried inside a transition-mechanism IPv6 address: where packets really go. */
function embeddedIpv4(a: ipaddr.IPv6, range: string): ipaddr.IPv4[] | null {
  const p = a.parts;
  switch (range) {
    case "rfc6145": // ::ffff:0:a.b.c.d (IPv4-translated)
      return [v4(p[6]!, p[7]!)];
    case "rfc6052": // NAT64 64:ff9b::a.b.c.d; the local-use 64:ff9b:1::/48 has no fixed layout
      return p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0 ? [v4(p[6]!, p[7]!)] : null;
    case "6to4": // 2002:AABB:CCDD::/48
      return [v4(p[1]!, p[2]!)];
    case "teredo": // server in bits 32-63, client obfuscated (inverted) in the last 32
      return [v4(p[2]!, p[3]!), v4(~p[6]! & 0xffff, ~p[7]! & 0xffff)];
    default:
      return null;
  }
}

/**
 * Why an address must not be reached (ipaddr.js's range name: "loopback",
 * "private", "linkLocal", "uniqueLocal", "carrierGradeNat", "ipv4Compatible", …),
 * or null for a public unicast address.
 */
export function blockedRange(ip: string): string | null {
  let a: Address;
  try {
    // process() unwraps IPv4-mapped IPv6 (::ffff:127.0.0.1) to the IPv4 it means.
    a = ipaddr.process(ip);
  } catch {
    return "invalid";
  }
  if (a.kind() === "ipv4") {
    const range = a.range();
    return range === "unicast" ? null : range;
  }
  const v6 = a as ipaddr.IPv6;
  const range = v6.range();
  // ::a.b.c.d (IPv4-compatible, deprecated by RFC 4291): ipaddr.js calls it unicast,
  // but it has no legitimate use and some stacks route it to the IPv4 address.
  if (range === "unicast" && v6.parts.slice(0, 6).every((x) => x === 0)) return "ipv4Compatible";
  if (range === "unicast") return null;
  const inner = embeddedIpv4(v6, range);
  if (!inner) return range;
  for (const x of inner) {
    const r = x.range();
    if (r !== "unicast") return `${range}:${r}`;
  }
  return null;
}

function inAllowedCidr(ip: string, allow: Allowlist): boolean {
  const raw = ipaddr.parse(ip);
  const processed = ipaddr.process(ip);
  return allow.cidrs.some(([net, bits]) =>
    [raw, processed].some((a) => a.kind() === net.kind() && a.match(net, bits)),
  );
}

export function hostAllowed(hostname: string, allow: Allowlist): boolean {
  return allow.hosts.has(normaliseHost(hostname));
}

/** Lower case, no brackets, no trailing dot: how allowlist host names are compared. */
export function normaliseHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
}

/**
 * The first address of a target that must be refused, or null when every
 * address may be reached. A host name is refused if ANY of its addresses is
 * blocked: the connection could land on any of them.
 */
export function refusedAddress(hostname: string, addresses: string[], allow: Allowlist): { address: string; range: string } | null {
  if (hostAllowed(hostname, allow)) return null;
  for (const address of addresses) {
    const range = blockedRange(address);
    if (range && !(range !== "invalid" && inAllowedCidr(address, allow))) return { address, range };
  }
  return null;
}
