// A message's delivery state, pushed to the console (message.status and the refreshed timeline item).
import { db } from "@/server/db";
import { bus } from "@/server/events/bus";
import { getTimelineItem } from "@/server/timeline/query";

/** Publishes a message's delivery state: message.status and the refreshed timeline item. */
export async function publishMessageStatus(messageId: string) {
  const row = await db.message.findUnique({
    where: { id: messageId },
    select: { conversationId: true, inboxId: true, deliveryStatus: true, deliveryError: true, event: { select: { id: true, customerId: true } } },
  });
  if (!row?.event) return;
  bus.publish({
    type: "message.status",
    conversationId: row.conversationId,
    customerId: row.event.customerId,
    inboxId: row.inboxId,
    messageId,
    status: row.deliveryStatus,
    error: row.deliveryError,
  });
  const item = await getTimelineItem(row.event.id).catch(() => null);
  bus.publish({ type: "timeline.updated", customerId: row.event.customerId, eventId: row.event.id, conversationId: row.conversationId, inboxId: row.inboxId, item: item ?? undefined });
}
