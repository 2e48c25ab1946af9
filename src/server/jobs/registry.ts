// What the job runner runs, registered by the domains (their register.ts
// files): consumers of committed domain events and periodic tasks. Kept on
// globalThis like the bus, so server.ts and Next's bundled code (two module
// graphs, one process) share one registry.
import type { DomainEvent } from "@/server/events/bus";

/**
 * A consumer of committed domain events. It receives the events of one batch
 * (in commit order) and must be idempotent: a batch whose job fails, or whose
 * worker dies, is delivered again (at least once). The journey, rules, SLA and
 * survey consumers are (rule runs are claimed per rule and event, surveys per
 * conversation/customer with cooldowns, journey and SLA recompute from state).
 */
export type EventConsumer = { name: string; handle: (events: DomainEvent[]) => Promise<void> };

/**
 * A periodic task, run once per period across all processes. `run` gets the
 * previous run's returned state (e.g. a sweep's cursor) and returns the next.
 */
export type PeriodicTask = {
  name: string;
  everyMs: number;
  run: (state: Record<string, unknown>) => Promise<Record<string, unknown> | void>;
};

type Registry = { consumers: Map<string, EventConsumer>; tasks: Map<string, PeriodicTask> };
const g = globalThis as unknown as { __throughlineJobs?: Registry };
const registry: Registry = (g.__throughlineJobs ??= { consumers: new Map(), tasks: new Map() });

/** Registers (or replaces, by name) a consumer of committed domain events. */
export function registerEventConsumer(consumer: EventConsumer) {
  registry.consumers.set(consumer.name, consumer);
}

/** Registers (or replaces, by name) a periodic task. */
export function registerPeriodicTask(task: PeriodicTask) {
  if (!/^[a-z0-9-]+$/.test(task.name)) throw new Error(`periodic task name must be [a-z0-9-]: ${task.name}`);
  registry.tasks.set(task.name, task);
}

export function eventConsumers(): EventConsumer[] {
  return [...registry.consumers.values()];
}

export function periodicTasks(): PeriodicTask[] {
  return [...registry.tasks.values()];
}
