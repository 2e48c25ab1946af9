// SLA due times and the at-risk / breach watcher.
//
// Due times: set when a conversation is created, when its priority or team
// changes, and (resolution only) when a resolved conversation is reopened —
// from committed `conversation.updated` events (consumed from the domain-event
// queue, src/server/jobs/), so every write path is covered.
// Pending and snoozed pause the clocks (./pause.ts): status changes on the bus
// start or end the pause, and the watcher catches up any it missed.
//
// Watcher: every 30 s (one periodic job across all processes) one transaction claims the open, unpaused conversations with an
// unmet target (`FOR UPDATE SKIP LOCKED`, so several processes share the work
// and never handle one conversation twice at once), and writes
//   - "sla_at_risk" when less than 20% of the target's business time is left
//     (80% elapsed), and
//   - "sla_breached" when the due time has passed,
// as ticket_event touchpoints, once per conversation, target and due time
// (dedupeKey "sla:<conversation>:<target>:<kind>:<due ms>"), plus a
// Notification for the assignee and every supervisor (not for a breach found
// more than an hour after it happened: after downtime or in imported data).
import { db } from "@/server/db";
import { bus, type DomainEvent } from "@/server/events/bus";
import { publishTimelineCreated, type CreatedEvent } from "@/server/ingest/record";
import { insertTicketEvent } from "@/server/conversations/ticket-events";
import { runTransaction } from "@/server/db/tx";
import { isUuid } from "@/server/db/ids";
import type { ChannelKind, Priority } from "@/generated/prisma/enums";
import { insertNotifications, publishNotifications, usersWithRole, type CreatedNotification } from "@/server/rules/notify";
import { businessMinutesBetween } from "./business-time";
import { SlaContext } from "./policy";
import { dueTimesOf, lockSlaClock, reconcileSlaPauses, syncSlaPause, syncSlaPauseOf } from "./pause";

export type SlaTarget = "first_response" | "resolution";
export type SlaEventKind = "at_risk" | "breached";

export const AT_RISK_FRACTION = 0.8;
/** Breaches older than this when found are written to the timeline without notifications. */
export const NOTIFY_STALE_BREACH_MS = 60 * 60_000;
const TARGET_LABEL: Record<SlaTarget, string> = { first_response: "first response", resolution: "resolution" };

export function slaDedupeKey(conversationId: string, target: SlaTarget, kind: SlaEventKind, dueAt: Date) {
  return `sla:${conversationId}:${target}:${kind}:${dueAt.getTime()}`;
}

/**
 * (Re)computes and stores a conversation's due times and returns them (null
 * while its clocks are paused). `restartResolution` restarts the resolution
 * clock there (a reopen), forgetting the resolution time paused before.
 */
export async function applySla(conversationId: string, opts: { restartResolution?: Date; ctx?: SlaContext; now?: Date } = {}) {
  if (!isUuid(conversationId)) return null;
  const ctx = opts.ctx ?? (await SlaContext.load());
  return runTransaction(async (tx) => {
    // Locked: a concurrent pause or resume must not be overwritten with stale due times.
    await syncSlaPause(tx, conversationId, opts.now ?? new Date(), ctx);
    const conv = await lockSlaClock(tx, conversationId);
    if (!conv) return null;
    if (opts.restartResolution) {
      conv.sla_resolution_start_at = opts.restartResolution;
      conv.sla_resolution_paused_ms = 0;
      await tx.$executeRaw`
        UPDATE conversations SET sla_resolution_start_at = ${opts.restartResolution}, sla_resolution_paused_ms = 0 WHERE id = ${conversationId}::uuid`;
    }
    const due = dueTimesOf(ctx, conv);
    const paused = conv.sla_paused_at !== null;
    const data = { firstResponseDueAt: paused ? null : due.firstResponseDueAt, resolutionDueAt: paused ? null : due.resolutionDueAt };
    if (
      conv.first_response_due_at?.getTime() !== data.firstResponseDueAt?.getTime() ||
      conv.resolution_due_at?.getTime() !== data.resolutionDueAt?.getTime()
    ) {
      await tx.$executeRaw`
        UPDATE conversations SET first_response_due_at = ${data.firstResponseDueAt}, resolution_due_at = ${data.resolutionDueAt} WHERE id = ${conversationId}::uuid`;
    }
    return { ...data, policyId: due.policy?.id ?? null, paused };
  });
}

