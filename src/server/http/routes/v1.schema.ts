// The REST API's vocabulary (/api/v1, docs/contracts.md) as zod schemas: the
// route handlers in v1.ts validate with them, and the OpenAPI document
// (src/server/http/openapi/) is generated from them, so the reference cannot
// drift from what the API accepts. Answers are described here too; their
// types are checked against the read models that produce them (bottom).
import { z } from "zod";
import { IDENTITY_KINDS } from "@/server/customers/normalize";
import type { CustomerView } from "@/server/customers/lookup";
import { unstorablePath } from "@/server/text/storable";
import { MAX_PAGE, TIMELINE_CHANNELS, TIMELINE_KINDS, type TimelineItem } from "@/server/timeline/query";

// ---- GET /api/v1/customers --------------------------------------------------------------------

/** The lookup filters: a request passes exactly one. */
export const CUSTOMER_FILTERS = ["email", "phone", "externalId", "identity"] as const;

export const customerLookupQuery = z.object({
  email: z.string().optional().meta({ description: "An email address (matched case-insensitively).", examples: ["ada@example.com"] }),
  phone: z.string().optional().meta({ description: "A phone number, normalised to E.164 before matching.", examples: ["+4915112345678"] }),
  externalId: z.string().optional().meta({ description: "Your system's id for the customer.", examples: ["usr_42"] }),
  identity: z
    .string()
    .regex(new RegExp(`^(${IDENTITY_KINDS.join("|")}):.+$`))
    .optional()
    .meta({ description: `Any identity as <kind>:<value>, kind one of ${IDENTITY_KINDS.join(", ")}.`, examples: ["telegram_user_id:123456789"] }),
}) satisfies z.ZodObject<Record<(typeof CUSTOMER_FILTERS)[number], z.ZodType>>;

// ---- GET /api/v1/customers/:id/timeline --------------------------------------------------------

export const TIMELINE_DEFAULT_LIMIT = 50;

/** from= / to=: an ISO-8601 date-time with offset, or a date. */
export const timelineDateParam = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

export const timelineQuery = z.object({
  limit: z.int().min(1).max(MAX_PAGE).default(TIMELINE_DEFAULT_LIMIT).meta({ description: "Items per page." }),
  cursor: z.string().optional().meta({ description: "The previous page's nextCursor, passed back exactly as received." }),
  channel: z.array(z.enum(TIMELINE_CHANNELS)).min(1).optional().meta({ description: "Only these channels (comma-separated).", examples: [["email", "chat"]] }),
  kind: z.array(z.enum(TIMELINE_KINDS)).min(1).optional().meta({ description: "Only these kinds (comma-separated).", examples: [["message"]] }),
  conversationId: z.uuid().optional().meta({ description: "Only the events of this conversation." }),
  from: timelineDateParam.optional().meta({ description: "Only events at or after this time.", examples: ["2026-01-01T00:00:00Z"] }),
  to: timelineDateParam.optional().meta({ description: "Only events at or before this time (not before from).", examples: ["2026-01-31"] }),
});

// ---- POST /api/v1/identify ----------------------------------------------------------------------

/** Who a customer is: at least one of email, externalId, phone (shared by events and identify). */
export const customerRefSchema = z
  .object({
    email: z.string().max(320).optional(),
    externalId: z.string().trim().min(1).max(256).optional(),
    phone: z.string().max(40).optional(),
    name: z.string().trim().max(200).optional(),
  })
  .refine((c) => c.email || c.externalId || c.phone, { message: "needs at least one of email, externalId, phone" })
  .meta({
    description: "Who: at least one of email, externalId, phone. Unknown customers are created.",
    // The refine above, for JSON Schema readers.
    anyOf: [{ required: ["email"] }, { required: ["externalId"] }, { required: ["phone"] }],
  });

const ATTRIBUTE_KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
export const MAX_ATTRIBUTES = 50;

