// The shapes of the background pieces a domain hands to the app: services
// started with it (SMTP server, job runner, presence heartbeat), consumers of
// committed domain events and periodic tasks. Domains export these as values
// (their register.ts files) and import nothing upward; the top
// (src/server/app/service-list.ts) gives them to the service starter
// (src/server/app/services.ts) and the job registry (src/server/jobs/registry.ts).
import type { Env } from "@/env";
import type { DomainEvent } from "@/server/events/bus";

/**
 * Where a service runs (ROLE, src/env.ts): "web" (HTTP, sockets, SMTP: what
 * faces the outside) or "worker" (the job queue's consumers and periodic
 * tasks); ROLE=all runs both.
 */
export type ServiceRole = "web" | "worker";

/** A background service started with the app; start order is list order and stop order is reversed. */
export type BackgroundService = {
  name: string;
  /** Default: both. */
  roles?: ServiceRole[];
  start: (config: Env) => Promise<{ stop: () => Promise<void> } | void>;
};

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

/** What a domain gives the job queue: its event consumers and periodic tasks, in registration order. */
export type JobDefinitions = { consumers: EventConsumer[]; periodic: PeriodicTask[] };

/** A periodic task's declaration: `run` carries state from pass to pass; `pass` is a stateless pass (what it returns is ignored). */
export type PeriodicSpec = { everyMs: number; run: PeriodicTask["run"] } | { everyMs: number; pass: () => Promise<unknown> };

/**
 * A domain's job definitions from a declarative shape: consumers and periodic
 * tasks keyed by name (in declaration order).
 *
 *   export const slaJobs = defineJobs({
 *     consumers: { sla: onSlaEvents },
 *     periodic: { "sla-watch": { everyMs: 30_000, pass: checkSla } },
 *   });
 */
export function defineJobs(spec: { consumers?: Record<string, EventConsumer["handle"]>; periodic?: Record<string, PeriodicSpec> }): JobDefinitions {
  return {
    consumers: Object.entries(spec.consumers ?? {}).map(([name, handle]) => ({ name, handle })),
    periodic: Object.entries(spec.periodic ?? {}).map(([name, p]) => ({ name, everyMs: p.everyMs, run: "run" in p ? p.run : stateless(p.pass) })),
  };
}

function stateless(pass: () => Promise<unknown>): PeriodicTask["run"] {
  return async () => {
    await pass();
  };
}

/** Whether a service runs in this process's role. */
export function runsIn(service: BackgroundService, role: Env["ROLE"]): boolean {
  if (role === "all") return true;
  return (service.roles ?? ["web", "worker"]).includes(role);
}
