// Webhook endpoints (Settings → Webhooks, admins): list with health, create
// (the signing secret is generated here and returned), edit, rotate the
// secret, enable/disable, delete. Every change is audited; audit rows never
// hold the secret. The input schemas are the domain's vocabulary, shared by
// the tRPC router.
import { z } from "zod";
import { db } from "@/server/db";
import { uuidv7, isUuid } from "@/server/db/ids";
import { recordAudit } from "@/server/audit/record";
import { isHttpUrl } from "@/server/net/http-url";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "./event-types";
import { WebhookError } from "./errors";
import { newSigningSecret } from "./signing";

export const MAX_ENDPOINTS = 50;

export const endpointUrlSchema = z
  .string({ message: "Enter the URL to send events to." })
  .trim()
  .min(1, "Enter the URL to send events to.")
  .max(2000, "Use a URL of at most 2,000 characters.")
  .refine(isHttpUrl, "Enter a full http:// or https:// URL, e.g. https://example.com/hooks/throughline.");

export const endpointEventsSchema = z
  .array(z.enum(WEBHOOK_EVENT_TYPES, { message: `Unknown event type: choose from ${WEBHOOK_EVENT_TYPES.join(", ")}.` }), { message: "Choose at least one event." })
  .min(1, "Choose at least one event.")
  .max(WEBHOOK_EVENT_TYPES.length)
  .transform((events) => WEBHOOK_EVENT_TYPES.filter((t) => events.includes(t)));

const descriptionSchema = z.string().trim().max(200, "Use at most 200 characters for the description.").nullish().transform((d) => d || null);

export const createEndpointInput = z.object({ url: endpointUrlSchema, description: descriptionSchema, events: endpointEventsSchema });
export const updateEndpointInput = z.object({ id: z.uuid("Not a valid id."), url: endpointUrlSchema.optional(), description: descriptionSchema.optional(), events: endpointEventsSchema.optional() });

export type CreateEndpointInput = z.input<typeof createEndpointInput>;
export type UpdateEndpointInput = z.input<typeof updateEndpointInput>;

type HealthRow = {
  id: string; url: string; description: string | null; events: string[]; enabled: boolean; disabled_at: Date | null; disabled_reason: string | null;
  consecutive_failures: number; created_at: Date; created_by_name: string | null;
  last_status: string | null; last_at: Date | null; last_status_code: number | null; last_error: string | null; pending: number; failed_day: number; delivered_day: number;
};

/** Every endpoint with its health: last delivery, failure streak, what waits, the last day's outcomes. Never the secret. */
export async function listEndpoints() {
  const rows = await db.$queryRaw<HealthRow[]>`
    SELECT e.id, e.url, e.description, e.events, e.enabled, e.disabled_at, e.disabled_reason, e.consecutive_failures, e.created_at, u.name AS created_by_name,
           l.status::text AS last_status, COALESCE(l.delivered_at, l.updated_at) AS last_at, l.last_status_code, l.last_error,
           (SELECT count(*)::int FROM webhook_deliveries p WHERE p.endpoint_id = e.id AND p.status IN ('pending', 'sending')) AS pending,
           (SELECT count(*)::int FROM webhook_deliveries f WHERE f.endpoint_id = e.id AND f.status = 'failed' AND f.created_at > now() - interval '1 day') AS failed_day,
           (SELECT count(*)::int FROM webhook_deliveries s WHERE s.endpoint_id = e.id AND s.status = 'delivered' AND s.created_at > now() - interval '1 day') AS delivered_day
    FROM webhook_endpoints e
    LEFT JOIN users u ON u.id = e.created_by_id
    LEFT JOIN LATERAL (
      SELECT d.status, d.delivered_at, d.updated_at, d.last_status_code, d.last_error FROM webhook_deliveries d
      WHERE d.endpoint_id = e.id AND d.attempts > 0 ORDER BY d.updated_at DESC LIMIT 1
    ) l ON true
    ORDER BY e.created_at DESC, e.id DESC`;
  return rows.map((r) => ({
    id: r.id,
    url: r.url,
    description: r.description,
    events: r.events as WebhookEventType[],
    enabled: r.enabled,
    disabledAt: r.disabled_at,
    disabledReason: r.disabled_reason,
    consecutiveFailures: r.consecutive_failures,
    createdAt: r.created_at,
    createdByName: r.created_by_name,
    lastDelivery: r.last_status ? { status: r.last_status, at: r.last_at, statusCode: r.last_status_code, error: r.last_error } : null,
    pending: r.pending,
    failedLastDay: r.failed_day,
    deliveredLastDay: r.delivered_day,
  }));
}

