// The OpenAPI 3.1 document of the REST API (/api/v1), served at
// GET /api/v1/openapi.json. Every schema in it is generated with zod's own
// z.toJSONSchema() (JSON Schema 2020-12, OpenAPI 3.1's dialect) from the
// schemas the routes validate with (../routes/v1.schema.ts); what is written
// here is only the API's shape around them: paths, parameters' places,
// statuses, prose and examples. tests/integration/http/openapi.test.ts checks
// it against the OpenAPI 3.1 schema, against the route table, and that the
// events route and the documented body schema agree.
import { z } from "zod";
import {
  apiErrorSchema,
  conversationFieldsPatchSchema,
  conversationFieldsSchema,
  customerListSchema,
  customerLookupQuery,
  customerSchema,
  eventSchema,
  eventsAcceptedSchema,
  eventsRejectedSchema,
  eventsRequestSchema,
  identifyAnswerSchema,
  identifyRequestSchema,
  MAX_EVENTS,
  timelinePageSchema,
  timelineQuery,
} from "../routes/v1.schema";
import { WEBHOOK_EVENT_HELP, type SentEventType } from "@/server/webhooks/event-types";
import { webhookConversationSchema, webhookCustomerSchema, webhookEnvelopeSchema, WEBHOOK_DATA_SCHEMAS } from "@/server/webhooks/payloads";

type JsonSchema = Record<string, unknown>;

// ---- schemas: zod → JSON Schema ----------------------------------------------------------------

const COMPONENT_SCHEMAS = {
  Error: apiErrorSchema,
  Customer: customerSchema,
  CustomerList: customerListSchema,
  TimelinePage: timelinePageSchema,
  Event: eventSchema,
  EventsRequest: eventsRequestSchema,
  EventsAccepted: eventsAcceptedSchema,
  EventsRejected: eventsRejectedSchema,
  IdentifyRequest: identifyRequestSchema,
  IdentifyAnswer: identifyAnswerSchema,
  ConversationFields: conversationFieldsSchema,
  ConversationFieldsPatch: conversationFieldsPatchSchema,
} satisfies Record<string, z.ZodType>;
type SchemaName = keyof typeof COMPONENT_SCHEMAS;

// Outgoing webhooks (src/server/webhooks/payloads.ts): one envelope schema per
// event type, sharing the customer and conversation shapes.
const WEBHOOK_TYPES = Object.keys(WEBHOOK_DATA_SCHEMAS) as SentEventType[];
const webhookSchemaName = (type: SentEventType) => `Webhook_${type.replace(/[._](\w)/g, (_m, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase())}`;
const WEBHOOK_SCHEMAS: Record<string, z.ZodType> = {
  WebhookCustomer: webhookCustomerSchema,
  WebhookConversation: webhookConversationSchema,
  ...Object.fromEntries(WEBHOOK_TYPES.map((t) => [webhookSchemaName(t), webhookEnvelopeSchema(t)])),
};

const WEBHOOK_HEADERS = [
  { name: "webhook-id", in: "header", required: true, description: "The event id (also the body's `id`): the same on every retry and replay. Dedupe on it.", schema: { type: "string", format: "uuid" } },
  { name: "webhook-timestamp", in: "header", required: true, description: "When this attempt was signed, Unix seconds. Refuse timestamps more than 5 minutes away from your clock.", schema: { type: "string", pattern: "^[0-9]+$" } },
  {
    name: "webhook-signature",
    in: "header",
    required: true,
    description: "`v1,<base64 HMAC-SHA256>` of `<webhook-id>.<webhook-timestamp>.<raw body>`, keyed with the endpoint's secret (`whsec_<base64 key>`: the key is the base64-decoded part). Space-separated when several. Verify with any Standard Webhooks library.",
    schema: { type: "string" },
  },
];

