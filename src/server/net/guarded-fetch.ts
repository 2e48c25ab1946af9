// The one HTTP client for server-side requests to URLs a user typed (rule
// webhooks, email image proxy): refuses loopback, private, link-local and other
// non-public targets unless OUTBOUND_ALLOWLIST names them (see address-policy.ts).
//
// Built on node:http/node:https `request` rather than fetch/undici: a `lookup`
// option hands the socket the very addresses we resolved and checked (no DNS
// rebinding between check and connect) while the host name stays in the Host
// header and TLS servername, and no extra dependency is needed. Redirects are
// followed here, one checked hop at a time.
import http from "node:http";
import https from "node:https";
import { lookup as dnsLookup } from "node:dns/promises";
import type { LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import { envValue } from "@/env";
import { parseAllowlist, type Allowlist } from "./allowlist";
import { hostIp, refusedAddress } from "./address-policy";

type RefusalReason = "private_address" | "invalid_url" | "bad_scheme" | "dns_failed" | "too_many_redirects" | "too_large" | "timeout";

export class OutboundRefusedError extends Error {
  readonly reason: RefusalReason;
  constructor(reason: RefusalReason, message: string) {
    super(message);
    this.name = "OutboundRefusedError";
    this.reason = reason;
  }
}

export type GuardedResponse = { status: number; headers: Headers; body: Buffer; url: string /* final URL after redirects */ };

type GuardedInit = {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The whole request: DNS, connect, every redirect hop and the body. */
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

let cachedAllowlist: { raw: string; list: Allowlist } | undefined;

/** OUTBOUND_ALLOWLIST, parsed once per value (tests change it between cases). */
function allowlist(): Allowlist {
  const raw = envValue("OUTBOUND_ALLOWLIST") ?? "";
  if (cachedAllowlist?.raw !== raw) cachedAllowlist = { raw, list: parseAllowlist(envValue("OUTBOUND_ALLOWLIST")) };
  return cachedAllowlist.list;
}

function parseTarget(raw: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new OutboundRefusedError("invalid_url", `refused: not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new OutboundRefusedError("bad_scheme", `refused: scheme ${url.protocol} is not http or https`);
  return url;
}

function bareHost(url: URL): string {
  return url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
}

/** Every address the target's host stands for, each checked; refused if any is not public. */
async function checkedAddresses(url: URL): Promise<LookupAddress[]> {
  const host = bareHost(url);
  const ip = hostIp(url);
  let addresses: LookupAddress[];
  if (ip) addresses = [{ address: ip, family: ip.includes(":") ? 6 : 4 }];
  else {
    try {
      addresses = await dnsLookup(host, { all: true, verbatim: true });
    } catch (e) {
      throw new OutboundRefusedError("dns_failed", `refused: cannot resolve ${host} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
    if (addresses.length === 0) throw new OutboundRefusedError("dns_failed", `refused: ${host} has no address`);
  }
  const bad = refusedAddress(host, addresses.map((a) => a.address), allowlist());
  if (bad) throw new OutboundRefusedError("private_address", `refused: private address ${bad.address}${bad.address === host ? "" : ` (${host})`}`);
  return addresses;
}

/** A `lookup` that answers only with the addresses already checked. */
function pinnedLookup(addresses: LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const family = options.family === 4 || options.family === "IPv4" ? 4 : options.family === 6 || options.family === "IPv6" ? 6 : 0;
    const list = family ? addresses.filter((a) => a.family === family) : addresses;
    if (list.length === 0) return callback(Object.assign(new Error(`no IPv${family} address`), { code: "ENOTFOUND" }), "", family);
    if (options.all) callback(null, list);
    else callback(null, list[0]!.address, list[0]!.family);
  };
}

function toHeaders(raw: string[]): Headers {
  const h = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      h.append(raw[i]!, raw[i + 1]!);
    } catch {
      // a header value fetch's Headers refuses: leave it out
    }
  }
  return h;
}

