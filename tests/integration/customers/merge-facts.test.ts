// What a merge makes of two profiles' facts (docs/journey.md, "Merging
// customers"): a long-standing customer merged into a fresh duplicate keeps
// their first-seen date and their journey stage; attributes are united with
// the conflicts recorded and shown; undo gives both rows back byte for byte.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { recordTouchpoint, type TouchpointInput } from "@/server/ingest/record";
import { mergeCustomers, undoMerge } from "@/server/customers/merge";
import { evaluateCustomer } from "@/server/journey/service";
import { journeyMap } from "@/server/journey/map";
import { getCustomerProfile } from "@/server/customers/directory";

let t: TestDatabase;
let inboxId: string;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await useTestDatabase();
  inboxId = (await db.inbox.create({ data: { name: "Email", channel: "email", publicId: "facts@example.test" } })).id;
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

const product = (email: string, name: string, at: Date, payload: Record<string, unknown> = {}): TouchpointInput => ({
  identities: [{ kind: "email", value: email, verified: true, source: "test" }],
  channel: "api",
  kind: "product_event",
  actor: "customer",
  name,
  text: `Event ${name}`,
  payload,
  occurredAt: at,
});

/** Every row of everything a customer owns, as the database has it (updated_at aside: undo is an update). */
async function rows(customerId: string) {
  const q = (sql: string) => t.prisma.$queryRawUnsafe<{ r: unknown }[]>(sql, customerId).then((x) => x.map((y) => y.r));
  return {
    customer: await q(`SELECT to_jsonb(c) - 'updated_at' AS r FROM customers c WHERE id = $1::uuid`),
    identities: await q(`SELECT to_jsonb(i) AS r FROM customer_identities i WHERE customer_id = $1::uuid ORDER BY id`),
    conversations: await q(`SELECT to_jsonb(v) - 'updated_at' AS r FROM conversations v WHERE customer_id = $1::uuid ORDER BY id`),
    events: await q(`SELECT to_jsonb(e) AS r FROM timeline_events e WHERE customer_id = $1::uuid ORDER BY id`),
    surveys: await q(`SELECT to_jsonb(s) AS r FROM surveys s WHERE customer_id = $1::uuid ORDER BY id`),
  };
}

describe("merging an old Retention customer into a fresh duplicate", () => {
  it("keeps the earliest first-seen, the stage of the merged timeline and the attribute union with its conflict; undo restores both exactly", async () => {
    const now = Date.now();
    // The long-standing customer: first seen 400 days ago, bought 380 days ago, active last week.
    const old = await recordTouchpoint(product("dana@old.example", "page_view", new Date(now - 400 * DAY), { url: "https://acme.test/" }));
    await recordTouchpoint(product("dana@old.example", "page_view", new Date(now - 395 * DAY), { url: "https://acme.test/pricing" }));
    await recordTouchpoint(product("dana@old.example", "purchase", new Date(now - 380 * DAY), { amount: 120 }));
    await recordTouchpoint({
      identities: [{ kind: "email", value: "dana@old.example", verified: true, source: "email_from" }],
      channel: "email",
      kind: "message",
      actor: "customer",
      text: "Question about my invoice",
      occurredAt: new Date(now - 7 * DAY),
      conversation: { inboxId, externalThreadKey: "<invoice@old>" },
      message: { direction: "inbound", bodyText: "Question about my invoice" },
    });
    const oldFirstSeen = new Date(now - 400 * DAY);
    await db.customer.update({ where: { id: old.customerId }, data: { name: "Dana Old", createdAt: oldFirstSeen, attributes: { plan: "pro", company: "Acme" } } });
    expect((await evaluateCustomer(old.customerId)).to).toBe("retention");

    // The duplicate: seen for the first time today, one page view.
    const fresh = await recordTouchpoint(product("dana@new.example", "page_view", new Date(now - 60_000), { url: "https://acme.test/blog" }));
    await db.customer.update({ where: { id: fresh.customerId }, data: { name: "Dana", attributes: { plan: "trial", source: "ads" } } });
    expect((await evaluateCustomer(fresh.customerId)).to).toBe("awareness");

    const beforeOld = await rows(old.customerId);
    const beforeFresh = await rows(fresh.customerId);

    const m = await mergeCustomers({ sourceId: old.customerId, targetId: fresh.customerId });

    const survivor = await db.customer.findUniqueOrThrow({ where: { id: fresh.customerId } });
    expect(survivor.createdAt.toISOString()).toBe(oldFirstSeen.toISOString());
    expect(survivor.journeyStage).toBe("retention");
    expect(survivor.journeyStageSetBy).toBeNull();
    expect(survivor.attributes).toEqual({ plan: "trial", company: "Acme", source: "ads" });
    expect(survivor.lifetimeValue.toString()).toBe("120");

    // The stage track ends in the stage the profile shows.
    const map = await journeyMap(fresh.customerId, "all");
    expect(map!.segments.at(-1)).toMatchObject({ stage: "retention", reason: "Merged: Customer for more than 30 days" });
    expect(map!.customer.stage).toBe("retention");

    // The profile shows the conflict, and every "customer since" reads the same first-seen.
    const profile = await getCustomerProfile(fresh.customerId, "all");
    expect(profile!.attributeConflicts).toEqual([{ key: "plan", kept: "trial", other: "pro", mergeId: m.mergeId, mergedAt: expect.any(Date) }]);
    expect(profile!.createdAt.toISOString()).toBe(oldFirstSeen.toISOString());
    expect(new Date(map!.customer.createdAt).toISOString()).toBe(oldFirstSeen.toISOString());

    // Evaluating the survivor again agrees with what the merge decided: nothing to change.
    expect(await evaluateCustomer(fresh.customerId)).toMatchObject({ changed: false, to: "retention" });

    await undoMerge({ mergeId: m.mergeId });
    expect(await rows(old.customerId)).toEqual(beforeOld);
    expect(await rows(fresh.customerId)).toEqual(beforeFresh);
    expect((await getCustomerProfile(fresh.customerId, "all"))!.attributeConflicts).toEqual([]);
  });

  it("keeps an agent's manual stage on the survivor", async () => {
    const agent = await db.user.create({ data: { email: "sam@example.test", name: "Sam", passwordHash: "x" } });
    const a = await recordTouchpoint(product("erin@a.example", "purchase", new Date(Date.now() - 90 * DAY), { amount: 10 }));
    const b = await recordTouchpoint(product("erin@b.example", "page_view", new Date(), { url: "https://acme.test/" }));
    await db.customer.update({ where: { id: b.customerId }, data: { journeyStage: "advocacy", journeyStageSetBy: agent.id } });
    const before = await rows(b.customerId);
    const m = await mergeCustomers({ sourceId: a.customerId, targetId: b.customerId });
    expect(await db.customer.findUniqueOrThrow({ where: { id: b.customerId } })).toMatchObject({ journeyStage: "advocacy", journeyStageSetBy: agent.id });
    await undoMerge({ mergeId: m.mergeId });
    expect(await rows(b.customerId)).toEqual(before);
  });
});
