// open_ticket: a new conversation for the customer (in the given inbox, the event's, or the first email inbox).
import { db } from "@/server/db";
import { recordTouchpoint } from "@/server/ingest/record";
import { renderTemplate } from "../conditions";
import { priorityChange } from "./set-priority";
import { audit, causedBy, ruleLabel, ticketChange } from "./steps";
import type { RuleAction } from "./types";

export const openTicket: RuleAction<"open_ticket"> = async (a, x) => {
  const label = ruleLabel(x);
  if (!x.ctx.customer) throw new Error("no customer");
  let inboxId = a.inboxId ?? null;
  if (!inboxId && x.ctx.conversation) inboxId = x.ctx.conversation.inboxId;
  if (!inboxId) inboxId = (await db.inbox.findFirst({ where: { channel: "email" }, orderBy: { createdAt: "asc" }, select: { id: true } }))?.id ?? null;
  if (!inboxId) inboxId = (await db.inbox.findFirst({ orderBy: { createdAt: "asc" }, select: { id: true } }))?.id ?? null;
  if (!inboxId) throw new Error("no inbox to open the ticket in");
  const inbox = await db.inbox.findUnique({ where: { id: inboxId }, select: { id: true, channel: true } });
  if (!inbox) throw new Error("the inbox does not exist");
  const subject = renderTemplate(a.subject || x.ctx.event?.text || x.rule.name, x.ctx).slice(0, 300);
  const r = await recordTouchpoint({
    customerId: x.ctx.customer.id,
    conversation: { inboxId: inbox.id, externalThreadKey: `rule:${x.rule.id}:${x.triggerKey}`, subject },
    channel: inbox.channel,
    kind: "ticket_event",
    actor: "system",
    name: "opened",
    text: `${label} opened a ticket: ${subject}`,
    payload: { subject, ...causedBy(x) },
    dedupeKey: `rule:${x.rule.id}:${x.triggerKey}:${x.index}`,
  });
  x.conversationId = r.conversationId;
  if (r.conversationId) await audit(db, x, a.type, "conversation", r.conversationId, { subject });
  if (a.priority && r.conversationId && a.priority !== "normal") await ticketChange(x, "set_priority", priorityChange(x, a.priority));
  return `${label} opened a ticket`;
};