/**
 * The SLA consumer (src/server/sla/register.ts, run by the job queue): due
 * times follow creation, priority/team changes, reopens and pauses. Recomputed
 * from the conversation's state, so a batch delivered twice changes nothing.
 */
export async function onSlaEvents(events: DomainEvent[]): Promise<void> {
  const errors: unknown[] = [];
  // One event at a time: a batch is up to 50 events, and each may hold a
  // transaction while it asks the pool for another connection; all at once
  // they could take every connection of the shared pool and wait for ever.
  for (const e of events) await slaOnEvent(e).catch((error: unknown) => void errors.push(error));
  if (errors.length) throw errors[0];
}

/** In-process variant for tests and scripts (no queue). */
export function startSlaListener(): () => void {
  return bus.on((event: DomainEvent) => slaOnEvent(event));
}

async function slaOnEvent(event: DomainEvent): Promise<void> {
  {
    if (event.type !== "conversation.updated") return;
    const ch = event.changes ?? {};
    const reopened = typeof ch.reopenCount === "number" && ch.resolvedAt === null;
    if (ch.created || "priority" in ch || "teamId" in ch || reopened) {
      await applySla(event.conversationId, reopened ? { restartResolution: new Date() } : {});
    } else if ("status" in ch) {
      // Ticket changes paused or resumed in their own transaction already; this covers ingest and rules.
      await syncSlaPauseOf(event.conversationId);
    }
  }
}

type Candidate = {
  id: string;
  number: number;
  subject: string | null;
  customer_id: string;
  customer_name: string | null;
  priority: Priority;
  channel: ChannelKind;
  team_id: string | null;
  inbox_id: string;
  assignee_id: string | null;
  created_at: Date;
  first_response_due_at: Date | null;
  resolution_due_at: Date | null;
  first_response_at: Date | null;
  resolved_at: Date | null;
};

export type SlaCheckResult = { checked: number; atRisk: number; breached: number };

