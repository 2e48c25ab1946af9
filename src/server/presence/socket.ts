// Presence and typing over the agents' socket.io connection (collision
// detection). A console page tells the server what it shows:
//   presence.view   {conversationId?, customerId?}  → ack {ok, conversation?, customer?}
//   presence.typing {typing}                        (auto-cleared after a pause)
//   presence.leave
// and everyone looking at the same conversation or customer receives
//   presence.changed {conversationId?, customerId?, viewers:[{userId,name,typing,conversationId,conversationNumber}]}
// Entries are removed on disconnect. Storage is ./store.ts (swappable).
import type { Server } from "socket.io";
import { z } from "zod";
import { db } from "@/server/db";
import type { AgentSocket } from "@/server/realtime/server";
import { presenceStore, toViewers, type PresenceEntry } from "./store";

export const presenceRooms = {
  conversation: (id: string) => `presence:conv:${id}`,
  customer: (id: string) => `presence:cust:${id}`,
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
  const nsp = io.of("/");
  const members = nsp.adapter.rooms.get(presenceRooms.customer(customerId));
  for (const id of members ?? []) {
    const s = nsp.sockets.get(id) as AgentSocket | undefined;
    if (!s) continue;
    // Which conversation a colleague is in stays hidden from agents who may not see its inbox.
    s.emit("presence.changed", { customerId, viewers: toViewers(entries, (inboxId) => canSee(s.data.inboxes, inboxId)) });
  }
}

async function broadcastFor(io: Server, entry: Pick<PresenceEntry, "conversationId" | "customerId"> | undefined) {
  if (!entry) return;
  if (entry.conversationId) await broadcastConversation(io, entry.conversationId);
  if (entry.customerId) await broadcastCustomer(io, entry.customerId);
}

export function attachPresence({ io, socket }: { io: Server; socket: AgentSocket }) {
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
    if (old?.customerId) void socket.leave(presenceRooms.customer(old.customerId));
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
        const exists = await db.customer.findUnique({ where: { id: customerId }, select: { id: true } });
        if (!exists) return ack?.({ ok: false, error: "not found" });
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
      };
      await store.set(entry);
      if (conversationId) await socket.join(presenceRooms.conversation(conversationId));
      if (customerId) await socket.join(presenceRooms.customer(customerId));
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
      await store.set({ ...entry, typing: parsed.data.typing });
      await broadcastFor(io, entry);
    }),
  );

  socket.on("presence.leave", () => void serial(leave));
  socket.on("disconnect", () => void serial(leave));
}
