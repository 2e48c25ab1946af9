// The outbox worker: every outbound message (email, social replies, chat) is
// stored first (Message with deliveryStatus "queued" + an OutboxItem, in the
// writer's transaction) and sent afterwards, channel-agnostic, driven by the
// job queue (src/server/jobs/): one pg-boss job per attempt of an item.
//
// The OutboxItem row stays the source of truth (status, attempts, next
// attempt, last error: what the console and the admin outbox page show); a
// job only says "look at item X at time T". Its id is derived from (X, T), so
// enqueueing the same attempt twice (after commit, by the sweep, by a retried
// job) inserts one job. Running it claims the item in PostgreSQL (status
// "sending", attempts + 1, next attempt pushed past the lease) only when the
// item is due, so an item is attempted by one worker at a time whatever the
// number of jobs or processes; a job for an item that is not due (yet) makes
// sure the job for its next attempt exists and ends.
//
// A process that dies mid-send never settles its job: pg-boss expires it
// after the lease (the queue's expireInSeconds) and runs it again, the lease
// has lapsed by then, and the item is sent again; senders make that safe by
// reusing the platform id stored before the first attempt (email: the
// Message-ID).
//
// Outcomes: sent → message "sent" (+sentAt, platform id); retryable error →
// backoff (5 s, 30 s, 2 min, 10 min, 30 min) and after the last attempt
// "failed"; permanent error → "failed" with the reason; deferred (the channel
// cannot send at all, e.g. no relay) → not an attempt, tried again later.
// Every status change is published (message.status and timeline.updated).
import { createHash } from "node:crypto";
import type { Job, JobResult, PgBoss } from "pg-boss";
import type { ChannelKind } from "@/generated/prisma/enums";
import { db } from "@/server/db";
import { bus } from "@/server/events/bus";
import { getBoss, OUTBOX_QUEUE } from "@/server/jobs/boss";
import { uuidv7 } from "@/server/db/ids";
import { countOutboxFailure } from "@/server/observability/metrics";
import type { Tx } from "@/server/db/tx";
import { DeferredSendError, PermanentSendError, RetryableSendError, registeredChannels, senderOf } from "./senders";
import { publishMessageStatus } from "./status";

export type OutboxOptions = {
  /** Delays after failed attempt 1, 2, ... (the last one repeats). */
  backoffMs?: number[];
  /** Attempts before an item is marked failed. */
  maxAttempts?: number;
  /** How long a claimed item is reserved for the process sending it (also the job's expiry). */
  leaseMs?: number;
  /** Items sent concurrently per worker. */
  batchSize?: number;
  log?: (line: string) => void;
};

export const DEFAULT_BACKOFF_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000];
export const DEFAULT_MAX_ATTEMPTS = 6;
export const DEFAULT_LEASE_MS = 5 * 60_000;

type Resolved = Required<OutboxOptions>;

export function withDefaults(opts: OutboxOptions = {}): Resolved {
  return {
    backoffMs: opts.backoffMs?.length ? opts.backoffMs : DEFAULT_BACKOFF_MS,
    maxAttempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    leaseMs: opts.leaseMs ?? DEFAULT_LEASE_MS,
    batchSize: opts.batchSize ?? 8,
    log: opts.log ?? ((line: string) => console.error(line)),
  };
}

// --- enqueueing

type Due = { id: string; next_attempt_at: Date };
export type OutboxJobData = { outboxId: string };

