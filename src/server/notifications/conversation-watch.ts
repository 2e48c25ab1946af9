// The conversation watch: notifications an agent gets about the
// conversations assigned to them, produced from committed domain events (a
// consumer of the event queue, ./register.ts), so no write path waits on it:
//
// - "assigned": someone else (an agent, a supervisor, a rule) made them the
//   assignee (assigning yourself, or replying with assign-on-reply, is silent);
// - "customer_message": the customer wrote on a conversation assigned to them;
// - "customer_reopened": that message reopened a resolved or closed one.
//
// A burst of customer messages on one conversation in one batch makes one
// notification (the latest message). Each notification goes through
// rules/notify.ts like every other kind, so the agent's channel choices apply.
import { db } from "@/server/db";
import type { DomainEvent } from "@/server/events/bus";
import { conversationRef, notify, type NotificationDraft } from "@/server/rules/notify";

type TimelineCreated = Extract<DomainEvent, { type: "timeline.created" }>;

const EXCERPT_CHARS = 200;

function isCustomerMessage(e: DomainEvent): e is TimelineCreated & { conversationId: string } {
  if (e.type !== "timeline.created" || !e.conversationId) return false;
  const item = e.item as { kind?: unknown; actor?: unknown } | undefined;
  return item?.kind === "message" && item.actor === "customer";
}

export async function onConversationWatchEvents(events: DomainEvent[]): Promise<void> {
  const drafts: NotificationDraft[] = [];
  for (const e of events) {
    if (e.type !== "conversation.updated") continue;
    const draft = await assignedDraft(e).catch((error: unknown) => {
      console.warn(`[notifications] assignment of ${e.conversationId}: ${(error as Error).message}`);
      return null;
    });
    if (draft) drafts.push(draft);
  }
  // The latest customer message per conversation.
  const latest = new Map<string, TimelineCreated & { conversationId: string }>();
  for (const e of events) if (isCustomerMessage(e)) latest.set(e.conversationId, e);
  for (const e of latest.values()) {
    const draft = await customerMessageDraft(e).catch((error: unknown) => {
      console.warn(`[notifications] customer message on ${e.conversationId}: ${(error as Error).message}`);
      return null;
    });
    if (draft) drafts.push(draft);
  }
  // Not retried as a batch (the rows would be written twice): a failure is logged and dropped.
  if (drafts.length) await notify(drafts).catch((error: unknown) => console.warn(`[notifications] ${drafts.length} conversation notifications failed: ${(error as Error).message}`));
}

async function assignedDraft(e: Extract<DomainEvent, { type: "conversation.updated" }>): Promise<NotificationDraft | null> {
  const to = e.changes.assigneeId;
  const by = typeof e.changes.byUserId === "string" ? e.changes.byUserId : null;
  // A conversation an agent opens is theirs from the start: nothing to tell them.
  if (typeof to !== "string" || to === by || e.changes.created) return null;
  const [ref, assignee, actor] = await Promise.all([
    conversationRef(db, e.conversationId),
    db.user.findUnique({ where: { id: to }, select: { deactivatedAt: true } }),
    by ? db.user.findUnique({ where: { id: by }, select: { name: true } }) : null,
  ]);
  if (!ref || !assignee || assignee.deactivatedAt) return null;
  const { inboxId: _inbox, ...data } = ref;
  // The assignee event this change wrote, for the link's anchor.
  const [ev] = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM timeline_events
    WHERE conversation_id = ${e.conversationId}::uuid AND kind = 'ticket_event' AND name = 'assignee' AND payload->>'to' = ${to}
    ORDER BY occurred_at DESC, id DESC LIMIT 1`;
  return { userId: to, kind: "assigned", data: { ...data, byUserId: by, byName: actor?.name ?? null, eventId: ev?.id ?? null } };
}

async function customerMessageDraft(e: TimelineCreated & { conversationId: string }): Promise<NotificationDraft | null> {
  const [row] = await db.$queryRaw<{ assignee_id: string | null; deactivated: boolean; text: string; message_id: string | null }[]>`
    SELECT c.assignee_id, (u.deactivated_at IS NOT NULL) AS deactivated, t.text, t.message_id
    FROM timeline_events t
    JOIN conversations c ON c.id = t.conversation_id
    LEFT JOIN users u ON u.id = c.assignee_id
    WHERE t.id = ${e.eventId}::uuid`;
  if (!row?.assignee_id || row.deactivated) return null;
  const ref = await conversationRef(db, e.conversationId);
  if (!ref) return null;
  const { inboxId: _inbox, ...data } = ref;
  // The reopen this message caused (conversations/lifecycle.ts recordReopen names its message).
  const reopened = row.message_id
    ? await db.$queryRaw<{ n: number }[]>`
        SELECT 1 AS n FROM timeline_events
        WHERE conversation_id = ${e.conversationId}::uuid AND kind = 'ticket_event' AND name = 'status'
          AND payload->>'messageId' = ${row.message_id} AND payload->>'from' IN ('resolved', 'closed')
        LIMIT 1`
    : [];
  const excerpt = row.text.replace(/\s+/g, " ").trim().slice(0, EXCERPT_CHARS);
  return { userId: row.assignee_id, kind: reopened.length ? "customer_reopened" : "customer_message", data: { ...data, excerpt, eventId: e.eventId } };
}
