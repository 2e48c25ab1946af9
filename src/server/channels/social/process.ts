// Applies parsed SocialEvents: routes each to its inbox, stores messages
// through the timeline write path (one recordTouchpoint transaction per
// message, idempotent on the platform message id), matches echoes of our own
// replies, and applies receipts, edits, unsends and reactions to the messages
// they concern. Events are applied in order; the first storage fault stops
// the run and is thrown, so the webhook answers 5xx and the platform's retry
// (idempotent) completes the batch.
import { db, type Prisma } from "@/server/db";
import type { DeliveryStatus } from "@/generated/prisma/enums";
import { bus } from "@/server/events/bus";
import { recordTouchpoint, TouchpointError, type TouchpointInput } from "@/server/ingest/record";
import { getTimelineItem } from "@/server/timeline/query";
import { isUniqueViolation } from "@/server/db/tx";
import { findSocialInbox, type SocialInbox } from "./inboxes";
import { logWebhook, recordSendError, recordWebhookError, type WebhookEndpoint } from "./log";
import type { SocialDeleteEvent, SocialEditEvent, SocialEvent, SocialMessageEvent, SocialReactionEvent, SocialStatusEvent } from "./types";

export type ApplyResult = {
  /** New messages on the timeline. */
  stored: number;
  /** Messages seen before (redelivery, or the echo of our own reply). */
  duplicates: number;
  /** Messages changed: receipts, edits, unsends, reactions. */
  updated: number;
  /** Events with nothing to store (typing, unknown kinds). */
  ignored: number;
  /** Events skipped because they were unusable (bad identity...), each logged. */
  rejected: number;
  /** Platform account ids that are not an inbox of ours. */
  unknownAccounts: string[];
};

export type ApplyOptions = {
  /** Overrides routing by (channel, account): Telegram's inbox comes from the webhook, not the payload. */
  inboxFor?: (event: Exclude<SocialEvent, { type: "ignored" }>) => Promise<SocialInbox | null>;
};

/** How long after an agent's reply was queued its echo may arrive before we learn its platform id. */
const ECHO_MATCH_WINDOW_MS = 15 * 60_000;

export async function applySocialEvents(endpoint: WebhookEndpoint, events: SocialEvent[], opts: ApplyOptions = {}): Promise<ApplyResult> {
  const result: ApplyResult = { stored: 0, duplicates: 0, updated: 0, ignored: 0, rejected: 0, unknownAccounts: [] };
  const inboxes = new Map<string, SocialInbox | null>();
  const inboxOf = async (e: Exclude<SocialEvent, { type: "ignored" }>) => {
    const key = `${e.channel}:${e.account ?? ""}`;
    if (!inboxes.has(key)) inboxes.set(key, opts.inboxFor ? await opts.inboxFor(e) : await findSocialInbox(e.channel, e.account));
    return inboxes.get(key)!;
  };

  for (const event of events) {
    if (event.type === "ignored") {
      result.ignored++;
      continue;
    }
    const inbox = await inboxOf(event);
    if (!inbox) {
      const account = event.account ?? "(none)";
      if (!result.unknownAccounts.includes(account)) {
        result.unknownAccounts.push(account);
        // One line, nothing stored: the platform must get its 200 or it disables the webhook.
        logWebhook(endpoint, `no ${event.channel} inbox for account ${account}: ${event.type} ignored`, "warn");
      }
      continue;
    }
    try {
      switch (event.type) {
        case "message": {
          const r = await applyMessage(inbox, event);
          if (r === "stored") result.stored++;
          else result.duplicates++;
          break;
        }
        case "status":
          result.updated += await applyStatus(inbox, event);
          break;
        case "edit": {
          const r = await applyEdit(inbox, event);
          if (r === "stored") result.stored++;
          else if (r === "updated") result.updated++;
          else result.ignored++;
          break;
        }
        case "delete":
          result.updated += await applyDelete(inbox, event);
          break;
        case "reaction": {
          const r = await applyReaction(inbox, event);
          result.updated += r.updated;
          if (r.stored === "stored") result.stored++;
          else if (r.stored === "duplicate") result.duplicates++;
          break;
        }
      }
    } catch (error) {
      if (error instanceof TouchpointError) {
        // This one event cannot be stored (e.g. an identity value we refuse):
        // retrying would not help, so skip it, say so, and keep the rest.
        result.rejected++;
        logWebhook(endpoint, `${event.channel} ${event.type} rejected: ${error.message}`, "warn");
        await recordWebhookError({ endpoint, inboxId: inbox.id, kind: "rejected", reason: error.message });
        continue;
      }
      throw error;
    }
  }
  return result;
}

// ---------------------------------------------------------------- messages

