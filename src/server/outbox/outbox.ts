// The outbox: every outbound message (email, social replies...) is stored
// first (Message with deliveryStatus "queued" + an OutboxItem) and sent
// afterwards by a worker, channel-agnostic. Senders register per channel.
//
// Several processes may run the worker: items are claimed with
// SELECT … FOR UPDATE SKIP LOCKED and leased (status "sending", next attempt
// pushed past the lease), so each item is attempted by one process at a time.
// A process that dies mid-send loses its lease and the item is tried again;
// senders make that safe by reusing the platform id stored before the first
// attempt (email: the Message-ID).
//
// Outcomes: sent → message "sent" (+sentAt, platform id); retryable error →
// backoff (5 s, 30 s, 2 min, 10 min, 30 min) and after the last attempt
// "failed"; permanent error → "failed" with the reason. Every status change is
// published (message.status and timeline.updated) so the console is live.
import { EventEmitter } from "node:events";
import type { ChannelKind } from "@/generated/prisma/enums";
import { db, Prisma } from "@/server/db";
import { bus } from "@/server/events/bus";
import { uuidv7 } from "@/server/timeline/ids";
import { getTimelineItem } from "@/server/timeline/query";
import type { Tx } from "@/server/timeline/tx";

/** Sending will never work (rejected recipient, invalid content...). */
export class PermanentSendError extends Error {}