function webhooks(): Record<string, unknown> {
  return Object.fromEntries(
    WEBHOOK_TYPES.map((type) => [
      type,
      {
        post: {
          operationId: `webhook_${type.replace(".", "_")}`,
          tags: ["Webhooks"],
          summary: type === "ping" ? "Test event (Send test, Settings → Webhooks)" : `Sent when ${WEBHOOK_EVENT_HELP[type]}`,
          description: "Sent to each enabled endpoint subscribed to this event type (Settings → Webhooks), as JSON, signed. Answer 2xx within 10 s; anything else is retried with backoff (10 s, 1 min, 5 min, 30 min, 2 h, 6 h, 12 h, 24 h), and an endpoint failing for an hour and 15 attempts in a row, or answering 410, is disabled. Events of one conversation (or, without one, of one customer) arrive in order.",
          parameters: WEBHOOK_HEADERS,
          requestBody: { required: true, content: { "application/json": { schema: { $ref: `#/components/schemas/${webhookSchemaName(type)}` } } } },
          responses: { "2XX": { description: "Received: not sent again (except by an admin's replay)." }, default: { description: "Any other answer, or none within 10 s: retried later." } },
        },
      },
    ]),
  );
}

const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });

// Requests are described as the API reads them ("input": defaults optional,
// unknown fields ignored rather than refused); answers use the same setting,
// so a client is never told that a field it does not know cannot appear.
const OPTIONS = { target: "draft-2020-12", io: "input" } as const;

function clean(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  return rest;
}

function componentSchemas(): Record<SchemaName, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries({ ...COMPONENT_SCHEMAS, ...WEBHOOK_SCHEMAS })) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { ...OPTIONS, uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(Object.entries(schemas).map(([id, s]) => [id, clean(s as JsonSchema)])) as Record<SchemaName, JsonSchema>;
}

/** A zod object's fields as OpenAPI parameters (lists comma-separated: style form, explode false). */
function parameters(where: "query" | "path", shape: z.ZodObject): JsonSchema[] {
  return Object.entries(shape.shape).map(([name, field]) => {
    const { description, examples, ...schema } = clean(z.toJSONSchema(field as z.ZodType, OPTIONS) as JsonSchema);
    const parameter: JsonSchema = { name, in: where, required: where === "path" || !(field as z.ZodType).safeParse(undefined).success };
    if (description) parameter.description = description;
    parameter.schema = schema;
    if (schema.type === "array") Object.assign(parameter, { style: "form", explode: false });
    if (Array.isArray(examples) && examples.length) parameter.example = examples[0];
    return parameter;
  });
}

const customerId = parameters("path", z.object({ id: customerSchema.shape.id.meta({ description: "The customer's id." }) }));
const conversationId = parameters("path", z.object({ id: conversationFieldsSchema.shape.id.meta({ description: "The conversation's id." }) }));

// ---- answers ---------------------------------------------------------------------------------

const json = (schema: JsonSchema, examples?: Record<string, unknown>) => ({
  "application/json": { schema, ...(examples ? { examples: Object.fromEntries(Object.entries(examples).map(([k, value]) => [k, { value }])) } : {}) },
});

const errorExample = (code: string, message: string) => ({ error: { code, message } });

const RESPONSES = {
  Unauthorized: {
    description: "Missing, unknown or revoked API key.",
    headers: { "WWW-Authenticate": { schema: { type: "string" }, example: 'Bearer realm="throughline"' } },
    content: json(ref("Error"), { missing: errorExample("unauthorized", "Missing API key: send Authorization: Bearer <key>.") }),
  },
  Forbidden: { description: "The key lacks the operation's scope.", content: json(ref("Error"), { scope: errorExample("forbidden", 'This API key lacks the "customers:read" scope.') }) },
  NotFound: { description: "No customer with this id.", content: json(ref("Error"), { unknown: errorExample("not_found", "No customer with this id.") }) },
  RateLimited: {
    description: "The key made more than API_KEY_RATE_LIMIT requests this minute (default 600; every endpoint counted together).",
    headers: { "Retry-After": { $ref: "#/components/headers/Retry-After" } },
    content: json(ref("Error"), { limited: errorExample("rate_limited", "This API key made more than 600 requests in a minute. Try again in 12 s.") }),
  },
  Unavailable: {
    description: "The database is briefly unreachable; nothing was stored. Retry (writes with the same idempotencyKey).",
    headers: { "Retry-After": { $ref: "#/components/headers/Retry-After" } },
    content: json(ref("Error"), { down: errorExample("unavailable", "The service is briefly unavailable; nothing was stored. Retry in a few seconds.") }),
  },
} as const;
type CommonResponse = keyof typeof RESPONSES;
const common = (...names: CommonResponse[]) => Object.fromEntries(names.map((n) => [{ Unauthorized: 401, Forbidden: 403, NotFound: 404, RateLimited: 429, Unavailable: 503 }[n], { $ref: `#/components/responses/${n}` }]));
const guarded = (...more: CommonResponse[]) => common("Unauthorized", "Forbidden", ...more, "RateLimited", "Unavailable");

