// Ticket changes (status, assignee, priority, tags, SLA breach…) as timeline
// events on the conversation's customer's timeline: on their own through the
// write path, or inside a caller's transaction beside the change itself.
import type { ChannelKind } from "@/generated/prisma/enums";
import { db, Prisma } from "@/server/db";
import { uuidv7 } from "@/server/db/ids";
import type { Tx } from "@/server/db/tx";
import { recordTouchpoint } from "@/server/ingest/record";
import { TouchpointError, type CreatedEvent, type TouchpointResult } from "@/server/ingest/touchpoint";

export type TicketEventInput = {
  actorUserId?: string | null;
  /** The change: "status", "assignee", "priority", "tags", "sla_breach"... */
  name: string;
  /** One line for the timeline: "Status changed to resolved". */
  text: string;
  payload?: Record<string, unknown>;
  occurredAt?: Date;
  dedupeKey?: string;
};

/** A ticket change on the conversation's customer's timeline (own transaction, published). */
export async function recordTicketEvent(conversationId: string, e: TicketEventInput): Promise<TouchpointResult> {
  if (!/^[0-9a-f-]{36}$/i.test(conversationId)) throw new TouchpointError("not_found", `unknown conversation ${conversationId.slice(0, 60)}`);
  const conv = await db.conversation.findUnique({ where: { id: conversationId }, select: { inboxId: true, channel: true } });
  if (!conv) throw new TouchpointError("not_found", `unknown conversation ${conversationId}`);
  return recordTouchpoint({
    conversation: { id: conversationId, inboxId: conv.inboxId },
    channel: conv.channel,
    kind: "ticket_event",
    actor: e.actorUserId ? "agent" : "system",
    actorUserId: e.actorUserId ?? null,
    name: e.name,
    text: e.text,
    payload: e.payload,
    occurredAt: e.occurredAt,
    dedupeKey: e.dedupeKey,
  });
}

/**
 * The same inside a caller's transaction (e.g. a status change and its
 * timeline entry committed together). Call publishTimelineCreated after commit.
 */
export async function insertTicketEvent(tx: Tx, conversationId: string, e: TicketEventInput): Promise<CreatedEvent> {
  const [conv] = await tx.$queryRaw<{ customer_id: string; origin_customer_id: string; inbox_id: string; channel: ChannelKind }[]>`
    SELECT customer_id, origin_customer_id, inbox_id, channel FROM conversations WHERE id = ${conversationId}::uuid`;
  if (!conv) throw new TouchpointError("not_found", `unknown conversation ${conversationId}`);
  const id = uuidv7();
  const occurredAt = e.occurredAt ?? new Date();
  await tx.timelineEvent.create({
    data: {
      id,
      customerId: conv.customer_id,
      originCustomerId: conv.origin_customer_id,
      occurredAt,
      kind: "ticket_event",
      channel: conv.channel,
      actor: e.actorUserId ? "agent" : "system",
      actorUserId: e.actorUserId ?? null,
      conversationId,
      inboxId: conv.inbox_id,
      name: e.name,
      text: e.text,
      payload: (e.payload ?? {}) as Prisma.InputJsonValue,
      dedupeKey: e.dedupeKey ?? null,
    },
  });
  return { eventId: id, customerId: conv.customer_id, conversationId, inboxId: conv.inbox_id, occurredAt };
}