/** The job id of one attempt of an item: the same attempt is one job however often it is enqueued. */
export function outboxJobId(outboxId: string, at: Date): string {
  const h = createHash("sha1").update(`outbox:${outboxId}:${at.getTime()}`).digest("hex");
  // RFC 4122 layout (version 5, variant 10xx) so it is a valid uuid.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Enqueues the jobs of these items' next attempts (no-op without a job runner in this process). */
export async function scheduleOutboxJobs(items: Due[], boss: PgBoss | undefined = getBoss()): Promise<void> {
  if (!boss || items.length === 0) return;
  await boss.insert(
    OUTBOX_QUEUE,
    items.map((i) => ({ id: outboxJobId(i.id, i.next_attempt_at), data: { outboxId: i.id } satisfies OutboxJobData, startAfter: i.next_attempt_at })),
  );
}

// Messages queued by this process whose job is not enqueued yet: the item is
// written in the caller's transaction, its job can only follow the commit.
type Pending = { noted: Map<string, number>; timer?: NodeJS.Timeout; flushing?: Promise<void> };
const g = globalThis as unknown as { __throughlineOutboxPending?: Pending };
const pending: Pending = (g.__throughlineOutboxPending ??= { noted: new Map() });

/** Queues a stored outbound message for sending, inside the caller's transaction. Idempotent per message. */
export async function enqueueOutbound(tx: Tx | typeof db, input: { messageId: string; channel: ChannelKind; notBefore?: Date }): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO outbox (id, message_id, channel, status, attempts, next_attempt_at, created_at, updated_at)
    VALUES (${uuidv7()}::uuid, ${input.messageId}::uuid, ${input.channel}::"ChannelKind", 'pending', 0, ${input.notBefore ?? new Date()}, now(), now())
    ON CONFLICT (message_id) DO NOTHING`;
  if (!getBoss()) return; // No runner here: the worker's sweep enqueues it.
  if (pending.noted.size < 10_000) pending.noted.set(input.messageId, Date.now());
  // Callers nudge after commit; callers that do not (the write was its own transaction) get a flush soon.
  armFlush(250);
}

function armFlush(ms: number) {
  if (pending.timer) return;
  pending.timer = setTimeout(() => {
    pending.timer = undefined;
    void flushPending();
  }, ms);
  pending.timer.unref?.();
}

async function flushPending(): Promise<void> {
  if (pending.flushing) return pending.flushing;
  const boss = getBoss();
  if (!boss || pending.noted.size === 0) return;
  pending.flushing = (async () => {
    const ids = [...pending.noted.keys()];
    try {
      const rows = await db.$queryRaw<(Due & { message_id: string })[]>`
        SELECT id, message_id, next_attempt_at FROM outbox WHERE message_id = ANY(${ids}::uuid[]) AND status = 'pending'`;
      await scheduleOutboxJobs(rows, boss);
      const found = new Set(rows.map((r) => r.message_id));
      // Not committed yet (or rolled back): look again for a minute, then leave it to the sweep.
      for (const id of ids) if (found.has(id) || Date.now() - (pending.noted.get(id) ?? 0) > 60_000) pending.noted.delete(id);
    } catch (error) {
      console.error(`[outbox] enqueueing jobs failed (the sweep retries): ${(error as Error).message}`);
    }
  })().finally(() => {
    pending.flushing = undefined;
    if (pending.noted.size) armFlush(1_000);
  });
  return pending.flushing;
}

/** Enqueues the jobs of what this process queued (call after the enqueueing transaction committed). */
export function nudgeOutbox() {
  void flushPending();
}

/**
 * After commit, whoever wrote it: an agent's (or a rule's) outbound message
 * is published as timeline.created once its transaction committed, with its
 * outbox item. The runner of this process enqueues the items of the messages
 * published in one tick with one query and one insert. (nudgeOutbox covers
 * the same from the writer's side; both insert the same job ids.)
 */
export function startOutboxEnqueuer(boss: () => PgBoss | undefined): () => void {
  let eventIds: string[] = [];
  let scheduled = false;
  const flush = async () => {
    scheduled = false;
    const ids = eventIds;
    eventIds = [];
    try {
      const rows = await db.$queryRaw<Due[]>`
        SELECT o.id, o.next_attempt_at FROM timeline_events e JOIN outbox o ON o.message_id = e.message_id
        WHERE e.id = ANY(${ids}::uuid[]) AND o.status = 'pending'`;
      await scheduleOutboxJobs(rows, boss());
    } catch (error) {
      console.error(`[outbox] enqueueing jobs failed (the sweep retries): ${(error as Error).message}`);
    }
  };
  return bus.on((event) => {
    if (event.type !== "timeline.created") return;
    const item = event.item as { kind?: string; actor?: string } | undefined;
    if (item?.kind !== "message" || item.actor === "customer") return;
    eventIds.push(event.eventId);
    if (!scheduled) {
      scheduled = true;
      setImmediate(() => void flush());
    }
  });
}

// --- sending

type Claimed = { id: string; message_id: string; channel: ChannelKind; attempts: number };

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message || "unknown error").replace(/\s+/g, " ").trim().slice(0, 1000);
}

/** Claims up to `limit` due items of the registered channels (any items, or the given one). */
async function claim(channels: string[], limit: number, leaseMs: number, onlyId?: string): Promise<Claimed[]> {
  if (channels.length === 0) return [];
  return db.$queryRaw<Claimed[]>`
    WITH due AS (
      SELECT id FROM outbox
      WHERE status IN ('pending', 'sending') AND next_attempt_at <= now() AND channel::text = ANY(${channels}::text[])
        AND (${onlyId ?? null}::uuid IS NULL OR id = ${onlyId ?? null}::uuid)
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

/** Sends one claimed item and records the outcome; returns the next attempt's time when there is one. */
async function processItem(item: Claimed, opts: Resolved): Promise<Due | null> {
  const sender = senderOf(item.channel);
  const message = await db.message.findUnique({ where: { id: item.message_id }, include: { conversation: true, inbox: true, attachments: true } });
  if (!message) {
    await db.outboxItem.deleteMany({ where: { id: item.id } });
    return null;
  }
  if (message.isNote || message.direction !== "outbound") {
    // Never sent: notes stay inside, inbound mail is not ours to send.
    await db.$executeRaw`UPDATE outbox SET status = 'failed', last_error = 'not an outbound message', updated_at = now() WHERE id = ${item.id}::uuid`;
    return null;
  }
  if (!sender) {
    // Unregistered between claim and now: give it back untouched, due in a minute (or to another process).
    const [row] = await db.$queryRaw<Due[]>`
      UPDATE outbox SET status = 'pending', attempts = attempts - 1, next_attempt_at = now() + interval '1 minute', updated_at = now()
      WHERE id = ${item.id}::uuid RETURNING id, next_attempt_at`;
    return row ?? null;
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
  let next: Due | null = null;
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
    countOutboxFailure(item.channel, "failed");
    changed = true;
  } else if (outcome.kind === "retry") {
    const note = `${outcome.reason} (attempt ${item.attempts} of ${opts.maxAttempts}, retrying)`;
    const [rows] = await db.$transaction([
      db.$queryRaw<Due[]>`UPDATE outbox SET status = 'pending', last_error = ${outcome.reason}, next_attempt_at = now() + make_interval(secs => ${outcome.delayMs / 1000}::double precision), updated_at = now() WHERE id = ${item.id}::uuid RETURNING id, next_attempt_at`,
      db.$executeRaw`UPDATE messages SET delivery_status = 'queued', delivery_error = ${note} WHERE id = ${item.message_id}::uuid`,
    ]);
    next = rows[0] ?? null;
    countOutboxFailure(item.channel, "retry");
    changed = true;
  } else {
    // Deferred: not an attempt; the message keeps its state unless the reason is new.
    const [rows, updated] = await db.$transaction([
      db.$queryRaw<Due[]>`UPDATE outbox SET status = 'pending', attempts = GREATEST(attempts - 1, 0), last_error = ${outcome.reason}, next_attempt_at = now() + make_interval(secs => ${outcome.delayMs / 1000}::double precision), updated_at = now() WHERE id = ${item.id}::uuid RETURNING id, next_attempt_at`,
      db.$executeRaw`UPDATE messages SET delivery_error = ${outcome.reason} WHERE id = ${item.message_id}::uuid AND delivery_error IS DISTINCT FROM ${outcome.reason}`,
    ]);
    next = rows[0] ?? null;
    changed = updated > 0;
  }
  if (changed) await publishMessageStatus(item.message_id).catch((e) => opts.log(`[outbox] publishing status failed: ${(e as Error).message}`));
  return next;
}

/**
 * Runs one outbox job: the attempt of its item when the item is due, else
 * makes sure the job of the item's next attempt exists. Throws (and pg-boss
 * retries the job) only when the database failed.
 */
export async function runOutboxJob(job: Pick<Job<OutboxJobData>, "id" | "data">, opts: Resolved, boss: PgBoss | undefined = getBoss()): Promise<void> {
  const outboxId = job.data?.outboxId;
  if (!outboxId) return;
  const [item] = await claim(registeredChannels(), 1, opts.leaseMs, outboxId);
  if (item) {
    const next = await processItem(item, opts);
    if (next) await scheduleOutboxJobs([next], boss);
    return;
  }
  const [row] = await db.$queryRaw<(Due & { channel: string })[]>`
    SELECT id, next_attempt_at, channel::text AS channel FROM outbox WHERE id = ${outboxId}::uuid AND status IN ('pending', 'sending')`;
  if (!row) return; // sent, failed or gone: nothing to do
  if (outboxJobId(row.id, row.next_attempt_at) !== job.id) {
    // Not this attempt's job (a retried or duplicate one): make sure the job of the item's next attempt exists.
    await scheduleOutboxJobs([row], boss);
    return;
  }
  if (!senderOf(row.channel)) {
    // Due, but its channel has no sender in this process: a minute later, on whichever worker has one.
    const [later] = await db.$queryRaw<Due[]>`
      UPDATE outbox SET next_attempt_at = now() + interval '1 minute', updated_at = now()
      WHERE id = ${row.id}::uuid AND status IN ('pending', 'sending') AND next_attempt_at = ${row.next_attempt_at}
      RETURNING id, next_attempt_at`;
    if (later) await scheduleOutboxJobs([later], boss);
    return;
  }
  // Due but locked by another worker's claim this very moment: pg-boss runs this job again shortly.
  throw new Error(`outbox item ${row.id} is being claimed elsewhere; trying again`);
}

/** The pg-boss handler of the outbox queue: a batch of jobs sent concurrently, each settled alone. */
export function outboxJobHandler(opts: OutboxOptions = {}, boss?: () => PgBoss | undefined) {
  const o = withDefaults(opts);
  return async (jobs: Job<OutboxJobData>[]): Promise<JobResult[]> =>
    Promise.all(
      jobs.map(async (job): Promise<JobResult> => {
        try {
          await runOutboxJob(job, o, boss ? boss() : getBoss());
          return { id: job.id, status: "completed" };
        } catch (error) {
          o.log(`[outbox] job for item ${job.data?.outboxId}: ${(error as Error).message}`);
          return { id: job.id, status: "failed", output: { error: reasonOf(error) } };
        }
      }),
    );
}

/**
 * Claims and sends one batch of due items in this process, whatever their
 * jobs; returns how many were claimed. For scripts and tests that drain the
 * outbox synchronously; the app sends through the job queue.
 */
export async function processOutboxOnce(opts: OutboxOptions = {}): Promise<number> {
  const o = withDefaults(opts);
  const items = await claim(registeredChannels(), o.batchSize, o.leaseMs);
  await Promise.all(
    items.map(async (item) => {
      try {
        const next = await processItem(item, o);
        if (next) await scheduleOutboxJobs([next]);
      } catch (e) {
        o.log(`[outbox] item ${item.id}: ${(e as Error).message}`);
      }
    }),
  );
  return items.length;
}

// --- the sweep

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

/**
 * Makes sure every waiting item has the job of its next attempt (items written
 * by a process without a runner, or whose job was lost between commit and
 * enqueue). Jobs that exist already are not duplicated (ids per attempt).
 */
export async function scheduleWaiting(boss: PgBoss | undefined = getBoss(), opts: { dueWithinMs?: number; limit?: number } = {}): Promise<number> {
  if (!boss) return 0;
  // Items due later got the job of that attempt when it was scheduled; by default look at all of them.
  const within = opts.dueWithinMs === undefined ? null : opts.dueWithinMs / 1000;
  const rows = await db.$queryRaw<Due[]>`
    SELECT id, next_attempt_at FROM outbox
    WHERE status IN ('pending', 'sending')
      AND (${within}::double precision IS NULL OR next_attempt_at <= now() + make_interval(secs => ${within}::double precision))
    ORDER BY next_attempt_at LIMIT ${opts.limit ?? 1_000}`;
  await scheduleOutboxJobs(rows, boss);
  return rows.length;
}

export const OUTBOX_SWEEP_MS = 5_000;

/**
 * The periodic pass (every 5 s, on one process): jobs for the items due now
 * that have none (written by a process that runs no job runner: scripts,
 * tests; or a job lost between commit and enqueue), and every sixth pass the
 * sweep for queued messages without an item.
 */
export async function outboxSweep(state: Record<string, unknown>, boss: PgBoss | undefined = getBoss()) {
  const pass = typeof state.pass === "number" ? state.pass : 0;
  // The first pass after a (re)start of the chain looks further back for anything a crash left behind.
  if (pass % 6 === 0) await sweepUnqueued({ withinHours: pass === 0 ? 24 * 7 : 48 });
  await scheduleWaiting(boss, pass === 0 ? {} : { dueWithinMs: OUTBOX_SWEEP_MS });
  return { pass: pass + 1 };
}
