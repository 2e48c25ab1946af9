import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";

let t: TestDatabase;
beforeAll(async () => {
  t = await useTestDatabase();
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

describe("test database", () => {
  it("is migrated and isolated per file", async () => {
    const c = await db.customer.create({ data: { name: "Ada Lovelace" } });
    expect(c.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await db.customer.count()).toBe(1);
    const rows = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*)::bigint AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL`;
    expect(Number(rows[0]!.n)).toBeGreaterThanOrEqual(1);
  });

  it("indexes timeline text for full-text search", async () => {
    const c = await db.customer.create({ data: { name: "Grace Hopper" } });
    await db.timelineEvent.create({
      data: { customerId: c.id, originCustomerId: c.id, occurredAt: new Date(), kind: "product_event", channel: "api", actor: "customer", text: "Purchased the annual plan" },
    });
    const hits = await db.$queryRaw<{ text: string }[]>`SELECT text FROM timeline_events WHERE search_vector @@ plainto_tsquery('simple', 'annual')`;
    expect(hits.map((h) => h.text)).toEqual(["Purchased the annual plan"]);
  });
});