/** Sending may work later (network, rate limit, 4xx). */
export class RetryableSendError extends Error {
  constructor(
    message: string,
    public retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * The channel cannot send at all right now (e.g. no SMTP relay configured).
 * Not counted as an attempt; the item stays pending with the reason as lastError.
 */
export class DeferredSendError extends Error {
  constructor(
    message: string,
    public retryAfterMs = 60_000,
  ) {
    super(message);
  }
}

export type OutboundMessage = Prisma.MessageGetPayload<{
  include: { conversation: true; inbox: true; attachments: true };
}>;

export type SendContext = {
  item: { id: string; messageId: string; channel: ChannelKind; attempts: number };
  message: OutboundMessage;
};

export type SendResult = { platformMessageId?: string | null } | void;
export type Sender = (ctx: SendContext) => Promise<SendResult>;

type Registry = { senders: Map<string, Sender>; nudges: EventEmitter };
const g = globalThis as unknown as { __throughlineOutbox?: Registry };
// Shared by server.ts and Next's bundled route code (two module graphs, one process).
const registry: Registry = (g.__throughlineOutbox ??= { senders: new Map(), nudges: new EventEmitter() });
registry.nudges.setMaxListeners(0);

/** Registers the sender of a channel in this process; returns an unregister function. */
export function registerSender(channel: ChannelKind, sender: Sender): () => void {
  registry.senders.set(channel, sender);
  return () => {
    if (registry.senders.get(channel) === sender) registry.senders.delete(channel);
  };
}

export function registeredChannels(): string[] {
  return [...registry.senders.keys()];
}

/** Wakes this process's worker now (call after the enqueueing transaction committed). */
export function nudgeOutbox() {
  registry.nudges.emit("nudge");
}

/** Queues a stored outbound message for sending, inside the caller's transaction. Idempotent per message. */
export async function enqueueOutbound(tx: Tx | typeof db, input: { messageId: string; channel: ChannelKind; notBefore?: Date }): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO outbox (id, message_id, channel, status, attempts, next_attempt_at, created_at, updated_at)
    VALUES (${uuidv7()}::uuid, ${input.messageId}::uuid, ${input.channel}::"ChannelKind", 'pending', 0, ${input.notBefore ?? new Date()}, now(), now())
    ON CONFLICT (message_id) DO NOTHING`;
}

export type OutboxOptions = {
  /** Delays after failed attempt 1, 2, ... (the last one repeats). */
  backoffMs?: number[];
  /** Attempts before an item is marked failed. */
  maxAttempts?: number;
  /** How long a claimed item is reserved for the process sending it. */
  leaseMs?: number;
  /** Items claimed per round (sent concurrently). */
  batchSize?: number;
  log?: (line: string) => void;
};

export const DEFAULT_BACKOFF_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000];
export const DEFAULT_MAX_ATTEMPTS = 6;

type Claimed = { id: string; message_id: string; channel: ChannelKind; attempts: number };

async function claim(channels: string[], limit: number, leaseMs: number): Promise<Claimed[]> {
  if (channels.length === 0) return [];
  return db.$queryRaw<Claimed[]>`
    WITH due AS (
      SELECT id FROM outbox
      WHERE status IN ('pending', 'sending') AND next_attempt_at <= now() AND channel::text = ANY(${channels}::text[])
      ORDER BY next_attempt_at, id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE outbox o
    SET status = 'sending', attempts = o.attempts + 1, updated_at = now(),
        next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000}::double precision)
    FROM due WHERE o.id = due.id
    RETURNING o.id, o.message_id, o.channel, o.attempts`;
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message || "unknown error").replace(/\s+/g, " ").trim().slice(0, 1000);
}

/** Publishes a message's delivery state: message.status and the refreshed timeline item. */
export async function publishMessageStatus(messageId: string) {
  const row = await db.message.findUnique({
    where: { id: messageId },
    select: { conversationId: true, inboxId: true, deliveryStatus: true, deliveryError: true, event: { select: { id: true, customerId: true } } },
  });
  if (!row?.event) return;
  bus.publish({
    type: "message.status",
    conversationId: row.conversationId,
    customerId: row.event.customerId,
    inboxId: row.inboxId,
    messageId,
    status: row.deliveryStatus,
    error: row.deliveryError,
  });
  const item = await getTimelineItem(row.event.id).catch(() => null);
  bus.publish({ type: "timeline.updated", customerId: row.event.customerId, eventId: row.event.id, conversationId: row.conversationId, inboxId: row.inboxId, item: item ?? undefined });
}

async function processItem(item: Claimed, opts: Required<Omit<OutboxOptions, "log">> & { log: (s: string) => void }) {
  const sender = registry.senders.get(item.channel);
  const message = await db.message.findUnique({ where: { id: item.message_id }, include: { conversation: true, inbox: true, attachments: true } });
  if (!message) {
    await db.outboxItem.deleteMany({ where: { id: item.id } });
    return;
  }
  if (message.isNote || message.direction !== "outbound") {
    // Never sent: notes stay inside, inbound mail is not ours to send.
    await db.$executeRaw`UPDATE outbox SET status = 'failed', last_error = 'not an outbound message', updated_at = now() WHERE id = ${item.id}::uuid`;
    return;
  }
  if (!sender) {
    // Unregistered between claim and now: give it back untouched.
    await db.$executeRaw`UPDATE outbox SET status = 'pending', attempts = attempts - 1, next_attempt_at = now(), updated_at = now() WHERE id = ${item.id}::uuid`;
    return;
  }
  let outcome: { kind: "sent"; platformMessageId: string | null } | { kind: "retry"; reason: string; delayMs: number } | { kind: "failed"; reason: string } | { kind: "deferred"; reason: string; delayMs: number };
  try {
    const result = await sender({ item: { id: item.id, messageId: item.message_id, channel: item.channel, attempts: item.attempts }, message });
    outcome = { kind: "sent", platformMessageId: (result && result.platformMessageId) || null };
  } catch (error) {
    const reason = reasonOf(error);
    if (error instanceof DeferredSendError) outcome = { kind: "deferred", reason, delayMs: error.retryAfterMs };
    else if (error instanceof PermanentSendError) outcome = { kind: "failed", reason };
    else if (item.attempts >= opts.maxAttempts) outcome = { kind: "failed", reason: `${reason} (gave up after ${item.attempts} attempts)` };
    else {
      const backoff = opts.backoffMs[Math.min(item.attempts - 1, opts.backoffMs.length - 1)] ?? 60_000;
      const hinted = error instanceof RetryableSendError && error.retryAfterMs !== undefined ? Math.min(error.retryAfterMs, 3_600_000) : undefined;
      outcome = { kind: "retry", reason, delayMs: hinted ?? backoff };
    }
  }

  let changed = false;
  if (outcome.kind === "sent") {
    const pmid = outcome.platformMessageId;
    await db.$transaction(async (tx) => {
      await tx.$executeRaw`UPDATE outbox SET status = 'sent', last_error = NULL, updated_at = now() WHERE id = ${item.id}::uuid`;
      await tx.$executeRaw`
        UPDATE messages SET delivery_status = 'sent', sent_at = now(), delivery_error = NULL,
          platform_message_id = COALESCE(platform_message_id, ${pmid}::text)
        WHERE id = ${item.message_id}::uuid
          AND (${pmid}::text IS NULL OR platform_message_id IS NOT NULL
               OR NOT EXISTS (SELECT 1 FROM messages x WHERE x.inbox_id = messages.inbox_id AND x.platform_message_id = ${pmid}::text))`;
    });
    // The platform id collided with another message's (never expected): still sent.
    await db.$executeRaw`UPDATE messages SET delivery_status = 'sent', sent_at = COALESCE(sent_at, now()), delivery_error = NULL WHERE id = ${item.message_id}::uuid AND delivery_status <> 'sent'`;
    changed = true;
  } else if (outcome.kind === "failed") {
    opts.log(`[outbox] ${item.channel} message ${item.message_id} failed: ${outcome.reason}`);
    await db.$transaction([
      db.$executeRaw`UPDATE outbox SET status = 'failed', last_error = ${outcome.reason}, updated_at = now() WHERE id = ${item.id}::uuid`,
      db.$executeRaw`UPDATE messages SET delivery_status = 'failed', delivery_error = ${outcome.reason} WHERE id = ${item.message_id}::uuid`,
    ]);
    changed = true;
  } else if (outcome.kind === "retry") {
    const note = `${outcome.reason} (attempt ${item.attempts} of ${opts.maxAttempts}, retrying)`;
    await db.$transaction([
      db.$executeRaw`UPDATE outbox SET status = 'pending', last_error = ${outcome.reason}, next_attempt_at = now() + make_interval(secs => ${outcome.delayMs / 1000}::double precision), updated_at = now() WHERE id = ${item.id}::uuid`,
      db.$executeRaw`UPDATE messages SET delivery_status = 'queued', delivery_error = ${note} WHERE id = ${item.message_id}::uuid`,
    ]);
    changed = true;
  } else {
    // Deferred: not an attempt; the message keeps its state unless the reason is new.
    const updated = await db.$transaction([
      db.$executeRaw`UPDATE outbox SET status = 'pending', attempts = GREATEST(attempts - 1, 0), last_error = ${outcome.reason}, next_attempt_at = now() + make_interval(secs => ${outcome.delayMs / 1000}::double precision), updated_at = now() WHERE id = ${item.id}::uuid`,
      db.$executeRaw`UPDATE messages SET delivery_error = ${outcome.reason} WHERE id = ${item.message_id}::uuid AND delivery_error IS DISTINCT FROM ${outcome.reason}`,
    ]);
    changed = updated[1] > 0;
  }
  if (changed) await publishMessageStatus(item.message_id).catch((e) => opts.log(`[outbox] publishing status failed: ${(e as Error).message}`));
}

function withDefaults(opts: OutboxOptions = {}) {
  return {
    backoffMs: opts.backoffMs?.length ? opts.backoffMs : DEFAULT_BACKOFF_MS,
    maxAttempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    leaseMs: opts.leaseMs ?? 5 * 60_000,
    batchSize: opts.batchSize ?? 8,
    log: opts.log ?? ((line: string) => console.error(line)),
  };
}

/** Claims and sends one batch of due items; returns how many were claimed. */
export async function processOutboxOnce(opts: OutboxOptions = {}): Promise<number> {
  const o = withDefaults(opts);
  const items = await claim(registeredChannels(), o.batchSize, o.leaseMs);
  await Promise.all(items.map((item) => processItem(item, o).catch((e) => o.log(`[outbox] item ${item.id}: ${(e as Error).message}`))));
  return items.length;
}

/**
 * Outbound messages left "queued" without an outbox item (the process died
 * between storing the message and enqueueing it) are enqueued now.
 */
export async function sweepUnqueued(opts: { withinHours?: number; graceMs?: number } = {}): Promise<number> {
  const hours = opts.withinHours ?? 48;
  const grace = (opts.graceMs ?? 5_000) / 1000;
  const rows = await db.$queryRaw<{ id: string; channel: ChannelKind }[]>`
    SELECT m.id, c.channel
    FROM timeline_events e
    JOIN messages m ON m.id = e.message_id
    JOIN conversations c ON c.id = m.conversation_id
    WHERE e.occurred_at > now() - make_interval(hours => ${hours}::int)
      AND e.kind = 'message' AND e.actor <> 'customer'
      AND m.direction = 'outbound' AND m.delivery_status = 'queued' AND NOT m.is_note
      AND m.created_at < now() - make_interval(secs => ${grace}::double precision)
      AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = m.id)
    LIMIT 500`;
  for (const r of rows) await enqueueOutbound(db, { messageId: r.id, channel: r.channel });
  return rows.length;
}

export type OutboxWorker = { stop: () => Promise<void>; kick: () => void };

/** Runs the worker in this process: polls every pollMs, and at once when nudged. */
export function startOutboxWorker(opts: OutboxOptions & { pollMs?: number; sweepMs?: number } = {}): OutboxWorker {
  const o = withDefaults(opts);
  const pollMs = opts.pollMs ?? 1_000;
  const sweepMs = opts.sweepMs ?? 30_000;
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let lastSweep = 0;
  let lastErrorLog = 0;

  const round = async () => {
    if (Date.now() - lastSweep > sweepMs) {
      // At start, look further back for anything a crash left behind.
      const first = lastSweep === 0;
      lastSweep = Date.now();
      await sweepUnqueued({ withinHours: first ? 24 * 7 : 48 });
    }
    while (!stopped && (await processOutboxOnce(o)) > 0) {
      /* drain what is due */
    }
  };

  const tick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    running = (async () => {
      try {
        do {
          again = false;
          await round();
        } while (again && !stopped);
      } catch (error) {
        // Database down and the like: keep polling, log once a minute.
        if (Date.now() - lastErrorLog > 60_000) {
          lastErrorLog = Date.now();
          o.log(`[outbox] worker round failed: ${(error as Error).message}`);
        }
      } finally {
        running = null;
        if (!stopped) timer = setTimeout(tick, pollMs);
      }
    })();
  };

  const onNudge = () => tick();
  registry.nudges.on("nudge", onNudge);
  tick();
  return {
    kick: tick,
    stop: async () => {
      stopped = true;
      registry.nudges.off("nudge", onNudge);
      clearTimeout(timer);
      await running;
    },
  };
}

export type OutboxListItem = {
  id: string;
  messageId: string;
  channel: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  conversationId: string;
  conversationNumber: number;
  subject: string | null;
  preview: string;
  deliveryStatus: string;
};

/** The outbox as admins see it (newest first): what is waiting, retrying or failed, and why. */
export async function listOutbox(opts: { status?: "pending" | "sending" | "sent" | "failed"; channel?: ChannelKind; limit?: number } = {}): Promise<OutboxListItem[]> {
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 500);
  const rows = await db.outboxItem.findMany({
    where: { ...(opts.status ? { status: opts.status } : {}), ...(opts.channel ? { channel: opts.channel } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    include: { message: { select: { bodyText: true, subject: true, deliveryStatus: true, conversationId: true, conversation: { select: { number: true, subject: true } } } } },
  });
  return rows.map((r) => ({
    id: r.id,
    messageId: r.messageId,
    channel: r.channel,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.nextAttemptAt,
    lastError: r.lastError,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    conversationId: r.message.conversationId,
    conversationNumber: r.message.conversation.number,
    subject: r.message.subject ?? r.message.conversation.subject,
    preview: r.message.bodyText.replace(/\s+/g, " ").slice(0, 160),
    deliveryStatus: r.message.deliveryStatus,
  }));
}

/** An admin's "retry now" for a failed (or waiting) item: attempts reset, due now. */
export async function retryOutboxItem(id: string): Promise<boolean> {
  const item = await db.outboxItem.findUnique({ where: { id }, select: { messageId: true, status: true } });
  if (!item || item.status === "sent") return false;
  await db.$transaction([
    db.$executeRaw`UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now(), updated_at = now() WHERE id = ${id}::uuid`,
    db.$executeRaw`UPDATE messages SET delivery_status = 'queued', delivery_error = NULL WHERE id = ${item.messageId}::uuid`,
  ]);
  await publishMessageStatus(item.messageId).catch(() => undefined);
  nudgeOutbox();
  return true;
}
