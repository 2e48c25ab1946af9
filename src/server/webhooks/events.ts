// Domain events → webhook events. The mapping (docs/webhooks.md):
//   customer.created                         → customer.created
//   customer.merged                          → customer.merged
//   conversation.updated with created        → conversation.created
//   timeline.created, kind message (no note) → message.created
//   timeline.created, ticket_event status / assignee / priority → conversation.updated
//   timeline.created, kind survey_response   → survey.answered
//   timeline.created, kind journey_stage     → journey.stage_changed
// Conversation changes come from their ticket_event rows, not from the bus's
// conversation.updated: each change is a row with its own id (and from/to),
// which gives a deterministic event id; the bus event carries no change id,
// so a redelivered event could not be told from a second identical change.
//
// Payloads are built from the database when the event is processed (the
// conversation's and customer's state then), and stored with the delivery, so
// retries and replays send the same bytes.
import { db } from "@/server/db";
import type { DomainEvent } from "@/server/events/bus";
import type { SentEventType, WebhookEventType } from "./event-types";
import { webhookEventId } from "./ids";
import { WEBHOOK_PAYLOAD_VERSION, type WebhookConversation, type WebhookCustomer, type WebhookEnvelope } from "./payloads";
import { emotionFromColumns } from "@/server/emotion";
import { storedValues } from "@/server/fields/required";

/** A webhook event to build: its id, type, ordering key and where its data comes from. */
export type PlannedEvent =
  | { type: "customer.created"; eventId: string; customerId: string }
  | { type: "customer.merged"; eventId: string; customerId: string; sourceId: string; mergeId: string }
  | { type: "conversation.created"; eventId: string; conversationId: string }
  | { type: "conversation.updated" | "message.created" | "survey.answered" | "journey.stage_changed"; eventId: string; timelineEventId: string };

const CHANGE_FIELDS = new Set(["status", "assignee", "priority", "custom_field"]);

/** The webhook events a batch of domain events stands for, in the batch's order (creations first). */
export function planWebhookEvents(events: DomainEvent[]): PlannedEvent[] {
  const planned: PlannedEvent[] = [];
  for (const e of events) {
    if (e.type === "customer.created") planned.push({ type: "customer.created", eventId: webhookEventId(`customer.created:${e.customerId}`), customerId: e.customerId });
    else if (e.type === "customer.merged") planned.push({ type: "customer.merged", eventId: webhookEventId(`customer.merged:${e.mergeId}`), customerId: e.targetId, sourceId: e.sourceId, mergeId: e.mergeId });
    else if (e.type === "conversation.updated" && e.changes?.created === true) {
      planned.push({ type: "conversation.created", eventId: webhookEventId(`conversation.created:${e.conversationId}`), conversationId: e.conversationId });
    } else if (e.type === "timeline.created") {
      const item = e.item as { kind?: string; name?: string | null } | undefined;
      const type: PlannedEvent["type"] | null =
        item?.kind === "message" ? "message.created"
        : item?.kind === "survey_response" ? "survey.answered"
        : item?.kind === "journey_stage" ? "journey.stage_changed"
        : item?.kind === "ticket_event" && CHANGE_FIELDS.has(item.name ?? "") ? "conversation.updated"
        : null;
      if (type) planned.push({ type, eventId: webhookEventId(`${type}:${e.eventId}`), timelineEventId: e.eventId } as PlannedEvent);
    }
  }
  // A new conversation's first message is published before the conversation
  // itself: creations go first so receivers learn of a customer and a
  // conversation before its messages (a stable sort keeps the rest in order).
  const rank = (p: PlannedEvent) => (p.type === "customer.created" ? 0 : p.type === "conversation.created" ? 1 : 2);
  return planned.map((p, i) => ({ p, i })).sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i).map((x) => x.p);
}

// ---- loading -----------------------------------------------------------------------------------

type TimelineRow = {
  id: string; kind: string; name: string | null; channel: string; actor: string; actor_user_id: string | null; actor_name: string | null;
  customer_id: string; conversation_id: string | null; text: string; payload: Record<string, unknown> | null; occurred_at: Date;
  message_id: string | null; direction: string | null; is_note: boolean | null; body_text: string | null; subject: string | null; author_id: string | null; author_name: string | null;
  sentiment_score: number | null; sentiment_label: "negative" | "neutral" | "positive" | "unscored" | null; frustration_cues: string[] | null;
};

