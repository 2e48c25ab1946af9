// The SDK's retry decisions: which answers are retried, how Retry-After is read
// (delta-seconds or an HTTP date) and how the backoff grows.
import { describe, expect, it } from "vitest";
import { isRetryableStatus, retryAfterMs, retryDelayMs } from "@/sdk/retry";

describe("retries", () => {
  it("retry 408, 429 and 5xx, nothing else", () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([200, 202, 400, 401, 403, 404, 409, 413, 422].some(isRetryableStatus)).toBe(false);
  });

  it("read Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-12-04T02:00:00Z");
    expect(retryAfterMs("12", now)).toBe(12_000);
    expect(retryAfterMs(" 0 ", now)).toBe(0);
    expect(retryAfterMs("Fri, 04 Dec 2026 02:00:30 GMT", now)).toBe(30_000);
    // A date already past means now.
    expect(retryAfterMs("Fri, 04 Dec 2026 01:00:00 GMT", now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs("", now)).toBeUndefined();
    expect(retryAfterMs("soon", now)).toBeUndefined();
    expect(retryAfterMs("-5", now)).toBeUndefined();
  });

  it("back off exponentially with jitter, capped; Retry-After sets the floor", () => {
    const policy = { baseDelayMs: 500, maxDelayMs: 30_000 };
    const low = () => 0;
    const high = () => 0.999999;
    expect([0, 1, 2, 3].map((n) => retryDelayMs(n, undefined, policy, low))).toEqual([250, 500, 1000, 2000]);
    expect(retryDelayMs(0, undefined, policy, high)).toBeCloseTo(500, 0);
    expect(retryDelayMs(20, undefined, policy, high)).toBeCloseTo(30_000, 0);
    expect(retryDelayMs(20, undefined, policy, low)).toBe(15_000);
    expect(retryDelayMs(0, 60_000, policy, low)).toBe(60_000);
    expect(retryDelayMs(0, 2_000, policy, high)).toBeLessThan(2_500);
    expect(retryDelayMs(0, 2_000, policy, high)).toBeGreaterThanOrEqual(2_000);
  });
});
