// SLA pause: the clocks stop while the ball is in the customer's court
// (pending) or the conversation is snoozed, and resume with the business time
// they had left when it comes back (Zendesk's "pausable update").
//
// State on the conversation: sla_paused_at is when the current pause began;
// meanwhile both due times are null, so nothing (watcher, board, queue sort)
// treats a paused conversation as running late. Per target, the business
// milliseconds paused so far are added to the target (./policy.ts dueTimes),
// so every due time can be recomputed from stored columns. A pause that
// begins after a target was met or fell due does not move it: a breach stays
// a breach.
//
// syncSlaPause brings one conversation in line with its status. It is
// idempotent under the row lock, so every path may call it: ticket changes in
// their own transaction (exact time), the bus listener for the other writers
// (ingest, automation rules), and the watcher as a catch-up.
import type { ChannelKind, Priority } from "@/generated/prisma/enums";
import { runTransaction, type Tx } from "@/server/db/tx";
import { businessMsBetween } from "./business-time";
import { SlaContext } from "./policy";

export const PAUSED_STATUSES = ["pending", "snoozed"] as const;
export const isPausedStatus = (status: string) => (PAUSED_STATUSES as readonly string[]).includes(status);

export type SlaClockRow = {
  id: string;
  status: string;
  priority: Priority;
  channel: ChannelKind;
  team_id: string | null;
  inbox_id: string;
  created_at: Date;
  first_response_at: Date | null;
  resolved_at: Date | null;
  first_response_due_at: Date | null;
  resolution_due_at: Date | null;
  sla_paused_at: Date | null;
  sla_first_response_paused_ms: number;
  sla_resolution_paused_ms: number;
  sla_resolution_start_at: Date | null;
};

/** Locks the conversation (FOR UPDATE) and reads what the SLA clocks need. */
export async function lockSlaClock(tx: Tx, conversationId: string): Promise<SlaClockRow | null> {
  const [row] = await tx.$queryRaw<SlaClockRow[]>`
    SELECT id, status::text AS status, priority, channel, team_id, inbox_id, created_at, first_response_at, resolved_at,
           first_response_due_at, resolution_due_at, sla_paused_at, sla_first_response_paused_ms, sla_resolution_paused_ms, sla_resolution_start_at
    FROM conversations WHERE id = ${conversationId}::uuid FOR UPDATE`;
  return row ?? null;
}

/** Due times from the stored clock (null while paused). */
export function dueTimesOf(ctx: SlaContext, row: SlaClockRow, paused = { firstResponse: row.sla_first_response_paused_ms, resolution: row.sla_resolution_paused_ms }) {
  return ctx.dueTimes({
    priority: row.priority,
    channel: row.channel,
    teamId: row.team_id,
    inboxId: row.inbox_id,
    createdAt: row.created_at,
    resolutionStart: row.sla_resolution_start_at,
    firstResponsePausedMs: paused.firstResponse,
    resolutionPausedMs: paused.resolution,
  });
}

/**
 * Paused business ms per target after the pause [pausedAt, now]: a target's
 * clock was running when the pause began unless it had been met or had fallen
 * due by then.
 */
export function pausedAfterResume(args: {
  pausedAt: Date;
  now: Date;
  calendar: Parameters<typeof businessMsBetween>[2];
  firstResponse: { pausedMs: number; dueAt: Date | null; metAt: Date | null };
  resolution: { pausedMs: number; dueAt: Date | null; metAt: Date | null };
}) {
  const pause = businessMsBetween(args.pausedAt, args.now, args.calendar);
  const running = (t: { dueAt: Date | null; metAt: Date | null }) => !(t.metAt && t.metAt <= args.pausedAt) && !(t.dueAt && t.dueAt <= args.pausedAt);
  return {
    firstResponse: args.firstResponse.pausedMs + (running(args.firstResponse) ? pause : 0),
    resolution: args.resolution.pausedMs + (running(args.resolution) ? pause : 0),
  };
}

export type PauseChange = "paused" | "resumed" | null;

/**
 * Starts the pause when the conversation is pending/snoozed and its clocks
 * run; ends it (adding the paused business time, moving the due times) when
 * it is not. Call in the transaction that changed the status, or on its own.
 */
export async function syncSlaPause(tx: Tx, conversationId: string, now: Date, ctx?: SlaContext): Promise<PauseChange> {
  const row = await lockSlaClock(tx, conversationId);
  if (!row) return null;
  const shouldPause = isPausedStatus(row.status);
  if (shouldPause && !row.sla_paused_at) {
    await tx.$executeRaw`
      UPDATE conversations SET sla_paused_at = ${now}, first_response_due_at = NULL, resolution_due_at = NULL
      WHERE id = ${conversationId}::uuid`;
    return "paused";
  }
  if (shouldPause || !row.sla_paused_at) return null;

  const context = ctx ?? (await SlaContext.load());
  // The due times as they stood when the pause began.
  const before = dueTimesOf(context, row);
  const paused = pausedAfterResume({
    pausedAt: row.sla_paused_at,
    now,
    calendar: before.calendar,
    firstResponse: { pausedMs: row.sla_first_response_paused_ms, dueAt: before.firstResponseDueAt, metAt: row.first_response_at },
    resolution: { pausedMs: row.sla_resolution_paused_ms, dueAt: before.resolutionDueAt, metAt: row.resolved_at },
  });
  const after = dueTimesOf(context, row, paused);
  await tx.$executeRaw`
    UPDATE conversations SET sla_paused_at = NULL,
      sla_first_response_paused_ms = ${paused.firstResponse}, sla_resolution_paused_ms = ${paused.resolution},
      first_response_due_at = ${after.firstResponseDueAt}, resolution_due_at = ${after.resolutionDueAt}
    WHERE id = ${conversationId}::uuid`;
  return "resumed";
}

/** syncSlaPause in its own transaction (the bus listener's path). */
export function syncSlaPauseOf(conversationId: string, now = new Date(), ctx?: SlaContext): Promise<PauseChange> {
  return runTransaction((tx) => syncSlaPause(tx, conversationId, now, ctx));
}

/**
 * The watcher's catch-up: conversations whose pause does not match their
 * status (a missed bus event, a process that died after commit, rows from
 * before this feature). Several processes share the work (SKIP LOCKED).
 */
export async function reconcileSlaPauses(now: Date, opts: { limit?: number; ctx?: SlaContext } = {}): Promise<number> {
  const ctx = opts.ctx ?? (await SlaContext.load());
  return runTransaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM conversations
      WHERE (sla_paused_at IS NOT NULL AND status NOT IN ('pending', 'snoozed'))
         OR (sla_paused_at IS NULL AND status IN ('pending', 'snoozed') AND (first_response_due_at IS NOT NULL OR resolution_due_at IS NOT NULL))
      LIMIT ${opts.limit ?? 500}
      FOR UPDATE SKIP LOCKED`;
    let changed = 0;
    for (const r of rows) if (await syncSlaPause(tx, r.id, now, ctx)) changed++;
    return changed;
  });
}
