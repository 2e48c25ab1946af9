// Per-visitor sliding-window limits (in this process), e.g. 20 messages per
// 10 s. Keys are "<visitorId>:<action>"; idle keys are swept.
export class RateLimiter {
  private hits = new Map<string, number[]>();
  private lastSweep = Date.now();

  constructor(private limits: Record<string, { max: number; windowMs: number }>) {}

  /** Records a hit; returns 0 when allowed, else the milliseconds until it would be. */
  hit(key: string, action: string, now = Date.now()): number {
    const limit = this.limits[action];
    if (!limit) return 0;
    this.sweep(now);
    const k = `${key}:${action}`;
    const list = (this.hits.get(k) ?? []).filter((t) => t > now - limit.windowMs);
    if (list.length >= limit.max) {
      this.hits.set(k, list);
      return Math.max(1, list[0]! + limit.windowMs - now);
    }
    list.push(now);
    this.hits.set(k, list);
    return 0;
  }

  private sweep(now: number) {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    const longest = Math.max(...Object.values(this.limits).map((l) => l.windowMs));
    for (const [k, list] of this.hits) if (!list.length || list[list.length - 1]! < now - longest) this.hits.delete(k);
  }
}