async function requireEndpoint(id: string) {
  const row = isUuid(id) ? await db.webhookEndpoint.findUnique({ where: { id } }) : null;
  if (!row) throw new WebhookError("not_found", "No such webhook endpoint.");
  return row;
}

/** Creates an endpoint with a new secret; the answer includes the secret to show the admin. */
export async function createEndpoint(input: CreateEndpointInput, actorUserId: string | null) {
  const parsed = createEndpointInput.parse(input);
  if ((await db.webhookEndpoint.count()) >= MAX_ENDPOINTS) throw new WebhookError("conflict", `At most ${MAX_ENDPOINTS} webhook endpoints; delete one first.`);
  const secret = newSigningSecret();
  const endpoint = await db.$transaction(async (tx) => {
    const created = await tx.webhookEndpoint.create({ data: { id: uuidv7(), url: parsed.url, description: parsed.description, events: parsed.events, secret, createdById: actorUserId } });
    await recordAudit(tx, { actorUserId, action: "webhook.created", targetType: "webhook_endpoint", targetId: created.id, data: { url: parsed.url, events: parsed.events } });
    return created;
  });
  return { id: endpoint.id, url: endpoint.url, description: endpoint.description, events: endpoint.events, secret };
}

/** Changes URL, description or events. */
export async function updateEndpoint(input: UpdateEndpointInput, actorUserId: string | null) {
  const parsed = updateEndpointInput.parse(input);
  const before = await requireEndpoint(parsed.id);
  const data = {
    ...(parsed.url !== undefined ? { url: parsed.url } : {}),
    ...(parsed.description !== undefined ? { description: parsed.description } : {}),
    ...(parsed.events !== undefined ? { events: parsed.events } : {}),
  };
  await db.$transaction(async (tx) => {
    await tx.webhookEndpoint.update({ where: { id: parsed.id }, data });
    await recordAudit(tx, { actorUserId, action: "webhook.updated", targetType: "webhook_endpoint", targetId: parsed.id, data: { before: { url: before.url, events: before.events, description: before.description }, after: data } });
  });
  return { ok: true as const };
}

/**
 * Enables (resetting the failure streak and the disabled reason; what waited
 * is sent now) or disables an endpoint. Disabled: no new deliveries are
 * created for it and the waiting ones wait.
 */
export async function setEndpointEnabled(id: string, enabled: boolean, actorUserId: string | null) {
  const before = await requireEndpoint(id);
  if (before.enabled === enabled) return { ok: true as const, changed: false };
  await db.$transaction(async (tx) => {
    await tx.webhookEndpoint.update({
      where: { id },
      data: enabled ? { enabled: true, disabledAt: null, disabledReason: null, consecutiveFailures: 0 } : { enabled: false, disabledAt: new Date(), disabledReason: "Disabled by an admin." },
    });
    if (enabled) await tx.$executeRaw`UPDATE webhook_deliveries SET next_attempt_at = now(), updated_at = now() WHERE endpoint_id = ${id}::uuid AND status = 'pending'`;
    await recordAudit(tx, { actorUserId, action: enabled ? "webhook.enabled" : "webhook.disabled", targetType: "webhook_endpoint", targetId: id, data: { url: before.url, ...(enabled && before.disabledReason ? { previousReason: before.disabledReason } : {}) } });
  });
  return { ok: true as const, changed: true };
}

/** A new secret, effective at once (the old one stops signing); returned to show the admin. */
export async function rotateEndpointSecret(id: string, actorUserId: string | null) {
  const before = await requireEndpoint(id);
  const secret = newSigningSecret();
  await db.$transaction(async (tx) => {
    await tx.webhookEndpoint.update({ where: { id }, data: { secret } });
    await recordAudit(tx, { actorUserId, action: "webhook.secret_rotated", targetType: "webhook_endpoint", targetId: id, data: { url: before.url } });
  });
  return { id, secret };
}

/** The signing secret, for an admin who asks to see it. */
export async function endpointSecret(id: string) {
  const row = await requireEndpoint(id);
  return { id, secret: row.secret };
}

/** Deletes the endpoint and its delivery log. */
export async function deleteEndpoint(id: string, actorUserId: string | null) {
  const before = await requireEndpoint(id);
  await db.$transaction(async (tx) => {
    await tx.webhookEndpoint.delete({ where: { id } });
    await recordAudit(tx, { actorUserId, action: "webhook.deleted", targetType: "webhook_endpoint", targetId: id, data: { url: before.url, events: before.events } });
  });
  return { ok: true as const };
}