function touchpoint(inbox: SocialInbox, e: SocialMessageEvent, outbound: boolean): TouchpointInput {
  return {
    identities: e.customer.identities,
    customerName: e.customer.name ?? null,
    channel: inbox.channel,
    kind: "message",
    actor: outbound ? "agent" : "customer",
    occurredAt: e.occurredAt,
    text: e.text,
    dedupeKey: e.dedupeKey,
    conversation: { inboxId: inbox.id, externalThreadKey: e.threadKey },
    message: {
      direction: outbound ? "outbound" : "inbound",
      bodyText: e.text,
      platformMessageId: e.platformMessageId || null,
      meta: e.meta,
      isAutoReply: e.passive === true,
      deliveryStatus: outbound ? "sent" : "received",
      attachments: e.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size, remoteUrl: a.remoteUrl ?? undefined })),
    },
  };
}

async function applyMessage(inbox: SocialInbox, e: SocialMessageEvent): Promise<"stored" | "duplicate"> {
  if (e.direction === "outbound") return applyEcho(inbox, e);
  const r = await recordTouchpoint(touchpoint(inbox, e, false));
  return r.created ? "stored" : "duplicate";
}

/**
 * Our own account's message, echoed back by the platform. Ours (sent by the
 * outbox): already stored, nothing to do. Sent by us but the echo beat the
 * send API's answer: adopt the platform id on our pending reply. Sent from
 * another tool (the Page inbox, the phone app): store it as an agent's reply
 * so the timeline stays complete.
 */
async function applyEcho(inbox: SocialInbox, e: SocialMessageEvent): Promise<"stored" | "duplicate"> {
  const known = await db.message.findUnique({
    where: { inboxId_platformMessageId: { inboxId: inbox.id, platformMessageId: e.platformMessageId } },
    select: { id: true },
  });
  if (known) return "duplicate";
  const pending = await db.message.findFirst({
    where: {
      inboxId: inbox.id,
      direction: "outbound",
      isNote: false,
      platformMessageId: null,
      deliveryStatus: { in: ["queued", "sending", "sent"] },
      bodyText: e.text,
      createdAt: { gte: new Date(Date.now() - ECHO_MATCH_WINDOW_MS) },
      conversation: { externalThreadKey: e.threadKey },
    },
    orderBy: { createdAt: "desc" },
    select: { id: true },
  });
  if (pending) {
    try {
      const { count } = await db.message.updateMany({ where: { id: pending.id, platformMessageId: null }, data: { platformMessageId: e.platformMessageId } });
      if (count === 1) return "duplicate";
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return "duplicate";
    }
  }
  const r = await recordTouchpoint(touchpoint(inbox, { ...e, meta: { ...e.meta, sentFrom: "platform" } }, true));
  return r.created ? "stored" : "duplicate";
}

// ---------------------------------------------------------------- receipts

const ALLOWED_FROM: Record<SocialStatusEvent["status"], DeliveryStatus[]> = {
  sent: ["queued", "sending"],
  delivered: ["queued", "sending", "sent"],
  read: ["queued", "sending", "sent", "delivered"],
  failed: ["queued", "sending", "sent", "delivered"],
};

type Target = { id: string; conversationId: string; conversation: { customerId: string }; event: { id: string } | null };
const TARGET_SELECT = { id: true, conversationId: true, conversation: { select: { customerId: true } }, event: { select: { id: true } } } as const;

async function applyStatus(inbox: SocialInbox, e: SocialStatusEvent): Promise<number> {
  const allowed = ALLOWED_FROM[e.status];
  const targets = new Map<string, Target>();
  const ids = (e.platformMessageIds ?? []).filter(Boolean);
  if (ids.length > 0) {
    const rows = await db.message.findMany({
      where: { inboxId: inbox.id, direction: "outbound", platformMessageId: { in: ids }, deliveryStatus: { in: allowed } },
      select: TARGET_SELECT,
    });
    for (const r of rows) targets.set(r.id, r);
  }
  if (e.watermark && e.threadKey && (e.status === "delivered" || e.status === "read")) {
    // "Everything sent before this moment": only messages that did go out.
    const rows = await db.message.findMany({
      where: {
        inboxId: inbox.id,
        direction: "outbound",
        isNote: false,
        deliveryStatus: { in: allowed.filter((s) => s === "sent" || s === "delivered") },
        createdAt: { lte: e.watermark },
        conversation: { externalThreadKey: e.threadKey },
      },
      select: TARGET_SELECT,
      take: 500,
    });
    for (const r of rows) targets.set(r.id, r);
  }
  if (targets.size === 0) return 0;
  const where = { id: { in: [...targets.keys()] }, deliveryStatus: { in: allowed } };
  let data: Prisma.MessageUpdateManyMutationInput;
  switch (e.status) {
    case "sent":
      data = { deliveryStatus: "sent", sentAt: e.at };
      break;
    case "delivered":
      data = { deliveryStatus: "delivered", deliveredAt: e.at };
      break;
    case "read":
      await db.message.updateMany({ where: { ...where, deliveredAt: null }, data: { deliveredAt: e.at } });
      data = { deliveryStatus: "read", readAt: e.at };
      break;
    case "failed":
      data = { deliveryStatus: "failed", deliveryError: (e.error ?? "The platform reported the message as failed").slice(0, 1000) };
      break;
  }
  const { count } = await db.message.updateMany({ where, data });
  for (const t of targets.values()) {
    bus.publish({ type: "message.status", conversationId: t.conversationId, customerId: t.conversation.customerId, inboxId: inbox.id, messageId: t.id, status: e.status, error: e.status === "failed" ? (e.error ?? null) : null });
    if (t.event) await publishEventUpdate(t.event.id);
    if (e.status === "failed") {
      await recordSendError({ channel: inbox.channel, inboxId: inbox.id, messageId: t.id, reason: e.error ?? "failed", retryable: false });
    }
  }
  return count;
}

