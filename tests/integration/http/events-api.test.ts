import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { bus, type DomainEvent } from "@/server/events/bus";
import { createApiKey, revokeApiKey } from "@/server/api-keys/keys";
import { describeProductEvent } from "@/server/timeline/product-events";
import { api } from "../../helpers/lean-api";
const { POST } = api;

let t: TestDatabase;
let key: string;
let keyId: string;

beforeAll(async () => {
  t = await useTestDatabase();
  const k = await createApiKey({ name: "events", scopes: ["events:write"] });
  key = k.key;
  keyId = k.id;
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

async function post(body: unknown, headers: Record<string, string> = { authorization: `Bearer ${key}` }) {
  const res = await POST(
    new Request("http://localhost:3000/api/v1/events", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const customerOf = async (email: string) =>
  db.customer.findFirstOrThrow({ where: { identities: { some: { kind: "email", value: email } } }, include: { identities: true } });

describe("POST /api/v1/events", () => {
  it("stores one event and returns 202 with its id", async () => {
    const seen: DomainEvent[] = [];
    const off = bus.on((e) => void seen.push(e));
    const res = await post({ customer: { email: "One@Example.com", name: "One" }, name: "signup", occurredAt: "2026-03-01T10:00:00+01:00", properties: { plan: "trial" } });
    off();
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ items: [{ index: 0, id: expect.any(String), status: "created" }], errors: [] });
    const ev = await db.timelineEvent.findUniqueOrThrow({ where: { id: res.body.items[0].id } });
    expect(ev).toMatchObject({ kind: "product_event", channel: "api", actor: "customer", name: "signup", text: "Signed up (trial)", payload: { plan: "trial" } });
    expect(ev.occurredAt.toISOString()).toBe("2026-03-01T09:00:00.000Z");
    const c = await customerOf("one@example.com");
    expect(c.name).toBe("One");
    expect(c.identities[0]).toMatchObject({ kind: "email", value: "one@example.com", verified: true, source: "api" });
    expect(seen.filter((e) => e.type === "timeline.created")).toHaveLength(1);
  });

  it("takes a batch with bad items: 202, a reason per bad item, the good ones stored", async () => {
    const res = await post([
      { customer: { email: "batch@example.com" }, name: "page_view", properties: { path: "/pricing" } },
      { customer: {}, name: "page_view" },
      { customer: { email: "not an email" }, name: "x" },
      { customer: { externalId: "ext-1", phone: "+44 20 7946 0958" }, name: "trial_started" },
      { customer: { email: "batch@example.com" }, name: "" },
      { customer: { email: "batch@example.com" }, name: "purchase", properties: { amount: "99" } },
      { customer: { email: "batch@example.com" }, name: "x", occurredAt: "last tuesday" },
      "not even an object",
    ]);
    expect(res.status).toBe(202);
    expect(res.body.items.map((i: { index: number; status: string }) => [i.index, i.status])).toEqual([
      [0, "created"],
      [3, "created"],
    ]);
    expect(res.body.errors.map((e: { index: number }) => e.index)).toEqual([1, 2, 4, 5, 6, 7]);
    const msg = (i: number) => res.body.errors.find((e: { index: number }) => e.index === i).message as string;
    expect(msg(1)).toMatch(/customer.*email, externalId, phone/);
    expect(msg(2)).toMatch(/customer\.email.*invalid email/);
    expect(msg(4)).toMatch(/^name:/);
    expect(msg(5)).toMatch(/properties\.amount.*number/);
    expect(msg(6)).toMatch(/occurredAt.*ISO-8601/);
    expect(msg(7)).toMatch(/object/);
    expect(await db.timelineEvent.count({ where: { text: "Viewed /pricing" } })).toBe(1);
    const ext = await db.customerIdentity.findUniqueOrThrow({ where: { kind_value: { kind: "external_id", value: "ext-1" } } });
    const phone = await db.customerIdentity.findUniqueOrThrow({ where: { kind_value: { kind: "phone", value: "+442079460958" } } });
    expect(phone.customerId).toBe(ext.customerId);
    expect(await db.timelineEvent.findFirst({ where: { customerId: ext.customerId, name: "trial_started" } })).toMatchObject({ text: "Event trial_started" });
  });

  it("rejects a body where every item is invalid with 400 and stores nothing", async () => {
    const before = await db.timelineEvent.count();
    const res = await post([{ customer: {}, name: "a" }, { name: "b" }]);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_events");
    expect(res.body.errors.map((e: { index: number }) => e.index)).toEqual([0, 1]);
    const single = await post({ customer: { email: "x@example.com" } });
    expect(single.status).toBe(400);
    expect(single.body.errors[0].message).toMatch(/name/);
    expect((await post([])).status).toBe(400);
    expect((await post("{not json")).status).toBe(400);
    expect((await post("{not json")).body.error.code).toBe("invalid_json");
    expect(await db.timelineEvent.count()).toBe(before);
  });

  it("needs a valid key with events:write", async () => {
    const body = { customer: { email: "auth@example.com" }, name: "x" };
    const none = await post(body, {});
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("unauthorized");
    expect((await post(body, { authorization: "Bearer nope" })).status).toBe(401);
    const k = await createApiKey({ name: "soon revoked", scopes: ["*"] });
    expect((await post(body, { authorization: `Bearer ${k.key}` })).status).toBe(202);
    await revokeApiKey(k.id);
    const revoked = await post(body, { authorization: `Bearer ${k.key}` });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe("unauthorized");
    const reader = await createApiKey({ name: "reader", scopes: ["customers:read"] });
    expect((await post(body, { authorization: `Bearer ${reader.key}` })).status).toBe(403);
    expect(await db.timelineEvent.count({ where: { customer: { identities: { some: { value: "auth@example.com" } } } } })).toBe(1);
  });

  it("refuses more than 1,000 items and bodies over 1 MB", async () => {
    const before = await db.timelineEvent.count();
    const many = Array.from({ length: 1001 }, (_, i) => ({ customer: { externalId: `u${i}` }, name: "x" }));
    const res = await post(many);
    expect([400, 413]).toContain(res.status);
    expect(res.body.error.message).toMatch(/1000/);
    const big = await post([{ customer: { email: "big@example.com" }, name: "x", properties: { blob: "x".repeat(1024 * 1024) } }]);
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe("payload_too_large");
    expect(await db.timelineEvent.count()).toBe(before);
  });

  it("stores 1,000 events in one request", async () => {
    const batch = Array.from({ length: 1000 }, (_, i) => ({ customer: { externalId: `bulk-${i % 100}` }, name: "page_view", properties: { path: `/p/${i}` }, idempotencyKey: `bulk-${i}` }));
    const started = Date.now();
    const res = await post(batch);
    expect(res.status).toBe(202);
    expect(res.body.items).toHaveLength(1000);
    expect(res.body.items.every((i: { status: string }) => i.status === "created")).toBe(true);
    expect(await db.customerIdentity.count({ where: { kind: "external_id", value: { startsWith: "bulk-" } } })).toBe(100);
    expect(Date.now() - started).toBeLessThan(20_000);
    const again = await post(batch.slice(0, 10));
    expect(again.body.items.map((i: { status: string }) => i.status)).toEqual(Array(10).fill("duplicate"));
    expect(again.body.items.map((i: { id: string }) => i.id)).toEqual(res.body.items.slice(0, 10).map((i: { id: string }) => i.id));
  });

  it("is idempotent by idempotencyKey, per API key", async () => {
    const body = { customer: { email: "idem@example.com" }, name: "signup", idempotencyKey: "signup-1" };
    const a = await post(body);
    const b = await post(body);
    expect(a.body.items[0].status).toBe("created");
    expect(b.body.items[0]).toEqual({ index: 0, id: a.body.items[0].id, status: "duplicate" });
    const dup = await post([body, body]);
    expect(dup.body.items.map((i: { status: string }) => i.status)).toEqual(["duplicate", "duplicate"]);
    expect((await db.timelineEvent.findUniqueOrThrow({ where: { id: a.body.items[0].id } })).dedupeKey).toBe(`api:${keyId}:signup-1`);
    // Another key's idempotency keys are its own.
    const other = await createApiKey({ name: "other", scopes: ["events:write"] });
    const c = await post(body, { authorization: `Bearer ${other.key}` });
    expect(c.body.items[0].status).toBe("created");
    // Concurrent retries of the same request store it once.
    const race = await Promise.all(Array.from({ length: 4 }, () => post({ ...body, idempotencyKey: "race-1" })));
    expect(race.map((r) => r.status)).toEqual([202, 202, 202, 202]);
    expect(race.filter((r) => r.body.items[0].status === "created")).toHaveLength(1);
    expect(new Set(race.map((r) => r.body.items[0].id)).size).toBe(1);
  });

  it("purchases update lifetime value, once per purchase", async () => {
    const buy = (key: string, amount: number) => ({ customer: { email: "buyer@example.com" }, name: "purchase", properties: { plan: "Pro", amount, currency: "usd" }, idempotencyKey: key });
    const res = await post([buy("o-1", 99), buy("o-2", 0.99), buy("o-1", 99)]);
    expect(res.body.items.map((i: { status: string }) => i.status)).toEqual(["created", "created", "duplicate"]);
    await post(buy("o-1", 99));
    const c = await customerOf("buyer@example.com");
    expect(Number(c.lifetimeValue)).toBe(99.99);
    const ev = await db.timelineEvent.findUniqueOrThrow({ where: { id: res.body.items[0].id } });
    expect(ev.text).toBe("Purchased Pro plan — 99.00 USD");
    expect(ev.payload).toEqual({ plan: "Pro", amount: 99, currency: "usd" });
  });
});

describe("describeProductEvent", () => {
  it("writes readable one-liners", () => {
    expect(describeProductEvent("purchase", { plan: "Pro", amount: 99, currency: "USD" })).toBe("Purchased Pro plan — 99.00 USD");
    expect(describeProductEvent("purchase", { product: "Sticker pack", amount: 4.5 })).toBe("Purchased Sticker pack — 4.50");
    expect(describeProductEvent("purchase", {})).toBe("Purchased");
    expect(describeProductEvent("page_view", { path: "/pricing" })).toBe("Viewed /pricing");
    expect(describeProductEvent("Page View", { url: "https://x.test/a" })).toBe("Viewed https://x.test/a");
    expect(describeProductEvent("signup", {})).toBe("Signed up");
    expect(describeProductEvent("sign_up", {})).toBe("Signed up");
    expect(describeProductEvent("login", {})).toBe("Logged in");
    expect(describeProductEvent("trial_started", { days: 14 })).toBe("Event trial_started");
  });
});
