// Presence shared by every process through Redis (used when REDIS_URL is set).
//
//   <prefix>:presence:s:<socketId>        JSON entry, expires after ttlMs
//   <prefix>:presence:conv:<id>           set of socket ids viewing a conversation
//   <prefix>:presence:cust:<id>           set of socket ids viewing a customer
//
// Each process writes only its own sockets and refreshes them on a heartbeat
// (every ttl/3), so the entries of a SIGKILLed process expire by themselves.
// Set members whose entry is gone are pruned by the heartbeat of any process
// that watches that conversation or customer, which then broadcasts the change.
//
// Redis down or slow: this process's own sockets (kept in memory for the
// heartbeat anyway) are the view; nothing throws into socket handlers. When
// Redis is back the heartbeat writes them again and reports them as changed.
import { MemoryPresenceStore, type PresenceEntry, type PresenceStore } from "./store";

// The node-redis commands used here (a connected client created with disableOfflineQueue).
type Multi = {
  set(key: string, value: string, options: { PX: number }): Multi;
  sAdd(key: string, member: string): Multi;
  sRem(key: string, members: string | string[]): Multi;
  pExpire(key: string, ms: number): Multi;
  del(key: string): Multi;
  sMembers(key: string): Multi;
  exec(): Promise<unknown>;
};
export type PresenceRedis = { multi(): Multi; sMembers(key: string): Promise<string[]>; mGet(keys: string[]): Promise<(string | null)[]> };
export type PresenceChanges = { conversationIds: string[]; customerIds: string[] };
type Target = { kind: "conv" | "cust"; id: string; key: string; socketId: string };

export class RedisPresenceStore implements PresenceStore {
  private local = new MemoryPresenceStore();
  private up = true;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;

  constructor(
    private redis: PresenceRedis,
    private opts: { prefix: string; ttlMs: number; timeoutMs?: number; log?: (line: string) => void },
  ) {
    this.ttlMs = opts.ttlMs;
    this.timeoutMs = opts.timeoutMs ?? 1_000;
  }

  get heartbeatMs() {
    return Math.max(500, Math.floor(this.ttlMs / 3));
  }

  private key = {
    entry: (socketId: string) => `${this.opts.prefix}:presence:s:${socketId}`,
    conversation: (id: string) => `${this.opts.prefix}:presence:conv:${id}`,
    customer: (id: string) => `${this.opts.prefix}:presence:cust:${id}`,
  };

  // Only sockets of this process are ever asked for.
  async get(socketId: string) {
    return this.local.get(socketId);
  }

  async set(entry: PresenceEntry) {
    const old = await this.local.get(entry.socketId);
    await this.local.set(entry);
    await this.attempt(async () => {
      const m = this.redis.multi();
      if (old?.conversationId && old.conversationId !== entry.conversationId) m.sRem(this.key.conversation(old.conversationId), entry.socketId);
      if (old?.customerId && old.customerId !== entry.customerId) m.sRem(this.key.customer(old.customerId), entry.socketId);
      this.write(m, entry);
      await m.exec();
    }, undefined);
  }

  async remove(socketId: string) {
    const old = await this.local.remove(socketId);
    if (!old) return undefined;
    await this.attempt(async () => {
      const m = this.redis.multi().del(this.key.entry(socketId));
      if (old.conversationId) m.sRem(this.key.conversation(old.conversationId), socketId);
      if (old.customerId) m.sRem(this.key.customer(old.customerId), socketId);
      await m.exec();
    }, undefined);
    return old;
  }

  async byConversation(conversationId: string) {
    const entries = await this.read(this.key.conversation(conversationId));
    return entries ? entries.filter((e) => e.conversationId === conversationId) : this.local.byConversation(conversationId);
  }

  async byCustomer(customerId: string) {
    const entries = await this.read(this.key.customer(customerId));
    return entries ? entries.filter((e) => e.customerId === customerId) : this.local.byCustomer(customerId);
  }

