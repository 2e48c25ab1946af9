// OUTBOUND_ALLOWLIST: explicit intranet targets the SSRF guard lets through,
// as comma-separated CIDRs (10.0.0.0/8, fd00::/8), single addresses and exact
// host names (intranet.example.com). Validated at start-up by src/env.ts.
import ipaddr from "ipaddr.js";

export type Allowlist = { cidrs: [ipaddr.IPv4 | ipaddr.IPv6, number][]; hosts: Set<string> };

type Entry = { cidr: [ipaddr.IPv4 | ipaddr.IPv6, number] } | { host: string } | { invalid: string };

/** Dotted-decimal IPv4 or IPv6 only: "0x7f000001" in a setting is a typo, not an address. */
function isPlainIp(s: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(s) || ipaddr.IPv6.isValid(s);
}

function parseEntry(entry: string): Entry {
  if (entry.includes("/")) {
    try {
      if (!isPlainIp(entry.slice(0, entry.lastIndexOf("/")))) return { invalid: entry };
      return { cidr: ipaddr.parseCIDR(entry) };
    } catch {
      return { invalid: entry };
    }
  }
  if (isPlainIp(entry)) {
    const a = ipaddr.parse(entry);
    return { cidr: [a, a.kind() === "ipv4" ? 32 : 128] };
  }
  // A host name is valid when the WHATWG URL parser keeps it as typed: this
  // refuses spaces, ports, paths, schemes and numeric forms like 0x7f000001.
  const host = entry.replace(/\.$/, "").toLowerCase();
  try {
    if (host && new URL(`http://${host}/`).hostname === host) return { host };
  } catch {
    // fall through
  }
  return { invalid: entry };
}

function entries(raw: string): string[] {
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Entries that are neither a CIDR, an address nor a host name (for the env error). */
export function invalidAllowlistEntries(raw: string | undefined): string[] {
  return entries(raw ?? "")
    .map(parseEntry)
    .flatMap((e) => ("invalid" in e ? [e.invalid] : []));
}

export function parseAllowlist(raw: string | undefined): Allowlist {
  const list: Allowlist = { cidrs: [], hosts: new Set() };
  for (const e of entries(raw ?? "").map(parseEntry)) {
    if ("invalid" in e) throw new Error(`OUTBOUND_ALLOWLIST: not a CIDR, address or host name: ${e.invalid}`);
    if ("cidr" in e) list.cidrs.push(e.cidr);
    else list.hosts.add(e.host);
  }
  return list;
}
