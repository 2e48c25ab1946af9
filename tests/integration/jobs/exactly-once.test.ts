// The job queue (src/server/jobs/) with two job runners on one database — two
// pg-boss instances, as two worker processes would have (one bus in this
// process, so only the first forwards it). Each thing happens once: an outbox
// item is sent once, an SLA breach notifies once, a snooze wakes once, each
// committed domain event reaches each consumer once (no doubled journey or
// rule effects); and a failing sender is retried and then sent once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { startTestJobRunner } from "../../helpers/jobs";
import { createSupportTeam } from "../../fixtures/email/support-team";
import { db, disconnectDb } from "@/server/db";
import type { DomainEvent } from "@/server/events/bus";
import { ingestEmail } from "@/server/channels/email/inbound";
import { sendReply } from "@/server/conversations/reply";
import { updateConversation } from "@/server/conversations/ticket";
import { SNOOZE_WAKE_TEXT } from "@/server/conversations/snooze";
import { EVENTS_QUEUE } from "@/server/jobs/boss";
import { registerEventConsumer } from "@/server/jobs/registry";
import type { JobRunner } from "@/server/jobs/runner";
import { registerSender, RetryableSendError } from "@/server/outbox/outbox";
import { createRule } from "@/server/rules/admin";
import { applySla } from "@/server/sla/service";

let t: TestDatabase;
let inbox: { id: string; address: string; name: string };
let agentId: string;
let adminId: string;
let supervisorId: string;
const runners: JobRunner[] = [];
let offSender: () => void;

// Who sent what; a message whose text starts "Fail once" fails its first attempt.
const sends: string[] = [];
// What the consumers were given, by either runner: event keys.
const consumed: string[] = [];

const keyOf = (e: DomainEvent) => (e.type === "timeline.created" ? `t:${e.eventId}` : e.type === "conversation.updated" ? `c:${e.conversationId}:${JSON.stringify(e.changes)}` : e.type);

beforeAll(async () => {
  t = await useTestDatabase();
  ({ inbox, agentId } = await createSupportTeam(t.prisma));
  adminId = (await db.user.create({ data: { email: "admin@example.test", name: "Admin", passwordHash: "x", role: "admin" } })).id;
  supervisorId = (await db.user.create({ data: { email: "sup@example.test", name: "Sup", passwordHash: "x", role: "supervisor" } })).id;
  // Urgent conversations: first response within 15 minutes, around the clock.
  await db.slaPolicy.create({ data: { name: "Urgent", priority: "urgent", firstResponseMinutes: 15, resolutionMinutes: 600, businessHoursOnly: false } });
  offSender = registerSender("email", async ({ message, item }) => {
    sends.push(message.id);
    if (message.bodyText.startsWith("Fail once") && item.attempts === 1) throw new RetryableSendError("421 try again later");
  });
  registerEventConsumer({
    name: "test-counter",
    handle: async (events) => {
      for (const e of events) consumed.push(keyOf(e));
    },
  });
  const opts = { outbox: { backoffMs: [200], log: () => undefined }, tasks: ["sla-watch", "snooze-wake"], periodsMs: { "sla-watch": 300, "snooze-wake": 300 }, eventBatchSize: 7 };
  runners.push(await startTestJobRunner({ ...opts, name: "a" }));
  runners.push(await startTestJobRunner({ ...opts, name: "b" }));
});
afterAll(async () => {
  for (const r of runners) await r.stop();
  offSender?.();
  await disconnectDb();
  await t?.drop();
});

let seq = 0;
async function customerWrites(from = "ann@customer.test", body = "Hello, I need help.") {
  seq += 1;
  const raw = Buffer.from(
    [`From: Customer <${from}>`, `To: Support <${inbox.address}>`, `Subject: Question ${seq}`, `Message-ID: <q${seq}-${Date.now()}@customer.test>`, "Content-Type: text/plain; charset=utf-8", "", body, ""].join("\r\n"),
  );
  const r = await ingestEmail({ inbox, raw, receivedVia: "smtp" });
  return r.conversationId!;
}