const badRequest = (description: string, examples: Record<string, unknown>) => ({ description, content: json(ref("Error"), examples) });

// ---- examples ---------------------------------------------------------------------------------

const CUSTOMER_EXAMPLE = {
  id: "0192f0c4-6a2b-7c1d-9e3f-4a5b6c7d8e9f",
  name: "Ada Lovelace",
  identities: [{ kind: "email", value: "ada@example.com", verified: true }],
  attributes: { plan: "pro" },
  journeyStage: "customer",
  lifetimeValue: 199,
  mergedIntoId: null,
  lastSeenAt: "2026-01-31T12:00:00.000Z",
  createdAt: "2025-11-02T09:30:00.000Z",
};
const CONVERSATION_FIELDS_EXAMPLE = {
  id: "0192f0c4-7b3c-7d2e-8f40-5b6c7d8e9f01",
  number: 1042,
  inboxId: "0192f0c4-1a2b-7c3d-8e4f-5a6b7c8d9e0f",
  customFields: { order_id: "A-1042", reason: "Refund" },
  missingRequired: [{ key: "refund_amount", label: "Refund amount" }],
};
const EVENT_EXAMPLE = { customer: { email: "ada@example.com", name: "Ada Lovelace" }, name: "purchase", occurredAt: "2026-01-31T12:00:00Z", properties: { amount: 99.5, currency: "EUR" }, idempotencyKey: "order-1042" };

// ---- the document ---------------------------------------------------------------------------

