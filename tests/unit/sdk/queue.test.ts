// Queued events are cut into requests the events API accepts: at most
// batchSize events and under its 1 MiB body limit, in the order tracked.
import { describe, expect, it } from "vitest";
import { cutBatches, MAX_BODY_BYTES, serialise } from "@/sdk/queue";

const event = (i: number, pad = "") => ({ customer: { email: `c${i}@example.com` }, name: "page_view", properties: { i, pad } });

describe("batches", () => {
  it("hold at most batchSize events, in order, as a JSON array body", () => {
    const batches = cutBatches(Array.from({ length: 25 }, (_, i) => serialise(event(i))), 10);
    expect(batches.map((b) => b.events.length)).toEqual([10, 10, 5]);
    expect(batches.flatMap((b) => JSON.parse(b.body) as { properties: { i: number } }[]).map((e) => e.properties.i)).toEqual([...Array(25).keys()]);
    expect(batches.every((b) => JSON.stringify(b.events) === b.body)).toBe(true);
  });

  it("stay under the body limit, counting UTF-8 bytes", () => {
    const big = "é".repeat(100_000); // 200,000 bytes as UTF-8
    const batches = cutBatches(Array.from({ length: 12 }, (_, i) => serialise(event(i, big))), 1000);
    expect(batches.length).toBeGreaterThan(2);
    for (const b of batches) expect(new TextEncoder().encode(b.body).length).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(batches.reduce((n, b) => n + b.events.length, 0)).toBe(12);
  });

  it("refuse an event too large for any request, or not JSON, with its name", () => {
    expect(() => serialise({ ...event(0, "x".repeat(MAX_BODY_BYTES)), name: "huge" })).toThrow(/"huge" is \d+ bytes.*at most 1000000/);
    expect(() => serialise({ ...event(0), name: "odd", properties: { n: 1n } })).toThrow(/"odd" cannot be sent as JSON/);
  });
});
