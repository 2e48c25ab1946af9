// SLA clocks pause while a conversation is pending or snoozed and resume with
// the business time they had left. Figures are hand-computed in the team's
// calendar: Europe/Berlin, Monday–Friday 09:00–17:00 (CET = UTC+1 in March
// 2026), high priority = 60 min first response / 480 min resolution.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { recordTouchpoint } from "@/server/ingest/record";
import { updateConversation } from "@/server/conversations/ticket";
import { wakeSnoozed } from "@/server/conversations/snooze";
import { listQueue } from "@/server/conversations/queue";
import { applySla, checkSla, startSlaListener } from "@/server/sla/service";

let t: TestDatabase;
let inboxId: string;
let agentId: string;
const day: [string, string][] = [["09:00", "17:00"]];
const MIN = 60_000;

beforeAll(async () => {
  t = await useTestDatabase();
  const teamId = (await db.team.create({ data: { name: "Support", businessHours: { timezone: "Europe/Berlin", days: { mon: day, tue: day, wed: day, thu: day, fri: day } } } })).id;
  inboxId = (await db.inbox.create({ data: { name: "Email", channel: "email", publicId: "pause@example.test" } })).id;
  await db.teamInbox.create({ data: { teamId, inboxId } });
  agentId = (await db.user.create({ data: { email: "agent@example.test", name: "Agent", passwordHash: "x", role: "supervisor" } })).id;
  await db.slaPolicy.createMany({
    data: [
      { name: "High", priority: "high", firstResponseMinutes: 60, resolutionMinutes: 480, businessHoursOnly: true },
      { name: "Urgent 24/7", priority: "urgent", firstResponseMinutes: 15, resolutionMinutes: 120, businessHoursOnly: false },
    ],
  });
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

let n = 0;
async function conversationAt(createdAt: string, priority: "high" | "urgent" = "high", firstResponseAt?: string) {
  n++;
  const r = await recordTouchpoint({
    identities: [{ kind: "email", value: `p${n}@example.test`, verified: true, source: "test" }],
    channel: "email",
    kind: "message",
    actor: "customer",
    text: `help ${n}`,
    conversation: { inboxId, externalThreadKey: `<p${n}@x>` },
    message: { direction: "inbound", bodyText: `help ${n}`, platformMessageId: `<pm${n}@x>` },
  });
  await db.conversation.update({
    where: { id: r.conversationId! },
    data: { createdAt: new Date(createdAt), priority, firstResponseAt: firstResponseAt ? new Date(firstResponseAt) : null },
  });
  await applySla(r.conversationId!, { now: new Date(createdAt) });
  return r.conversationId!;
}

const setStatus = (id: string, status: "open" | "pending" | "resolved", at: string) =>
  updateConversation({ conversationId: id, actor: { userId: agentId }, inboxScope: "all", changes: { status }, now: new Date(at) });
const row = (id: string) => db.conversation.findUniqueOrThrow({ where: { id } });
const iso = (d: Date | null) => d?.toISOString() ?? null;
const slaEvents = (id: string) => db.timelineEvent.findMany({ where: { conversationId: id, name: { startsWith: "sla_" } }, orderBy: { occurredAt: "asc" } });
const queueDue = async (id: string) =>
  (await listQueue({ view: "all", sort: "sla", inboxScope: "all", viewerId: agentId, viewerTeamIds: [], limit: 100 })).items.find((i) => i.id === id)?.slaDueAt ?? null;

describe("pending pauses the clocks", () => {
  it("resumes with the business time left: resolution due moves by the 390 paused business minutes", async () => {
    // Monday 2026-03-09 09:00 Berlin (08:00Z), answered 09:30 Berlin: resolution due Monday 17:00 Berlin = 16:00Z.
    const id = await conversationAt("2026-03-09T08:00:00Z", "high", "2026-03-09T08:30:00Z");
    expect(iso((await row(id)).resolutionDueAt)).toBe("2026-03-09T16:00:00.000Z");
    expect(await queueDue(id)).toEqual(new Date("2026-03-09T16:00:00Z"));

    // Pending at 11:00 Berlin (10:00Z): 120 of 480 minutes used, 360 left. No due time while paused.
    await setStatus(id, "pending", "2026-03-09T10:00:00Z");
    const paused = await row(id);
    expect(iso(paused.slaPausedAt)).toBe("2026-03-09T10:00:00.000Z");
    expect(paused.resolutionDueAt).toBeNull();
    expect(await queueDue(id)).toBeNull();

    // Well past the old due time: the watcher does nothing for a paused conversation.
    await checkSla(new Date("2026-03-09T15:00:00Z"));
    await checkSla(new Date("2026-03-09T16:30:00Z"));
    expect(await slaEvents(id)).toEqual([]);

    // Back to open Tuesday 09:30 Berlin (08:30Z). Paused business time: Monday 11:00–17:00 (360)
    // + Tuesday 09:00–09:30 (30) = 390 min. 360 left from Tuesday 09:30 → 15:30 Berlin = 14:30Z.
    await setStatus(id, "open", "2026-03-10T08:30:00Z");
    const resumed = await row(id);
    expect(resumed.slaPausedAt).toBeNull();
    expect(resumed.slaResolutionPausedMs).toBe(390 * MIN);
    expect(iso(resumed.resolutionDueAt)).toBe("2026-03-10T14:30:00.000Z");
    // First response was met before the pause: its clock did not move.
    expect(resumed.slaFirstResponsePausedMs).toBe(0);
    expect(iso(resumed.firstResponseDueAt)).toBe("2026-03-09T09:00:00.000Z");
    expect(await queueDue(id)).toEqual(new Date("2026-03-10T14:30:00Z"));

    // At risk at 80% of 480 (96 min left, from 12:54Z), breached at the new due time.
    await checkSla(new Date("2026-03-10T12:50:00Z"));
    expect(await slaEvents(id)).toEqual([]);
    await checkSla(new Date("2026-03-10T12:55:00Z"));
    await checkSla(new Date("2026-03-10T14:31:00Z"));
    const events = await slaEvents(id);
    expect(events.map((e) => [e.name, e.occurredAt.toISOString(), (e.payload as { dueAt: string }).dueAt])).toEqual([
      ["sla_at_risk", "2026-03-10T12:55:00.000Z", "2026-03-10T14:30:00.000Z"],
      ["sla_breached", "2026-03-10T14:30:00.000Z", "2026-03-10T14:30:00.000Z"],
    ]);
  });

  it("a pause that begins after a target fell due does not move it; one still running does", async () => {
    // Monday 09:00 Berlin, never answered: first response due 10:00 Berlin (09:00Z), resolution 16:00Z.
    const id = await conversationAt("2026-03-09T08:00:00Z", "high");
    await checkSla(new Date("2026-03-09T09:10:00Z"));
    expect((await slaEvents(id)).filter((e) => e.name === "sla_breached")).toHaveLength(1);
    // Pending 10:30–11:30 Berlin (09:30Z–10:30Z): 60 business minutes.
    await setStatus(id, "pending", "2026-03-09T09:30:00Z");
    await setStatus(id, "open", "2026-03-09T10:30:00Z");
    const r = await row(id);
    expect(iso(r.firstResponseDueAt)).toBe("2026-03-09T09:00:00.000Z");
    expect(r.slaFirstResponsePausedMs).toBe(0);
    // Resolution: Monday 17:00 Berlin + 60 business minutes = Tuesday 10:00 Berlin (09:00Z).
    expect(iso(r.resolutionDueAt)).toBe("2026-03-10T09:00:00.000Z");
    // The first-response breach is not recorded twice.
    await checkSla(new Date("2026-03-09T10:40:00Z"));
    expect((await slaEvents(id)).filter((e) => e.name === "sla_breached")).toHaveLength(1);
  });

  it("resolving while pending closes the pause and keeps the moved due time", async () => {
    const id = await conversationAt("2026-03-09T08:00:00Z", "high", "2026-03-09T08:30:00Z");
    await setStatus(id, "pending", "2026-03-09T10:00:00Z");
    await setStatus(id, "resolved", "2026-03-09T12:00:00Z");
    const r = await row(id);
    expect(r.slaPausedAt).toBeNull();
    // 120 paused minutes: Monday 17:00 Berlin + 120 = Tuesday 11:00 Berlin (10:00Z).
    expect(r.slaResolutionPausedMs).toBe(120 * MIN);
    expect(iso(r.resolutionDueAt)).toBe("2026-03-10T10:00:00.000Z");
  });

  it("a priority change while paused keeps the clocks stopped and applies on resume", async () => {
    // Urgent is 24/7: 15 / 120 minutes from 08:00Z → due 08:15Z / 10:00Z.
    const id = await conversationAt("2026-03-09T08:00:00Z", "high", "2026-03-09T08:05:00Z");
    await setStatus(id, "pending", "2026-03-09T09:30:00Z");
    await updateConversation({ conversationId: id, actor: { userId: agentId }, inboxScope: "all", changes: { priority: "urgent" }, now: new Date("2026-03-09T09:40:00Z") });
    const during = await applySla(id, { now: new Date("2026-03-09T09:40:00Z") });
    expect(during).toMatchObject({ paused: true, firstResponseDueAt: null, resolutionDueAt: null });
    await setStatus(id, "open", "2026-03-09T10:30:00Z");
    // 60 paused minutes, around the clock: 10:00Z + 60 = 11:00Z.
    expect(iso((await row(id)).resolutionDueAt)).toBe("2026-03-09T11:00:00.000Z");
  });
});

describe("snoozed pauses the clocks", () => {
  it("the waker resumes them: first response due moves by the 85 paused business minutes", async () => {
    // Friday 2026-03-06 16:30 Berlin (15:30Z): first response due Monday 09:30 Berlin (08:30Z).
    const id = await conversationAt("2026-03-06T15:30:00Z", "high");
    expect(iso((await row(id)).firstResponseDueAt)).toBe("2026-03-09T08:30:00.000Z");
    // Snoozed Friday 16:45 Berlin (15 of 60 minutes used) until Monday 10:10 Berlin (09:10Z).
    await updateConversation({
      conversationId: id,
      actor: { userId: agentId },
      inboxScope: "all",
      changes: { status: "snoozed", snoozedUntil: new Date("2026-03-09T09:10:00Z") },
      now: new Date("2026-03-06T15:45:00Z"),
    });
    await checkSla(new Date("2026-03-09T08:45:00Z"));
    expect(await slaEvents(id)).toEqual([]);

    expect(await wakeSnoozed(new Date("2026-03-09T09:10:00Z"))).toContain(id);
    const r = await row(id);
    expect(r.status).toBe("open");
    // Paused: Friday 16:45–17:00 (15) + Monday 09:00–10:10 (70) = 85 min.
    expect(r.slaFirstResponsePausedMs).toBe(85 * MIN);
    // 45 minutes left from Monday 10:10 Berlin → 10:55 Berlin = 09:55Z.
    expect(iso(r.firstResponseDueAt)).toBe("2026-03-09T09:55:00.000Z");
    // Resolution 480 + 85: Friday 30, Monday 480, Tuesday 55 → Tuesday 09:55 Berlin = 08:55Z.
    expect(iso(r.resolutionDueAt)).toBe("2026-03-10T08:55:00.000Z");
    await checkSla(new Date("2026-03-09T09:56:00Z"));
    const breach = (await slaEvents(id)).filter((e) => e.name === "sla_breached");
    expect(breach.map((e) => e.occurredAt.toISOString())).toEqual(["2026-03-09T09:55:00.000Z"]);
  });
});

describe("other writers", () => {
  it("a customer reply to a pending conversation (ingest) resumes the clocks through the bus", async () => {
    const off = startSlaListener();
    try {
      // Urgent (24/7) so the figures follow the wall clock: created 30 min ago, pending 10 min ago.
      const created = new Date(Date.now() - 30 * MIN);
      const id = await conversationAt(created.toISOString(), "urgent");
      const pendingAt = new Date(Date.now() - 10 * MIN);
      await setStatus(id, "pending", pendingAt.toISOString());
      expect((await row(id)).slaPausedAt).toEqual(pendingAt);

      const customer = await db.customerIdentity.findFirstOrThrow({ where: { customerId: (await row(id)).customerId } });
      await recordTouchpoint({
        identities: [{ kind: "email", value: customer.value, verified: true, source: "test" }],
        channel: "email",
        kind: "message",
        actor: "customer",
        text: "still broken",
        conversation: { inboxId, externalThreadKey: `<p${n}@x>` },
        message: { direction: "inbound", bodyText: "still broken", platformMessageId: `<reply-${n}@x>` },
      });
      await expect.poll(async () => (await row(id)).slaPausedAt, { timeout: 10_000 }).toBeNull();
      const seenAt = Date.now();
      const r = await row(id);
      expect(r.status).toBe("open");
      const pausedMs = r.slaResolutionPausedMs;
      // At least the 10 minutes pending, at most until we looked.
      expect(pausedMs).toBeGreaterThanOrEqual(10 * MIN);
      expect(pausedMs).toBeLessThanOrEqual(seenAt - pendingAt.getTime());
      expect(r.resolutionDueAt?.getTime()).toBe(created.getTime() + 120 * MIN + pausedMs);
      expect(r.firstResponseDueAt?.getTime()).toBe(created.getTime() + 15 * MIN + r.slaFirstResponsePausedMs);
    } finally {
      off();
    }
  });

  it("the watcher catches up a status changed behind its back (no bus event)", async () => {
    const id = await conversationAt("2026-03-09T08:00:00Z", "high", "2026-03-09T08:30:00Z");
    await db.conversation.update({ where: { id }, data: { status: "pending" } });
    await checkSla(new Date("2026-03-09T10:00:00Z"));
    const paused = await row(id);
    expect(iso(paused.slaPausedAt)).toBe("2026-03-09T10:00:00.000Z");
    expect(paused.resolutionDueAt).toBeNull();
    await checkSla(new Date("2026-03-09T16:30:00Z"));
    expect(await slaEvents(id)).toEqual([]);
    await db.conversation.update({ where: { id }, data: { status: "open" } });
    // Resumed Monday 12:00 Berlin after 60 paused minutes: 17:00 Berlin + 60 = Tuesday 10:00 Berlin (09:00Z).
    await checkSla(new Date("2026-03-09T11:00:00Z"));
    const r = await row(id);
    expect(r.slaPausedAt).toBeNull();
    expect(iso(r.resolutionDueAt)).toBe("2026-03-10T09:00:00.000Z");
  });
});