  /**
   * Refreshes this process's entries and prunes the sets it watches of sockets
   * whose entry expired. Returns the conversations and customers whose viewers
   * changed (to broadcast); nothing while Redis is unreachable.
   */
  async heartbeat(): Promise<PresenceChanges> {
    const changed = { conv: new Set<string>(), cust: new Set<string>() };
    await this.attempt(async () => {
      const mine = this.local.all();
      if (!mine.length) return;
      const targets: Target[] = [];
      for (const e of mine) {
        if (e.conversationId) targets.push({ kind: "conv", id: e.conversationId, key: this.key.conversation(e.conversationId), socketId: e.socketId });
        if (e.customerId) targets.push({ kind: "cust", id: e.customerId, key: this.key.customer(e.customerId), socketId: e.socketId });
      }

      // 1. Refresh. An SADD that adds means the socket had been dropped (pruned while
      //    this process stalled, or Redis restarted empty): the others must hear of it again.
      const refresh = this.redis.multi();
      for (const e of mine) refresh.set(this.key.entry(e.socketId), JSON.stringify(e), { PX: this.ttlMs });
      for (const t of targets) refresh.sAdd(t.key, t.socketId);
      for (const t of targets) refresh.pExpire(t.key, this.ttlMs * 2);
      const refreshed = (await refresh.exec()) as unknown[];
      targets.forEach((t, k) => {
        if (Number(refreshed[mine.length + k]) === 1) changed[t.kind].add(t.id);
      });

      // 2. Prune the sets this process watches of sockets whose entry expired
      //    (their process died). Only the process whose SREM removed something reports it.
      const watched = [...new Map(targets.map((t) => [t.key, t])).values()];
      const read = this.redis.multi();
      for (const w of watched) read.sMembers(w.key);
      const members = ((await read.exec()) as unknown[]).map((r) => (Array.isArray(r) ? (r as string[]) : []));
      const socketIds = [...new Set(members.flat())];
      if (!socketIds.length) return;
      const raw = await this.redis.mGet(socketIds.map((id) => this.key.entry(id)));
      const gone = new Set(socketIds.filter((_, k) => raw[k] === null));
      if (!gone.size) return;
      const prune = this.redis.multi();
      const pruned: Target[] = [];
      watched.forEach((w, k) => {
        const dead = members[k]!.filter((id) => gone.has(id));
        if (!dead.length) return;
        prune.sRem(w.key, dead);
        pruned.push(w);
      });
      const removed = (await prune.exec()) as unknown[];
      pruned.forEach((w, k) => {
        if (Number(removed[k]) > 0) changed[w.kind].add(w.id);
      });
    }, undefined);
    return { conversationIds: [...changed.conv], customerIds: [...changed.cust] };
  }

  /**
   * On shutdown: this process's entries go at once instead of at expiry. Only
   * the entries: the other processes' heartbeats then find the set members
   * without an entry, prune them and broadcast (this process's socket.io may
   * already be closed).
   */
  async close() {
    const mine = this.local.all();
    for (const e of mine) await this.local.remove(e.socketId);
    if (!mine.length) return;
    await this.attempt(async () => {
      const m = this.redis.multi();
      for (const e of mine) m.del(this.key.entry(e.socketId));
      await m.exec();
    }, undefined);
  }

  /** The entries of one set, or null when Redis cannot answer (callers fall back to this process's view). */
  private read(indexKey: string): Promise<PresenceEntry[] | null> {
    return this.attempt<PresenceEntry[] | null>(async () => {
      const ids = await this.redis.sMembers(indexKey);
      if (!ids.length) return [];
      const raw = await this.redis.mGet(ids.map((id) => this.key.entry(id)));
      return raw.flatMap((json) => {
        if (!json) return [];
        try {
          return [JSON.parse(json) as PresenceEntry];
        } catch {
          return [];
        }
      });
    }, null);
  }

  private write(m: Multi, entry: PresenceEntry) {
    m.set(this.key.entry(entry.socketId), JSON.stringify(entry), { PX: this.ttlMs });
    if (entry.conversationId) m.sAdd(this.key.conversation(entry.conversationId), entry.socketId).pExpire(this.key.conversation(entry.conversationId), this.ttlMs * 2);
    if (entry.customerId) m.sAdd(this.key.customer(entry.customerId), entry.socketId).pExpire(this.key.customer(entry.customerId), this.ttlMs * 2);
  }

  /** Runs a Redis step with a deadline; on failure answers `fallback` instead of throwing. */
  private async attempt<T>(fn: () => Promise<T>, fallback: T): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const value = await Promise.race([
        fn(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer in ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
      if (!this.up) this.opts.log?.("• presence: Redis back, sharing presence across processes again");
      this.up = true;
      return value;
    } catch (error) {
      if (this.up) this.opts.log?.(`• presence: Redis unavailable (${(error as Error).message}); showing this process's agents only`);
      this.up = false;
      return fallback;
    } finally {
      clearTimeout(timer);
    }
  }
}
