// The Prometheus metrics of this process: the one module that knows
// prom-client. Domain code calls the small functions below (countIngested,
// observeLivePush, …); GET /metrics (src/server/http/routes/prometheus.ts)
// renders the registry. docs/operations.md lists every metric and what to
// alert on.
//
// Kept on globalThis like the bus and the database clients: server.ts and
// Next's bundled route code are separate module graphs in one process, and a
// touchpoint recorded from the console (tRPC) must count in the same registry.
//
// Gauges read on scrape (outbox, job queue, pools, sockets) do it in a
// collect(): each is wrapped so a failing source never fails the scrape; it is
// logged once, counted in metrics_collect_errors_total and its series are left
// out of that scrape.
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { OutboxStatus } from "@/generated/prisma/enums";
import { queueSizes } from "@/server/jobs/boss";
import { hotPool, hotPoolStats } from "@/server/db/pg";
import { methodLabel, nextRouteLabel, statusClass } from "./labels";

export type SocketCounts = () => { namespace: string; connections: number }[];

type State = {
  registry: Registry;
  http: Histogram<"method" | "route" | "status_class">;
  ingested: Counter<"channel" | "kind">;
  livePush: Histogram<"event">;
  outboxFailures: Counter<"channel" | "outcome">;
  webhookDeliveries: Counter<"outcome">;
  collectErrors: Counter<"collector">;
  /** When each event published from the write path was committed (performance.now()). */
  committedAt: WeakMap<object, number>;
  socketSources: Set<SocketCounts>;
  warned: Set<string>;
};

const g = globalThis as unknown as { __throughlineMetrics?: State };

function state(): State {
  return (g.__throughlineMetrics ??= createState());
}

