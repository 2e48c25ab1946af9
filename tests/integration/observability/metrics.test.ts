// GET /metrics on the real app (server.ts): refused without METRICS_TOKEN as
// a bearer token, Prometheus text with it, and the figures are the app's own:
// touchpoints counted once (duplicates not), HTTP requests by route pattern,
// pushes, sockets, the outbox as the database has it, the job queue and the
// pool. Without METRICS_TOKEN the endpoint is off.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as connect } from "socket.io-client";
import parsePrometheusTextFormat, { type MetricFamily } from "parse-prometheus-text-format";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";
import { connected, signIn, startAppServer, TEST_SECRETS, type AppServer } from "../../helpers/app-server";

const METRICS_TOKEN = "test-metrics-token-0123456789";

let t: TestDatabase;
let app: AppServer;
let customer: { id: string; email: string };

function scrape(authorization?: string) {
  return fetch(`${app.url}/metrics`, { headers: authorization ? { authorization } : {} });
}

/**
 * The scrape, parsed. The parser folds a histogram's labelled series into one
 * (it keeps labels only for unlabelled histograms), so each histogram's
 * `<name>_count` lines are also parsed on their own, as a counter family of
 * that name: one series per label set.
 */
async function families(): Promise<Map<string, MetricFamily>> {
  const res = await scrape(`Bearer ${METRICS_TOKEN}`);
  expect(res.status).toBe(200);
  const text = await res.text();
  const parsed = parsePrometheusTextFormat(text);
  const counts = parsed
    .filter((f) => f.type === "HISTOGRAM")
    .map((f) => [`# TYPE ${f.name}_count counter`, ...text.split("\n").filter((l) => l.startsWith(`${f.name}_count`))].join("\n"));
  return new Map([...parsed, ...counts.flatMap((c) => parsePrometheusTextFormat(`${c}\n`))].map((f) => [f.name, f]));
}

type Series = MetricFamily["metrics"][number];
function series(all: Map<string, MetricFamily>, name: string, labels: Record<string, string>): Series | undefined {
  return all.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
}
const value = (s: Series | undefined) => Number(s?.value ?? 0);