export const identifyRequestSchema = z
  .object({
    customer: customerRefSchema,
    attributes: z
      .record(z.string(), z.union([z.string().max(2000), z.number(), z.boolean(), z.null(), z.array(z.union([z.string().max(200), z.number(), z.boolean()])).max(50)]))
      .optional()
      .refine((a) => !a || Object.keys(a).length <= MAX_ATTRIBUTES, `at most ${MAX_ATTRIBUTES} attributes per call`)
      .superRefine((a, ctx) => {
        const bad = Object.keys(a ?? {}).find((k) => !ATTRIBUTE_KEY.test(k));
        if (bad !== undefined) ctx.addIssue({ code: "custom", path: [bad], message: `"${bad.slice(0, 40)}" is not an attribute name: use 1–64 letters, digits, _ . - (starting with a letter or _)` });
      })
      .meta({ description: "Merged into the customer's attributes key by key (shown in the single view; rules read them as customer.attributes.*). null removes a key.", examples: [{ plan: "Business", seats: 12, beta: true }] }),
  })
  .superRefine((b, ctx) => {
    const bad = unstorablePath(b);
    if (bad) ctx.addIssue({ code: "custom", path: bad, message: "must not contain NUL characters or unpaired UTF-16 surrogates" });
  });

// ---- POST /api/v1/events ------------------------------------------------------------------------

export const MAX_EVENTS = 1000;
// Clock skew allowance for occurredAt.
const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;
// PostgreSQL's timestamptz has no year 0 (ISO-8601 and JavaScript do).
const MIN_OCCURRED_AT = Date.parse("0001-01-01T00:00:00Z");

/** One product event; each item of a batch is validated with this on its own. */
export const eventSchema = z
  .object({
    customer: customerRefSchema.meta({ description: "Who did it: at least one of email, externalId, phone. Unknown customers are created." }),
    name: z.string().trim().min(1, "must not be empty").max(100).meta({ description: "The event's name. `purchase` with a numeric properties.amount adds to the customer's lifetime value.", examples: ["purchase"] }),
    occurredAt: z.iso
      .datetime({ offset: true, message: "must be an ISO-8601 date-time, e.g. 2026-01-31T12:00:00Z" })
      .optional()
      .meta({ description: "When it happened (years 1–9999, at most 24 h ahead); default: now." }),
    properties: z.record(z.string(), z.unknown()).optional().meta({ description: "Any JSON object; shown on the timeline." }),
    idempotencyKey: z.string().min(1).max(200).optional().meta({ description: "Scoped to your API key: the same key twice is stored once and answered `duplicate`." }),
  })
  .superRefine((e, ctx) => {
    if (e.name === "purchase" && e.properties?.amount !== undefined) {
      const a = e.properties.amount;
      if (typeof a !== "number" || !Number.isFinite(a) || Math.abs(a) >= 1e12) {
        ctx.addIssue({ code: "custom", path: ["properties", "amount"], message: "must be a number (e.g. 99.5)" });
      }
    }
    if (e.occurredAt && Date.parse(e.occurredAt) > Date.now() + MAX_FUTURE_MS) {
      ctx.addIssue({ code: "custom", path: ["occurredAt"], message: "is in the future" });
    }
    if (e.occurredAt && Date.parse(e.occurredAt) < MIN_OCCURRED_AT) {
      ctx.addIssue({ code: "custom", path: ["occurredAt"], message: "is before the year 1" });
    }
    // Text the database cannot store is this item's error, not a failed batch.
    const bad = unstorablePath(e);
    if (bad) ctx.addIssue({ code: "custom", path: bad, message: "must not contain NUL characters or unpaired UTF-16 surrogates" });
  });

/** The body: one event, or an array of 1 to MAX_EVENTS (more → 413). */
export const eventsRequestSchema = z.union([eventSchema, z.array(eventSchema).min(1).max(MAX_EVENTS)]);

// ---- answers ---------------------------------------------------------------------------------

export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "Stable, machine-readable: unauthorized, forbidden, not_found, rate_limited, invalid_filter, invalid_parameter, invalid_cursor, invalid_events, payload_too_large, unavailable, …" }),
      message: z.string().meta({ description: "For people: what went wrong and what to do." }),
      details: z.unknown().optional(),
    }),
  })
  .meta({ description: "Every refusal has this shape." });

export const customerSchema = z.object({
  id: z.uuid(),
  name: z.string().nullable(),
  identities: z.array(z.object({ kind: z.enum(IDENTITY_KINDS), value: z.string(), verified: z.boolean() })),
  attributes: z.record(z.string(), z.unknown()),
  journeyStage: z.string().nullable(),
  lifetimeValue: z.number(),
  mergedIntoId: z.uuid().nullable().meta({ description: "Set when this customer was merged into another: follow it to the survivor." }),
  lastSeenAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});

export const identifyAnswerSchema = z.object({
  customer: customerSchema,
  created: z.boolean().meta({ description: "true (and status 201) when this call created the customer." }),
  possibleDuplicates: z.array(z.uuid()).meta({ description: "Other customers an identity in the call already belongs to: never merged automatically (an agent can merge them)." }),
});

