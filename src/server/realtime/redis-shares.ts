// What shares state across processes through the Redis connection (agent
// presence, src/server/presence/redis-share.ts) registers here, so the Redis
// adapter (./redis.ts) knows nothing of it. Wired in from
// src/server/app/service-list.ts before the socket server starts.
import type { RedisShare } from "./types";

const shares: RedisShare[] = [];

export function shareThroughRedis(share: RedisShare) {
  shares.push(share);
}

export function redisShares(): RedisShare[] {
  return [...shares];
}
