// Per-visitor limits, e.g. 20 messages per 10 s (RATE_LIMITS in protocol.ts):
// fixed windows counted by rate-limiter-flexible through the shared limits
// (in Redis with REDIS_URL, so a visitor reconnecting to another process keeps
// its count; per process while Redis is down).
import { rateLimits, type RateLimits } from "@/server/security/limits";

export class RateLimiter {
  constructor(
    private limits: Record<string, { max: number; windowMs: number }>,
    private store: () => RateLimits = rateLimits,
  ) {}

  /** Records a hit; resolves 0 when allowed, else the milliseconds until it would be. */
  async hit(key: string, action: string): Promise<number> {
    const limit = this.limits[action];
    if (!limit) return 0;
    const result = await this.store().consume(`widget-${action}`, { points: limit.max, durationSec: Math.max(1, Math.ceil(limit.windowMs / 1000)) }, key);
    return result.ok ? 0 : result.retryAfterMs;
  }
}