export const customerListSchema = z.object({ items: z.array(customerSchema).max(1).meta({ description: "Zero or one: an identity belongs to one customer." }) });

const optionalText = z.string().optional();
const optionalId = z.uuid().optional();
export const timelineItemSchema = z
  .object({
    id: z.uuid(),
    occurredAt: z.iso.datetime(),
    kind: z.enum(TIMELINE_KINDS),
    channel: z.enum(TIMELINE_CHANNELS),
    actor: z.enum(["customer", "agent", "system"]),
    text: z.string().meta({ description: "The message's plain text, or a one-line summary of another event." }),
    name: optionalText,
    conversationId: optionalId,
    conversationNumber: z.int().optional(),
    inboxId: optionalId,
    messageId: optionalId,
    direction: z.enum(["inbound", "outbound"]).optional(),
    deliveryStatus: optionalText,
    deliveryError: optionalText,
    subject: optionalText,
    bodyHtml: optionalText.meta({ description: "An email's HTML; remote images come without src (see docs/security.md)." }),
    quotedText: optionalText,
    actorUserId: optionalId,
    actorName: optionalText,
    attachments: z.array(z.object({ id: z.uuid(), filename: z.string(), contentType: z.string(), size: z.int() })).optional(),
    payload: z.record(z.string(), z.unknown()).optional(),
    emotion: z
      .object({
        score: z.number().min(-1).max(1).nullable().meta({ description: "−1 (most negative) … +1 (most positive); null when unscored." }),
        label: z.enum(["negative", "neutral", "positive", "unscored"]).meta({ description: "unscored: a language the sentiment model does not read (never guessed)." }),
        cues: z.array(z.string()).meta({ description: "Frustration cues found: repeated_contact, caps, still, again, escalation." }),
      })
      .optional()
      .meta({ description: "The customer's emotion on an inbound message or survey answer (docs/emotion.md)." }),
  })
  .meta({ description: "Fields that do not apply to an item are left out; more may be added." });

export const timelinePageSchema = z.object({
  items: z.array(timelineItemSchema).meta({ description: "Newest first by (occurredAt, id)." }),
  nextCursor: z.string().nullable().meta({ description: "Pass as cursor= for the next page; null on the last." }),
});

const itemErrors = z.array(z.object({ index: z.int().min(0), message: z.string() })).meta({ description: "The refused items, by index in the request." });

export const eventsAcceptedSchema = z.object({
  items: z.array(z.object({ index: z.int().min(0), id: z.uuid(), status: z.enum(["created", "duplicate"]) })),
  errors: itemErrors,
});

export const eventsRejectedSchema = apiErrorSchema.extend({ errors: itemErrors.optional() });

// ---- GET / PATCH /api/v1/conversations/:id/fields ----------------------------------------------

const fieldValueSchema = z.union([z.string(), z.number()]);

export const conversationFieldsSchema = z.object({
  id: z.uuid(),
  number: z.int().meta({ description: "The conversation's ticket number (#1042)." }),
  inboxId: z.uuid(),
  customFields: z.record(z.string(), fieldValueSchema).meta({ description: "Custom field values by field key (Settings → Fields); a field without a value is left out.", examples: [{ order_id: "A-1042", reason: "Refund" }] }),
  missingRequired: z.array(z.object({ key: z.string(), label: z.string() })).meta({ description: "The fields this conversation's inbox requires that are still empty: it cannot be resolved until they are filled." }),
});

export const conversationFieldsPatchSchema = z
  .object({
    customFields: z
      .record(z.string().max(100), z.union([z.string().max(2000), z.number(), z.null()]))
      .refine((v) => Object.keys(v).length <= 100, "at most 100 fields per call")
      .meta({
        description:
          "Values by field key: text (at most 500 characters), number (finite), select (one of the field's options) or date (YYYY-MM-DD). null or an empty string clears a field; fields not named are left as they are. Unknown keys or invalid values refuse the whole call.",
        examples: [{ order_id: "A-1042", reason: "Refund", refund_amount: 49.9, purchased_on: "2026-01-31" }],
      }),
  })
  .strict();

// ---- the answers' schemas match the read models that produce them ---------------------------

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const customerMatches: Same<z.output<typeof customerSchema>, CustomerView> = true;
// Every documented timeline field is one the read model has.
const timelineFieldsExist: Same<Exclude<keyof z.output<typeof timelineItemSchema>, keyof TimelineItem>, never> = true;
void customerMatches;
void timelineFieldsExist;
