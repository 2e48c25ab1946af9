// The outgoing webhook payloads (docs/webhooks.md): one versioned envelope
// `{ id, type, version, createdAt, data }` and one `data` shape per event
// type. The builders in ./events.ts produce these; the OpenAPI document's
// `webhooks` section (src/server/http/openapi/document.ts) is generated from
// them, and tests validate real deliveries against them. Keep them stable:
// add optional fields, never rename or remove one (that would be version 2).
import { z } from "zod";
import { CHANNELS, IDENTITY_KINDS, JOURNEY_STAGES, PRIORITIES, STATUSES, SURVEY_KINDS } from "@/lib/vocabulary";
import type { SentEventType } from "./event-types";

export const WEBHOOK_PAYLOAD_VERSION = 1;

const isoTime = z.iso.datetime({ offset: true }).meta({ description: "ISO-8601 time (UTC)." });

export const webhookCustomerSchema = z
  .object({
    id: z.uuid(),
    name: z.string().nullable(),
    email: z.string().nullable().meta({ description: "The customer's first email identity, if any." }),
    identities: z.array(z.object({ kind: z.enum(IDENTITY_KINDS), value: z.string() })),
    journeyStage: z.enum(JOURNEY_STAGES).nullable(),
    createdAt: isoTime,
  })
  .meta({ description: "The customer as it is when the event is processed." });

export const webhookUserSchema = z.object({ id: z.uuid(), name: z.string() }).meta({ description: "A Throughline user (agent, supervisor or admin)." });

export const webhookConversationSchema = z
  .object({
    id: z.uuid(),
    number: z.int().meta({ description: "The human-facing ticket number (#1042)." }),
    customerId: z.uuid(),
    inboxId: z.uuid(),
    channel: z.enum(CHANNELS),
    status: z.enum(STATUSES),
    priority: z.enum(PRIORITIES),
    subject: z.string().nullable(),
    assignee: webhookUserSchema.nullable(),
    tags: z.array(z.string()),
    customFields: z
      .record(z.string(), z.union([z.string(), z.number()]))
      .meta({ description: "Custom conversation field values by field key (Settings → Fields): text, select and date (YYYY-MM-DD) as strings, number as a number." }),
    createdAt: isoTime,
  })
  .meta({ description: "The conversation as it is when the event is processed." });

const actorSchema = z.object({
  type: z.enum(["customer", "agent", "system"]),
  userId: z.uuid().nullable().meta({ description: "The agent's user id when type is agent." }),
  name: z.string().nullable(),
});

export const customerCreatedData = z.object({ customer: webhookCustomerSchema });

export const customerMergedData = z.object({
  mergeId: z.uuid(),
  sourceCustomerId: z.uuid().meta({ description: "The customer merged away (kept for undo, now points at the target)." }),
  customer: webhookCustomerSchema.meta({ description: "The surviving customer." }),
});

export const conversationCreatedData = z.object({ conversation: webhookConversationSchema, customer: webhookCustomerSchema });

export const conversationUpdatedData = z.object({
  conversation: webhookConversationSchema,
  change: z
    .object({
      field: z.enum(["status", "assignee", "priority", "custom_field"]),
      key: z.string().optional().meta({ description: "The custom field's key, when field is custom_field." }),
      from: z.string().nullable().meta({ description: "The previous value (a status, a priority, the previous assignee's user id, or a custom field's value as text; null when unassigned or empty)." }),
      to: z.string().nullable().meta({ description: "The new value (same kinds as from)." }),
    })
    .meta({ description: "One change per event: a request that changes status and priority sends two events." }),
  changedBy: actorSchema,
  occurredAt: isoTime,
});

export const messageCreatedData = z.object({
  message: z.object({
    id: z.uuid(),
    direction: z.enum(["inbound", "outbound"]).meta({ description: "inbound: from the customer; outbound: from an agent, a rule or the system." }),
    channel: z.enum(CHANNELS),
    text: z.string().meta({ description: "The message's plain text." }),
    subject: z.string().nullable(),
    author: actorSchema,
    createdAt: isoTime,
    emotion: z
      .object({
        score: z.number().min(-1).max(1).nullable(),
        label: z.enum(["negative", "neutral", "positive", "unscored"]),
        cues: z.array(z.string()),
      })
      .nullable()
      .optional()
      .meta({ description: "The customer's emotion on an inbound message (docs/emotion.md); null for outbound messages." }),
  }),
  conversation: webhookConversationSchema.nullable(),
  customer: webhookCustomerSchema,
});

export const surveyAnsweredData = z.object({
  survey: z.object({
    id: z.uuid().nullable(),
    kind: z.enum(SURVEY_KINDS),
    score: z.int(),
    max: z.int().meta({ description: "The top of the scale (CSAT 5, NPS 10, CES 7)." }),
    comment: z.string().nullable(),
  }),
  conversationId: z.uuid().nullable(),
  customer: webhookCustomerSchema,
  occurredAt: isoTime,
});

export const journeyStageChangedData = z.object({
  from: z.enum(JOURNEY_STAGES).nullable(),
  to: z.enum(JOURNEY_STAGES),
  changedBy: actorSchema.meta({ description: "system when inferred, agent when set by hand." }),
  customer: webhookCustomerSchema,
  occurredAt: isoTime,
});

export const pingData = z.object({ message: z.string(), endpointId: z.uuid() });

/** Each event type's `data`. */
export const WEBHOOK_DATA_SCHEMAS = {
  "customer.created": customerCreatedData,
  "customer.merged": customerMergedData,
  "conversation.created": conversationCreatedData,
  "conversation.updated": conversationUpdatedData,
  "message.created": messageCreatedData,
  "survey.answered": surveyAnsweredData,
  "journey.stage_changed": journeyStageChangedData,
  ping: pingData,
} satisfies Record<SentEventType, z.ZodType>;

/** The envelope of one event type (what the receiver's body parses as). */
export function webhookEnvelopeSchema<T extends SentEventType>(type: T) {
  return z.object({
    id: z.uuid().meta({ description: "The event id, also sent as webhook-id: the same on every retry and replay. Dedupe on it." }),
    type: z.literal(type),
    version: z.literal(WEBHOOK_PAYLOAD_VERSION).meta({ description: "The payload version; fields are only added within a version." }),
    createdAt: isoTime.meta({ description: "When the event happened (or was recorded)." }),
    data: WEBHOOK_DATA_SCHEMAS[type] as (typeof WEBHOOK_DATA_SCHEMAS)[T],
  });
}

export type WebhookData<T extends SentEventType> = z.infer<(typeof WEBHOOK_DATA_SCHEMAS)[T]>;
export type WebhookCustomer = z.infer<typeof webhookCustomerSchema>;
export type WebhookConversation = z.infer<typeof webhookConversationSchema>;

export type WebhookEnvelope = { id: string; type: SentEventType; version: number; createdAt: string; data: unknown };
