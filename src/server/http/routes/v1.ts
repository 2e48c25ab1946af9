// The REST API under /api/v1 (docs/contracts.md), served by the lean HTTP
// layer (src/server/http/app.ts) ahead of Next. API-key guarded.
//   GET  /api/v1/customers?email=|phone=|externalId=|identity=<kind>:<value>
//        → { items: [customer] } (zero or one: an identity belongs to one customer).
//   GET  /api/v1/customers/:id → the customer (404 if unknown). A merged-away
//        customer is returned with mergedIntoId set, so clients can follow it.
//   GET  /api/v1/customers/:id/timeline?limit=50&cursor=…&channel=email,chat&kind=message&conversationId=&from=&to=
//        → { items: [...], nextCursor } newest first by (occurredAt, id), keyset-paged
//        (see the timeline page contract in docs).
//   POST /api/v1/identify — what your system knows about a customer: finds (or
//        creates) them by email / externalId / phone, sets the name, merges
//        attributes. 200 (201 when created) { customer, created, possibleDuplicates }.
//   POST /api/v1/events — product events (purchases, sign-ups, page views...) from
//        the company's own systems. One event object or an array of up to 1,000.
//        Each item is validated on its own: invalid items are reported by index and
//        not stored, valid ones are stored together in one transaction.
//        202 { items: [{ index, id, status: "created" | "duplicate" }], errors: [{ index, message }] }
import { findCustomersByIdentity, getCustomerView } from "@/server/customers/lookup";
import { IDENTITY_KINDS, InvalidIdentityError, normalizeEmail, normalizePhone, type IdentityKindName } from "@/server/customers/normalize";
import { requireApiKey } from "@/server/http/auth";
import { ONE_MB, readJsonBody } from "@/server/http/body";
import { errorResponse, formatZodError, handleApi, HttpError, json } from "@/server/http/errors";
import { BATCH_JSON_LIMITS } from "@/server/security/json-shape";
import { toApiItem } from "@/server/timeline/api-shape";
import { decodeCursor } from "@/server/timeline/cursor";
import { recordTouchpointGrouped } from "@/server/ingest/group-commit";
import { isUuid } from "@/server/db/ids";
import { recordTouchpoints, type TouchpointInput } from "@/server/ingest/record";
import { productEventTouchpoint } from "@/server/timeline/product-events";
import { listCustomerTimeline, MAX_PAGE, TIMELINE_CHANNELS, TIMELINE_KINDS } from "@/server/timeline/query";
import type { RouteContext } from "../route-context";
import { CUSTOMER_FILTERS as FILTERS, eventSchema, identifyRequestSchema, MAX_EVENTS, TIMELINE_DEFAULT_LIMIT, timelineDateParam } from "./v1.schema";
import { identifyCustomer } from "@/server/customers/identify";
import type { IdentityClaim } from "@/server/customers/identity";

// ---- GET /api/v1/customers -------------------------------------------------------------------

export async function listCustomers(req: Request): Promise<Response> {
  return handleApi(async () => {
    await requireApiKey(req, "customers:read");
    const params = new URL(req.url).searchParams;
    const given = FILTERS.filter((f) => params.has(f));
    if (given.length !== 1) {
      throw new HttpError(400, "invalid_filter", "Pass exactly one of email=, phone=, externalId= or identity=<kind>:<value>.");
    }
    const filter = given[0]!;
    const raw = params.get(filter) ?? "";
    let kind: IdentityKindName;
    let value: string;
    if (filter === "identity") {
      const sep = raw.indexOf(":");
      const k = sep > 0 ? raw.slice(0, sep) : "";
      if (!(IDENTITY_KINDS as readonly string[]).includes(k)) {
        throw new HttpError(400, "invalid_filter", `identity must be <kind>:<value> with kind one of ${IDENTITY_KINDS.join(", ")}.`);
      }
      kind = k as IdentityKindName;
      value = raw.slice(sep + 1);
    } else {
      kind = filter === "externalId" ? "external_id" : filter;
      value = raw;
    }
    if (!value.trim()) throw new HttpError(400, "invalid_filter", `${filter} must not be empty.`);
    return json({ items: await findCustomersByIdentity(kind, value) });
  });
}

// ---- GET /api/v1/customers/:id ---------------------------------------------------------------

export async function getCustomer(req: Request, ctx: RouteContext<"id">): Promise<Response> {
  return handleApi(async () => {
    await requireApiKey(req, "customers:read");
    const { id } = await ctx.params;
    const customer = await getCustomerView(id);
    if (!customer) throw new HttpError(404, "not_found", "No customer with this id.");
    return json(customer);
  });
}

// ---- GET /api/v1/customers/:id/timeline --------------------------------------------------------

function list<T extends string>(param: string, raw: string | null, allowed: readonly T[]): T[] | undefined {
  if (raw === null) return undefined;
  const values = raw.split(",").map((v) => v.trim()).filter(Boolean);
  const bad = values.find((v) => !(allowed as readonly string[]).includes(v));
  if (bad !== undefined || values.length === 0) {
    throw new HttpError(400, "invalid_parameter", `${param} must be a comma-separated list of: ${allowed.join(", ")}${bad ? ` (got "${bad.slice(0, 40)}")` : ""}.`);
  }
  return [...new Set(values)] as T[];
}

function date(param: string, raw: string | null): Date | undefined {
  if (raw === null) return undefined;
  if (!timelineDateParam.safeParse(raw).success) {
    throw new HttpError(400, "invalid_parameter", `${param} must be an ISO-8601 date-time, e.g. 2026-01-31T12:00:00Z.`);
  }
  return new Date(raw);
}