describe("two job runners on one database", () => {
  it("send each outbox item exactly once", async () => {
    const conversationId = await customerWrites();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await sendReply({ conversationId, authorId: agentId, bodyText: `Reply ${i}` })).messageId);
    await expect.poll(() => db.message.count({ where: { id: { in: ids }, deliveryStatus: "sent" } }), { timeout: 20_000 }).toBe(ids.length);
    await new Promise((r) => setTimeout(r, 1_000));
    for (const id of ids) expect(sends.filter((s) => s === id)).toHaveLength(1);
    expect(await db.outboxItem.count({ where: { messageId: { in: ids }, status: "sent", attempts: 1 } })).toBe(ids.length);
  });

  it("retry a send that failed with the outbox's backoff, on either runner, and record it sent once", async () => {
    const conversationId = await customerWrites("bo@customer.test");
    const r = await sendReply({ conversationId, authorId: agentId, bodyText: "Fail once, then arrive" });
    await expect.poll(async () => (await db.message.findUniqueOrThrow({ where: { id: r.messageId } })).deliveryStatus, { timeout: 20_000 }).toBe("sent");
    await new Promise((r) => setTimeout(r, 1_000));
    expect(sends.filter((s) => s === r.messageId)).toHaveLength(2);
    expect(await db.outboxItem.findUniqueOrThrow({ where: { messageId: r.messageId } })).toMatchObject({ status: "sent", attempts: 2, lastError: null });
    expect((await db.message.findUniqueOrThrow({ where: { id: r.messageId } })).deliveryError).toBeNull();
  });

  it("notify an SLA breach exactly once", async () => {
    const conversationId = await customerWrites("dee@customer.test");
    // Urgent, written 20 minutes ago: the 15-minute first response is 5 minutes overdue.
    await db.conversation.update({ where: { id: conversationId }, data: { priority: "urgent", createdAt: new Date(Date.now() - 20 * 60_000) } });
    await applySla(conversationId);
    const breaches = () => db.timelineEvent.count({ where: { conversationId, name: "sla_breached" } });
    await expect.poll(breaches, { timeout: 20_000 }).toBe(1);
    // Several more passes of the watcher, on either runner.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await breaches()).toBe(1);
    const notes = await db.notification.findMany({ where: { kind: "sla_breached", userId: supervisorId } });
    expect(notes.filter((n) => (n.data as { conversationId?: string } | null)?.conversationId === conversationId)).toHaveLength(1);
  });

  it("wake a snooze exactly once", async () => {
    const conversationId = await customerWrites("eve@customer.test");
    await updateConversation({ conversationId, actor: { userId: adminId }, inboxScope: "all", changes: { status: "snoozed", snoozedUntil: new Date(Date.now() + 1_500) } });
    await expect.poll(async () => (await db.conversation.findUniqueOrThrow({ where: { id: conversationId } })).status, { timeout: 20_000 }).toBe("open");
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await db.timelineEvent.count({ where: { conversationId, kind: "ticket_event", text: SNOOZE_WAKE_TEXT } })).toBe(1);
  });

  it("hand each committed domain event to each consumer once: rule runs and journey moves are not doubled", async () => {
    const rule = await createRule(
      { name: "Count me", trigger: { kind: "message" }, conditions: [{ field: "text", op: "contains", value: "count me" }], actions: [{ type: "add_tags", tags: ["counted"] }] },
      adminId,
    );
    const before = consumed.length;
    const conversations: string[] = [];
    for (let i = 0; i < 8; i++) conversations.push(await customerWrites(`burst${i}@customer.test`, `Please count me (${i})`));
    const messageEvents = await db.timelineEvent.findMany({ where: { conversationId: { in: conversations }, kind: "message" }, select: { id: true } });
    expect(messageEvents).toHaveLength(8);
    // Every message event reached the consumers; the rule ran once per message.
    await expect.poll(() => messageEvents.every((e) => consumed.includes(`t:${e.id}`)), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => db.ruleRun.count({ where: { ruleId: rule.id, status: { not: "running" } } }), { timeout: 20_000 }).toBe(8);
    // Let the events the rule caused go round too.
    await expect.poll(() => db.timelineEvent.count({ where: { conversationId: { in: conversations }, kind: "ticket_event", text: { contains: "added tag counted" } } }), { timeout: 20_000 }).toBe(8);
    await new Promise((r) => setTimeout(r, 1_500));

    const mine = consumed.slice(before).filter((k) => k.startsWith("t:"));
    expect(new Set(mine).size).toBe(mine.length);
    expect(await db.ruleRun.count({ where: { ruleId: rule.id } })).toBe(8);
    for (const id of conversations) expect((await db.conversation.findUniqueOrThrow({ where: { id } })).tags).toEqual(["counted"]);
    // Journey: no customer moved twice the same way.
    const moves = await db.timelineEvent.findMany({ where: { kind: "journey_stage", customer: { conversations: { some: { id: { in: conversations } } } } }, select: { customerId: true, text: true } });
    const keys = moves.map((m) => `${m.customerId}:${m.text}`);
    expect(new Set(keys).size).toBe(keys.length);
    // In the queue: one job per event, each completed once.
    const [jobs] = await db.$queryRawUnsafe<{ total: number; completed: number }[]>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE state = 'completed')::int AS completed FROM pgboss.job WHERE name = $1 AND data->'event'->>'eventId' = ANY($2::text[])`,
      EVENTS_QUEUE,
      messageEvents.map((e) => e.id),
    );
    expect(jobs).toEqual({ total: 8, completed: 8 });
    await db.automationRule.update({ where: { id: rule.id }, data: { enabled: false } });
  });
});
