// The conversation watch: an assignment by someone else, a customer's message
// on my conversation, and a reply that reopens a resolved one each reach the
// assignee as their own kind, through the real write paths (the console's
// conversation.update, recordTouchpoint for inbound mail) and the events as
// the queue hands them to consumers (slimEvent); the agent's preferences
// route them (an email through a real SMTP server).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { callerAs } from "../../helpers/trpc";
import { startSmtpSink, type SmtpSink } from "../../fixtures/email/smtp-sink";
import { db, disconnectDb } from "@/server/db";
import { resetEnvCache } from "@/env";
import { bus, type DomainEvent } from "@/server/events/bus";
import { slimEvent } from "@/server/jobs/forwarder";
import { viewerOfUser, type Viewer } from "@/server/auth/viewer";
import { recordTouchpoint } from "@/server/ingest/record";
import { onConversationWatchEvents } from "@/server/notifications/conversation-watch";
import { sendDueEmails } from "@/server/notifications/digest";
import { forgetNotificationKeys } from "@/server/notifications/instance-keys";

const PUBLIC = "https://desk.watch.test";
const CUSTOMER = "Mateo Alvarez";

let t: TestDatabase;
let sink: SmtpSink;
let supervisor: Viewer;
let sam: Viewer;
let inboxId: string;
let convId: string;
let convNumber: number;
const events: DomainEvent[] = [];
let off: () => void;

async function inbound(text: string, n: number) {
  await recordTouchpoint({
    identities: [{ kind: "email", value: "mateo@orbit.test", verified: true, source: "test" }],
    customerName: CUSTOMER,
    channel: "email",
    kind: "message",
    actor: "customer",
    text,
    conversation: { inboxId, externalThreadKey: "<order@watch.test>", subject: "Order 4471 arrived damaged" },
    message: { direction: "inbound", bodyText: text, platformMessageId: `<order-${n}@watch.test>` },
  });
}

/** What the queue would hand the consumer for what happened since the last call. */
async function runWatch() {
  const batch = events.splice(0).map(slimEvent).filter((e): e is DomainEvent => e !== null);
  await onConversationWatchEvents(batch);
}

const notificationsOf = (userId: string) => db.notification.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = "test-nextauth-secret-0123456789";
  process.env.PUBLIC_URL = PUBLIC;
  process.env.NOTIFICATION_DIGEST_SECONDS = "0";
  t = await useTestDatabase();
  sink = await startSmtpSink();
  process.env.SMTP_RELAY_URL = sink.url;
  resetEnvCache();
  forgetNotificationKeys();
  const team = await db.team.create({ data: { name: "Orders" } });
  const inbox = await db.inbox.create({ data: { name: "Orders email", channel: "email", publicId: "orders@watch.test" } });
  inboxId = inbox.id;
  await db.teamInbox.create({ data: { teamId: team.id, inboxId } });
  const sup = await db.user.create({ data: { email: "daniel@watch.test", name: "Daniel Okafor", passwordHash: "x", role: "supervisor" } });
  const agent = await db.user.create({ data: { email: "sam@watch.test", name: "Sam Rivera", passwordHash: "x", role: "agent" } });
  await db.teamMember.create({ data: { teamId: team.id, userId: agent.id } });
  supervisor = (await viewerOfUser(sup.id))!;
  sam = (await viewerOfUser(agent.id))!;
  off = bus.on((e) => void events.push(e));
  await inbound("The box was crushed and the lamp is broken.", 0);
  const conv = await db.conversation.findFirstOrThrow({ where: { inboxId }, select: { id: true, number: true } });
  convId = conv.id;
  convNumber = conv.number;
});

afterAll(async () => {
  off?.();
  await sink?.stop();
  await disconnectDb();
  await t?.drop();
});

beforeEach(async () => {
  await runWatch();
  await db.notification.deleteMany({});
  await db.notificationPreference.deleteMany({});
  sink.messages.length = 0;
});

describe("conversation watch", () => {
  it("a customer message on an unassigned conversation notifies no one", async () => {
    await inbound("Any news?", 1);
    await runWatch();
    expect(await db.notification.count()).toBe(0);
  });

  it("tells the agent a supervisor assigned them, naming who; assigning yourself is silent", async () => {
    await callerAs(supervisor).conversation.update({ id: convId, changes: { assigneeId: sam.userId } });
    await runWatch();
    const [n, ...more] = await notificationsOf(sam.userId);
    expect(more).toHaveLength(0);
    expect(n!.kind).toBe("assigned");
    expect(n!.data).toMatchObject({ conversationId: convId, conversationNumber: convNumber, byUserId: supervisor.userId, byName: "Daniel Okafor", customerName: CUSTOMER });
    expect((n!.data as { eventId: string | null }).eventId).not.toBeNull();

    await callerAs(sam).conversation.update({ id: convId, changes: { assigneeId: null } });
    await callerAs(sam).conversation.update({ id: convId, changes: { assigneeId: sam.userId } });
    await runWatch();
    expect(await notificationsOf(sam.userId)).toHaveLength(1);
  });

  it("tells the assignee of a new customer message once per burst, with the latest message's excerpt", async () => {
    await inbound("Hello? I need this sorted before Friday.", 2);
    await inbound("I can send photos of the damage.", 3);
    await runWatch();
    const rows = await notificationsOf(sam.userId);
    expect(rows.map((r) => r.kind)).toEqual(["customer_message"]);
    expect(rows[0]!.data).toMatchObject({ conversationId: convId, excerpt: "I can send photos of the damage.", customerName: CUSTOMER });
    expect(await notificationsOf(supervisor.userId)).toHaveLength(0);
  });

  it("a reply after resolve is a reopen, and reaches the agent by email when they chose it", async () => {
    await callerAs(sam).notification.setPreference({ kind: "customer_reopened", email: true });
    await callerAs(sam).conversation.update({ id: convId, changes: { status: "resolved" } });
    await runWatch();
    await inbound("Actually the replacement is broken too.", 4);
    await runWatch();
    const rows = await notificationsOf(sam.userId);
    expect(rows.map((r) => r.kind)).toEqual(["customer_reopened"]);
    expect(rows[0]!.emailDueAt).not.toBeNull();
    expect((await db.conversation.findUniqueOrThrow({ where: { id: convId } })).status).toBe("open");

    expect(await sendDueEmails(new Date(Date.now() + 1000))).toBe(1);
    const [mail, ...others] = (await sink.waitFor(1)).map((m) => m.parsed);
    expect(others).toHaveLength(0);
    expect(mail!.subject).toBe(`${CUSTOMER} replied to resolved #${convNumber} “Order 4471 arrived damaged”`);
    expect(mail!.text).toContain("Actually the replacement is broken too.");
    expect(mail!.text).toContain(`${PUBLIC}/conversations/${convId}`);
  });

  it("the preference matrix offers the new kinds", async () => {
    const kinds = (await callerAs(sam).notification.preferences()).map((p) => p.kind);
    expect(kinds).toEqual(expect.arrayContaining(["assigned", "customer_message", "customer_reopened", "mention", "sla_at_risk", "sla_breached"]));
  });
});