export async function getTimeline(req: Request, ctx: RouteContext<"id">): Promise<Response> {
  return handleApi(async () => {
    await requireApiKey(req, "customers:read");
    const { id } = await ctx.params;
    const p = new URL(req.url).searchParams;

    let limit = TIMELINE_DEFAULT_LIMIT;
    if (p.has("limit")) {
      const raw = p.get("limit") ?? "";
      limit = /^\d+$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
        throw new HttpError(400, "invalid_parameter", `limit must be an integer from 1 to ${MAX_PAGE}.`);
      }
    }
    const cursor = p.get("cursor") || null;
    if (cursor) decodeCursor(cursor); // throws InvalidCursorError → 400
    const channels = list("channel", p.get("channel"), TIMELINE_CHANNELS);
    const kinds = list("kind", p.get("kind"), TIMELINE_KINDS);
    const conversationId = p.get("conversationId") ?? undefined;
    if (conversationId !== undefined && !isUuid(conversationId)) throw new HttpError(400, "invalid_parameter", "conversationId must be a conversation id (UUID).");
    const from = date("from", p.get("from"));
    const to = date("to", p.get("to"));
    if (from && to && from > to) throw new HttpError(400, "invalid_parameter", "from must not be after to.");

    if (!isUuid(id)) throw new HttpError(404, "not_found", "No customer with this id.");
    // The customer's existence is asked in the page's own statement.
    const page = await listCustomerTimeline({ customerId: id, limit, cursor, channels, kinds, conversationId, from, to, inboxScope: "all" });
    if (!page) throw new HttpError(404, "not_found", "No customer with this id.");
    return json({ items: page.items.map(toApiItem), nextCursor: page.nextCursor });
  });
}

// ---- POST /api/v1/identify ----------------------------------------------------------------------

export async function postIdentify(req: Request): Promise<Response> {
  return handleApi(async () => {
    // The key that sends a customer's events may say who they are (as analytics SDKs' write keys do).
    await requireApiKey(req, "events:write");
    const parsed = identifyRequestSchema.safeParse(await readJsonBody(req, ONE_MB, BATCH_JSON_LIMITS));
    if (!parsed.success) throw new HttpError(400, "invalid_request", formatZodError(parsed.error));
    const { customer, attributes } = parsed.data;
    const claims: IdentityClaim[] = [];
    try {
      if (customer.externalId) claims.push({ kind: "external_id", value: customer.externalId, verified: true, source: "api" });
      if (customer.email) claims.push({ kind: "email", value: normalizeEmail(customer.email), verified: true, source: "api" });
      if (customer.phone) claims.push({ kind: "phone", value: normalizePhone(customer.phone), verified: true, source: "api" });
    } catch (error) {
      if (!(error instanceof InvalidIdentityError)) throw error;
      throw new HttpError(400, "invalid_request", `customer.${error.kind === "email" ? "email" : "phone"}: ${error.message}`);
    }
    const r = await identifyCustomer({ claims, name: customer.name || null, attributes });
    return json({ customer: r.customer, created: r.created, possibleDuplicates: r.conflicts }, r.created ? 201 : 200);
  });
}

// ---- POST /api/v1/events ------------------------------------------------------------------------

type Item = { index: number; input: TouchpointInput };

export async function postEvents(req: Request): Promise<Response> {
  return handleApi(async () => {
    const key = await requireApiKey(req, "events:write");
    const body = await readJsonBody(req, ONE_MB, BATCH_JSON_LIMITS);
    const isBatch = Array.isArray(body);
    const raw: unknown[] = isBatch ? body : [body];
    if (isBatch && raw.length === 0) return errorResponse(400, "invalid_request", "The array is empty; send at least one event.");
    if (raw.length > MAX_EVENTS) return errorResponse(413, "too_many_events", `At most ${MAX_EVENTS} events per request; split the batch.`);

    const valid: Item[] = [];
    const errors: { index: number; message: string }[] = [];
    raw.forEach((item, index) => {
      const parsed = eventSchema.safeParse(item);
      if (!parsed.success) {
        errors.push({ index, message: formatZodError(parsed.error) });
        return;
      }
      const e = parsed.data;
      try {
        // Normalised here so a bad address is this item's error, not the batch's.
        const email = e.customer.email !== undefined ? normalizeEmail(e.customer.email) : undefined;
        const phone = e.customer.phone !== undefined ? normalizePhone(e.customer.phone) : undefined;
        valid.push({
          index,
          input: productEventTouchpoint({
            customer: { email, phone, externalId: e.customer.externalId, name: e.customer.name || undefined },
            name: e.name,
            occurredAt: e.occurredAt ? new Date(e.occurredAt) : undefined,
            properties: e.properties,
            dedupeKey: e.idempotencyKey ? `api:${key.id}:${e.idempotencyKey}` : undefined,
            source: "api",
          }),
        });
      } catch (error) {
        if (!(error instanceof InvalidIdentityError)) throw error;
        errors.push({ index, message: `customer.${error.kind === "email" ? "email" : "phone"}: ${error.message}` });
      }
    });

    if (valid.length === 0) {
      return errorResponse(400, "invalid_events", isBatch ? "No event in the batch is valid; nothing was stored." : `Invalid event: ${errors[0]?.message}`, {
        details: errors,
        body: { errors },
      });
    }
    // A single event shares a transaction with concurrent requests (group commit).
    const results = valid.length === 1 ? [await recordTouchpointGrouped(valid[0]!.input)] : await recordTouchpoints(valid.map((v) => v.input));
    const items = valid.map((v, i) => ({ index: v.index, id: results[i]!.eventId, status: results[i]!.created ? "created" : "duplicate" }));
    return json({ items, errors }, 202);
  });
}