function createState(): State {
  const registry = new Registry();
  // Process CPU, memory, handles, event-loop lag (nodejs_eventloop_lag_*), GC durations.
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const collectErrors = new Counter({ name: "metrics_collect_errors_total", help: "Scrape-time readings that failed (their series were left out of that scrape), by collector", labelNames: ["collector"], registers });
  const s: State = {
    registry,
    collectErrors,
    http: new Histogram({
      name: "http_request_duration_seconds",
      help: "HTTP requests by method, route pattern (trpc and next for what Next answers) and status class",
      labelNames: ["method", "route", "status_class"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    ingested: new Counter({ name: "touchpoints_ingested_total", help: "Touchpoints stored (duplicates not counted), by channel and kind", labelNames: ["channel", "kind"], registers }),
    livePush: new Histogram({
      name: "live_push_latency_seconds",
      help: "From a write's commit (or its publication on the bus) to the socket.io emit of its event, by event type",
      labelNames: ["event"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    outboxFailures: new Counter({ name: "outbox_failures_total", help: "Outbound send attempts that failed: outcome retry (backoff, tried again) or failed (given up)", labelNames: ["channel", "outcome"], registers }),
    webhookDeliveries: new Counter({ name: "webhook_deliveries_total", help: "Outgoing webhook attempts by outcome: delivered (2xx), retry (failed, tried again after backoff) or failed (given up or refused)", labelNames: ["outcome"], registers }),
    committedAt: new WeakMap(),
    socketSources: new Set(),
    warned: new Set(),
  };

  const guarded = (collector: string, read: (this: Gauge<string>) => Promise<void> | void) =>
    async function (this: Gauge<string>) {
      try {
        await read.call(this);
      } catch (error) {
        this.reset();
        collectFailed(s, collector, error);
      }
    };

  // Read before the outbox count below takes a connection of the same pool for itself.
  const pool = (name: string, help: string, pick: (p: NonNullable<ReturnType<typeof hotPoolStats>>) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ["pool"],
      registers,
      collect: guarded("pg_pool", function () {
        this.reset();
        const stats = hotPoolStats();
        if (stats) this.set({ pool: "hot" }, pick(stats));
      }),
    });
  pool("pg_pool_connections", "Connections the pg pool holds (busy + idle), by pool", (p) => p.total);
  pool("pg_pool_idle_connections", "Idle connections of the pg pool, by pool", (p) => p.idle);
  pool("pg_pool_waiting_requests", "Queries waiting for a pg pool connection, by pool", (p) => p.waiting);
  new Gauge({
    name: "socket_connections",
    help: "Open socket.io connections of this process, by namespace (/ = agents' consoles, /widget = visitors)",
    labelNames: ["namespace"],
    registers,
    collect: guarded("sockets", function () {
      this.reset();
      for (const source of s.socketSources) for (const { namespace, connections } of source()) this.inc({ namespace }, connections);
    }),
  });
  new Gauge({
    name: "outbox_items",
    help: "Outbox items (outbound messages) by status, across the whole database",
    labelNames: ["status"],
    registers,
    collect: guarded("outbox", async function () {
      const counts = await outboxCounts();
      this.reset();
      for (const status of Object.values(OutboxStatus)) this.set({ status }, counts.get(status) ?? 0);
    }),
  });
  new Gauge({
    name: "job_queue_jobs",
    help: "pg-boss jobs per queue and state (pg-boss's own counts, refreshed by its monitor); absent where this process runs no job runner",
    labelNames: ["queue", "state"],
    registers,
    collect: guarded("job_queue", async function () {
      const queues = await queueSizes();
      this.reset();
      for (const q of queues ?? []) {
        for (const [stateName, value] of [["ready", q.ready], ["deferred", q.deferred], ["active", q.active], ["failed", q.failed]] as const) this.set({ queue: q.name, state: stateName }, value);
      }
    }),
  });
  return s;
}

function collectFailed(s: State, collector: string, error: unknown) {
  s.collectErrors.inc({ collector });
  if (s.warned.has(collector)) return;
  s.warned.add(collector);
  console.error(`[metrics] reading ${collector} failed (left out of the scrape; logged once): ${(error as Error)?.message ?? String(error)}`);
}

// One bounded count per scrape: a statement timeout caps it should the table be huge.
const OUTBOX_COUNT_SQL = "SET LOCAL statement_timeout = 2000; SELECT status::text AS status, count(*)::int AS n FROM outbox GROUP BY status";

async function outboxCounts(): Promise<Map<string, number>> {
  // A simple-protocol query of two statements: one implicit transaction, so SET LOCAL applies to the count only.
  const results = (await hotPool().query(OUTBOX_COUNT_SQL)) as unknown as { rows: { status: string; n: number }[] }[];
  const rows = results[results.length - 1]?.rows ?? [];
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}

// ---- what the rest of the app calls ---------------------------------------------------------

/** The scrape: Prometheus text format and its content type. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  const { registry } = state();
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** One HTTP request answered (started = performance.now() when it arrived). */
export function observeHttpRequest(method: string, route: string, status: number, started: number) {
  state().http.observe({ method: methodLabel(method), route, status_class: statusClass(status) }, (performance.now() - started) / 1000);
}

/**
 * Times a request Next answers (pages and next-auth as route "next", the
 * console's tRPC as "trpc"), from now until its response is finished. For the
 * custom server's request listener (src/server/app/start.ts).
 */
export function timeNextRequest(req: IncomingMessage, res: ServerResponse) {
  const started = performance.now();
  res.once("finish", () => observeHttpRequest(req.method ?? "GET", nextRouteLabel(req.url), res.statusCode, started));
}

/** Touchpoints the write path created (never the duplicates it returned). */
export function countIngested(items: readonly { channel: string; kind: string }[]) {
  if (items.length === 0) return;
  const tally = new Map<string, { channel: string; kind: string; n: number }>();
  for (const { channel, kind } of items) {
    const key = `${channel}\u0000${kind}`;
    const t = tally.get(key);
    if (t) t.n++;
    else tally.set(key, { channel, kind, n: 1 });
  }
  const { ingested } = state();
  for (const { channel, kind, n } of tally.values()) ingested.inc({ channel, kind }, n);
}

/** Marks events as committed now (call right before publishing them), for live_push_latency_seconds. */
export function markCommitted(events: readonly object[], at: number = performance.now()) {
  const { committedAt } = state();
  for (const e of events) committedAt.set(e, at);
}

/** The time to take a push's latency from: its commit if marked, else `fallback` (when the bus handed it over). */
export function pushStartedAt(event: object, fallback: number): number {
  return state().committedAt.get(event) ?? fallback;
}

/** One event pushed to sockets (emit done); started from pushStartedAt. */
export function observeLivePush(eventType: string, started: number) {
  state().livePush.observe({ event: eventType }, Math.max(0, performance.now() - started) / 1000);
}

/** Registers a reader of this process's socket counts (socket_connections); returns its removal. */
export function watchSocketConnections(read: SocketCounts): () => void {
  const { socketSources } = state();
  socketSources.add(read);
  return () => socketSources.delete(read);
}

/** An outbound send attempt that failed: "retry" (tried again after backoff) or "failed" (given up). */
export function countOutboxFailure(channel: string, outcome: "retry" | "failed") {
  state().outboxFailures.inc({ channel, outcome });
}

/** An outgoing webhook attempt (src/server/webhooks/worker.ts) by outcome. */
export function countWebhookDelivery(outcome: "delivered" | "retry" | "failed") {
  state().webhookDeliveries.inc({ outcome });
}