type Hop = { status: number; headers: Headers; body: Buffer; location?: string };

function sendOnce(url: URL, addresses: LookupAddress[], req: { method: string; headers: Record<string, string>; body?: string | Buffer }, maxBytes: number, signal: AbortSignal): Promise<Hop> {
  return new Promise<Hop>((resolve, reject) => {
    const ip = hostIp(url);
    const host = bareHost(url);
    const options: https.RequestOptions = {
      method: req.method,
      host,
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      headers: req.headers,
      // A fresh connection per request: a pooled socket would skip the check.
      agent: false,
      ...(url.username ? { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` } : {}),
      // IP literals connect without a lookup; names connect to the checked addresses.
      ...(ip ? {} : { lookup: pinnedLookup(addresses), servername: host }),
    };
    const client = (url.protocol === "https:" ? https : http).request(options, (res) => {
      const status = res.statusCode ?? 0;
      const headers = toHeaders(res.rawHeaders);
      const location = res.headers.location;
      if (REDIRECTS.has(status) && location) {
        res.destroy();
        return resolve({ status, headers, body: Buffer.alloc(0), location });
      }
      const tooLarge = () => {
        res.destroy();
        reject(new OutboundRefusedError("too_large", `refused: response larger than ${maxBytes} bytes`));
      };
      if (Number(res.headers["content-length"]) > maxBytes) return tooLarge();
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) return tooLarge();
        chunks.push(chunk);
      });
      res.on("end", () => resolve({ status, headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
      res.on("close", () => {
        if (!res.complete) reject(new Error("connection closed before the response ended"));
      });
    });
    const onAbort = () => {
      client.destroy();
      reject(new OutboundRefusedError("timeout", "refused: timed out"));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    client.on("close", () => signal.removeEventListener("abort", onAbort));
    client.on("error", reject);
    client.end(req.body);
  });
}

function beforeDeadline<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new OutboundRefusedError("timeout", "refused: timed out"));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function withoutHeaders(headers: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !names.includes(k.toLowerCase())));
}

/**
 * A request that may reach only public addresses (or allowlisted ones).
 * Throws OutboundRefusedError for anything refused; network errors of an
 * allowed target are ordinary errors.
 */
export async function guardedFetch(url: string, init: GuardedInit = {}): Promise<GuardedResponse> {
  const timeoutMs = init.timeoutMs ?? 10_000;
  const maxBytes = init.maxBytes ?? 5 * 1024 * 1024;
  const maxRedirects = init.maxRedirects ?? 3;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  try {
    let target = parseTarget(url);
    let req = { method: (init.method ?? "GET").toUpperCase(), headers: { ...init.headers }, body: init.body };
    for (let redirects = 0; ; redirects++) {
      const addresses = await beforeDeadline(checkedAddresses(target), deadline.signal);
      const hop = await sendOnce(target, addresses, req, maxBytes, deadline.signal);
      if (hop.location === undefined) return { status: hop.status, headers: hop.headers, body: hop.body, url: target.href };
      if (redirects >= maxRedirects) throw new OutboundRefusedError("too_many_redirects", `refused: more than ${maxRedirects} redirects`);
      const next = parseTarget(hop.location, target);
      // As fetch does: 303 (and 301/302 after a POST) continue as a GET without the body.
      if ((hop.status === 303 && req.method !== "HEAD") || ((hop.status === 301 || hop.status === 302) && req.method === "POST")) {
        req = { method: "GET", headers: withoutHeaders(req.headers, ["content-type", "content-length"]), body: undefined };
      }
      // No cookie jar: Set-Cookie is never replayed; the caller's cookies and credentials stay with the origin they were meant for (as fetch does).
      if (next.origin !== target.origin) req = { ...req, headers: withoutHeaders(req.headers, ["cookie", "authorization", "proxy-authorization"]) };
      target = next;
    }
  } finally {
    clearTimeout(timer);
  }
}
