// Presence and typing over the agents' socket.io connection (collision
// detection). A console page tells the server what it shows:
//   presence.view   {conversationId?, customerId?}  → ack {ok, conversation?, customer?}
//   presence.typing {typing}                        (auto-cleared after a pause)
//   presence.leave
// and everyone looking at the same conversation or customer receives
//   presence.changed {conversationId?, customerId?, viewers:[{userId,name,typing,conversationId,conversationNumber}]}
// Entries are removed on disconnect. Storage is ./store.ts (swappable; shared
// through Redis with REDIS_URL, ./redis-store.ts). Every push goes through
// socket.io rooms or socket ids, which the Redis adapter delivers on every
// process, so agents on different processes see each other.
import type { Server } from "socket.io";
import { z } from "zod";
import { db } from "@/server/db";
import { customerVisible } from "@/server/customers/visibility";
import type { AgentSocket, SocketHandlerContext } from "@/server/realtime/types";
import type { PresenceChanges } from "./redis-store";
import { presenceStore, toViewers, type PresenceEntry } from "./store";

export const presenceRooms = {
  conversation: (id: string) => `presence:conv:${id}`,
};

/** Typing expires when the composer goes quiet (the client refreshes it while typing). */
export const TYPING_TTL_MS = 8_000;

const uuid = z.string().uuid();
const viewSchema = z.object({ conversationId: uuid.optional(), customerId: uuid.optional() });
const typingSchema = z.object({ typing: z.boolean() });

function canSee(inboxes: "all" | string[], inboxId: string | null) {
  return inboxes === "all" || inboxId === null || inboxes.includes(inboxId);
}

export async function broadcastConversation(io: Server, conversationId: string) {
  const viewers = toViewers(await presenceStore().byConversation(conversationId));
  io.to(presenceRooms.conversation(conversationId)).emit("presence.changed", { conversationId, viewers });
}

export async function broadcastCustomer(io: Server, customerId: string) {
  const entries = await presenceStore().byCustomer(customerId);
  // The receivers are the viewers themselves (each entry is a socket on some
  // process). Which conversation a colleague is in stays hidden from agents who
  // may not see its inbox, so the list is computed per distinct inbox access and
  // sent to those sockets by id.
  const local = io.of("/").sockets;
  type Group = { inboxes: "all" | string[]; socketIds: string[] };
  const groups = new Map<string, Group>();
  for (const e of entries) {
    // A socket of this process: its current access (re-read on subscribe); else the entry's copy.
    const inboxes = (local.get(e.socketId) as AgentSocket | undefined)?.data.inboxes ?? e.viewerInboxes ?? [];
    const key = inboxes === "all" ? "all" : [...inboxes].sort().join(",");
    const group: Group = groups.get(key) ?? { inboxes, socketIds: [] };
    group.socketIds.push(e.socketId);
    groups.set(key, group);
  }
  for (const { inboxes, socketIds } of groups.values()) {
    io.to(socketIds).emit("presence.changed", { customerId, viewers: toViewers(entries, (inboxId) => canSee(inboxes, inboxId)) });
  }
}

/**
 * With a shared store: refresh this process's entries every heartbeat and
 * broadcast where viewers vanished (a crashed process's entries expired).
 */
export function startPresenceHeartbeat(io: Server, store: { heartbeatMs: number; heartbeat: () => Promise<PresenceChanges> }): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void store
      .heartbeat()
      .then(async (changes) => {
        for (const id of changes.conversationIds) await broadcastConversation(io, id);
        for (const id of changes.customerIds) await broadcastCustomer(io, id);
      })
      .catch((error: unknown) => console.error(`[presence] heartbeat: ${(error as Error)?.message ?? String(error)}`))
      .finally(() => (running = false));
  }, store.heartbeatMs);
  timer.unref?.();
  return () => clearInterval(timer);
}

async function broadcastFor(io: Server, entry: Pick<PresenceEntry, "conversationId" | "customerId"> | undefined) {
  if (!entry) return;
  if (entry.conversationId) await broadcastConversation(io, entry.conversationId);
  if (entry.customerId) await broadcastCustomer(io, entry.customerId);
}

