// Every notification kind, made by its real producer (a note's @mention
// through the console procedure, the rules engine's notify action on an event
// and on a timer, the SLA watcher's at-risk and breach), read back the way the
// bell reads it (notification.list → describeNotification): each line names
// its actor and its object and links to the conversation (or customer), and
// a shape that does not match its kind is refused before it is written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { callerAs } from "../../helpers/trpc";
import { db, disconnectDb } from "@/server/db";
import { bus, type DomainEvent } from "@/server/events/bus";
import { viewerOfUser, type Viewer } from "@/server/auth/viewer";
import { recordTouchpoint } from "@/server/ingest/record";
import { checkTimerRules, processTimelineEvent } from "@/server/rules/engine";
import { createRule } from "@/server/rules/admin";
import { insertNotifications } from "@/server/rules/notify";
import { applySla, checkSla } from "@/server/sla/service";
import { describeNotification, type NotificationLine } from "@/components/notification-line";

let t: TestDatabase;
let supervisor: Viewer;
let agent: Viewer;
let conv: { id: string; number: number; customerId: string };
const events: DomainEvent[] = [];
let off: () => void;

const SUBJECT = "Refund not received";
const CUSTOMER = "Aaliyah Mensah";

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = "test-nextauth-secret-0123456789";
  t = await useTestDatabase();
  const team = await db.team.create({ data: { name: "Support" } });
  const inbox = await db.inbox.create({ data: { name: "Support email", channel: "email", publicId: "support@kinds.test" } });
  await db.teamInbox.create({ data: { teamId: team.id, inboxId: inbox.id } });
  const sup = await db.user.create({ data: { email: "daniel@kinds.test", name: "Daniel Okafor", passwordHash: "x", role: "supervisor" } });
  const sam = await db.user.create({ data: { email: "sam@kinds.test", name: "Sam Rivera", passwordHash: "x", role: "agent" } });
  await db.teamMember.create({ data: { teamId: team.id, userId: sam.id } });
  supervisor = (await viewerOfUser(sup.id))!;
  agent = (await viewerOfUser(sam.id))!;
  await db.slaPolicy.create({ data: { name: "Urgent 24/7", priority: "urgent", firstResponseMinutes: 15, resolutionMinutes: 240, businessHoursOnly: false } });
  const r = await recordTouchpoint({
    identities: [{ kind: "email", value: "aaliyah@brightlane.test", verified: true, source: "test" }],
    customerName: CUSTOMER,
    channel: "email",
    kind: "message",
    actor: "customer",
    text: "My refund has not arrived yet.",
    conversation: { inboxId: inbox.id, externalThreadKey: "<refund@kinds.test>", subject: SUBJECT },
    message: { direction: "inbound", bodyText: "My refund has not arrived yet.", platformMessageId: "<refund@kinds.test>" },
  });
  conv = await db.conversation.findUniqueOrThrow({ where: { id: r.conversationId! }, select: { id: true, number: true, customerId: true } });
  off = bus.on((e) => void events.push(e));
});

afterAll(async () => {
  off?.();
  await disconnectDb();
  await t?.drop();
});

/** The supervisor's bell, as the bell reads it: the list procedure, then one line per row. */
async function bell(): Promise<{ kind: string; line: NotificationLine }[]> {
  const list = await callerAs(supervisor).notification.list({ limit: 50 });
  return list.map((n) => ({ kind: n.kind, line: describeNotification(n) }));
}

async function lineOf(kind: string, match: (l: NotificationLine) => boolean = () => true): Promise<NotificationLine> {
  const found = (await bell()).find((n) => n.kind === kind && match(n.line));
  expect(found, `a ${kind} notification in the bell`).toBeTruthy();
  return found!.line;
}

const convHref = () => `/conversations/${conv.id}`;
const convLabel = () => `#${conv.number} “${SUBJECT}” (${CUSTOMER})`;