async function postEvents(body: unknown): Promise<string[]> {
  const res = await fetch(`${app.url}/api/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_SECRETS.DEMO_API_KEY}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { items: { status: string }[] }).items.map((i) => i.status);
}

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url, env: { METRICS_TOKEN } });
  const identity = await t.prisma.customerIdentity.findFirstOrThrow({ where: { kind: "email" }, orderBy: { value: "asc" } });
  customer = { id: identity.customerId, email: identity.value };
});
afterAll(async () => {
  await app?.stop();
  await t?.drop();
});

describe("GET /metrics", () => {
  it("refuses a request without the token, or with a wrong one, in the API's error shape", async () => {
    for (const authorization of [undefined, `Bearer not-the-metrics-token-000`, `Basic ${METRICS_TOKEN}`, METRICS_TOKEN]) {
      const res = await scrape(authorization);
      expect(res.status, String(authorization)).toBe(401);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(res.headers.get("www-authenticate")).toContain("Bearer");
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("unauthorized");
      expect(body.error.message.length).toBeGreaterThan(5);
    }
  });

  it("answers the token with Prometheus text: every family, of its type", async () => {
    const res = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const all = new Map(parsePrometheusTextFormat(await res.text()).map((f) => [f.name, f]));
    const types = Object.fromEntries(
      [
        "http_request_duration_seconds",
        "touchpoints_ingested_total",
        "live_push_latency_seconds",
        "socket_connections",
        "outbox_items",
        "outbox_failures_total",
        "job_queue_jobs",
        "pg_pool_connections",
        "pg_pool_idle_connections",
        "pg_pool_waiting_requests",
        "metrics_collect_errors_total",
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "nodejs_eventloop_lag_seconds",
        "nodejs_gc_duration_seconds",
      ].map((name) => [name, all.get(name)?.type]),
    );
    expect(types).toEqual({
      http_request_duration_seconds: "HISTOGRAM",
      touchpoints_ingested_total: "COUNTER",
      live_push_latency_seconds: "HISTOGRAM",
      socket_connections: "GAUGE",
      outbox_items: "GAUGE",
      outbox_failures_total: "COUNTER",
      job_queue_jobs: "GAUGE",
      pg_pool_connections: "GAUGE",
      pg_pool_idle_connections: "GAUGE",
      pg_pool_waiting_requests: "GAUGE",
      metrics_collect_errors_total: "COUNTER",
      process_cpu_seconds_total: "COUNTER",
      process_resident_memory_bytes: "GAUGE",
      nodejs_eventloop_lag_seconds: "GAUGE",
      nodejs_gc_duration_seconds: "HISTOGRAM",
    });
    // Nothing failed to read on the way.
    expect(all.get("metrics_collect_errors_total")!.metrics).toEqual([]);
  });

  it("counts the touchpoints the events API stored, not the duplicates, and its requests by route", async () => {
    const before = await families();
    const ingested = (m: Map<string, MetricFamily>) => value(series(m, "touchpoints_ingested_total", { channel: "api", kind: "product_event" }));
    const eventsRoute = (m: Map<string, MetricFamily>) => value(series(m, "http_request_duration_seconds_count", { method: "POST", route: "/api/v1/events", status_class: "2xx" }));
    const pushed = (m: Map<string, MetricFamily>) => value(series(m, "live_push_latency_seconds_count", { event: "timeline.created" }));

    const run = `${Date.now()}`;
    const statuses = [
      // A known customer's events: the one-statement path.
      ...(await postEvents([
        { customer: { email: customer.email }, name: "metrics_probe", idempotencyKey: `${run}-1` },
        { customer: { email: customer.email }, name: "metrics_probe", idempotencyKey: `${run}-2` },
      ])),
      // A duplicate and a new customer: the transaction path.
      ...(await postEvents([
        { customer: { email: customer.email }, name: "metrics_probe", idempotencyKey: `${run}-1` },
        { customer: { email: `metrics-${run}@example.test` }, name: "metrics_probe", idempotencyKey: `${run}-3` },
      ])),
      // A single event (group commit).
      ...(await postEvents({ customer: { email: customer.email }, name: "metrics_probe" })),
    ];
    expect(statuses).toEqual(["created", "created", "duplicate", "created", "created"]);

    const after = await families();
    expect(ingested(after) - ingested(before)).toBe(4);
    expect(eventsRoute(after) - eventsRoute(before)).toBe(3);
    // Each stored touchpoint was pushed (to its rooms, watched or not) once.
    expect(pushed(after) - pushed(before)).toBeGreaterThanOrEqual(4);
  });

  it("labels a route by its pattern, never by the ids in its URL", async () => {
    const timeline = (m: Map<string, MetricFamily>) => value(series(m, "http_request_duration_seconds_count", { method: "GET", route: "/api/v1/customers/:id/timeline", status_class: "2xx" }));
    const unmatched = (m: Map<string, MetricFamily>) => value(series(m, "http_request_duration_seconds_count", { method: "GET", route: "unmatched", status_class: "4xx" }));
    const before = await families();
    const res = await fetch(`${app.url}/api/v1/customers/${customer.id}/timeline?limit=5`, { headers: { authorization: `Bearer ${TEST_SECRETS.DEMO_API_KEY}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);
    expect((await fetch(`${app.url}/api/v1/no-such-route/${customer.id}`)).status).toBe(404);
    const after = await families();
    expect(timeline(after) - timeline(before)).toBe(1);
    expect(unmatched(after) - unmatched(before)).toBe(1);
    const routes = new Set(after.get("http_request_duration_seconds_count")!.metrics.map((m) => m.labels?.route));
    expect([...routes].filter((r) => r?.includes(customer.id))).toEqual([]);
    expect(routes.has("/metrics")).toBe(true);
  });

  it("times the console's API (tRPC, answered by Next) as one route, trpc", async () => {
    const trpc = (m: Map<string, MetricFamily>) => value(series(m, "http_request_duration_seconds_count", { method: "GET", route: "trpc", status_class: "4xx" }));
    const before = await families();
    // Signed out: the procedure refuses (401), and is still timed as trpc.
    const res = await fetch(`${app.url}/api/trpc/me.get`);
    expect(res.status).toBe(401);
    await res.text(); // timed when the response has finished
    await expect.poll(async () => trpc(await families()) - trpc(before)).toBe(1);
  });

  it("reports this process's sockets, the outbox as the database has it, the job queue and the pool", async () => {
    const { cookie } = await signIn(app.url, "admin@throughline.test");
    const socket = connect(app.url, { transports: ["websocket"], extraHeaders: { cookie }, reconnection: false });
    try {
      await connected(socket);
      const outboxInDb = async () => {
        const rows = await t.prisma.outboxItem.groupBy({ by: ["status"], _count: { _all: true } });
        return Object.fromEntries(["pending", "sending", "sent", "failed"].map((s) => [s, rows.find((r) => r.status === s)?._count._all ?? 0]));
      };
      // The worker may move an item (a retried send) while we look: compare a scrape taken between two equal readings.
      let all = new Map<string, MetricFamily>();
      let inDb: Record<string, number> = {};
      for (let attempt = 0; attempt < 5; attempt++) {
        inDb = await outboxInDb();
        all = await families();
        if (JSON.stringify(await outboxInDb()) === JSON.stringify(inDb)) break;
      }
      const reported = Object.fromEntries(all.get("outbox_items")!.metrics.map((m) => [m.labels!.status, Number(m.value)]));
      expect(reported).toEqual(inDb);
      expect(value(series(all, "socket_connections", { namespace: "/" }))).toBe(1);

      const queues = new Set(all.get("job_queue_jobs")!.metrics.map((m) => m.labels?.queue));
      expect(queues.has("domain-events")).toBe(true);
      expect(queues.has("outbox")).toBe(true);

      const total = value(series(all, "pg_pool_connections", { pool: "hot" }));
      expect(total).toBeGreaterThanOrEqual(1);
      expect(value(series(all, "pg_pool_idle_connections", { pool: "hot" }))).toBeLessThanOrEqual(total);
    } finally {
      socket.disconnect();
    }
  });
});

describe("GET /metrics without METRICS_TOKEN", () => {
  it("is off: 404 saying how to turn it on", async () => {
    const { buildApiApp, isLeanPath } = await import("@/server/http/app");
    expect(isLeanPath("/metrics")).toBe(true);
    expect(isLeanPath("/metrics?x=1")).toBe(true);
    expect(isLeanPath("/metrics/x")).toBe(false);
    const saved = process.env.METRICS_TOKEN;
    delete process.env.METRICS_TOKEN;
    try {
      const res = await buildApiApp().fetch(new Request("http://localhost/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }));
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: { code: "not_found", message: "Set METRICS_TOKEN to enable /metrics." } });
    } finally {
      if (saved !== undefined) process.env.METRICS_TOKEN = saved;
    }
  });
});
