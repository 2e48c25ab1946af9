// The job runner: one pg-boss instance and what this process does with it.
//
// - Every role enqueues: the forwarder (committed domain events → the
//   "domain-events" queue) and the outbox's jobs (./../outbox/worker.ts).
// - Workers (ROLE=worker or all) also consume: domain events in batches for
//   the registered consumers (journey, rules, SLA, surveys), outbox jobs, and
//   the periodic tasks (SLA watcher, snooze waker, rule timers, journey sweep,
//   outbox sweep), each once per period across all processes.
//
// Periodic tasks are self-rescheduling jobs on a "stately" queue (one queued,
// one active): each pass ends by sending the next with startAfter = its start
// + the period (pg-boss's cron has minute granularity; the snooze waker runs
// every 5 s). However many processes seed the chain at start, it is one chain;
// a minute cron re-seeds it should it ever break (a worker died mid-pass: its
// job fails by missing heartbeat and the next cron minute starts a new chain).
import type { Job, JobResult, PgBoss } from "pg-boss";
import type { DomainEvent } from "@/server/events/bus";
import { outboxJobHandler, scheduleWaiting, startOutboxEnqueuer, type OutboxOptions } from "@/server/outbox/worker";
import { EVENTS_QUEUE, EVENTS_QUEUE_SPEC, getBoss, OUTBOX_QUEUE, outboxQueueSpec, setBoss, TICK_QUEUE_SPEC, tickQueue } from "./boss";
import { createBoss, ensureQueue } from "./pgboss";
import { startForwarder, type EventJobData } from "./forwarder";
import type { PeriodicTask } from "@/server/lib/background";
import { eventConsumers, periodicTasks } from "./registry";

export type JobRunnerOptions = {
  databaseUrl: string;
  /** Consume (domain events, outbox, periodic tasks); false = enqueue only (ROLE=web). */
  work: boolean;
  /**
   * Forward this process's committed domain events and outbox items to the
   * queue and become the process's producer (getBoss()). Default true; a
   * test's second runner in the same process (one bus) turns it off.
   */
  produce?: boolean;
  /** Consume the domain-event queue here (default true; with work). */
  events?: boolean;
  /** Worker poll interval in seconds (min 0.5); LISTEN/NOTIFY wakes workers sooner for new jobs. */
  pollSeconds?: number;
  /** Seconds between maintenance passes: expiry of dead workers' jobs. */
  superviseSeconds?: number;
  /** Domain events per batch. */
  eventBatchSize?: number;
  outbox?: OutboxOptions;
  /** Periodic task periods overridden by name (tests), in ms. */
  periodsMs?: Record<string, number>;
  /** Only these periodic tasks (default all registered). */
  tasks?: string[];
  name?: string;
  log?: (line: string) => void;
};

export type JobRunner = {
  boss: PgBoss;
  /** graceful=false: as if the process died (jobs in hand stay active until they expire). */
  stop: (opts?: { graceful?: boolean }) => Promise<void>;
};

export async function startJobRunner(opts: JobRunnerOptions): Promise<JobRunner> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const boss = createBoss({ databaseUrl: opts.databaseUrl, supervise: opts.work, superviseSeconds: opts.superviseSeconds, name: opts.name });
  // start() installs or migrates the pgboss schema (under pg-boss's own advisory lock).
  await boss.start();
  try {
    return await runWith(boss, opts, log);
  } catch (error) {
    await boss.stop({ graceful: false, timeout: 0, close: true }).catch(() => undefined);
    if (getBoss() === boss) setBoss(undefined);
    throw error;
  }
}

