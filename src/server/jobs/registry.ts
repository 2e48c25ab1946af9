// What the job runner runs: consumers of committed domain events and periodic
// tasks. The domains export them as values (their register.ts files, shapes
// in src/server/lib/background.ts); the app's service list
// (src/server/app/service-list.ts) hands them over here. Kept on globalThis
// like the bus, so server.ts and Next's bundled code (two module graphs, one
// process) share one registry.
import type { EventConsumer, JobDefinitions, PeriodicTask } from "@/server/lib/background";

export type { EventConsumer, PeriodicTask } from "@/server/lib/background";

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

/** Registers (or replaces, by name) a domain's consumers and periodic tasks, in their order. */
export function registerJobs(jobs: JobDefinitions) {
  for (const consumer of jobs.consumers) registerEventConsumer(consumer);
  for (const task of jobs.periodic) registerPeriodicTask(task);
}

export function eventConsumers(): EventConsumer[] {
  return [...registry.consumers.values()];
}

export function periodicTasks(): PeriodicTask[] {
  return [...registry.tasks.values()];
}