/** One pass of the watcher. `now` is injectable for tests. */
export async function checkSla(now: Date = new Date(), opts: { limit?: number } = {}): Promise<SlaCheckResult> {
  const limit = opts.limit ?? 500;
  const ctx = await SlaContext.load();
  // Pauses the bus did not bring in line first: a paused conversation must not be flagged.
  await reconcileSlaPauses(now, { ctx, limit });
  const supervisors = await usersWithRole(db, ["supervisor"]);
  let published: { created: CreatedEvent[]; notes: CreatedNotification[] } = { created: [], notes: [] };
  const result: SlaCheckResult = { checked: 0, atRisk: 0, breached: 0 };

  await runTransaction(async (tx) => {
    const created: CreatedEvent[] = [];
    const notes: CreatedNotification[] = [];
    // Unmet targets whose breach is not recorded yet (the dedupe key is indexed).
    const rows = await tx.$queryRaw<Candidate[]>`
      SELECT c.id, c.number, c.subject, c.customer_id, (SELECT name FROM customers cu WHERE cu.id = c.customer_id) AS customer_name,
             c.priority, c.channel, c.team_id, c.inbox_id, c.assignee_id, c.created_at,
             c.first_response_due_at, c.resolution_due_at, c.first_response_at, c.resolved_at
      FROM conversations c
      WHERE c.status = 'open' AND c.sla_paused_at IS NULL
        AND (
          (c.first_response_at IS NULL AND c.first_response_due_at IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM timeline_events e WHERE e.dedupe_key = 'sla:' || c.id || ':first_response:breached:' || (extract(epoch FROM c.first_response_due_at) * 1000)::bigint))
          OR
          (c.resolved_at IS NULL AND c.resolution_due_at IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM timeline_events e WHERE e.dedupe_key = 'sla:' || c.id || ':resolution:breached:' || (extract(epoch FROM c.resolution_due_at) * 1000)::bigint))
        )
      ORDER BY least(c.first_response_due_at, c.resolution_due_at) ASC
      LIMIT ${limit}
      FOR UPDATE OF c SKIP LOCKED`;
    result.checked = rows.length;
    if (rows.length === 0) return;

    type Due = { row: Candidate; target: SlaTarget; kind: SlaEventKind; dueAt: Date; key: string; policyName: string | null };
    const dues: Due[] = [];
    for (const row of rows) {
      const conv = { priority: row.priority, channel: row.channel, teamId: row.team_id, inboxId: row.inbox_id };
      const policy = ctx.policyFor(conv);
      const calendar = ctx.calendarFor(conv, policy);
      const targets: [SlaTarget, Date | null, Date | null, number | null][] = [
        ["first_response", row.first_response_due_at, row.first_response_at, policy?.firstResponseMinutes ?? null],
        ["resolution", row.resolution_due_at, row.resolved_at, policy?.resolutionMinutes ?? null],
      ];
      for (const [target, dueAt, metAt, targetMinutes] of targets) {
        if (!dueAt || metAt) continue;
        if (now >= dueAt) {
          dues.push({ row, target, kind: "breached", dueAt, key: slaDedupeKey(row.id, target, "breached", dueAt), policyName: policy?.name ?? null });
          continue;
        }
        // Less than 20% of the target's business time left.
        const total = targetMinutes ?? businessMinutesBetween(row.created_at, dueAt, calendar);
        const left = businessMinutesBetween(now, dueAt, calendar);
        if (total > 0 && left <= total * (1 - AT_RISK_FRACTION)) {
          dues.push({ row, target, kind: "at_risk", dueAt, key: slaDedupeKey(row.id, target, "at_risk", dueAt), policyName: policy?.name ?? null });
        }
      }
    }
    if (dues.length === 0) return;
    const existing = new Set(
      (await tx.$queryRaw<{ dedupe_key: string }[]>`SELECT dedupe_key FROM timeline_events WHERE dedupe_key = ANY(${dues.map((d) => d.key)}::text[])`).map(
        (r) => r.dedupe_key,
      ),
    );
    for (const d of dues) {
      if (existing.has(d.key)) continue;
      // A breach without an earlier at-risk (the watcher was down) is just a breach.
      const label = TARGET_LABEL[d.target];
      const text =
        d.kind === "breached"
          ? `SLA breached: ${label} was due ${d.dueAt.toISOString().replace("T", " ").slice(0, 16)} UTC`
          : `SLA at risk: ${label} due ${d.dueAt.toISOString().replace("T", " ").slice(0, 16)} UTC`;
      const ev = await insertTicketEvent(tx, d.row.id, {
        name: d.kind === "breached" ? "sla_breached" : "sla_at_risk",
        text,
        payload: { target: d.target, dueAt: d.dueAt.toISOString(), priority: d.row.priority },
        // The breach happened at the due time; at-risk is noticed now.
        occurredAt: d.kind === "breached" ? d.dueAt : now,
        dedupeKey: d.key,
      });
      created.push(ev);
      if (d.kind === "breached") result.breached++;
      else result.atRisk++;
      // One notification per recipient and event: the assignee and every supervisor.
      const data = {
        conversationId: d.row.id,
        conversationNumber: d.row.number,
        subject: d.row.subject,
        customerId: d.row.customer_id,
        customerName: d.row.customer_name,
        target: d.target,
        dueAt: d.dueAt.toISOString(),
        text,
        policyName: d.policyName,
        eventId: ev.eventId,
      };
      // A breach found long after it happened (downtime, imported data) is recorded but not paged.
      const stale = d.kind === "breached" && now.getTime() - d.dueAt.getTime() > NOTIFY_STALE_BREACH_MS;
      const recipients = stale ? [] : [...(d.row.assignee_id ? [d.row.assignee_id] : []), ...supervisors];
      const kind = d.kind === "breached" ? ("sla_breached" as const) : ("sla_at_risk" as const);
      notes.push(...(await insertNotifications(tx, recipients.map((userId) => ({ userId, kind, data })))));
    }
    published = { created, notes };
  });

  if (published.created.length) await publishTimelineCreated(published.created);
  publishNotifications(published.notes);
  return result;
}


