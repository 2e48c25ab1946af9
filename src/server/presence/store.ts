// Who is looking at what, keyed by socket. One entry per agent socket: the
// conversation and/or customer on screen and whether the agent is typing a
// reply there. Queried by conversation and by customer (collision detection
// across channels).
//
// The store is an interface so its storage can be swapped: this process-local
// Map is enough for one process; with REDIS_URL ./redis-store.ts (entries with
// a TTL, sets per conversation and customer) is shared by every process.
export type PresenceEntry = {
  socketId: string;
  userId: string;
  name: string;
  customerId: string | null;
  conversationId: string | null;
  /** For the customer-level warning ("… is replying in conversation #123"). */
  conversationNumber: number | null;
  conversationInboxId: string | null;
  typing: boolean;
  since: number;
  /**
   * The inboxes this socket's agent may see ("all" for admins and supervisors):
   * customer-level presence sent to this socket hides conversations outside
   * them. Stored with the entry so any process can filter for any receiver.
   */
  viewerInboxes?: "all" | string[];
};

export interface PresenceStore {
  get(socketId: string): Promise<PresenceEntry | undefined>;
  set(entry: PresenceEntry): Promise<void>;
  remove(socketId: string): Promise<PresenceEntry | undefined>;
  byConversation(conversationId: string): Promise<PresenceEntry[]>;
  byCustomer(customerId: string): Promise<PresenceEntry[]>;
}

export class MemoryPresenceStore implements PresenceStore {
  private entries = new Map<string, PresenceEntry>();
  private conversations = new Map<string, Set<string>>();
  private customers = new Map<string, Set<string>>();

  async get(socketId: string) {
    return this.entries.get(socketId);
  }

  async set(entry: PresenceEntry) {
    this.unindex(entry.socketId);
    this.entries.set(entry.socketId, { ...entry });
    if (entry.conversationId) index(this.conversations, entry.conversationId, entry.socketId);
    if (entry.customerId) index(this.customers, entry.customerId, entry.socketId);
  }

  async remove(id: string) {
    const entry = this.entries.get(id);
    this.unindex(id);
    this.entries.delete(id);
    return entry;
  }

  async byConversation(conversationId: string) {
    return this.collect(this.conversations.get(conversationId));
  }

  async byCustomer(customerId: string) {
    return this.collect(this.customers.get(customerId));
  }

  /** For tests and diagnostics. */
  size() {
    return this.entries.size;
  }

  /** Every entry (the Redis store's heartbeat refreshes this process's sockets). */
  all(): PresenceEntry[] {
    return [...this.entries.values()];
  }

  private collect(ids: Set<string> | undefined): PresenceEntry[] {
    return [...(ids ?? [])].map((id) => this.entries.get(id)).filter((e): e is PresenceEntry => !!e);
  }

  private unindex(id: string) {
    const old = this.entries.get(id);
    if (!old) return;
    if (old.conversationId) unindex(this.conversations, old.conversationId, id);
    if (old.customerId) unindex(this.customers, old.customerId, id);
  }
}

function index(map: Map<string, Set<string>>, key: string, id: string) {
  const set = map.get(key) ?? new Set<string>();
  set.add(id);
  map.set(key, set);
}

function unindex(map: Map<string, Set<string>>, key: string, id: string) {
  const set = map.get(key);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) map.delete(key);
}

export type Viewer = { userId: string; name: string; typing: boolean; conversationId: string | null; conversationNumber: number | null };

/**
 * One line per agent (several tabs of one agent collapse; typing anywhere
 * wins). `canSeeInbox` hides which conversation a colleague is in when the
 * receiving agent may not see that conversation's inbox.
 */
export function toViewers(entries: PresenceEntry[], canSeeInbox: (inboxId: string | null) => boolean = () => true): Viewer[] {
  const byUser = new Map<string, Viewer & { since: number }>();
  for (const e of [...entries].sort((a, b) => a.since - b.since)) {
    const visible = canSeeInbox(e.conversationInboxId);
    const v = { userId: e.userId, name: e.name, typing: e.typing, conversationId: visible ? e.conversationId : null, conversationNumber: visible ? e.conversationNumber : null, since: e.since };
    const prev = byUser.get(e.userId);
    if (!prev) byUser.set(e.userId, v);
    else if (v.typing && !prev.typing) byUser.set(e.userId, { ...v, since: prev.since });
  }
  return [...byUser.values()].map(({ since: _since, ...v }) => v);
}

const g = globalThis as unknown as { __throughlineCollisionPresence?: PresenceStore };

export function presenceStore(): PresenceStore {
  return (g.__throughlineCollisionPresence ??= new MemoryPresenceStore());
}

/** Swap the storage (e.g. a Redis-backed store when REDIS_URL is set). */
export function setPresenceStore(store: PresenceStore) {
  g.__throughlineCollisionPresence = store;
}
