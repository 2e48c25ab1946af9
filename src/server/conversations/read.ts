// An agent looking at a conversation has read what the customer wrote: inbound
// messages get readAt, and message.status "read" goes on the bus (the widget
// shows the visitor "Read").
import { db } from "@/server/db";
import { bus } from "@/server/events/bus";

export async function markInboundRead(conversationId: string): Promise<number> {
  const rows = await db.$queryRaw<{ id: string; customer_id: string; inbox_id: string }[]>`
    UPDATE messages m SET read_at = now()
    FROM conversations c
    WHERE m.conversation_id = ${conversationId}::uuid AND c.id = m.conversation_id
      AND m.direction = 'inbound' AND m.read_at IS NULL AND m.deleted_at IS NULL
    RETURNING m.id, c.customer_id, m.inbox_id`;
  bus.publishAll(
    rows.map((r) => ({ type: "message.status" as const, conversationId, customerId: r.customer_id, inboxId: r.inbox_id, messageId: r.id, status: "read" })),
  );
  return rows.length;
}
