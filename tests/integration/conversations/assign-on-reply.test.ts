// Assign on first reply: an agent's reply (the console's conversation.reply)
// to an unassigned conversation makes it theirs in the reply's transaction —
// a ticket event "Assigned to …" by them and conversation.updated, like any
// assignment — unless the inbox's setting is off. Notes, messages sent by
// rules or surveys (sendReply without claim) and already assigned
// conversations stay as they are.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { callerAs } from "../../helpers/trpc";
import { db, disconnectDb } from "@/server/db";
import { bus, type DomainEvent } from "@/server/events/bus";
import { viewerOfUser, type Viewer } from "@/server/auth/viewer";
import { recordTouchpoint } from "@/server/ingest/record";
import { sendReply } from "@/server/conversations/reply";
import { setAssignOnReply } from "@/server/inboxes/assignment";

let t: TestDatabase;
let sam: Viewer;
let maya: Viewer;
let inboxId: string;
const events: DomainEvent[] = [];
let off: () => void;

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = "test-nextauth-secret-0123456789";
  t = await useTestDatabase();
  const team = await db.team.create({ data: { name: "Support" } });
  inboxId = (await db.inbox.create({ data: { name: "Support email", channel: "email", publicId: "support@assign.test" } })).id;
  await db.teamInbox.create({ data: { teamId: team.id, inboxId } });
  for (const [email, name] of [["sam@assign.test", "Sam Rivera"], ["maya@assign.test", "Maya Chen"]] as const) {
    const u = await db.user.create({ data: { email, name, passwordHash: "x", role: "agent" } });
    await db.teamMember.create({ data: { teamId: team.id, userId: u.id } });
  }
  sam = (await viewerOfUser((await db.user.findUniqueOrThrow({ where: { email: "sam@assign.test" } })).id))!;
  maya = (await viewerOfUser((await db.user.findUniqueOrThrow({ where: { email: "maya@assign.test" } })).id))!;
  off = bus.on((e) => void events.push(e));
});

afterAll(async () => {
  off?.();
  await disconnectDb();
  await t?.drop();
});

let n = 0;
async function unassignedConversation() {
  n++;
  const r = await recordTouchpoint({
    identities: [{ kind: "email", value: `customer${n}@assign.test`, verified: true, source: "test" }],
    customerName: `Customer ${n}`,
    channel: "email",
    kind: "message",
    actor: "customer",
    text: `Question ${n}`,
    conversation: { inboxId, externalThreadKey: `<q${n}@assign.test>`, subject: `Question ${n}` },
    message: { direction: "inbound", bodyText: `Question ${n}`, platformMessageId: `<q${n}@assign.test>` },
  });
  const conv = await db.conversation.findUniqueOrThrow({ where: { id: r.conversationId! } });
  expect(conv.assigneeId).toBeNull();
  return conv.id;
}

const assigneeOf = async (id: string) => (await db.conversation.findUniqueOrThrow({ where: { id } })).assigneeId;
const assignmentEvents = (id: string) => db.timelineEvent.findMany({ where: { conversationId: id, kind: "ticket_event", name: "assignee" }, orderBy: { id: "asc" } });

describe("assign on first reply", () => {
  it("a reply to an unassigned conversation assigns it to the replier, with its ticket event, published like any assignment", async () => {
    const id = await unassignedConversation();
    events.length = 0;
    const r = await callerAs(sam).conversation.reply({ id, body: "Hi, looking into it now." });
    expect(await assigneeOf(id)).toBe(sam.userId);
    const [ev, ...more] = await assignmentEvents(id);
    expect(more).toEqual([]);
    expect(ev).toMatchObject({ text: "Assigned to Sam Rivera", actor: "agent", actorUserId: sam.userId, payload: { from: null, to: sam.userId, toName: "Sam Rivera" } });
    // After the reply's own event on the timeline.
    const reply = await db.timelineEvent.findUniqueOrThrow({ where: { id: r.eventId } });
    expect(ev!.id > reply.id).toBe(true);
    // On the bus: the ticket event and conversation.updated with the assignee.
    expect(events.some((e) => e.type === "timeline.created" && e.eventId === ev!.id)).toBe(true);
    expect(events.find((e) => e.type === "conversation.updated" && e.conversationId === id && e.changes.assigneeId === sam.userId)).toMatchObject({ changes: { assigneeId: sam.userId, assigneeName: "Sam Rivera", byUserId: sam.userId } });

    // A colleague's later reply does not take it over.
    await callerAs(maya).conversation.reply({ id, body: "Adding a detail." });
    expect(await assigneeOf(id)).toBe(sam.userId);
    expect(await assignmentEvents(id)).toHaveLength(1);
  });

  it("a resubmitted reply (same client id) assigns once", async () => {
    const id = await unassignedConversation();
    const [a, b] = await Promise.all([
      callerAs(sam).conversation.reply({ id, body: "Once.", clientMessageId: "double-submit" }),
      callerAs(sam).conversation.reply({ id, body: "Once.", clientMessageId: "double-submit" }),
    ]);
    expect(a.messageId).toBe(b.messageId);
    expect(await assigneeOf(id)).toBe(sam.userId);
    expect(await assignmentEvents(id)).toHaveLength(1);
  });

  it("with the inbox's setting off, the conversation stays unassigned", async () => {
    await setAssignOnReply(inboxId, false, null);
    try {
      const id = await unassignedConversation();
      await callerAs(sam).conversation.reply({ id, body: "Replying without taking it." });
      expect(await assigneeOf(id)).toBeNull();
      expect(await assignmentEvents(id)).toEqual([]);
      expect(await db.auditLog.count({ where: { action: "inbox.updated", targetId: inboxId } })).toBe(1);
    } finally {
      await setAssignOnReply(inboxId, true, null);
    }
  });

  it("an internal note does not assign, nor does a message a rule or survey sends", async () => {
    const id = await unassignedConversation();
    await callerAs(sam).conversation.note({ id, body: "Checking with billing first." });
    expect(await assigneeOf(id)).toBeNull();
    // Rules and surveys send through sendReply as a stand-in author, without claim.
    await sendReply({ conversationId: id, authorId: maya.userId, bodyText: "How did we do?", clientMessageId: "survey:1" });
    expect(await assigneeOf(id)).toBeNull();
    expect(await assignmentEvents(id)).toEqual([]);
  });

  it("an already assigned conversation keeps its assignee", async () => {
    const id = await unassignedConversation();
    await callerAs(maya).conversation.update({ id, changes: { assigneeId: maya.userId } });
    await callerAs(sam).conversation.reply({ id, body: "Covering for Maya." });
    expect(await assigneeOf(id)).toBe(maya.userId);
    expect(await assignmentEvents(id)).toHaveLength(1);
  });
});