type ConversationRow = {
  id: string; number: number; customer_id: string; inbox_id: string; channel: string; status: string; priority: string; subject: string | null;
  assignee_id: string | null; assignee_name: string | null; tags: string[]; custom_fields: unknown; created_at: Date;
};

type CustomerRow = { id: string; name: string | null; journey_stage: string | null; created_at: Date; identities: { kind: string; value: string }[] | null };

async function loadTimeline(ids: string[]): Promise<Map<string, TimelineRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db.$queryRaw<TimelineRow[]>`
    SELECT e.id, e.kind::text AS kind, e.name, e.channel::text AS channel, e.actor::text AS actor, e.actor_user_id, au.name AS actor_name,
           e.customer_id, e.conversation_id, e.text, e.payload, e.occurred_at,
           m.id AS message_id, m.direction::text AS direction, m.is_note, m.body_text, m.subject, m.author_id, mu.name AS author_name,
           e.sentiment_score, e.sentiment_label::text AS sentiment_label, e.frustration_cues
    FROM timeline_events e
    LEFT JOIN messages m ON m.id = e.message_id
    LEFT JOIN users au ON au.id = e.actor_user_id
    LEFT JOIN users mu ON mu.id = m.author_id
    WHERE e.id = ANY(${ids}::uuid[])`;
  return new Map(rows.map((r) => [r.id, r]));
}

async function loadConversations(ids: string[]): Promise<Map<string, WebhookConversation>> {
  if (ids.length === 0) return new Map();
  const rows = await db.$queryRaw<ConversationRow[]>`
    SELECT c.id, c.number, c.customer_id, c.inbox_id, c.channel::text AS channel, c.status::text AS status, c.priority::text AS priority,
           c.subject, c.assignee_id, u.name AS assignee_name, c.tags, c.custom_fields, c.created_at
    FROM conversations c LEFT JOIN users u ON u.id = c.assignee_id
    WHERE c.id = ANY(${ids}::uuid[])`;
  return new Map(
    rows.map((c) => [
      c.id,
      {
        id: c.id,
        number: c.number,
        customerId: c.customer_id,
        inboxId: c.inbox_id,
        channel: c.channel as WebhookConversation["channel"],
        status: c.status as WebhookConversation["status"],
        priority: c.priority as WebhookConversation["priority"],
        subject: c.subject,
        assignee: c.assignee_id ? { id: c.assignee_id, name: c.assignee_name ?? "" } : null,
        tags: c.tags,
        customFields: fieldValues(c.custom_fields),
        createdAt: c.created_at.toISOString(),
      },
    ]),
  );
}

/** Stored custom field values that a receiver can read: strings and numbers, nothing empty. */
function fieldValues(customFields: unknown): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(storedValues(customFields))) {
    if (typeof value === "number" || (typeof value === "string" && value !== "")) out[key] = value;
  }
  return out;
}

async function loadCustomers(ids: string[]): Promise<Map<string, WebhookCustomer>> {
  if (ids.length === 0) return new Map();
  const rows = await db.$queryRaw<CustomerRow[]>`
    SELECT c.id, c.name, c.journey_stage::text AS journey_stage, c.created_at,
           (SELECT json_agg(json_build_object('kind', i.kind::text, 'value', i.value) ORDER BY i.created_at, i.id)
              FROM customer_identities i WHERE i.customer_id = c.id) AS identities
    FROM customers c WHERE c.id = ANY(${ids}::uuid[])`;
  return new Map(
    rows.map((c) => {
      const identities = (c.identities ?? []) as WebhookCustomer["identities"];
      return [
        c.id,
        {
          id: c.id,
          name: c.name,
          email: identities.find((i) => i.kind === "email")?.value ?? null,
          identities,
          journeyStage: c.journey_stage as WebhookCustomer["journeyStage"],
          createdAt: c.created_at.toISOString(),
        },
      ];
    }),
  );
}

export type BuiltEvent = { eventId: string; type: SentEventType; orderingKey: string | null; envelope: WebhookEnvelope };

const actorOf = (type: string, userId: string | null, name: string | null) => ({ type: (type === "customer" || type === "agent" ? type : "system") as "customer" | "agent" | "system", userId: type === "agent" ? userId : null, name: type === "agent" ? name : null });

const str = (v: unknown): string | null => (typeof v === "string" ? v : v == null ? null : String(v));

/**
 * The envelopes of the planned events whose sources still exist (a deleted
 * conversation, an erased customer or an internal note gives none).
 */
