// The registry (src/server/observability/metrics.ts) without a database or a
// job runner: counters count, and sources that cannot be read are left out of
// the scrape instead of failing it.
import { afterAll, describe, expect, it, vi } from "vitest";
import { countIngested, countOutboxFailure, renderMetrics, watchSocketConnections } from "@/server/observability/metrics";

/** The value of one sample line, e.g. sample(body, 'touchpoints_ingested_total{channel="api",kind="product_event"}'). */
function sample(body: string, series: string): number | undefined {
  const line = body.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

// Every scrape below runs without a database: the outbox reading fails each time.
const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
const saved = process.env.DATABASE_URL;
delete process.env.DATABASE_URL;
afterAll(() => {
  if (saved !== undefined) process.env.DATABASE_URL = saved;
  log.mockRestore();
});

describe("the metrics registry", () => {
  it("counts created touchpoints per channel and kind", async () => {
    const before = sample((await renderMetrics()).body, 'touchpoints_ingested_total{channel="api",kind="product_event"}') ?? 0;
    countIngested([
      { channel: "api", kind: "product_event" },
      { channel: "email", kind: "message" },
      { channel: "api", kind: "product_event" },
    ]);
    countIngested([]);
    const { body, contentType } = await renderMetrics();
    expect(contentType).toContain("text/plain");
    expect(sample(body, 'touchpoints_ingested_total{channel="api",kind="product_event"}')).toBe(before + 2);
    expect(sample(body, 'touchpoints_ingested_total{channel="email",kind="message"}')).toBeGreaterThanOrEqual(1);
  });

  it("reports the registered socket counts, and stops when a source is removed", async () => {
    const stop = watchSocketConnections(() => [
      { namespace: "/", connections: 3 },
      { namespace: "/widget", connections: 5 },
    ]);
    let body = (await renderMetrics()).body;
    expect(sample(body, 'socket_connections{namespace="/"}')).toBe(3);
    expect(sample(body, 'socket_connections{namespace="/widget"}')).toBe(5);
    stop();
    body = (await renderMetrics()).body;
    expect(sample(body, 'socket_connections{namespace="/"}')).toBeUndefined();
  });

  it("counts outbox failures by channel and outcome", async () => {
    countOutboxFailure("email", "retry");
    countOutboxFailure("email", "retry");
    countOutboxFailure("telegram", "failed");
    const body = (await renderMetrics()).body;
    expect(sample(body, 'outbox_failures_total{channel="email",outcome="retry"}')).toBe(2);
    expect(sample(body, 'outbox_failures_total{channel="telegram",outcome="failed"}')).toBe(1);
  });

  it("serves a scrape when the database cannot be read: the outbox is left out, counted and logged once", async () => {
    const before = sample((await renderMetrics()).body, 'metrics_collect_errors_total{collector="outbox"}') ?? 0;
    const { body } = await renderMetrics();
    expect(body).toContain("# TYPE outbox_items gauge");
    expect(body).not.toMatch(/^outbox_items\{/m);
    expect(sample(body, 'metrics_collect_errors_total{collector="outbox"}')).toBe(before + 1);
    expect(log.mock.calls.filter(([line]) => String(line).includes("reading outbox failed"))).toHaveLength(1);
    // No job runner in this process: no queue series, and no error either.
    expect(body).not.toMatch(/^job_queue_jobs\{/m);
    expect(sample(body, 'metrics_collect_errors_total{collector="job_queue"}')).toBeUndefined();
    // The defaults are there: event-loop lag, memory, CPU.
    expect(body).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(body).toMatch(/^process_resident_memory_bytes \d/m);
    expect(body).toMatch(/^process_cpu_seconds_total \d/m);
  });
});
