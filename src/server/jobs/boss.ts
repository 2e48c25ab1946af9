// The job queue: pg-boss on the app's own PostgreSQL. One place for the
// instance of this process, the queue names and their options.
//
// pg-boss keeps its tables in its own schema ("pgboss") and creates or
// migrates them itself in start(), next to Prisma's migrations, which only
// manage the "public" schema: prisma/schema.prisma's datasource names no
// `schemas`, so Prisma's diffing (src/server/db/migrator.ts diffs schema files,
// never the live database; a native `prisma migrate` looks at "public" only)
// never sees pgboss.* and nothing has to be filtered. Test databases cloned
// from the migrated template get the schema when their first runner starts.
//
// Queues:
// - "domain-events": every committed timeline.created / conversation.updated,
//   one job each, inserted in batches by the forwarder (forwarder.ts) and
//   consumed in batches by the journey, rules, SLA and survey consumers.
// - "outbox": one job per outbox item attempt (src/server/outbox/worker.ts).
// - "tick-<task>": one self-rescheduling job per periodic task (periodic.ts).
// Types only: this module is also bundled into Next's server code (the
// console's reply path enqueues through getBoss()); the instance itself is
// made by ./pgboss.ts in the runner.
import type { PgBoss, Queue } from "pg-boss";

export const EVENTS_QUEUE = "domain-events";
export const OUTBOX_QUEUE = "outbox";
export const tickQueue = (task: string) => `tick-${task}`;

export type QueueSpec = Omit<Queue, "name">;

/**
 * Domain events. A failed event is retried with backoff (2 s, 4 s, … capped
 * at 5 min), five times, then kept as failed in pgboss.job for inspection. A
 * worker that dies holding a batch loses it after 5 minutes and the batch is
 * delivered again (consumers are idempotent).
 */
export const EVENTS_QUEUE_SPEC: QueueSpec = {
  retryLimit: 5,
  retryDelay: 2,
  retryBackoff: true,
  retryDelayMax: 300,
  expireInSeconds: 300,
  // Completed event jobs are only a trace; with heavy ingest they are many.
  deleteAfterSeconds: 3600,
  // Polled, not woken per insert: background consumers need no sub-second
  // start, and a NOTIFY per event had every process's worker fetch (mostly
  // nothing) once per event. Polling takes what arrived as one batch.
  notify: false,
};

/**
 * Outbox jobs. Handled outcomes (sent, failed, retry later, deferred) settle
 * the job and schedule the next attempt as a new job (the backoff schedule is
 * the outbox's own: 5 s, 30 s, 2 min, 10 min, 30 min, which pg-boss's
 * exponential jitter cannot express). pg-boss's own retries cover what the
 * handler could not record: the process died mid-send (the job expires after
 * the lease, expireInSeconds) or the database failed.
 */
export function outboxQueueSpec(leaseSeconds: number): QueueSpec {
  return {
    retryLimit: 20,
    retryDelay: 5,
    retryBackoff: true,
    retryDelayMax: 600,
    expireInSeconds: Math.max(1, Math.ceil(leaseSeconds)),
    deleteAfterSeconds: 7 * 24 * 3600,
    notify: true,
  };
}

/**
 * Periodic tasks. "stately": at most one queued and one active job, so the
 * chain of ticks is one chain whatever the number of processes seeding it, and
 * two passes of one task never overlap. No retries: a failed pass is followed
 * by the next tick. A dead worker's tick is noticed by its missing heartbeat.
 */
export const TICK_QUEUE_SPEC: QueueSpec = {
  policy: "stately",
  retryLimit: 0,
  expireInSeconds: 15 * 60,
  heartbeatSeconds: 10,
  deleteAfterSeconds: 3600,
};

// The producer of this process (the one the forwarder and the outbox enqueue
// through): on globalThis, shared by server.ts and Next's bundled code.
const g = globalThis as unknown as { __throughlineBoss?: PgBoss };

/** This process's pg-boss instance, once the job runner started; undefined in scripts and most tests. */
export function getBoss(): PgBoss | undefined {
  return g.__throughlineBoss;
}

export function setBoss(boss: PgBoss | undefined) {
  g.__throughlineBoss = boss;
}

export type QueueSize = { name: string; ready: number; deferred: number; active: number; failed: number };

/**
 * Job counts per queue, for the metrics scrape: pg-boss's own counts (kept in
 * its queue table by the monitor of a supervising instance), one cheap read.
 * Undefined where no job runner runs in this process.
 */
export async function queueSizes(): Promise<QueueSize[] | undefined> {
  const boss = getBoss();
  if (!boss) return undefined;
  const queues = await boss.getQueues();
  return queues.map((q) => ({ name: q.name, ready: q.readyCount, deferred: q.deferredCount, active: q.activeCount, failed: q.failedCount }));
}
