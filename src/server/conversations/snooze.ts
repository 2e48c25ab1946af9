// The snooze waker: a snoozed conversation whose snoozed_until has passed
// goes back to open through the ticket path (ticket.ts), so it gets a
// "Snooze ended; reopened" ticket event on the timeline, its SLA clocks
// resume, and conversation.updated reaches queues, rules and SLA.
//
// Every few seconds in every process, one transaction claims due rows with
// FOR UPDATE SKIP LOCKED: a second waker skips rows the first holds, and once
// the first commits they are no longer snoozed, so each wakes exactly once.
// (An inbound customer message also wakes a snoozed conversation: ingest.)
import { applyTicketChanges, LOCKED_COLUMNS, publishTicketUpdate, type LockedConversation, type TicketActor, type TicketOutcome } from "./ticket";
import { runTransaction } from "@/server/timeline/tx";
import { SlaContext } from "@/server/sla/policy";
import { every } from "@/server/app/every";

export const SNOOZE_WAKE_TEXT = "Snooze ended; reopened";
const SYSTEM: TicketActor = { userId: null };
const BATCH = 100;

/** One pass: wakes up to `limit` due conversations. `now` is injectable for tests. */
export async function wakeSnoozed(now: Date = new Date(), opts: { limit?: number } = {}): Promise<string[]> {
  const limit = opts.limit ?? BATCH;
  const outcomes = await runTransaction(async (tx) => {
    const rows = await tx.$queryRaw<LockedConversation[]>`
      SELECT ${LOCKED_COLUMNS} FROM conversations
      WHERE status = 'snoozed' AND snoozed_until <= ${now}
      ORDER BY snoozed_until ASC
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED`;
    const done: TicketOutcome[] = [];
    // Waking resumes the SLA clocks: load policies and calendars once per batch.
    const slaContext = rows.length > 0 ? await SlaContext.load() : undefined;
    for (const row of rows) {
      done.push(
        await applyTicketChanges(tx, row, {
          actor: SYSTEM,
          changes: { status: "open" },
          now,
          statusText: SNOOZE_WAKE_TEXT,
          statusPayload: { reason: "snooze_ended", snoozedUntil: row.snoozed_until?.toISOString() ?? null },
          slaContext,
        }),
      );
    }
    return done;
  });
  for (const outcome of outcomes) await publishTicketUpdate(outcome, SYSTEM);
  return outcomes.map((o) => o.conversationId);
}

/** Timer service: wakes due snoozes every `intervalMs`. */
export function startSnoozeWaker(intervalMs = 5_000): () => void {
  return every(intervalMs, "snooze", async (stopped) => {
    // A full batch means more may be due: go again at once.
    let woken: string[];
    do woken = await wakeSnoozed();
    while (!stopped() && woken.length >= BATCH);
  });
}
