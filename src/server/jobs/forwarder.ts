// The forwarder: the only work a request's event loop does for background
// consumers after commit. It collects the committed domain events the
// consumers care about (timeline.created, conversation.updated, customer
// created/merged) during one
// tick of the event loop and enqueues them with one insert per tick (one job
// per event, so a failing event is retried alone). socket.io delivery stays on
// the bus (src/server/realtime/): it is the request's own business.
//
// Events are slimmed to what consumers read (a timeline item's kind, name,
// channel and actor, not the whole item): the job row stays small.
import type { PgBoss, JobInsert } from "pg-boss";
import { bus, type DomainEvent } from "@/server/events/bus";
import { EVENTS_QUEUE } from "./boss";

export type EventJobData = { event: DomainEvent; seq: number };

/** The event as stored in the job, or null when no consumer reads its type. */
export function slimEvent(event: DomainEvent): DomainEvent | null {
  if (event.type === "timeline.created") {
    const item = event.item as { kind?: unknown; name?: unknown; channel?: unknown; actor?: unknown; emotion?: unknown } | undefined;
    return {
      type: event.type,
      customerId: event.customerId,
      eventId: event.eventId,
      conversationId: event.conversationId ?? null,
      inboxId: event.inboxId ?? null,
      occurredAt: event.occurredAt,
      item: item ? { kind: item.kind, name: item.name ?? null, channel: item.channel, actor: item.actor, emotion: item.emotion ?? null } : undefined,
    };
  }
  if (event.type === "conversation.updated") return { ...event, changes: JSON.parse(JSON.stringify(event.changes ?? {})) };
  // Outgoing webhooks subscribe to these (src/server/webhooks/).
  if (event.type === "customer.created" || event.type === "customer.merged" || event.type === "customer.unmerged") return { ...event };
  return null;
}

const MAX_BUFFER = 50_000;
// The consumers poll every second or so: waiting 50 ms to share an insert costs them nothing.
const FLUSH_MS = 50;
const INSERT_CHUNK = 1_000;

export type Forwarder = { flush: () => Promise<void>; stop: () => Promise<void> };

/** Forwards this process's committed events to the queue through `boss`. */
export function startForwarder(boss: PgBoss, opts: { log?: (line: string) => void } = {}): Forwarder {
  const log = opts.log ?? ((line: string) => console.error(line));
  let buffer: JobInsert[] = [];
  let scheduled = false;
  let flushing: Promise<void> | null = null;
  let retryTimer: NodeJS.Timeout | undefined;
  let seq = 0;
  let failingSince = 0;

  const flush = async (): Promise<void> => {
    if (flushing) {
      await flushing;
      if (buffer.length) return flush();
      return;
    }
    flushing = (async () => {
      while (buffer.length) {
        const chunk = buffer.slice(0, INSERT_CHUNK);
        try {
          await boss.insert(EVENTS_QUEUE, chunk);
          buffer = buffer.slice(chunk.length);
          failingSince = 0;
        } catch (error) {
          // Database unavailable: keep the events (bounded) and try again in a second.
          if (!failingSince) {
            failingSince = Date.now();
            log(`[jobs] enqueueing ${buffer.length} domain events failed, retrying: ${(error as Error).message}`);
          }
          if (buffer.length > MAX_BUFFER) {
            log(`[jobs] dropping ${buffer.length - MAX_BUFFER} domain events (queue unreachable)`);
            buffer = buffer.slice(buffer.length - MAX_BUFFER);
          }
          clearTimeout(retryTimer);
          retryTimer = setTimeout(() => void flush(), 1_000);
          retryTimer.unref?.();
          return;
        }
      }
    })().finally(() => {
      flushing = null;
    });
    await flushing;
  };

  const off = bus.on((event) => {
    const slim = slimEvent(event);
    if (!slim) return;
    const data: EventJobData = { event: slim, seq: ++seq };
    buffer.push({ data });
    if (!scheduled) {
      scheduled = true;
      // What is published within FLUSH_MS (a transaction's events, concurrent
      // requests) goes in one insert.
      setTimeout(() => {
        scheduled = false;
        void flush();
      }, FLUSH_MS).unref?.();
    }
  });

  return {
    flush,
    stop: async () => {
      off();
      clearTimeout(retryTimer);
      await flush().catch(() => undefined);
    },
  };
}
