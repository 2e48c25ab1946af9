// What the admin sees of webhook and send health, kept in the AuditLog table
// (no table of its own): "webhook.error" (a delivery we could not use: bad
// signature, malformed payload, storage fault), "send.error" (a reply the
// platform refused or could not take yet) and "webhook.verified" (a
// successful subscription handshake or verified delivery). Writes are
// best-effort (a logging failure never fails the request) and throttled per
// process, so a flood of forged requests cannot flood the table.
import { db, type Prisma } from "@/server/db";
import { envValue } from "@/env";

export type WebhookEndpoint = "meta" | "whatsapp" | "telegram" | "x";
export const WEBHOOK_ENDPOINTS: WebhookEndpoint[] = ["meta", "whatsapp", "telegram", "x"];

export const WEBHOOK_ERROR = "webhook.error";
export const SEND_ERROR = "send.error";
export const WEBHOOK_VERIFIED = "webhook.verified";

/** One line on the server log: "[webhooks/meta] ...". */
export function logWebhook(endpoint: WebhookEndpoint, line: string, level: "info" | "warn" | "error" = "info") {
  const text = `[webhooks/${endpoint}] ${line}`;
  if (level === "error") console.error(text);
  else if (level === "warn") console.warn(text);
  else if (envValue("NODE_ENV") !== "test" || envValue("LOG_LEVEL") === "debug") console.info(text);
}

const g = globalThis as unknown as { __throughlineSocialThrottle?: Map<string, number> };
const lastWrite = (g.__throughlineSocialThrottle ??= new Map());

function throttled(key: string, everyMs: number): boolean {
  const now = Date.now();
  const last = lastWrite.get(key);
  if (last !== undefined && now - last < everyMs) return true;
  lastWrite.set(key, now);
  if (lastWrite.size > 1000) lastWrite.clear();
  return false;
}

/** Tests reset the throttle between cases. */
export function resetSocialLogThrottle() {
  lastWrite.clear();
}

async function write(row: Prisma.AuditLogCreateInput) {
  try {
    await db.auditLog.create({ data: row });
  } catch (error) {
    console.error(`[social] could not record ${row.action}: ${(error as Error).message}`);
  }
}

/**
 * A webhook delivery we could not use. targetType "inbox" when we know the
 * inbox, else "webhook" with the endpoint name. Throttled to one row per
 * (endpoint, inbox, kind) a minute.
 */
export async function recordWebhookError(args: { endpoint: WebhookEndpoint; inboxId?: string | null; kind: string; reason: string; detail?: Record<string, unknown> }) {
  const target = args.inboxId ? { targetType: "inbox", targetId: args.inboxId } : { targetType: "webhook", targetId: args.endpoint };
  if (throttled(`err:${target.targetId}:${args.kind}`, 60_000)) return;
  await write({
    actorType: "system",
    action: WEBHOOK_ERROR,
    ...target,
    data: { endpoint: args.endpoint, kind: args.kind, reason: args.reason.slice(0, 500), ...(args.detail ?? {}) } as Prisma.InputJsonValue,
  });
}

/** A reply the platform refused (permanent) or could not take yet (retryable). */
export async function recordSendError(args: { channel: string; inboxId: string; messageId: string; reason: string; retryable: boolean; status?: number }) {
  await write({
    actorType: "system",
    action: SEND_ERROR,
    targetType: "inbox",
    targetId: args.inboxId,
    data: { channel: args.channel, messageId: args.messageId, reason: args.reason.slice(0, 500), retryable: args.retryable, status: args.status ?? null },
  });
}

/**
 * A successful handshake (Meta hub.challenge, X CRC) or, for Telegram which
 * has none, a delivery with the right secret. At most one row per endpoint
 * per `everyMs` per process.
 */
export async function recordWebhookVerified(endpoint: WebhookEndpoint, how: string, everyMs = 60_000) {
  if (throttled(`ok:${endpoint}`, everyMs)) return;
  await write({ actorType: "system", action: WEBHOOK_VERIFIED, targetType: "webhook", targetId: endpoint, data: { endpoint, how } });
}
