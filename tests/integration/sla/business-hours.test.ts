// SLA due times across business hours and holidays; at-risk and breach events
// written once (per conversation, target and due time) with notifications.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { recordTouchpoint } from "@/server/ingest/record";
import { bus } from "@/server/events/bus";
import { applySla, checkSla, startSlaListener } from "@/server/sla/service";

let t: TestDatabase;
let inboxId: string;
let teamId: string;
let supervisorId: string;
let agentId: string;
const day: [string, string][] = [["09:00", "17:00"]];

beforeAll(async () => {
  t = await useTestDatabase();
  teamId = (
    await db.team.create({
      data: { name: "Support", businessHours: { timezone: "Europe/Berlin", days: { mon: day, tue: day, wed: day, thu: day, fri: day } }, holidays: ["2026-04-06"] },
    })
  ).id;
  inboxId = (await db.inbox.create({ data: { name: "Email", channel: "email", publicId: "sla@example.test" } })).id;
  await db.teamInbox.create({ data: { teamId, inboxId } });
  supervisorId = (await db.user.create({ data: { email: "sup@example.test", name: "Sup", passwordHash: "x", role: "supervisor" } })).id;
  agentId = (await db.user.create({ data: { email: "agent@example.test", name: "Agent", passwordHash: "x", role: "agent" } })).id;
  await db.slaPolicy.createMany({
    data: [
      { name: "High", priority: "high", firstResponseMinutes: 60, resolutionMinutes: 480, businessHoursOnly: true },
      { name: "Normal", priority: "normal", firstResponseMinutes: 240, resolutionMinutes: 1440, businessHoursOnly: true },
      { name: "Urgent 24/7", priority: "urgent", firstResponseMinutes: 15, resolutionMinutes: 120, businessHoursOnly: false },
      { name: "High chat", priority: "high", channel: "chat", firstResponseMinutes: 5, resolutionMinutes: 60, businessHoursOnly: true },
    ],
  });
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

let n = 0;
async function conversationAt(createdAt: string, priority: "low" | "normal" | "high" | "urgent" = "high", assigneeId: string | null = null) {
  n++;
  const r = await recordTouchpoint({
    identities: [{ kind: "email", value: `c${n}@example.test`, verified: true, source: "test" }],
    channel: "email",
    kind: "message",
    actor: "customer",
    text: `help ${n}`,
    conversation: { inboxId, externalThreadKey: `<t${n}@x>`, subject: `Help ${n}` },
    message: { direction: "inbound", bodyText: `help ${n}`, platformMessageId: `<m${n}@x>` },
  });
  await db.conversation.update({ where: { id: r.conversationId! }, data: { createdAt: new Date(createdAt), priority, assigneeId } });
  return r.conversationId!;
}

describe("SLA due times", () => {
  it("a Friday 16:30 ticket with a 60-min business-hours target is due Monday 09:30", async () => {
    // Friday 2026-03-06 16:30 Berlin = 15:30Z.
    const id = await conversationAt("2026-03-06T15:30:00Z", "high");
    const due = await applySla(id);
    expect(due?.firstResponseDueAt?.toISOString()).toBe("2026-03-09T08:30:00.000Z");
    // 480 min: 30 on Friday, 450 from Monday 09:00 → Monday 16:30.
    expect(due?.resolutionDueAt?.toISOString()).toBe("2026-03-09T15:30:00.000Z");
    const row = await db.conversation.findUniqueOrThrow({ where: { id } });
    expect(row.firstResponseDueAt?.toISOString()).toBe("2026-03-09T08:30:00.000Z");
  });

  it("skips holidays (Easter Monday 2026-04-06)", async () => {
    // Friday 2026-04-03 16:30 CEST = 14:30Z (a working day here); Monday 04-06 is a holiday → Tuesday 09:30 CEST.
    const id = await conversationAt("2026-04-03T14:30:00Z", "high");
    const due = await applySla(id);
    expect(due?.firstResponseDueAt?.toISOString()).toBe("2026-04-07T07:30:00.000Z");
  });

  it("uses 24/7 when the policy says so, and the most specific policy", async () => {
    const urgent = await conversationAt("2026-03-07T12:00:00Z", "urgent");
    expect((await applySla(urgent))?.firstResponseDueAt?.toISOString()).toBe("2026-03-07T12:15:00.000Z");
    const low = await conversationAt("2026-03-07T12:00:00Z", "low");
    expect((await applySla(low))?.firstResponseDueAt).toBeNull();
  });

  it("sets due times when a conversation is created and recomputes them when its priority changes (bus)", async () => {
    const off = startSlaListener();
    try {
      n++;
      const r = await recordTouchpoint({
        identities: [{ kind: "email", value: `live${n}@example.test`, verified: true, source: "test" }],
        channel: "email",
        kind: "message",
        actor: "customer",
        text: "new",
        conversation: { inboxId, externalThreadKey: `<live${n}@x>` },
        message: { direction: "inbound", bodyText: "new", platformMessageId: `<live${n}@x>` },
      });
      await expect.poll(async () => (await db.conversation.findUniqueOrThrow({ where: { id: r.conversationId! } })).firstResponseDueAt).not.toBeNull();
      const before = await db.conversation.findUniqueOrThrow({ where: { id: r.conversationId! } });
      await db.conversation.update({ where: { id: before.id }, data: { priority: "urgent" } });
      bus.publish({ type: "conversation.updated", conversationId: before.id, customerId: before.customerId, inboxId, changes: { priority: "urgent" } });
      await expect.poll(async () => (await db.conversation.findUniqueOrThrow({ where: { id: before.id } })).firstResponseDueAt?.getTime()).toBe(
        before.createdAt.getTime() + 15 * 60_000,
      );
    } finally {
      off();
    }
  });
});

describe("SLA watcher", () => {
  it("writes at-risk at 80% and breach after the due time, once, with notifications", async () => {
    const id = await conversationAt("2026-03-06T15:30:00Z", "high", agentId);
    await applySla(id); // first response due Monday 08:30Z, resolution Monday 15:30Z
    // Monday 08:19Z: 49 of 60 business minutes gone → not yet at risk.
    await checkSla(new Date("2026-03-09T08:17:00Z"));
    expect(await db.timelineEvent.count({ where: { conversationId: id, kind: "ticket_event", name: { startsWith: "sla_" } } })).toBe(0);
    // 08:20Z: 50 gone, 10 left (≤ 20% of 60 → 12) → at risk.
    const r1 = await checkSla(new Date("2026-03-09T08:20:00Z"));
    expect(r1.atRisk).toBeGreaterThanOrEqual(1);
    const risk = await db.timelineEvent.findMany({ where: { conversationId: id, name: "sla_at_risk" } });
    expect(risk).toHaveLength(1);
    expect(risk[0]!.payload).toMatchObject({ target: "first_response", dueAt: "2026-03-09T08:30:00.000Z" });
    expect(risk[0]!.dedupeKey).toBe(`sla:${id}:first_response:at_risk:${Date.parse("2026-03-09T08:30:00Z")}`);
    // Past the due time: breach, dated at the due time.
    await checkSla(new Date("2026-03-09T08:31:00Z"));
    await checkSla(new Date("2026-03-09T08:32:00Z"));
    await Promise.all([checkSla(new Date("2026-03-09T08:33:00Z")), checkSla(new Date("2026-03-09T08:33:00Z"))]);
    const breach = await db.timelineEvent.findMany({ where: { conversationId: id, name: "sla_breached" } });
    expect(breach).toHaveLength(1);
    expect(breach[0]!.occurredAt.toISOString()).toBe("2026-03-09T08:30:00.000Z");
    expect(breach[0]!.text).toMatch(/SLA breached: first response/);
    expect(await db.timelineEvent.count({ where: { conversationId: id, name: "sla_at_risk" } })).toBe(1);
    // The assignee and the supervisor are told, once per event.
    const notes = await db.notification.findMany({ where: { kind: "sla_breached" } });
    const mine = notes.filter((x) => (x.data as { conversationId?: string }).conversationId === id);
    expect(mine.map((x) => x.userId).sort()).toEqual([supervisorId, agentId].sort());
  });

  it("does not flag targets that were met", async () => {
    const id = await conversationAt("2026-03-06T15:30:00Z", "high");
    await applySla(id);
    await db.conversation.update({ where: { id }, data: { firstResponseAt: new Date("2026-03-09T08:10:00Z") } });
    await checkSla(new Date("2026-03-09T09:00:00Z"));
    expect(await db.timelineEvent.count({ where: { conversationId: id, name: { startsWith: "sla_" }, payload: { path: ["target"], equals: "first_response" } } })).toBe(0);
    // The resolution target still runs: Monday 16:30 Berlin.
    await checkSla(new Date("2026-03-09T15:31:00Z"));
    expect(await db.timelineEvent.count({ where: { conversationId: id, name: "sla_breached", payload: { path: ["target"], equals: "resolution" } } })).toBe(1);
  });
});
