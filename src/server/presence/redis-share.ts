// With REDIS_URL: collision-detection presence shared by every process
// through the socket.io adapter's Redis connection (./redis-store.ts), with
// this process's heartbeat. Registered with the Redis adapter through
// shareThroughRedis by src/server/app/service-list.ts.
import { env } from "@/env";
import type { RedisShare } from "@/server/realtime/types";
import { RedisPresenceStore } from "./redis-store";
import { startPresenceHeartbeat } from "./socket";
import { MemoryPresenceStore, setPresenceStore } from "./store";

export const sharePresenceThroughRedis: RedisShare = ({ io, redis, prefix, log }) => {
  const presence = new RedisPresenceStore(redis, { prefix, ttlMs: env().PRESENCE_TTL_SECONDS * 1000, log });
  setPresenceStore(presence);
  const stopHeartbeat = startPresenceHeartbeat(io, presence);
  return async () => {
    stopHeartbeat();
    await presence.close();
    setPresenceStore(new MemoryPresenceStore());
  };
};
