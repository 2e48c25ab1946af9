// The snooze waker: a snoozed conversation whose snoozed_until has passed
// goes back to open through the ticket path (ticket.ts), so it gets a
// "Snooze ended; reopened" ticket event on the timeline, its SLA clocks
// resume, and conversation.updated reaches queues, rules and SLA.
//
// Every few seconds (one periodic job across all processes, src/server/jobs/),
// one transaction claims due rows with FOR UPDATE SKIP LOCKED: a second waker
// (an overlapping pass, a script) skips rows the first holds, and once the
// first commits they are no longer snoozed, so each wakes exactly once.
// (An inbound customer message also wakes a snoozed conversation: ingest.)
import { applyTicketChanges, LOCKED_COLUMNS, publishTicketUpdate, type LockedConversation, type TicketActor, type TicketOutcome } from "./ticket";
import { runTransaction } from "@/server/db/tx";
import { SlaContext } from "@/server/sla/policy";

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

/** The periodic pass (every 5 s, src/server/conversations/register.ts): wakes everything due; returns how many. */
export async function wakeAllDue(now: () => Date = () => new Date()): Promise<number> {
  // A full batch means more may be due: go again at once.
  let total = 0;
  let woken: string[];
  do {
    woken = await wakeSnoozed(now());
    total += woken.length;
  } while (woken.length >= BATCH);
  return total;
}