function expectReadable(l: NotificationLine) {
  expect(l.sentence).not.toMatch(/Someone|#$|#\s/);
  expect(l.actor.trim()).not.toBe("");
}

describe("notification kinds, from their producers to the bell's line", () => {
  it("mention: the author mentioned you in the conversation (number, subject, customer), with the excerpt", async () => {
    const r = await callerAs(agent).conversation.note({ id: conv.id, body: "@Daniel Okafor can you approve the refund?" });
    expect(r.notified).toEqual([supervisor.userId]);
    const l = await lineOf("mention");
    expect(l.sentence).toBe(`Sam Rivera mentioned you in ${convLabel()}`);
    expect(l.actor).toBe("Sam Rivera");
    expect(l.object).toBe(convLabel());
    expect(l.detail).toBe("@Daniel Okafor can you approve the refund?");
    expect(l.href).toBe(convHref());
    expectReadable(l);
    // The live push carries the validated shape.
    const pushed = events.find((e) => e.type === "notification.created" && e.kind === "mention");
    expect(pushed).toMatchObject({ userId: supervisor.userId, data: { conversationNumber: conv.number, byName: "Sam Rivera", customerName: CUSTOMER, subject: SUBJECT } });
  });

  it("rule (timer): Rule “name” notified you about the conversation, with what happened", async () => {
    await createRule({ name: "No reply to urgent", trigger: { timer: "no_reply", minutes: 60 }, conditions: [{ field: "priority", op: "in", value: ["urgent"] }], actions: [{ type: "notify", role: "supervisor" }] }, supervisor.userId);
    await db.conversation.update({ where: { id: conv.id }, data: { priority: "urgent", waitingSince: new Date(Date.now() - 90 * 60_000) } });
    expect(await checkTimerRules()).toHaveLength(1);
    const l = await lineOf("rule", (x) => x.actor === "Rule “No reply to urgent”");
    expect(l.sentence).toBe(`Rule “No reply to urgent” notified you about ${convLabel()}`);
    expect(l.detail).toMatch(new RegExp(`^#${conv.number} has waited 9\\d min$`));
    expect(l.href).toBe(convHref());
    expectReadable(l);
  });

  it("rule (event without a conversation): names the customer and links to them", async () => {
    await createRule({ name: "Big purchase", trigger: { kind: "product_event", name: "purchase" }, actions: [{ type: "notify", role: "supervisor", message: "{{customer.name}} bought for ${{payload.amount}}" }] }, supervisor.userId);
    const p = await recordTouchpoint({
      identities: [{ kind: "email", value: "aaliyah@brightlane.test", verified: true, source: "test" }],
      channel: "api",
      kind: "product_event",
      actor: "customer",
      name: "purchase",
      text: "Purchased Business plan",
      payload: { amount: 900 },
      dedupeKey: "kinds-purchase-1",
    });
    expect(await processTimelineEvent(p.eventId)).toHaveLength(1);
    const l = await lineOf("rule", (x) => x.actor === "Rule “Big purchase”");
    expect(l.sentence).toBe(`Rule “Big purchase” notified you about ${CUSTOMER}`);
    expect(l.detail).toBe(`${CUSTOMER} bought for $900`);
    expect(l.href).toBe(`/customers/${conv.customerId}`);
    expectReadable(l);
  });

  it("SLA at risk and breached: the policy, the target and the conversation", async () => {
    // Created 100 minutes ago with a 15-minute first-response target (24/7): due 85 minutes ago.
    const createdAt = new Date(Date.now() - 100 * 60_000);
    await db.conversation.update({ where: { id: conv.id }, data: { createdAt } });
    await applySla(conv.id);
    const due = new Date(createdAt.getTime() + 15 * 60_000);
    const risk = await checkSla(new Date(due.getTime() - 2 * 60_000));
    expect(risk.atRisk).toBe(1);
    const breach = await checkSla(new Date(due.getTime() + 60_000));
    expect(breach.breached).toBe(1);

    const atRisk = await lineOf("sla_at_risk");
    expect(atRisk.sentence).toBe(`SLA “Urgent 24/7” at risk: first response due soon on ${convLabel()}`);
    expect(atRisk.detail).toMatch(/^Due /);
    expect(atRisk.href).toBe(convHref());
    expect(atRisk.tone).toBe("warning");
    expectReadable(atRisk);

    const breached = await lineOf("sla_breached");
    expect(breached.sentence).toBe(`SLA “Urgent 24/7” breached: first response overdue on ${convLabel()}`);
    expect(breached.detail).toMatch(/^Was due /);
    expect(breached.href).toBe(convHref());
    expect(breached.tone).toBe("danger");
    expectReadable(breached);
  });

  it("every row in the bell is a typed kind (none fell back to the generic line), and the count matches", async () => {
    const list = await callerAs(supervisor).notification.list({ limit: 50 });
    expect(list.map((n) => n.kind).sort()).toEqual(["mention", "rule", "rule", "sla_at_risk", "sla_breached"]);
    expect(await callerAs(supervisor).notification.unreadCount()).toBe(5);
  });

  it("refuses a notification whose data does not match its kind, writing nothing", async () => {
    const before = await db.notification.count();
    await expect(insertNotifications(db, [{ userId: supervisor.userId, kind: "mention", data: { conversationId: conv.id } as never }])).rejects.toThrow(/invalid mention notification/);
    await expect(insertNotifications(db, [{ userId: supervisor.userId, kind: "bogus" as never, data: {} as never }])).rejects.toThrow(/invalid bogus notification/);
    expect(await db.notification.count()).toBe(before);
  });
});
