// Whether the cross-process transport (Redis, ./redis.ts) is up: undefined
// without REDIS_URL. /api/health (src/server/app/health.ts) reports
// "degraded" while it is down.
export type TransportHealth = "ok" | "down" | undefined;

let redisState: TransportHealth;

export function setTransportHealth(state: TransportHealth) {
  redisState = state;
}

export function transportHealth(): TransportHealth {
  return redisState;
}
