// Rate-limit building blocks: the shared limiters (rate-limiter-flexible) with
// their per-process insurance, the widget's per-visitor limits, and which
// client address the per-IP limits count behind TRUST_PROXY.
import { describe, expect, it } from "vitest";
import type http from "node:http";
import { createClient } from "redis";
import { RateLimits } from "@/server/security/limits";
import { clientIp } from "@/server/security/client-ip";
import { RateLimiter } from "@/server/channels/widget/rate-limit";

describe("RateLimits", () => {
  it("allows points per window per key, then says when to retry", async () => {
    const limits = new RateLimits();
    const limit = { points: 2, durationSec: 60 };
    expect(await limits.consume("t", limit, "k1")).toEqual({ ok: true, remaining: 1 });
    expect(await limits.consume("t", limit, "k1")).toEqual({ ok: true, remaining: 0 });
    const refused = await limits.consume("t", limit, "k1");
    expect(refused.ok).toBe(false);
    expect(refused.ok ? 0 : refused.retryAfterMs).toBeGreaterThan(55_000);
    expect((await limits.consume("t", limit, "k2")).ok).toBe(true);
    // Another purpose with the same key counts apart.
    expect((await limits.consume("other", limit, "k1")).ok).toBe(true);
  });

  it("keeps limiting in this process when the Redis client is not connected (insurance limiter)", async () => {
    // A real node-redis client that never connected: every command fails at once.
    const offline = createClient({ url: "redis://127.0.0.1:1", disableOfflineQueue: true });
    const limits = new RateLimits({ redis: offline, prefix: "unit" });
    expect(limits.shared).toBe(true);
    const limit = { points: 3, durationSec: 60 };
    const results = [];
    for (let i = 0; i < 5; i++) results.push((await limits.consume("t", limit, "k")).ok);
    expect(results).toEqual([true, true, true, false, false]);
  });
});

describe("widget RateLimiter", () => {
  it("allows max per window per visitor and action and says when to retry (ms)", async () => {
    const store = new RateLimits();
    const l = new RateLimiter({ message: { max: 2, windowMs: 10_000 } }, () => store);
    expect(await l.hit("v1", "message")).toBe(0);
    expect(await l.hit("v1", "message")).toBe(0);
    const wait = await l.hit("v1", "message");
    expect(wait).toBeGreaterThan(8_000);
    expect(wait).toBeLessThanOrEqual(10_000);
    expect(await l.hit("v2", "message")).toBe(0);
    // Actions without a limit are never limited.
    for (let i = 0; i < 5; i++) expect(await l.hit("v1", "unknown")).toBe(0);
  });
});

describe("clientIp", () => {
  const req = (remoteAddress: string, xff?: string) => ({ socket: { remoteAddress }, headers: xff === undefined ? {} : { "x-forwarded-for": xff } }) as unknown as http.IncomingMessage;

  it("counts the TCP peer unless proxies are trusted (a client cannot pick its own address)", () => {
    expect(clientIp(req("203.0.113.9", "1.2.3.4"), 0)).toBe("203.0.113.9");
    expect(clientIp(req("::ffff:203.0.113.9"), 0)).toBe("203.0.113.9");
  });

  it("with TRUST_PROXY=N takes the address N hops back in X-Forwarded-For", () => {
    // One proxy (10.0.0.2) appended the client's address.
    expect(clientIp(req("10.0.0.2", "198.51.100.7"), 1)).toBe("198.51.100.7");
    // The client forged an entry; the proxy's appended one still wins.
    expect(clientIp(req("10.0.0.2", "1.2.3.4, 198.51.100.7"), 1)).toBe("198.51.100.7");
    // Two proxies: CDN then load balancer.
    expect(clientIp(req("10.0.0.3", "1.2.3.4, 198.51.100.7, 10.0.0.2"), 2)).toBe("198.51.100.7");
    // No header (a direct connection): the peer.
    expect(clientIp(req("198.51.100.8"), 1)).toBe("198.51.100.8");
  });
});