/** The console-socket handler of collision detection (wired in with addSocketHandler by src/server/app/service-list.ts). */
export function attachPresence({ io, socket }: SocketHandlerContext) {
  const store = presenceStore();
  const viewer = socket.data.viewer;
  let typingTimer: NodeJS.Timeout | undefined;
  // Presence messages of one socket are handled in order.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>) => {
    const next = chain.then(fn, fn);
    chain = next.catch((error: unknown) => console.error(`[presence] ${(error as Error)?.stack ?? String(error)}`));
    return next;
  };

  const leave = async () => {
    clearTimeout(typingTimer);
    const old = await store.remove(socket.id);
    if (old?.conversationId) void socket.leave(presenceRooms.conversation(old.conversationId));
    await broadcastFor(io, old);
  };

  socket.on("presence.view", (payload: unknown, ack?: (r: unknown) => void) =>
    void serial(async () => {
      const parsed = viewSchema.safeParse(payload);
      if (!parsed.success || (!parsed.data.conversationId && !parsed.data.customerId)) return ack?.({ ok: false, error: "invalid" });
      let { customerId = null } = parsed.data;
      const conversationId = parsed.data.conversationId ?? null;
      let conversationNumber: number | null = null;
      let conversationInboxId: string | null = null;
      if (conversationId) {
        const conv = await db.conversation.findUnique({ where: { id: conversationId }, select: { inboxId: true, customerId: true, number: true } });
        if (!conv || !canSee(socket.data.inboxes, conv.inboxId)) return ack?.({ ok: false, error: "not found" });
        customerId = conv.customerId;
        conversationNumber = conv.number;
        conversationInboxId = conv.inboxId;
      } else if (customerId) {
        if (!(await customerVisible(customerId, socket.data.inboxes))) return ack?.({ ok: false, error: "not found" });
      }
      const old = await store.get(socket.id);
      const same = old && old.conversationId === conversationId && old.customerId === customerId;
      if (old && !same) await leave();
      const entry: PresenceEntry = {
        socketId: socket.id,
        userId: viewer.userId,
        name: viewer.name ?? viewer.email ?? "Agent",
        customerId,
        conversationId,
        conversationNumber,
        conversationInboxId,
        typing: same ? old.typing : false,
        since: same ? old.since : Date.now(),
        viewerInboxes: socket.data.inboxes,
      };
      await store.set(entry);
      if (conversationId) await socket.join(presenceRooms.conversation(conversationId));
      if (!same) await broadcastFor(io, entry);
      const entriesConv = conversationId ? await store.byConversation(conversationId) : [];
      const entriesCust = customerId ? await store.byCustomer(customerId) : [];
      ack?.({
        ok: true,
        conversation: conversationId ? { conversationId, viewers: toViewers(entriesConv) } : null,
        customer: customerId ? { customerId, viewers: toViewers(entriesCust, (i) => canSee(socket.data.inboxes, i)) } : null,
      });
    }),
  );

  socket.on("presence.typing", (payload: unknown) =>
    void serial(async () => {
      const parsed = typingSchema.safeParse(payload);
      if (!parsed.success) return;
      const entry = await store.get(socket.id);
      if (!entry?.conversationId) return;
      clearTimeout(typingTimer);
      if (parsed.data.typing) {
        typingTimer = setTimeout(() => {
          void serial(async () => {
            const current = await store.get(socket.id);
            if (!current?.typing) return;
            await store.set({ ...current, typing: false });
            await broadcastFor(io, current);
          });
        }, TYPING_TTL_MS);
        typingTimer.unref?.();
      }
      if (entry.typing === parsed.data.typing) return;
      await store.set({ ...entry, typing: parsed.data.typing, viewerInboxes: socket.data.inboxes });
      await broadcastFor(io, entry);
    }),
  );

  socket.on("presence.leave", () => void serial(leave));
  socket.on("disconnect", () => void serial(leave));
}
