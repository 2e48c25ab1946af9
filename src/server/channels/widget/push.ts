// Server → visitor pushes driven by the event bus: stored messages ("message"),
// read receipts ("message:status"), delivery marks, and re-binding the
// visitor sockets of customers that were merged or unmerged.
import type { Namespace } from "socket.io";
import { db } from "@/server/db";
import type { DomainEvent } from "@/server/events/bus";
import { widgetInboxById } from "./config";
import type { MessageStatusEvent, TypingEvent, WidgetMessage } from "./protocol";
import { widgetRooms } from "./rooms";
import { loadWidgetMessage, markDelivered } from "./service";
import type { Visitors, VisitorSocket } from "./events/context";

/**
 * Pushes a stored message to its customer's visitor sockets (in this
 * process). Re-read from the database, so the visitor gets exactly what
 * toWidgetMessage allows: internal notes never. Returns how many sockets got it.
 */
export async function pushMessage(ns: Namespace, messageId: string): Promise<number> {
  const msg = await loadWidgetMessage(messageId);
  if (!msg) return 0;
  const { customerId, inboxId, conversationId: _c, outbound, ...payload } = msg;
  const room = widgetRooms.customer(inboxId, customerId);
  ns.to(room).emit("message", payload satisfies WidgetMessage);
  if (outbound) ns.to(room).emit("typing", { typing: false } satisfies TypingEvent);
  const reached = outbound ? await visitorSocketsIn(ns, room) : (ns.adapter.rooms.get(room)?.size ?? 0);
  // Sent (by the outbox) and a visitor socket has it: delivered.
  if (outbound && reached > 0) await markDelivered([], msg.id);
  return reached;
}

/** Visitor sockets in a room on this process, or else on any process (Redis adapter). */
async function visitorSocketsIn(ns: Namespace, room: string): Promise<number> {
  const local = ns.adapter.rooms.get(room)?.size ?? 0;
  if (local > 0) return local;
  return ns.in(room).fetchSockets().then((s) => s.length, () => 0);
}

export async function onBusEvent(ns: Namespace, event: DomainEvent, visitors: Visitors) {
  switch (event.type) {
    case "timeline.created": {
      if (!event.inboxId || !event.conversationId) return;
      const item = event.item as { kind?: string; messageId?: string | null } | undefined;
      let messageId = item?.messageId ?? null;
      if (item) {
        // Only messages; internal notes never reach a visitor.
        if (item.kind !== "message" || !messageId) return;
      } else {
        const row = await db.timelineEvent.findUnique({ where: { id: event.eventId }, select: { kind: true, messageId: true } });
        if (!row || row.kind !== "message" || !row.messageId) return;
        messageId = row.messageId;
      }
      const inbox = await widgetInboxById(event.inboxId);
      if (!inbox) return;
      await pushMessage(ns, messageId);
      return;
    }
    case "message.status": {
      if (event.status !== "read" && event.status !== "sent") return;
      const inbox = await widgetInboxById(event.inboxId);
      if (!inbox) return;
      const msg = await loadWidgetMessage(event.messageId);
      if (!msg) return;
      const room = widgetRooms.customer(msg.inboxId, msg.customerId);
      if (event.status === "read") ns.to(room).emit("message:status", { id: msg.id, status: "read" } satisfies MessageStatusEvent);
      // Sent by the outbox and a visitor socket is here (it got the push): delivered.
      else if (msg.outbound && (await visitorSocketsIn(ns, room)) > 0) await markDelivered([], msg.id);
      return;
    }
    case "customer.merged":
    case "customer.unmerged": {
      // The visitor may now speak as another customer: every local socket of either re-resolves.
      const affected = new Set<VisitorSocket>();
      for (const s of visitors.sockets()) if (s.data.customerId === event.sourceId || s.data.customerId === event.targetId) affected.add(s);
      for (const s of affected) await visitors.bindCustomer(s).catch(() => undefined);
      return;
    }
    default:
      return;
  }
}
