// Group commit: concurrent single touchpoints share a transaction, yet each
// caller gets exactly its own result, and a bad one fails alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { disconnectDb } from "@/server/db";
import { recordTouchpointGrouped } from "@/server/ingest/group-commit";
import type { TouchpointInput } from "@/server/ingest/record";

let t: TestDatabase;
beforeAll(async () => {
  t = await useTestDatabase();
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

const event = (email: string, key: string): TouchpointInput => ({
  identities: [{ kind: "email", value: email, verified: true, source: "api" }],
  channel: "api",
  kind: "product_event",
  actor: "customer",
  name: "page_view",
  text: `Viewed /docs/${key}`,
  payload: { key },
  dedupeKey: `test:${key}`,
});

describe("group commit", () => {
  it("gives each concurrent caller its own committed result; a bad input fails alone", async () => {
    const inputs = Array.from({ length: 60 }, (_, i) => event(`person${i % 20}@example.com`, `k${i}`));
    inputs[17] = event("not an email", "bad");
    const settled = await Promise.allSettled(inputs.map((i) => recordTouchpointGrouped(i)));
    const ok = settled.filter((s) => s.status === "fulfilled") as PromiseFulfilledResult<{ eventId: string; customerId: string }>[];
    expect(ok).toHaveLength(59);
    expect(settled[17]!.status).toBe("rejected");
    const rows = await t.prisma.timelineEvent.findMany({ select: { id: true, dedupeKey: true, customerId: true } });
    expect(rows).toHaveLength(59);
    // Each result is that caller's own event.
    settled.forEach((s, i) => {
      if (s.status !== "fulfilled") return;
      const row = rows.find((r) => r.id === s.value.eventId)!;
      expect(row.dedupeKey).toBe(`test:k${i}`);
      expect(row.customerId).toBe(s.value.customerId);
    });
    expect(new Set(rows.map((r) => r.customerId)).size).toBe(20);
  });

  it("the same delivery twice at once is stored once and both callers get the same event", async () => {
    const [a, b] = await Promise.all([recordTouchpointGrouped(event("twice@example.com", "same")), recordTouchpointGrouped(event("twice@example.com", "same"))]);
    expect(a.eventId).toBe(b.eventId);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(await t.prisma.timelineEvent.count({ where: { dedupeKey: "test:same" } })).toBe(1);
  });
});
