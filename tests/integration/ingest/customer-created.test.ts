// A touchpoint that brings a new customer into being publishes customer.created
// once, after commit (outgoing webhooks and other consumers subscribe to it);
// later touchpoints of the same customer, and a replay of the same one, do not.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { bus, type DomainEvent } from "@/server/events/bus";
import { recordTouchpoints, type TouchpointInput } from "@/server/ingest/record";
import { slimEvent } from "@/server/jobs/forwarder";

let t: TestDatabase;
beforeAll(async () => {
  t = await useTestDatabase();
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

const ev = (email: string, key: string): TouchpointInput => ({
  identities: [{ kind: "email", value: email, verified: true, source: "api" }],
  channel: "api",
  kind: "product_event",
  actor: "customer",
  name: "signup",
  text: "Signed up",
  dedupeKey: `test:${key}`,
});

async function published(inputs: TouchpointInput[]): Promise<DomainEvent[]> {
  const seen: DomainEvent[] = [];
  const off = bus.on((e) => void seen.push(e));
  try {
    await recordTouchpoints(inputs);
  } finally {
    off();
  }
  return seen.filter((e) => e.type === "customer.created");
}

describe("customer.created", () => {
  it("is published once per new customer, never for a known one or a replay", async () => {
    const first = await published([ev("new-one@example.test", "cc-1"), ev("new-one@example.test", "cc-2"), ev("new-two@example.test", "cc-3")]);
    const ids = (await db.customerIdentity.findMany({ where: { value: { in: ["new-one@example.test", "new-two@example.test"] } }, select: { customerId: true } })).map((i) => i.customerId);
    expect(first.map((e) => (e as { customerId: string }).customerId).sort()).toEqual([...ids].sort());

    expect(await published([ev("new-one@example.test", "cc-4")])).toEqual([]);
    expect(await published([ev("new-two@example.test", "cc-3")])).toEqual([]);
  });

  it("reaches the durable queue (the forwarder keeps it)", () => {
    expect(slimEvent({ type: "customer.created", customerId: "c1" })).toEqual({ type: "customer.created", customerId: "c1" });
    expect(slimEvent({ type: "customer.updated", customerId: "c1", changes: {} })).toBeNull();
  });
});
