// One typed shape per notification kind (the Notification row's kind + data).
// Every producer writes through rules/notify.ts, which validates against
// these schemas; the bell's list (notifications/list.ts) reads rows back
// through readNotification, so a row that matches no schema (written before
// a shape existed, or by a kind this build does not know) arrives as
// kind "other" with the few fields a generic line can use.
//
// Producers: "mention" (conversations/notes.ts), "rule" (the rules engine's
// notify action), "sla_at_risk" / "sla_breached" (sla/service.ts),
// "assigned", "customer_message" and "customer_reopened" (the conversation
// watch, notifications/conversation-watch.ts). Add a
// kind here, in the union and in the bell's describeNotification.
import { z } from "zod";
import { isUuid, UUID_RE } from "@/server/db/ids";

// The app's own notion of an id (isUuid), not zod's stricter RFC check.
const id = z.string().regex(UUID_RE, "must be an id");

/** The conversation a notification is about, named the way an agent recognises it. */
const conversationRef = {
  conversationId: id,
  conversationNumber: z.number().int(),
  subject: z.string().nullable(),
  customerId: id.nullable(),
  customerName: z.string().nullable(),
};

export const mentionData = z.object({
  ...conversationRef,
  byUserId: id,
  byName: z.string().min(1),
  excerpt: z.string(),
  messageId: id,
  eventId: id,
});

export const ruleData = z.object({
  ruleId: id,
  ruleName: z.string().min(1),
  /** The rule's message (its template filled in), or what happened. */
  text: z.string(),
  customerId: id.nullable(),
  customerName: z.string().nullable(),
  conversationId: id.nullable(),
  // Rows written before these existed lack them.
  conversationNumber: z.number().int().nullable().default(null),
  subject: z.string().nullable().default(null),
  eventId: id.nullable(),
});

export const slaData = z.object({
  ...conversationRef,
  target: z.enum(["first_response", "resolution"]),
  dueAt: z.string().datetime({ offset: true }),
  /** The timeline line ("SLA breached: first response was due …"). */
  text: z.string(),
  policyName: z.string().nullable(),
  eventId: id,
});

export const assignedData = z.object({
  ...conversationRef,
  /** Who assigned it; null when a rule or the system did. */
  byUserId: id.nullable(),
  byName: z.string().nullable(),
  eventId: id.nullable(),
});

/** A customer's message on a conversation assigned to the recipient (reopened: it was resolved or closed). */
export const customerMessageData = z.object({
  ...conversationRef,
  excerpt: z.string(),
  eventId: id,
});

export const notificationSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("mention"), data: mentionData }),
  z.object({ kind: z.literal("rule"), data: ruleData }),
  z.object({ kind: z.literal("sla_at_risk"), data: slaData }),
  z.object({ kind: z.literal("sla_breached"), data: slaData }),
  z.object({ kind: z.literal("assigned"), data: assignedData }),
  z.object({ kind: z.literal("customer_message"), data: customerMessageData }),
  z.object({ kind: z.literal("customer_reopened"), data: customerMessageData }),
]);

/** What a producer writes. */
export type NotificationPayload = z.input<typeof notificationSchema>;
export type TypedNotification = z.output<typeof notificationSchema>;
export type NotificationKind = TypedNotification["kind"];

/** A row no schema matches: only what a generic line can say. */
export type OtherNotification = {
  kind: "other";
  storedKind: string;
  data: { text: string | null; conversationId: string | null; conversationNumber: number | null; subject: string | null; customerId: string | null; customerName: string | null; byName: string | null; ruleName: string | null };
};

export type StoredNotification = TypedNotification | OtherNotification;

/** Validates a notification before it is written; throws on a shape that does not match its kind. */
export function validateNotification(payload: NotificationPayload): TypedNotification {
  const parsed = notificationSchema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid ${payload.kind} notification: ${issue ? `${issue.path.join(".")}: ${issue.message}` : "bad shape"}`);
  }
  return parsed.data;
}

const str = (v: unknown) => (typeof v === "string" && v.trim() ? v : null);

/** A stored row as its typed kind, or as "other" with what can be salvaged. */
export function readNotification(kind: string, data: unknown): StoredNotification {
  const parsed = notificationSchema.safeParse({ kind, data });
  if (parsed.success) return parsed.data;
  const d = (data && typeof data === "object" && !Array.isArray(data) ? data : {}) as Record<string, unknown>;
  const number = typeof d.conversationNumber === "number" ? d.conversationNumber : typeof d.number === "number" ? d.number : null;
  const conversationId = str(d.conversationId);
  const customerId = str(d.customerId);
  return {
    kind: "other",
    storedKind: kind,
    data: {
      text: str(d.text) ?? str(d.excerpt) ?? str(d.message),
      conversationId: isUuid(conversationId) ? conversationId : null,
      conversationNumber: number !== null && Number.isInteger(number) ? number : null,
      subject: str(d.subject),
      customerId: isUuid(customerId) ? customerId : null,
      customerName: str(d.customerName),
      byName: str(d.byName),
      ruleName: str(d.ruleName),
    },
  };
}