export async function buildWebhookEvents(planned: PlannedEvent[], now = new Date()): Promise<BuiltEvent[]> {
  const timeline = await loadTimeline(planned.flatMap((p) => ("timelineEventId" in p ? [p.timelineEventId] : [])));
  const conversationIds = new Set<string>();
  const customerIds = new Set<string>();
  for (const p of planned) {
    if ("customerId" in p) customerIds.add(p.customerId);
    if (p.type === "conversation.created") conversationIds.add(p.conversationId);
  }
  for (const row of timeline.values()) {
    customerIds.add(row.customer_id);
    if (row.conversation_id) conversationIds.add(row.conversation_id);
  }
  const conversations = await loadConversations([...conversationIds]);
  for (const c of conversations.values()) customerIds.add(c.customerId);
  const customers = await loadCustomers([...customerIds]);

  const built: BuiltEvent[] = [];
  const envelope = (p: PlannedEvent, createdAt: Date, data: unknown): WebhookEnvelope => ({ id: p.eventId, type: p.type, version: WEBHOOK_PAYLOAD_VERSION, createdAt: createdAt.toISOString(), data });
  for (const p of planned) {
    if (p.type === "customer.created" || p.type === "customer.merged") {
      const customer = customers.get(p.customerId);
      if (!customer) continue;
      const data = p.type === "customer.created" ? { customer } : { mergeId: p.mergeId, sourceCustomerId: p.sourceId, customer };
      built.push({ eventId: p.eventId, type: p.type, orderingKey: customer.id, envelope: envelope(p, p.type === "customer.created" ? new Date(customer.createdAt) : now, data) });
      continue;
    }
    if (p.type === "conversation.created") {
      const conversation = conversations.get(p.conversationId);
      const customer = conversation && customers.get(conversation.customerId);
      if (!conversation || !customer) continue;
      built.push({ eventId: p.eventId, type: p.type, orderingKey: conversation.id, envelope: envelope(p, new Date(conversation.createdAt), { conversation, customer }) });
      continue;
    }
    const row = timeline.get(p.timelineEventId);
    const customer = row && customers.get(row.customer_id);
    if (!row || !customer) continue;
    const conversation = row.conversation_id ? (conversations.get(row.conversation_id) ?? null) : null;
    const payload = row.payload ?? {};
    const orderingKey = row.conversation_id ?? row.customer_id;
    const occurredAt = row.occurred_at.toISOString();
    if (p.type === "message.created") {
      if (row.is_note || row.kind !== "message") continue;
      const direction = (row.direction ?? (row.actor === "customer" ? "inbound" : "outbound")) as "inbound" | "outbound";
      const author = row.author_id ? actorOf("agent", row.author_id, row.author_name) : actorOf(row.actor, row.actor_user_id, row.actor_name);
      const emotion = emotionFromColumns(row.sentiment_score, row.sentiment_label, row.frustration_cues);
      const message = { id: row.message_id ?? row.id, direction, channel: row.channel, text: row.body_text ?? row.text, subject: row.subject, author, createdAt: occurredAt, emotion };
      built.push({ eventId: p.eventId, type: p.type, orderingKey, envelope: envelope(p, row.occurred_at, { message, conversation, customer }) });
    } else if (p.type === "conversation.updated") {
      if (!conversation) continue;
      const change =
        row.name === "custom_field"
          ? { field: "custom_field" as const, key: str(payload.key) ?? undefined, from: str(payload.from), to: str(payload.to) }
          : { field: row.name as "status" | "assignee" | "priority", from: str(payload.from), to: str(payload.to) };
      built.push({ eventId: p.eventId, type: p.type, orderingKey, envelope: envelope(p, row.occurred_at, { conversation, change, changedBy: actorOf(row.actor, row.actor_user_id, row.actor_name), occurredAt }) });
    } else if (p.type === "survey.answered") {
      const survey = { id: str(payload.surveyId), kind: (str(payload.kind) ?? row.name) as string, score: Number(payload.score), max: Number(payload.max), comment: str(payload.comment) };
      built.push({ eventId: p.eventId, type: p.type, orderingKey, envelope: envelope(p, row.occurred_at, { survey, conversationId: row.conversation_id, customer, occurredAt }) });
    } else if (p.type === "journey.stage_changed") {
      const data = { from: str(payload.from), to: str(payload.to) ?? row.name, changedBy: actorOf(row.actor, row.actor_user_id, row.actor_name), customer, occurredAt };
      built.push({ eventId: p.eventId, type: p.type, orderingKey: row.customer_id, envelope: envelope(p, row.occurred_at, data) });
    }
  }
  return built;
}

export type { WebhookEventType };
