// Scale-out: with REDIS_URL, socket.io's official Redis adapter fans every
// emit out to the sockets of every process, so a touchpoint committed on
// process A reaches an agent connected to process B. The event bus itself
// stays per process: listeners (rules, SLA, outbox nudges) run once, where the
// write committed; only the push to sockets crosses processes.
//
// The same connection shares agent presence (src/server/presence/redis-share.ts,
// registered through ./redis-shares.ts) and the rate limits
// (src/server/security/limits.ts) across processes. Every key and
// channel starts with REDIS_KEY_PREFIX.
//
// Redis down: emits still reach this process's own sockets (the adapter
// broadcasts locally before publishing), publishes fail fast instead of
// queueing, presence shows this process's agents, rate limits count per
// process, and /api/health reports "degraded" until Redis is back.
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";
import type { Server } from "socket.io";
import { env } from "@/env";
import { useMemoryRateLimits, useRedisRateLimits } from "@/server/security/limits";
import { redisShares } from "./redis-shares";
import { setTransportHealth } from "./transport-health";

export async function useRedisAdapter(io: Server, url: string, log: (s: string) => void = console.log) {
  const { REDIS_KEY_PREFIX: prefix } = env();
  const options = {
    url,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5_000), connectTimeout: 3_000 },
  };
  const pub = createClient(options);
  const sub = pub.duplicate();
  let up = false;
  const mark = (state: "ok" | "down") => {
    if ((state === "ok") !== up) log(`• Redis ${state === "ok" ? "connected" : "unreachable: delivering to this process's sockets only"}`);
    up = state === "ok";
    setTransportHealth(state);
  };
  for (const client of [pub, sub]) {
    client.on("error", () => mark("down"));
    client.on("ready", () => mark(pub.isReady && sub.isReady ? "ok" : "down"));
    client.on("end", () => mark("down"));
  }
  setTransportHealth("down");
  try {
    await Promise.all([pub.connect(), sub.connect()]);
    mark("ok");
  } catch {
    mark("down");
  }
  // The adapter does not catch publish failures; an unhandled rejection would
  // take the process down while Redis is unreachable.
  const safePub = new Proxy(pub, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === "publish" && typeof value === "function") {
        return (...args: unknown[]) => {
          try {
            const r = (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            return r && typeof r.catch === "function" ? r.catch(() => 0) : r;
          } catch {
            return Promise.resolve(0);
          }
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  io.adapter(createAdapter(safePub, sub, { key: prefix, requestsTimeout: 3_000 }));

  // Commands (not pub/sub) go over the publishing connection.
  const unshare = redisShares().map((share) => share({ io, redis: pub, prefix, log }));
  useRedisRateLimits(pub, prefix);
  return {
    close: async () => {
      for (const close of unshare.reverse()) await close();
      useMemoryRateLimits();
      setTransportHealth(undefined);
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