function buildDocument() {
  return {
    openapi: "3.1.1",
    info: {
      title: "Throughline REST API",
      version: "1",
      description: [
        "The public REST API of this Throughline instance: look customers up, read their timeline, send product events.",
        "",
        "Authenticate with an API key from **Settings → API keys**: `Authorization: Bearer <key>`. Each operation names the scope it needs (`customers:read`, `events:write`; `*` has all).",
        "Every refusal is JSON `{\"error\":{\"code\",\"message\"}}`. This document is public: `GET /api/v1/openapi.json` needs no key.",
      ].join("\n"),
    },
    servers: [{ url: "/", description: "This instance" }],
    tags: [
      { name: "Customers", description: "Who a customer is, found by any identity." },
      { name: "Timeline", description: "Everything that happened with a customer, newest first, keyset-paged." },
      { name: "Events", description: "Product events from your own systems." },
      { name: "Conversations", description: "A conversation's custom fields (Settings → Fields)." },
      { name: "Reference", description: "This document." },
      { name: "Webhooks", description: "What this instance POSTs to your endpoints (Settings → Webhooks): one signed JSON envelope `{ id, type, version, createdAt, data }` per event." },
    ],
    security: [{ apiKey: [] }],
    paths: {
      "/api/v1/conversations/{id}/fields": {
        get: {
          operationId: "getConversationFields",
          tags: ["Conversations"],
          summary: "Read a conversation's custom fields",
          description: "The conversation's custom field values by key, and the fields its inbox requires that are still empty. Scope: `customers:read`.",
          security: [{ apiKey: ["customers:read"] }],
          parameters: conversationId,
          responses: {
            200: { description: "The values.", content: json(ref("ConversationFields"), { fields: CONVERSATION_FIELDS_EXAMPLE }) },
            404: badRequest("No conversation with this id.", { unknown: errorExample("not_found", "No conversation with this id.") }),
            ...guarded(),
          },
        },
        patch: {
          operationId: "setConversationFields",
          tags: ["Conversations"],
          summary: "Set a conversation's custom fields",
          description:
            "Sets the fields named in `customFields` (null clears one) and leaves the others as they are. Every value is checked against its field first: an unknown key or an invalid value refuses the whole call and nothing is stored. Each change is on the customer's timeline as a ticket change. Scope: `events:write`.",
          security: [{ apiKey: ["events:write"] }],
          parameters: conversationId,
          requestBody: { required: true, content: json(ref("ConversationFieldsPatch"), { set: { customFields: { order_id: "A-1042", reason: "Refund" } }, clear: { customFields: { reason: null } } }) },
          responses: {
            200: { description: "The values after the change.", content: json(ref("ConversationFields"), { fields: CONVERSATION_FIELDS_EXAMPLE }) },
            400: badRequest("An unknown field, a value its field does not accept, or a malformed body; nothing stored.", {
              value: errorExample("invalid_value", "Refund amount (refund_amount): must be a finite number."),
              select: errorExample("invalid_value", "Reason (reason): must be one of “Refund”, “Exchange”."),
              unknown: errorExample("unknown_field", "No such field: colour."),
            }),
            404: badRequest("No conversation with this id.", { unknown: errorExample("not_found", "No conversation with this id.") }),
            ...guarded(),
          },
        },
      },
      "/api/v1/customers": {
        get: {
          operationId: "findCustomer",
          tags: ["Customers"],
          summary: "Find a customer by identity",
          description: "Pass exactly one of `email`, `phone`, `externalId` or `identity`. A merged-away identity leads to the surviving customer. Scope: `customers:read`.",
          security: [{ apiKey: ["customers:read"] }],
          parameters: parameters("query", customerLookupQuery),
          responses: {
            200: { description: "The customer owning the identity, or none.", content: json(ref("CustomerList"), { found: { items: [CUSTOMER_EXAMPLE] }, none: { items: [] } }) },
            400: badRequest("Not exactly one valid filter, or an invalid email or phone.", {
              filter: errorExample("invalid_filter", "Pass exactly one of email=, phone=, externalId= or identity=<kind>:<value>."),
              identity: errorExample("invalid_identity", "invalid email address: ada@"),
            }),
            ...guarded(),
          },
        },
      },
      "/api/v1/customers/{id}": {
        get: {
          operationId: "getCustomer",
          tags: ["Customers"],
          summary: "Get a customer",
          description: "A customer merged into another is still returned, with `mergedIntoId` set: follow it. Scope: `customers:read`.",
          security: [{ apiKey: ["customers:read"] }],
          parameters: customerId,
          responses: { 200: { description: "The customer.", content: json(ref("Customer"), { customer: CUSTOMER_EXAMPLE }) }, ...guarded("NotFound") },
        },
      },
      "/api/v1/customers/{id}/timeline": {
        get: {
          operationId: "getTimeline",
          tags: ["Timeline"],
          summary: "Read a customer's timeline",
          description:
            "Every message, note, ticket change, product event and survey answer of the customer, strictly newest first by `(occurredAt, id)`. Keyset-paged: pass `nextCursor` back as `cursor`; paging stays stable while events arrive. Scope: `customers:read`.",
          security: [{ apiKey: ["customers:read"] }],
          parameters: [...customerId, ...parameters("query", timelineQuery)],
          responses: {
            200: {
              description: "One page.",
              content: json(ref("TimelinePage"), {
                page: {
                  items: [{ id: "0192f0c5-1111-7aaa-8bbb-0123456789ab", occurredAt: "2026-01-31T12:00:00.000Z", kind: "product_event", channel: "api", actor: "customer", text: "purchase", name: "purchase", payload: { amount: 99.5 } }],
                  nextCursor: null,
                },
              }),
            },
            400: badRequest("A bad limit, cursor or filter.", {
              limit: errorExample("invalid_parameter", "limit must be an integer from 1 to 200."),
              cursor: errorExample("invalid_cursor", "cursor is not valid: pass back nextCursor exactly as received"),
            }),
            ...guarded("NotFound"),
          },
        },
      },
      "/api/v1/identify": {
        post: {
          operationId: "identifyCustomer",
          tags: ["Customers"],
          summary: "Identify a customer",
          description:
            "What your system knows about a customer: finds them by email, externalId or phone (creating them when unknown), links the identities given, sets the name and merges `attributes` key by key (null removes one). Idempotent: the same call twice changes nothing the second time. Scope: `events:write` (the key that sends a customer's events may say who they are).",
          security: [{ apiKey: ["events:write"] }],
          requestBody: {
            required: true,
            content: json(ref("IdentifyRequest"), { identify: { customer: { email: "ada@example.com", externalId: "usr_42", name: "Ada Lovelace" }, attributes: { plan: "Business", seats: 12 } } }),
          },
          responses: {
            200: { description: "The customer was known; name and attributes are updated.", content: json(ref("IdentifyAnswer")) },
            201: { description: "The customer was created.", content: json(ref("IdentifyAnswer")) },
            400: badRequest("The body is not valid (no identity, a malformed email or phone, an attribute name or value not accepted); nothing stored.", {
              identity: errorExample("invalid_request", "customer: needs at least one of email, externalId, phone"),
            }),
            413: badRequest("A body over 1 MB; nothing stored.", { size: errorExample("payload_too_large", "Request body is larger than 1048576 bytes.") }),
            ...guarded(),
          },
        },
      },
      "/api/v1/events": {
        post: {
          operationId: "sendEvents",
          tags: ["Events"],
          summary: "Send product events",
          description: `One event or an array of up to ${MAX_EVENTS}. Each item is validated on its own: the valid ones are stored together, the others are named by index in \`errors\`. The body may be at most 1 MB. Scope: \`events:write\`.`,
          security: [{ apiKey: ["events:write"] }],
          requestBody: {
            required: true,
            content: json(ref("EventsRequest"), { single: EVENT_EXAMPLE, batch: [EVENT_EXAMPLE, { customer: { externalId: "usr_42" }, name: "signed_up" }] }),
          },
          responses: {
            202: {
              description: "The valid items are stored (or were already: `duplicate`, with the first id).",
              content: json(ref("EventsAccepted"), {
                stored: { items: [{ index: 0, id: "0192f0c5-2222-7aaa-8bbb-0123456789ab", status: "created" }], errors: [] },
                partly: { items: [{ index: 0, id: "0192f0c5-2222-7aaa-8bbb-0123456789ab", status: "duplicate" }], errors: [{ index: 1, message: "name: must not be empty" }] },
              }),
            },
            400: {
              description: "No item is valid (nothing stored), the array is empty, or the body is not JSON or nests too deep.",
              content: json(ref("EventsRejected"), {
                invalid: { error: { code: "invalid_events", message: "Invalid event: customer: needs at least one of email, externalId, phone", details: [{ index: 0, message: "customer: needs at least one of email, externalId, phone" }] }, errors: [{ index: 0, message: "customer: needs at least one of email, externalId, phone" }] },
                json: errorExample("invalid_json", "Request body is not valid JSON."),
              }),
            },
            413: badRequest("More than 1,000 items, or a body over 1 MB; nothing stored.", {
              items: errorExample("too_many_events", `At most ${MAX_EVENTS} events per request; split the batch.`),
              size: errorExample("payload_too_large", "Request body is larger than 1048576 bytes."),
            }),
            ...guarded(),
          },
        },
      },
      "/api/v1/openapi.json": {
        get: {
          operationId: "getOpenApiDocument",
          tags: ["Reference"],
          summary: "This OpenAPI document",
          description: "Public (no API key), cacheable. A rendered reference is at Settings → API keys → API reference.",
          security: [],
          responses: { 200: { description: "The OpenAPI 3.1 document.", content: { "application/json": { schema: { type: "object" } } } } },
        },
      },
    },
    components: {
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "tl_…",
          description: "An API key created at Settings → API keys (shown once). Scopes: `customers:read`, `events:write`, `*`.",
        },
      },
      headers: { "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer", minimum: 1 } } },
      responses: RESPONSES,
      schemas: componentSchemas(),
    },
    webhooks: webhooks(),
  };
}

export type OpenApiDocument = ReturnType<typeof buildDocument>;

let built: { document: OpenApiDocument; text: string } | undefined;

/** The document (built once per process: it depends on nothing but the code). */
export function openApiDocument(): { document: OpenApiDocument; text: string } {
  if (!built) {
    const document = buildDocument();
    built = { document, text: JSON.stringify(document) };
  }
  return built;
}
