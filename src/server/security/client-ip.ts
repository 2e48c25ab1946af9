// The client address the per-IP limits count. Behind reverse proxies the TCP
// peer is the proxy, so with TRUST_PROXY=N (the number of proxies in front, each
// appending to X-Forwarded-For) the address N hops back is the client. Entries
// further left are written by the client itself and never trusted.
import type http from "node:http";

export function clientIp(req: http.IncomingMessage, trustedHops: number): string {
  const peer = normalize(req.socket.remoteAddress ?? "unknown");
  if (trustedHops <= 0) return peer;
  const header = req.headers["x-forwarded-for"];
  const forwarded = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  // [client?, …, proxy 1's peer, …] + the TCP peer: walk back trustedHops from the peer.
  const chain = [...forwarded, peer];
  return normalize(chain[Math.max(0, chain.length - 1 - trustedHops)]!);
}

// "::ffff:10.0.0.1" and "10.0.0.1" are one client.
function normalize(ip: string) {
  return ip.startsWith("::ffff:") && ip.includes(".") ? ip.slice(7) : ip;
}
