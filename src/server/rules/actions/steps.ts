// What the rule actions share: the audit and timeline entries an action
// writes, the ticket change in one transaction, and finding the conversation
// to act on.
import { db, Prisma } from "@/server/db";
import { bus } from "@/server/events/bus";
import { publishTimelineCreated, recordTouchpoint, type CreatedEvent } from "@/server/ingest/record";
import { insertTicketEvent } from "@/server/conversations/ticket-events";
import { runTransaction, type Tx } from "@/server/db/tx";
import { recordAudit } from "@/server/audit/record";
import type { Exec } from "./types";

export function causedBy(x: Exec) {
  return { causedByRule: x.rule.id, ruleName: x.rule.name, ruleDepth: x.depth, triggerKey: x.triggerKey };
}

export function ruleLabel(x: Exec) {
  return `Rule “${x.rule.name}”`;
}

export async function audit(tx: Tx | typeof db, x: Exec, action: string, targetType: string, targetId: string, data: Record<string, unknown>) {
  await recordAudit(tx, { actorUserId: null, action: `rule.${action}`, targetType, targetId, data: { ruleId: x.rule.id, ruleName: x.rule.name, triggerKey: x.triggerKey, depth: x.depth, ...data } });
}

export type ConvLock = { id: string; status: string; priority: string; tags: string[]; assignee_id: string | null; team_id: string | null; customer_id: string; inbox_id: string };

export type TicketChange = { data: Prisma.ConversationUncheckedUpdateInput; name: string; text: string; payload: Record<string, unknown>; changes: Record<string, unknown> };

/** A ticket change: conversation update + ticket_event + audit in one transaction, then published. */
export async function ticketChange(x: Exec, action: string, change: (conv: ConvLock, tx: Tx) => Promise<TicketChange | null>): Promise<string> {
  const convId = x.conversationId!;
  const done = await runTransaction(async (tx) => {
    const [conv] = await tx.$queryRaw<ConvLock[]>`
      SELECT id, status::text AS status, priority::text AS priority, tags, assignee_id, team_id, customer_id, inbox_id
      FROM conversations WHERE id = ${convId}::uuid FOR UPDATE`;
    if (!conv) throw new Error("the conversation no longer exists");
    const c = await change(conv, tx);
    if (!c) return null;
    await tx.conversation.update({ where: { id: convId }, data: c.data });
    const ev = await insertTicketEvent(tx, convId, { name: c.name, text: c.text, payload: { ...c.payload, ...causedBy(x) } });
    await audit(tx, x, action, "conversation", convId, c.payload);
    return { ev, conv, changes: c.changes, text: c.text };
  });
  if (!done) return "no change";
  await publishTimelineCreated([done.ev]);
  bus.publish({ type: "conversation.updated", conversationId: convId, customerId: done.conv.customer_id, inboxId: done.conv.inbox_id, changes: done.changes });
  return done.text;
}

/** A customer-level entry (no conversation): ticket_event on the customer's timeline + audit. */
export async function customerEntry(x: Exec, action: string, text: string, payload: Record<string, unknown>): Promise<string> {
  const customerId = x.ctx.customer!.id;
  await recordTouchpoint({
    customerId,
    channel: "system",
    kind: "ticket_event",
    actor: "system",
    name: `rule_${action}`,
    text,
    payload: { ...payload, ...causedBy(x) },
    dedupeKey: `rule:${x.rule.id}:${x.triggerKey}:${x.index}`,
  });
  await audit(db, x, action, "customer", customerId, payload);
  return text;
}

/** A timeline note that an action happened (notify, webhook) on the conversation or the customer. */
export async function actionEntry(x: Exec, action: string, text: string, payload: Record<string, unknown>): Promise<string> {
  if (!x.conversationId) return customerEntry(x, action, text, payload);
  const convId = x.conversationId;
  const dedupeKey = `rule:${x.rule.id}:${x.triggerKey}:${x.index}`;
  // Already written by an earlier attempt of this run.
  if (await db.timelineEvent.findUnique({ where: { dedupeKey }, select: { id: true } })) return text;
  const ev: CreatedEvent = await runTransaction(async (tx) => {
    const e = await insertTicketEvent(tx, convId, { name: `rule_${action}`, text, payload: { ...payload, ...causedBy(x) }, dedupeKey });
    await audit(tx, x, action, "conversation", convId, payload);
    return e;
  });
  await publishTimelineCreated([ev]);
  return text;
}

async function latestOpenConversation(customerId: string): Promise<string | null> {
  const c = await db.conversation.findFirst({
    where: { customerId, status: { in: ["open", "pending", "snoozed"] }, channel: { notIn: ["api", "system"] } },
    orderBy: [{ lastMessageAt: "desc" }, { id: "desc" }],
    select: { id: true },
  });
  return c?.id ?? null;
}

/** The conversation to act on: the event's, else the customer's latest open one. */
export async function needConversation(x: Exec): Promise<string> {
  if (!x.conversationId && x.ctx.customer) x.conversationId = await latestOpenConversation(x.ctx.customer.id);
  if (!x.conversationId) throw new Error("no conversation to act on");
  return x.conversationId;
}
