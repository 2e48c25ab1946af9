import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { BATCH_JSON_LIMITS, checkJsonShape, DEFAULT_MAX_DEPTH, DEFAULT_MAX_NODES } from "@/server/security/json-shape";

/** depth nested arrays ([[[…]]]) or objects ({"a":{"a":…}}), built without recursion. */
function nested(depth: number, kind: "array" | "object", leaf: unknown = 1): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = kind === "array" ? [value] : { a: value };
  return value;
}

/** The smallest maxDepth / maxNodes a value passes: its measured shape. */
function shapeOf(value: unknown): { depth: number; nodes: number } {
  const smallest = (passes: (limit: number) => boolean) => {
    let lo = 0;
    let hi = 10_000_000;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (passes(mid)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  return {
    depth: smallest((maxDepth) => checkJsonShape(value, { maxDepth, maxNodes: Infinity }) === null),
    nodes: smallest((maxNodes) => checkJsonShape(value, { maxDepth: Infinity, maxNodes }) === null),
  };
}

describe("checkJsonShape: depth", () => {
  it("counts containers: a scalar is 0 deep, [] and {} are 1, [[1]] is 2", () => {
    expect(shapeOf(7).depth).toBe(0);
    expect(shapeOf("text").depth).toBe(0);
    expect(shapeOf(null).depth).toBe(0);
    expect(shapeOf([]).depth).toBe(1);
    expect(shapeOf({}).depth).toBe(1);
    expect(shapeOf([[1]]).depth).toBe(2);
    expect(shapeOf({ a: [{ b: 1 }], c: 2 }).depth).toBe(3);
  });

  it.each(["array", "object"] as const)("passes %s nesting exactly at the limit and refuses one level more, naming the limit", (kind) => {
    expect(DEFAULT_MAX_DEPTH).toBe(32);
    expect(checkJsonShape(nested(32, kind))).toBeNull();
    expect(checkJsonShape(nested(33, kind))).toEqual({ code: "json_too_deep", message: "JSON nests deeper than 32 levels." });
    expect(checkJsonShape(nested(5, kind), { maxDepth: 5 })).toBeNull();
    expect(checkJsonShape(nested(6, kind), { maxDepth: 5 })).toEqual({ code: "json_too_deep", message: "JSON nests deeper than 5 levels." });
  });

  it("finds the deep branch wherever it is, not only the first one", () => {
    const value = { first: [1, 2, { x: 1 }], second: { deep: nested(40, "array") } };
    expect(checkJsonShape(value)?.code).toBe("json_too_deep");
    expect(checkJsonShape([nested(31, "object"), nested(33, "array")])?.code).toBe("json_too_deep");
  });

  it.each(["array", "object"] as const)("walks 100,000-deep %s without throwing (iterative)", (kind) => {
    const deep = nested(100_000, kind);
    expect(() => checkJsonShape(deep)).not.toThrow();
    expect(checkJsonShape(deep)?.code).toBe("json_too_deep");
    // With no depth limit it walks all the way down: still no stack overflow.
    expect(checkJsonShape(deep, { maxDepth: Infinity, maxNodes: Infinity })).toBeNull();
    expect(shapeOf(deep)).toEqual({ depth: 100_000, nodes: 100_000 });
  });

  it("copes with the 5,000-level body from the defect report as parsed by JSON.parse", () => {
    const body = JSON.parse(`${'{"a":['.repeat(5000)}1${"]}".repeat(5000)}`) as unknown;
    expect(checkJsonShape(body)).toEqual({ code: "json_too_deep", message: "JSON nests deeper than 32 levels." });
  });
});

describe("checkJsonShape: keys and elements", () => {
  it("counts every key and every array element, at every level", () => {
    expect(shapeOf([1, 2, 3]).nodes).toBe(3);
    expect(shapeOf({ a: 1, b: 2 }).nodes).toBe(2);
    expect(shapeOf({ a: [1, 2], b: { c: null } }).nodes).toBe(5);
    expect(shapeOf("scalar").nodes).toBe(0);
  });

  it("passes exactly the limit and refuses one more, naming the limit", () => {
    expect(DEFAULT_MAX_NODES).toBe(10_000);
    expect(checkJsonShape(new Array(10_000).fill(0))).toBeNull();
    expect(checkJsonShape(new Array(10_001).fill(0))).toEqual({ code: "json_too_large", message: "JSON has more than 10000 keys and elements." });
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    expect(checkJsonShape(keys(10_000))).toBeNull();
    expect(checkJsonShape(keys(10_001))?.code).toBe("json_too_large");
    // 100 objects of 99 keys: 100 + 9,900 = 10,000 in all; one more key anywhere is over.
    const spread = Array.from({ length: 100 }, () => keys(99));
    expect(checkJsonShape(spread)).toBeNull();
    (spread[50] as Record<string, number>).extra = 1;
    expect(checkJsonShape(spread)?.code).toBe("json_too_large");
    expect(checkJsonShape(new Array(101).fill(0), { maxNodes: 100 })).toEqual({ code: "json_too_large", message: "JSON has more than 100 keys and elements." });
  });

  it("treats binary data and other instances as leaves (socket.io attachments are Buffers)", () => {
    expect(checkJsonShape({ data: Buffer.alloc(512 * 1024) })).toBeNull();
    expect(checkJsonShape([new Uint8Array(100_000), new ArrayBuffer(100_000), new Date()])).toBeNull();
  });

  it("walks objects without a prototype (JSON parsed with a null-prototype reviver)", () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.inner = nested(40, "object");
    expect(checkJsonShape(bare)?.code).toBe("json_too_deep");
  });
});

// The limits must let every legitimate payload through: measured on the real
// platform payloads we test with and on the largest batches our APIs allow.
describe("the limits fit our legitimate payloads", () => {
  const fixturesDir = path.resolve("tests/fixtures/social");
  const fixtures = readdirSync(fixturesDir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => [f, JSON.parse(readFileSync(path.join(fixturesDir, f), "utf8")) as unknown] as const);

  it("every platform webhook fixture fits the default limits with room (the deepest is WhatsApp at 11 levels)", () => {
    expect(fixtures.length).toBeGreaterThan(10);
    const deepest = Math.max(...fixtures.map(([, body]) => shapeOf(body).depth));
    expect(deepest).toBeLessThanOrEqual(12);
    for (const [name, body] of fixtures) expect(checkJsonShape(body), name).toBeNull();
  });

  it("a 1,000-item platform batch fits the batch limits", () => {
    const whatsapp = fixtures.find(([f]) => f === "whatsapp-media.json")![1] as { entry: { changes: unknown[] }[] };
    const batch = { object: "whatsapp_business_account", entry: [{ id: "1", changes: Array.from({ length: 1000 }, () => whatsapp.entry[0]!.changes[0]) }] };
    expect(checkJsonShape(batch, BATCH_JSON_LIMITS)).toBeNull();
  });

  it("a full events API batch (1,000 events with nested properties) fits the batch limits, not the default", () => {
    const event = (i: number) => ({
      customer: { email: `c${i}@example.com`, externalId: `ext-${i}`, name: `Customer ${i}` },
      name: "purchase",
      occurredAt: "2026-03-01T10:00:00Z",
      idempotencyKey: `k-${i}`,
      properties: {
        amount: 99.5,
        currency: "usd",
        plan: "pro",
        items: [{ sku: "a", qty: 1, price: 49.75 }, { sku: "b", qty: 1, price: 49.75 }],
        attributes: { company: { name: "Acme", size: 50, address: { city: "Berlin", country: "DE" } }, tags: ["vip", "beta"] },
      },
    });
    const batch = Array.from({ length: 1000 }, (_, i) => event(i));
    const shape = shapeOf(batch);
    expect(shape.depth).toBeLessThan(10);
    expect(shape.nodes).toBeGreaterThan(DEFAULT_MAX_NODES);
    expect(shape.nodes).toBeLessThan(BATCH_JSON_LIMITS.maxNodes / 2);
    expect(checkJsonShape(batch, BATCH_JSON_LIMITS)).toBeNull();
  });

  it("tRPC inputs as the console sends them (superjson, per call) fit the defaults", () => {
    const inputs = [
      { ids: Array.from({ length: 500 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`) },
      { name: "r", trigger: { kind: "message" }, conditions: Array.from({ length: 20 }, () => ({ field: "payload.x", op: "in", value: ["a", { b: [1, 2] }] })), actions: [{ type: "add_tags", tags: ["a"] }] },
      { name: "hours", days: { mon: [["09:00", "12:00"], ["13:00", "17:00"]] }, holidays: Array.from({ length: 100 }, () => "2026-12-25") },
      { customerId: "x", from: new Date(), to: new Date(), channels: ["email", "chat"] },
    ];
    for (const input of inputs) {
      const wire = superjson.serialize(input);
      expect(shapeOf(wire).depth).toBeLessThanOrEqual(10);
      expect(checkJsonShape(wire)).toBeNull();
    }
  });
});