// ---------------------------------------------------------------- edits, unsends, reactions

const MESSAGE_SELECT = { id: true, bodyText: true, meta: true, editedAt: true, deletedAt: true, event: { select: { id: true } } } as const;

function metaOf(value: Prisma.JsonValue): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
}

async function findMessage(inboxId: string, platformMessageId: string) {
  return db.message.findUnique({ where: { inboxId_platformMessageId: { inboxId, platformMessageId } }, select: MESSAGE_SELECT });
}

async function applyEdit(inbox: SocialInbox, e: SocialEditEvent): Promise<"stored" | "updated" | "ignored"> {
  const target = await findMessage(inbox.id, e.platformMessageId);
  if (!target) {
    // Telegram sends the whole edited message: store it if we never saw the original.
    if (e.fallback) return (await applyMessage(inbox, e.fallback)) === "stored" ? "stored" : "ignored";
    return "ignored";
  }
  if (target.deletedAt || target.bodyText === e.text) return "ignored";
  if (target.editedAt && target.editedAt > e.at) return "ignored"; // an older edit arriving late
  const meta = metaOf(target.meta);
  const history = Array.isArray(meta.editHistory) ? (meta.editHistory as unknown[]) : [];
  meta.editHistory = [...history, { text: target.bodyText, replacedAt: e.at.toISOString() }].slice(-20);
  Object.assign(meta, e.meta ?? {});
  await db.$transaction([
    db.message.update({ where: { id: target.id }, data: { bodyText: e.text, editedAt: e.at, meta: meta as Prisma.InputJsonValue } }),
    ...(target.event ? [db.timelineEvent.update({ where: { id: target.event.id }, data: { text: e.text } })] : []),
  ]);
  if (target.event) await publishEventUpdate(target.event.id);
  return "updated";
}

export const DELETED_TEXT = "This message was deleted by the customer";

async function applyDelete(inbox: SocialInbox, e: SocialDeleteEvent): Promise<number> {
  const target = await findMessage(inbox.id, e.platformMessageId);
  if (!target || target.deletedAt) return 0;
  // The customer unsent it: keep that it existed, not what it said.
  const meta = metaOf(target.meta);
  delete meta.editHistory;
  meta.deleted = true;
  await db.$transaction([
    db.message.update({ where: { id: target.id }, data: { deletedAt: e.at, bodyText: DELETED_TEXT, bodyHtml: null, meta: meta as Prisma.InputJsonValue } }),
    db.attachment.deleteMany({ where: { messageId: target.id } }),
    ...(target.event ? [db.timelineEvent.update({ where: { id: target.event.id }, data: { text: DELETED_TEXT } })] : []),
  ]);
  if (target.event) await publishEventUpdate(target.event.id);
  return 1;
}

async function applyReaction(inbox: SocialInbox, e: SocialReactionEvent): Promise<{ updated: number; stored: "stored" | "duplicate" | null }> {
  let updated = 0;
  const target = await findMessage(inbox.id, e.targetPlatformMessageId);
  if (target) {
    const meta = metaOf(target.meta);
    const reactions = { ...metaOf((meta.reactions ?? null) as Prisma.JsonValue) };
    const before = JSON.stringify(reactions);
    if (e.action === "react" && e.emoji) reactions[e.reactorId] = e.emoji;
    else delete reactions[e.reactorId];
    if (JSON.stringify(reactions) !== before) {
      meta.reactions = reactions;
      await db.message.update({ where: { id: target.id }, data: { meta: meta as Prisma.InputJsonValue } });
      if (target.event) await publishEventUpdate(target.event.id);
      updated = 1;
    }
  }
  if (!e.message) return { updated, stored: null };
  let message = e.message;
  if (target) {
    // Link the timeline entry to the message it reacts to.
    const reaction = { ...metaOf((message.meta.reaction ?? null) as Prisma.JsonValue), targetMessageId: target.id };
    message = { ...message, meta: { ...message.meta, reaction } };
  }
  return { updated, stored: await applyMessage(inbox, message) };
}

async function publishEventUpdate(eventId: string) {
  const item = await getTimelineItem(eventId).catch(() => null);
  if (!item) return;
  const ev = await db.timelineEvent.findUnique({ where: { id: eventId }, select: { customerId: true } });
  if (!ev) return;
  bus.publish({ type: "timeline.updated", customerId: ev.customerId, eventId, conversationId: item.conversationId, inboxId: item.inboxId, item });
}
