// Rate limits (rate-limiter-flexible, fixed windows). With REDIS_URL every
// process counts in Redis, so hits split between processes trip at the same
// limit; an in-memory insurance limiter takes over per process while Redis is
// down or slow. Without Redis, plain in-memory limiters.
//
// Kept on globalThis: the custom server (per-IP limits, widget) and Next's
// bundled route handlers (per-API-key limit) are separate module graphs in one
// process and must share one Redis client and one set of limiters. Because the
// bundled copy of the library has its own classes, rejections are recognised by
// shape (msBeforeNext), not instanceof.
import { RateLimiterMemory, RateLimiterRedis, RLWrapperTimeouts, type RateLimiterAbstract } from "rate-limiter-flexible";

export type Limit = { points: number; durationSec: number };
export type LimitResult = { ok: true; remaining: number } | { ok: false; retryAfterMs: number };

/** A Redis round trip slower than this counts as Redis down (insurance limiter decides). */
const REDIS_TIMEOUT_MS = 1_000;

export class RateLimits {
  private limiters = new Map<string, RateLimiterAbstract>();

  /** redis: a connected node-redis client created with disableOfflineQueue (fails fast when down). */
  constructor(private backend: { redis?: unknown; prefix: string } = { prefix: "throughline" }) {}

  get shared() {
    return this.backend.redis !== undefined;
  }

  /** The limiter for one purpose; a different limit makes a different limiter. */
  limiter(name: string, limit: Limit): RateLimiterAbstract {
    const id = `${name}:${limit.points}/${limit.durationSec}`;
    let limiter = this.limiters.get(id);
    if (limiter) return limiter;
    const keyPrefix = `${this.backend.prefix}:rl:${name}`;
    const memory = new RateLimiterMemory({ keyPrefix, points: limit.points, duration: limit.durationSec });
    limiter = this.backend.redis
      ? new RLWrapperTimeouts({
          limiter: new RateLimiterRedis({
            storeClient: this.backend.redis,
            useRedisPackage: true,
            rejectIfRedisNotReady: true,
            keyPrefix,
            points: limit.points,
            duration: limit.durationSec,
          }),
          timeoutMs: REDIS_TIMEOUT_MS,
          insuranceLimiter: memory,
        })
      : memory;
    this.limiters.set(id, limiter);
    return limiter;
  }

  /** Counts one hit of `key`; says when to retry once over the limit. */
  async consume(name: string, limit: Limit, key: string): Promise<LimitResult> {
    try {
      const res = await this.limiter(name, limit).consume(key);
      return { ok: true, remaining: res.remainingPoints };
    } catch (rejection) {
      const ms = (rejection as { msBeforeNext?: unknown })?.msBeforeNext;
      if (typeof ms === "number" && !(rejection instanceof Error)) return { ok: false, retryAfterMs: Math.max(1, ms) };
      // Unreachable with the insurance limiter; never let a limiter fault refuse or crash a request.
      console.error(`[limits] ${name}: ${(rejection as Error)?.message ?? String(rejection)}`);
      return { ok: true, remaining: 0 };
    }
  }
}

const g = globalThis as unknown as { __throughlineRateLimits?: RateLimits };

/** The limits of this process (in memory until useRedisRateLimits). */
export function rateLimits(): RateLimits {
  return (g.__throughlineRateLimits ??= new RateLimits());
}

/** Shares every limit through Redis (called where the Redis connection is set up). */
export function useRedisRateLimits(redis: unknown, prefix: string) {
  g.__throughlineRateLimits = new RateLimits({ redis, prefix });
}

export function useMemoryRateLimits() {
  g.__throughlineRateLimits = new RateLimits();
}

/** Retry-After header value: whole seconds, at least 1. */
export function retryAfterSeconds(ms: number) {
  return Math.max(1, Math.ceil(ms / 1000));
}
