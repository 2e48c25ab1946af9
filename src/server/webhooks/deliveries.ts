// Webhook deliveries: created by the consumer (one per enabled endpoint
// subscribed to the event type, in one idempotent statement), listed in the
// delivery log (keyset-paged, newest first), replayed (the same event id, so
// receivers dedupe) and the test event ("ping").
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { db } from "@/server/db";
import { isUuid, uuidv7 } from "@/server/db/ids";
import type { DomainEvent } from "@/server/events/bus";
import { recordAudit } from "@/server/audit/record";
import { buildWebhookEvents, planWebhookEvents, type BuiltEvent } from "./events";
import { WebhookError } from "./errors";
import { WEBHOOK_PAYLOAD_VERSION, type WebhookEnvelope } from "./payloads";
import { kickDeliveries } from "./worker";
import { decodeKeysetCursor, encodeKeysetCursor } from "@/server/lib/keyset-cursor";

type Subscriber = { id: string; events: string[] };

/**
 * Stores one delivery per (enabled, subscribed endpoint × event) in event
 * order; a pair already stored (a redelivered batch) is left alone. Returns
 * the ids of the new deliveries.
 */
export async function insertDeliveries(built: BuiltEvent[], subscribers: Subscriber[]): Promise<string[]> {
  const rows: { id: string; endpointId: string; event: BuiltEvent }[] = [];
  // Ids are time-ordered and increasing in this process: within one insert
  // (one created_at) they keep the events' order for the ordering rule.
  for (const event of built) for (const s of subscribers) if (s.events.includes(event.type)) rows.push({ id: uuidv7(), endpointId: s.id, event });
  if (rows.length === 0) return [];
  const inserted = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, ordering_key, payload, status, attempts, next_attempt_at, created_at, updated_at)
    SELECT v.id, v.endpoint_id, v.event_id, v.event_type, v.ordering_key, v.payload::jsonb, 'pending', 0, now(), now(), now()
    FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.endpointId)}::uuid[], ${rows.map((r) => r.event.eventId)}::uuid[],
                ${rows.map((r) => r.event.type)}::text[], ${rows.map((r) => r.event.orderingKey)}::text[], ${rows.map((r) => JSON.stringify(r.event.envelope))}::text[])
         WITH ORDINALITY AS v(id, endpoint_id, event_id, event_type, ordering_key, payload, n)
    JOIN webhook_endpoints e ON e.id = v.endpoint_id AND e.enabled
    ORDER BY v.n
    ON CONFLICT (endpoint_id, event_id) DO NOTHING
    RETURNING id`;
  return inserted.map((r) => r.id);
}

/**
 * The webhooks consumer (./register.ts): the webhook events a batch of
 * committed domain events stands for, stored for every subscribed endpoint
 * and sent by the worker. At least once in, exactly one delivery per
 * endpoint and event out (deterministic event ids).
 */
export async function onWebhookEvents(events: DomainEvent[]): Promise<void> {
  const planned = planWebhookEvents(events);
  if (planned.length === 0) return;
  const types = [...new Set(planned.map((p) => p.type))];
  const subscribers = await db.$queryRaw<Subscriber[]>`SELECT id, events FROM webhook_endpoints WHERE enabled AND events && ${types}::text[]`;
  if (subscribers.length === 0) return;
  const wanted = planned.filter((p) => subscribers.some((s) => s.events.includes(p.type)));
  const ids = await insertDeliveries(await buildWebhookEvents(wanted), subscribers);
  if (ids.length) kickDeliveries(ids);
}

// ---- the delivery log --------------------------------------------------------------------------

export const DELIVERY_STATUSES = ["pending", "sending", "delivered", "failed"] as const;

export const deliveryLogInput = z.object({
  endpointId: z.uuid("Not a valid id."),
  cursor: z.string().max(200).nullish(),
  limit: z.int().min(1).max(100).default(25),
  status: z.enum(DELIVERY_STATUSES).nullish(),
});

const encodeCursor = (at: Date, id: string) => encodeKeysetCursor({ at, id });

function decodeCursor(cursor: string): { at: Date; id: string } {
  const p = decodeKeysetCursor(cursor);
  if (!p) throw new WebhookError("invalid_input", "Not a valid cursor: pass back nextCursor as received.");
  return p;
}

type DeliveryRow = {
  id: string; event_id: string; event_type: string; status: string; attempts: number; next_attempt_at: Date; last_status_code: number | null;
  last_error: string | null; last_duration_ms: number | null; delivered_at: Date | null; created_at: Date; updated_at: Date; payload: unknown;
};

/** One page of an endpoint's deliveries, newest first by (created_at, id). */
export async function listDeliveries(input: z.input<typeof deliveryLogInput>) {
  const q = deliveryLogInput.parse(input);
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  const rows = await db.$queryRaw<DeliveryRow[]>`
    SELECT id, event_id::text AS event_id, event_type, status::text AS status, attempts, next_attempt_at, last_status_code, last_error, last_duration_ms,
           delivered_at, created_at, updated_at, payload
    FROM webhook_deliveries
    WHERE endpoint_id = ${q.endpointId}::uuid
      AND (${q.status ?? null}::text IS NULL OR status::text = ${q.status ?? null}::text)
      AND (${after?.at ?? null}::timestamptz IS NULL OR (created_at, id) < (${after?.at ?? null}::timestamptz, ${after?.id ?? null}::uuid))
    ORDER BY created_at DESC, id DESC
    LIMIT ${q.limit + 1}`;
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id,
      eventId: r.event_id,
      eventType: r.event_type,
      status: r.status as (typeof DELIVERY_STATUSES)[number],
      attempts: r.attempts,
      nextAttemptAt: r.status === "pending" ? r.next_attempt_at : null,
      lastStatusCode: r.last_status_code,
      lastError: r.last_error,
      lastDurationMs: r.last_duration_ms,
      deliveredAt: r.delivered_at,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      payload: r.payload as WebhookEnvelope,
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}

/**
 * Sends a delivery again, as it was (same event id and body; a new
 * timestamp and signature). Refused while it is still queued, or while its
 * endpoint is disabled (enable it first).
 */
export async function replayDelivery(deliveryId: string, actorUserId: string | null) {
  const row = isUuid(deliveryId) ? await db.webhookDelivery.findUnique({ where: { id: deliveryId }, include: { endpoint: { select: { enabled: true } } } }) : null;
  if (!row) throw new WebhookError("not_found", "No such delivery.");
  if (!row.endpoint.enabled) throw new WebhookError("conflict", "This endpoint is disabled: enable it first, then replay.");
  const n = await db.$executeRaw`
    UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL, updated_at = now()
    WHERE id = ${deliveryId}::uuid AND status IN ('delivered', 'failed')`;
  if (n === 0) throw new WebhookError("conflict", "This delivery is still queued: it will be sent (or retried) on its own.");
  await recordAudit(db, { actorUserId, action: "webhook.replayed", targetType: "webhook_endpoint", targetId: row.endpointId, data: { deliveryId, eventId: row.eventId, eventType: row.eventType } });
  kickDeliveries([deliveryId]);
  return { ok: true as const, deliveryId };
}

/** Queues a "ping" event to one endpoint (whatever it subscribes to) and starts sending it. */
export async function sendTestEvent(endpointId: string) {
  const endpoint = isUuid(endpointId) ? await db.webhookEndpoint.findUnique({ where: { id: endpointId }, select: { id: true, enabled: true } }) : null;
  if (!endpoint) throw new WebhookError("not_found", "No such webhook endpoint.");
  if (!endpoint.enabled) throw new WebhookError("conflict", "This endpoint is disabled: enable it first, then send a test event.");
  const eventId = randomUUID();
  const envelope: WebhookEnvelope = { id: eventId, type: "ping", version: WEBHOOK_PAYLOAD_VERSION, createdAt: new Date().toISOString(), data: { message: "A test event from Throughline: your endpoint is reachable.", endpointId } };
  const id = uuidv7();
  await db.webhookDelivery.create({ data: { id, endpointId, eventId, eventType: "ping", orderingKey: null, payload: envelope as object } });
  kickDeliveries([id]);
  return { deliveryId: id, eventId };
}
