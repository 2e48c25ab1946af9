// The snooze waker: an expired snooze goes back to open through the ticket
// path (one "Snooze ended; reopened" ticket event, conversation.updated on the
// bus), a snooze not yet due stays, a customer message wakes it early, and
// several wakers on one database — in one process or in two app servers —
// wake each conversation exactly once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { startAppServer, type AppServer } from "../../helpers/app-server";
import { db, disconnectDb } from "@/server/db";
import { bus, type DomainEvent } from "@/server/events/bus";
import { recordTouchpoint } from "@/server/ingest/record";
import { updateConversation } from "@/server/conversations/ticket";
import { SNOOZE_WAKE_TEXT, wakeSnoozed } from "@/server/conversations/snooze";

let t: TestDatabase;
let inboxId: string;
let agentId: string;

beforeAll(async () => {
  t = await useTestDatabase();
  inboxId = (await db.inbox.create({ data: { name: "Email", channel: "email", publicId: "snooze@example.test" } })).id;
  agentId = (await db.user.create({ data: { email: "agent@example.test", name: "Agent", passwordHash: "x", role: "admin" } })).id;
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

let n = 0;
function inbound(customer: string, text: string) {
  n++;
  return recordTouchpoint({
    identities: [{ kind: "email", value: `${customer}@example.test`, verified: true, source: "test" }],
    channel: "email",
    kind: "message",
    actor: "customer",
    text,
    conversation: { inboxId, externalThreadKey: `<${customer}@thread>` },
    message: { direction: "inbound", bodyText: text, platformMessageId: `<m${n}@x>` },
  });
}

/** A new conversation snoozed (at `at`) until `until`. */
async function snoozed(customer: string, until: Date, at = new Date(until.getTime() - 3_600_000)) {
  const r = await inbound(customer, "help");
  await updateConversation({ conversationId: r.conversationId!, actor: { userId: agentId }, inboxScope: "all", changes: { status: "snoozed", snoozedUntil: until }, now: at });
  return r.conversationId!;
}

const wakeEvents = (conversationId: string) => db.timelineEvent.findMany({ where: { conversationId, kind: "ticket_event", text: SNOOZE_WAKE_TEXT } });

describe("snooze waker", () => {
  it("wakes a due snooze: open again, one ticket event, conversation.updated on the bus", async () => {
    const until = new Date("2026-05-04T09:00:00Z");
    const id = await snoozed("due", until);
    const seen: DomainEvent[] = [];
    const off = bus.on((e) => void seen.push(e));
    const woken = await wakeSnoozed(new Date("2026-05-04T09:00:05Z"));
    off();
    expect(woken).toEqual([id]);

    const conv = await db.conversation.findUniqueOrThrow({ where: { id } });
    expect(conv.status).toBe("open");
    expect(conv.snoozedUntil).toBeNull();
    const events = await wakeEvents(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ name: "status", actor: "system", actorUserId: null, occurredAt: new Date("2026-05-04T09:00:05Z") });
    expect(events[0]!.payload).toMatchObject({ from: "snoozed", to: "open", reason: "snooze_ended", snoozedUntil: until.toISOString() });

    const updated = seen.filter((e) => e.type === "conversation.updated" && e.conversationId === id);
    expect(updated).toHaveLength(1);
    expect(updated[0]).toMatchObject({ inboxId, customerId: conv.customerId, changes: { status: "open", snoozedUntil: null, byUserId: null } });
    const created = seen.filter((e) => e.type === "timeline.created" && e.conversationId === id);
    expect(created.map((e) => (e as { eventId: string }).eventId)).toEqual([events[0]!.id]);

    // Nothing left to wake: a second pass changes nothing.
    expect(await wakeSnoozed(new Date("2026-05-04T09:01:00Z"))).not.toContain(id);
    expect(await wakeEvents(id)).toHaveLength(1);
  });

  it("leaves a snooze that is not yet due", async () => {
    const id = await snoozed("later", new Date("2026-05-04T12:00:00Z"));
    expect(await wakeSnoozed(new Date("2026-05-04T11:59:59Z"))).not.toContain(id);
    const conv = await db.conversation.findUniqueOrThrow({ where: { id } });
    expect(conv.status).toBe("snoozed");
    expect(conv.snoozedUntil?.toISOString()).toBe("2026-05-04T12:00:00.000Z");
    expect(await wakeEvents(id)).toHaveLength(0);
    // At the time, it wakes.
    expect(await wakeSnoozed(new Date("2026-05-04T12:00:00Z"))).toContain(id);
  });

  it("a customer message wakes a snoozed conversation early; the waker then has nothing to do", async () => {
    const id = await snoozed("writes-back", new Date(Date.now() + 3_600_000), new Date());
    await inbound("writes-back", "any news?");
    const conv = await db.conversation.findUniqueOrThrow({ where: { id } });
    expect(conv.status).toBe("open");
    expect(conv.snoozedUntil).toBeNull();
    expect(await wakeSnoozed(new Date(Date.now() + 7_200_000))).not.toContain(id);
    expect(await wakeEvents(id)).toHaveLength(0);
    // The timeline says why it is open again.
    const ended = await db.timelineEvent.findMany({ where: { conversationId: id, kind: "ticket_event", name: "status", text: "Snooze ended by customer message" } });
    expect(ended).toHaveLength(1);
    expect(ended[0]!.payload).toMatchObject({ from: "snoozed", to: "open", reason: "customer_message" });
  });

  it("concurrent wakers on one database wake each conversation exactly once", async () => {
    const until = new Date("2026-05-05T08:00:00Z");
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(await snoozed(`many-${i}`, until));
    const now = new Date("2026-05-05T08:00:01Z");
    // Four wakers, small batches, each looping until it finds nothing: they overlap on the same rows.
    const waker = async () => {
      const mine: string[] = [];
      for (;;) {
        const got = await wakeSnoozed(now, { limit: 3 });
        if (got.length === 0) return mine;
        mine.push(...got);
      }
    };
    const results = await Promise.all([waker(), waker(), waker(), waker()]);
    const all = results.flat();
    expect(all.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
    expect(new Set(all).size).toBe(all.length);
    const counts = await db.timelineEvent.groupBy({ by: ["conversationId"], where: { conversationId: { in: ids }, text: SNOOZE_WAKE_TEXT }, _count: true });
    expect(counts).toHaveLength(40);
    expect(counts.every((c) => c._count === 1)).toBe(true);
    expect(await db.conversation.count({ where: { id: { in: ids }, status: "open" } })).toBe(40);
  });
});

describe("the waker as a background service", () => {
  let apps: AppServer[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
  });

  it("two app servers on the same database wake each expired snooze exactly once", async () => {
    apps = [await startAppServer({ databaseUrl: t.url, seed: false }), await startAppServer({ databaseUrl: t.url, seed: false })];
    // Snoozes that run out a few seconds from now, while both servers' wakers tick every 5 s.
    const until = new Date(Date.now() + 3_000);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await snoozed(`served-${i}`, until, new Date()));
    await expect
      .poll(() => db.conversation.count({ where: { id: { in: ids }, status: "open" } }), { timeout: 60_000, interval: 500 })
      .toBe(ids.length);
    // Stopped servers cannot write any more: what is stored now is final.
    await Promise.all(apps.map((a) => a.stop()));
    for (const id of ids) expect(await wakeEvents(id)).toHaveLength(1);
    const byActor = await db.timelineEvent.count({ where: { conversationId: { in: ids }, text: SNOOZE_WAKE_TEXT, actor: "system" } });
    expect(byActor).toBe(ids.length);
  }, 180_000);
});