async function runWith(boss: PgBoss, opts: JobRunnerOptions, log: (line: string) => void): Promise<JobRunner> {
  const produce = opts.produce ?? true;
  const pollingIntervalSeconds = Math.max(0.5, opts.pollSeconds ?? 1);
  const leaseMs = opts.outbox?.leaseMs ?? 5 * 60_000;
  await ensureQueue(boss, EVENTS_QUEUE, EVENTS_QUEUE_SPEC);
  await ensureQueue(boss, OUTBOX_QUEUE, outboxQueueSpec(leaseMs / 1000));
  const tasks = periodicTasks().filter((t) => !opts.tasks || opts.tasks.includes(t.name));
  for (const task of periodicTasks()) await ensureQueue(boss, tickQueue(task.name), TICK_QUEUE_SPEC);

  const stops: (() => Promise<void>)[] = [];
  if (produce) {
    if (getBoss()) log("[jobs] a second producing job runner in this process: the last one started enqueues");
    setBoss(boss);
    const forwarder = startForwarder(boss, { log });
    const enqueuer = startOutboxEnqueuer(() => boss);
    stops.push(async () => {
      enqueuer();
      await forwarder.stop();
      if (getBoss() === boss) setBoss(undefined);
    });
  }

  if (opts.work && opts.events !== false) {
    await boss.work<EventJobData>(
      EVENTS_QUEUE,
      { batchSize: opts.eventBatchSize ?? 50, pollingIntervalSeconds, notifyPollingIntervalSeconds: Math.max(pollingIntervalSeconds, 5), perJobResults: true },
      (jobs) => handleEventJobs(jobs, log),
    );
  }
  if (opts.work) {
    await boss.work(
      OUTBOX_QUEUE,
      { batchSize: opts.outbox?.batchSize ?? 8, pollingIntervalSeconds, notifyPollingIntervalSeconds: pollingIntervalSeconds, perJobResults: true },
      outboxJobHandler({ ...opts.outbox, leaseMs, log: opts.outbox?.log ?? log }, () => boss),
    );
    // What waits without a job (written while no runner ran): jobs now, not at the first sweep.
    await scheduleWaiting(boss).catch((error: unknown) => log(`[outbox] scheduling waiting items failed (the sweep retries): ${(error as Error).message}`));
    for (const task of tasks) {
      const everyMs = opts.periodsMs?.[task.name] ?? task.everyMs;
      await boss.work<Record<string, unknown>>(tickQueue(task.name), { batchSize: 1, pollingIntervalSeconds: Math.min(pollingIntervalSeconds, Math.max(0.5, everyMs / 2000)) }, (jobs) =>
        runTick(boss, task, everyMs, jobs, log),
      );
      // Seed the chain (a no-op when one is queued: stately) and the minute watchdog.
      await boss.send(tickQueue(task.name), {});
      await boss.schedule(tickQueue(task.name), "* * * * *", {});
    }
  }

  let stopped = false;
  return {
    boss,
    stop: async ({ graceful = true } = {}) => {
      if (stopped) return;
      stopped = true;
      for (const s of stops.reverse()) await s().catch((error: unknown) => log(`[jobs] stopping: ${(error as Error).message}`));
      await boss.stop({ graceful, timeout: graceful ? 10_000 : 0, close: true }).catch((error: unknown) => log(`[jobs] stopping pg-boss: ${(error as Error).message}`));
    },
  };
}

/**
 * One batch of domain events, in commit order (per producing process), to
 * every consumer. A consumer that fails on the batch is given its events one
 * by one to find the failing ones; those jobs fail and pg-boss retries them
 * (every consumer is idempotent, so the consumers that succeeded on a retried
 * event change nothing the second time).
 */
async function handleEventJobs(jobs: Job<EventJobData>[], log: (line: string) => void): Promise<JobResult[]> {
  const sorted = [...jobs].sort((a, b) => (a.data?.seq ?? 0) - (b.data?.seq ?? 0));
  const events = sorted.map((j) => j.data?.event).filter((e): e is DomainEvent => !!e && typeof e === "object");
  const failed = new Map<string, string>();
  // Consumers one after another (each takes the batch in order): background
  // work must never hold more of the shared database pool than one request.
  for (const consumer of eventConsumers()) {
    await (async () => {
      try {
        await consumer.handle(events);
      } catch {
        for (const job of sorted) {
          if (!job.data?.event) continue;
          try {
            await consumer.handle([job.data.event]);
          } catch (error) {
            const reason = `${consumer.name}: ${(error as Error).message}`;
            log(`[jobs] ${job.data.event.type} failed in ${reason}`);
            failed.set(job.id, reason);
          }
        }
      }
    })();
  }
  return jobs.map((j) => (failed.has(j.id) ? { id: j.id, status: "failed", output: { error: failed.get(j.id) } } : { id: j.id, status: "completed" }));
}

/** One pass of a periodic task, then the next tick at start + period (carrying the task's state). */
async function runTick(boss: PgBoss, task: PeriodicTask, everyMs: number, jobs: Job<Record<string, unknown>>[], log: (line: string) => void): Promise<void> {
  const job = jobs[0];
  if (!job) return;
  const started = Date.now();
  let state: Record<string, unknown> = job.data ?? {};
  try {
    state = (await task.run(state)) ?? state;
  } catch (error) {
    log(`[${task.name}] ${(error as Error).message}`);
  } finally {
    const startAfter = new Date(Math.max(Date.now(), started + everyMs));
    await boss.send(tickQueue(task.name), state, { startAfter }).catch((error: unknown) => log(`[${task.name}] scheduling the next pass failed (the minute cron re-seeds): ${(error as Error).message}`));
  }
}
