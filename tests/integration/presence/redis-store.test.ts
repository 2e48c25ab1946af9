// The Redis-backed presence store against a real Redis (the machine's, keys
// under a unique prefix): two stores stand for two processes. Entries of a
// store that stops heartbeating expire and the survivor's heartbeat reports
// the change; a store whose Redis is unreachable answers from its own sockets
// and never throws.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { createClient } from "redis";
import { MACHINE_REDIS_URL, withoutMachineRedis } from "../../helpers/redis";
import { RedisPresenceStore } from "@/server/presence/redis-store";
import type { PresenceEntry } from "@/server/presence/store";

const REDIS_URL = MACHINE_REDIS_URL;


const CONV = "00000000-0000-7000-8000-0000000000c1";
const CUST = "00000000-0000-7000-8000-0000000000a1";
function entry(socketId: string, userId: string, extra: Partial<PresenceEntry> = {}): PresenceEntry {
  return { socketId, userId, name: userId, customerId: CUST, conversationId: CONV, conversationNumber: 1, conversationInboxId: "inbox-a", typing: false, since: Date.now(), viewerInboxes: "all", ...extra };
}

describe.skipIf(await withoutMachineRedis())(`RedisPresenceStore (Redis at ${REDIS_URL})`, () => {
  const prefix = `tltest-store-${randomBytes(4).toString("hex")}`;
  const redis = createClient({ url: REDIS_URL, disableOfflineQueue: true });
  const ids = (entries: PresenceEntry[]) => entries.map((e) => e.socketId).sort();

  beforeAll(async () => {
    await redis.connect();
  });
  afterAll(async () => {
    for await (const keys of redis.scanIterator({ MATCH: `${prefix}:*`, COUNT: 500 })) if (keys.length) await redis.del(keys);
    await redis.quit();
  });

  it("shares entries between stores and moves a socket between conversations", async () => {
    const one = new RedisPresenceStore(redis, { prefix, ttlMs: 30_000 });
    const two = new RedisPresenceStore(redis, { prefix, ttlMs: 30_000 });
    await one.set(entry("s1", "maya"));
    await two.set(entry("s2", "sam", { typing: true }));
    expect(ids(await one.byConversation(CONV))).toEqual(["s1", "s2"]);
    expect((await one.byCustomer(CUST)).find((e) => e.socketId === "s2")?.typing).toBe(true);
    await two.set(entry("s2", "sam", { conversationId: "elsewhere" }));
    expect(ids(await one.byConversation(CONV))).toEqual(["s1"]);
    expect(ids(await one.byCustomer(CUST))).toEqual(["s1", "s2"]);
    expect((await two.remove("s2"))?.userId).toBe("sam");
    expect(ids(await one.byCustomer(CUST))).toEqual(["s1"]);
    // A store removes only its own sockets.
    expect(await two.remove("s1")).toBeUndefined();
    expect(ids(await two.byConversation(CONV))).toEqual(["s1"]);
    await one.remove("s1");
  });

  it("a store that stops heartbeating expires; the survivor's heartbeat prunes and reports it once", async () => {
    const ttlMs = 1_000;
    const alive = new RedisPresenceStore(redis, { prefix, ttlMs });
    const dead = new RedisPresenceStore(redis, { prefix, ttlMs });
    await alive.set(entry("alive-1", "maya"));
    await dead.set(entry("dead-1", "sam"));
    expect(await alive.heartbeat()).toEqual({ conversationIds: [], customerIds: [] });
    // "dead" never heartbeats again: its entry outlives it by the TTL only.
    const reports: string[] = [];
    await expect
      .poll(
        async () => {
          const changes = await alive.heartbeat();
          reports.push(...changes.conversationIds.map((id) => `conv:${id}`), ...changes.customerIds.map((id) => `cust:${id}`));
          return reports;
        },
        { timeout: 5_000, interval: 150 },
      )
      .toEqual([`conv:${CONV}`, `cust:${CUST}`]);
    expect(ids(await alive.byConversation(CONV))).toEqual(["alive-1"]);
    expect(await redis.sMembers(`${prefix}:presence:conv:${CONV}`)).toEqual(["alive-1"]);
    // Nothing more to report.
    expect(await alive.heartbeat()).toEqual({ conversationIds: [], customerIds: [] });
    // If Redis lost a live socket (restart), its own heartbeat brings it back and reports it.
    await redis.sRem(`${prefix}:presence:conv:${CONV}`, "alive-1");
    expect(await alive.heartbeat()).toEqual({ conversationIds: [CONV], customerIds: [] });
    expect(ids(await alive.byConversation(CONV))).toEqual(["alive-1"]);
    await alive.remove("alive-1");
  });

  it("a store closing (graceful shutdown) drops its entries; the others' heartbeat reports them gone", async () => {
    const staying = new RedisPresenceStore(redis, { prefix, ttlMs: 30_000 });
    const leaving = new RedisPresenceStore(redis, { prefix, ttlMs: 30_000 });
    await staying.set(entry("stay-1", "maya"));
    await leaving.set(entry("leave-1", "sam"));
    await leaving.set(entry("leave-2", "sam", { conversationId: "elsewhere", customerId: "someone-else" }));
    await leaving.close();
    expect(ids(await staying.byConversation(CONV))).toEqual(["stay-1"]);
    expect(await staying.heartbeat()).toEqual({ conversationIds: [CONV], customerIds: [CUST] });
    expect(await redis.sMembers(`${prefix}:presence:cust:${CUST}`)).toEqual(["stay-1"]);
    await staying.remove("stay-1");
  });

  it("with Redis unreachable it answers from this process's sockets and never throws", async () => {
    const offline = createClient({ url: "redis://127.0.0.1:1", disableOfflineQueue: true });
    const lines: string[] = [];
    const store = new RedisPresenceStore(offline, { prefix, ttlMs: 30_000, log: (l) => lines.push(l) });
    await store.set(entry("local-1", "maya"));
    await store.set(entry("local-2", "sam", { conversationId: "other" }));
    expect(ids(await store.byConversation(CONV))).toEqual(["local-1"]);
    expect(ids(await store.byCustomer(CUST))).toEqual(["local-1", "local-2"]);
    expect(await store.heartbeat()).toEqual({ conversationIds: [], customerIds: [] });
    expect((await store.remove("local-1"))?.userId).toBe("maya");
    expect(ids(await store.byCustomer(CUST))).toEqual(["local-2"]);
    // Said once, not per call.
    expect(lines.filter((l) => l.includes("Redis unavailable"))).toHaveLength(1);
  });
});
