// POST /api/v1/events — product events (purchases, sign-ups, page views...) from
// the company's own systems. One event object or an array of up to 1,000.
// Each item is validated on its own: invalid items are reported by index and
// not stored, valid ones are stored together in one transaction.
// 202 { items: [{ index, id, status: "created" | "duplicate" }], errors: [{ index, message }] }
import { z } from "zod";
import { unstorablePath } from "@/server/text/storable";
import { InvalidIdentityError, normalizeEmail, normalizePhone } from "@/server/customers/normalize";
import { requireApiKey } from "@/server/http/auth";
import { ONE_MB, readJsonBody } from "@/server/http/body";
import { errorResponse, formatZodError, handleApi, json } from "@/server/http/errors";
import { BATCH_JSON_LIMITS } from "@/server/security/json-shape";
import { recordTouchpoints, type TouchpointInput } from "@/server/timeline/ingest";
import { recordTouchpointGrouped } from "@/server/timeline/group-commit";
import { productEventTouchpoint } from "@/server/timeline/product-events";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const MAX_EVENTS = 1000;
// Clock skew allowance for occurredAt.
const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;
// PostgreSQL's timestamptz has no year 0 (ISO-8601 and JavaScript do).
const MIN_OCCURRED_AT = Date.parse("0001-01-01T00:00:00Z");

const eventSchema = z
  .object({
    customer: z
      .object({
        email: z.string().max(320).optional(),
        externalId: z.string().trim().min(1).max(256).optional(),
        phone: z.string().max(40).optional(),
        name: z.string().trim().max(200).optional(),
      })
      .refine((c) => c.email || c.externalId || c.phone, { message: "needs at least one of email, externalId, phone" }),
    name: z.string().trim().min(1, "must not be empty").max(100),
    occurredAt: z.iso.datetime({ offset: true, message: "must be an ISO-8601 date-time, e.g. 2026-01-31T12:00:00Z" }).optional(),
    properties: z.record(z.string(), z.unknown()).optional(),
    idempotencyKey: z.string().min(1).max(200).optional(),
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

type Item = { index: number; input: TouchpointInput };

export async function POST(req: Request): Promise<Response> {
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
