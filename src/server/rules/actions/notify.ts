// notify: in-app notifications to a role, the assignee or named users (default: supervisors).
import { db } from "@/server/db";
import { renderTemplate } from "../conditions";
import { conversationRef, insertNotifications, publishNotifications, usersWithRole } from "../notify";
import { actionEntry, ruleLabel } from "./steps";
import type { RuleAction } from "./types";

export const notify: RuleAction<"notify"> = async (a, x) => {
  const label = ruleLabel(x);
  const recipients = new Set<string>(a.userIds ?? []);
  if (a.role === "assignee") {
    if (x.ctx.conversation?.assigneeId) recipients.add(x.ctx.conversation.assigneeId);
  } else if (a.role) for (const id of await usersWithRole(db, [a.role])) recipients.add(id);
  if (!a.role && !a.userIds?.length) for (const id of await usersWithRole(db, ["supervisor"])) recipients.add(id);
  // The rule's name is the notification's actor; the default text says what happened.
  const message = renderTemplate(a.message || (x.ctx.event?.text ?? (x.ctx.conversation ? `#${x.ctx.conversation.number} has waited ${x.ctx.conversation.waitingMinutes ?? "?"} min` : "")), x.ctx);
  // The conversation acted on (maybe one an earlier action opened), named by number, subject and customer.
  const conv = x.conversationId ? await conversationRef(db, x.conversationId) : null;
  const data = {
    ruleId: x.rule.id,
    ruleName: x.rule.name,
    text: message,
    customerId: conv?.customerId ?? x.ctx.customer?.id ?? null,
    customerName: conv?.customerName ?? x.ctx.customer?.name ?? null,
    conversationId: conv?.conversationId ?? null,
    conversationNumber: conv?.conversationNumber ?? null,
    subject: conv?.subject ?? null,
    eventId: x.ctx.event?.id ?? null,
  };
  const rows = await insertNotifications(db, [...recipients].map((userId) => ({ userId, kind: "rule" as const, data })));
  publishNotifications(rows);
  const who = a.role && a.role !== "assignee" ? `${rows.length} ${a.role}${rows.length === 1 ? "" : "s"}` : `${rows.length} ${rows.length === 1 ? "person" : "people"}`;
  return actionEntry(x, a.type, `${label} notified ${who}`, { recipients: [...recipients], message });
};
