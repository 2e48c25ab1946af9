// A conversation's lifecycle as messages arrive (src/server/conversations/
// lifecycle.ts, ticket-events.ts): threading, the conversation's clock
// (waiting since, first response), the reopen, and ticket changes on the
// customer's timeline.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { captureBus, inboundEmailTo } from "../../helpers/touchpoints";
import { db, disconnectDb } from "@/server/db";
import { publishTimelineCreated, recordTouchpoint, type TouchpointInput } from "@/server/ingest/record";
import { insertTicketEvent, recordTicketEvent } from "@/server/conversations/ticket-events";
import { runTransaction } from "@/server/db/tx";

let t: TestDatabase;
let emailInbox: string;
let chatInbox: string;

beforeAll(async () => {
  t = await useTestDatabase();
  emailInbox = (await db.inbox.create({ data: { name: "Email", channel: "email", publicId: "support@example.test" } })).id;
  chatInbox = (await db.inbox.create({ data: { name: "Widget", channel: "chat", publicId: "w-1" } })).id;
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

const inboundEmail = (from: string, pmid: string, over: Partial<TouchpointInput> = {}) => inboundEmailTo(emailInbox, from, pmid, over);
const capture = captureBus;

describe("conversation lifecycle", () => {
  it("threads by externalThreadKey and opens a new conversation for a new thread", async () => {
    const a = await recordTouchpoint(inboundEmail("thread@example.com", "t-1@x", { conversation: { inboxId: emailInbox, externalThreadKey: "<T1>" } }));
    const b = await recordTouchpoint(inboundEmail("thread@example.com", "t-2@x", { conversation: { inboxId: emailInbox, externalThreadKey: "<T1>" } }));
    const c = await recordTouchpoint(inboundEmail("thread@example.com", "t-3@x", { conversation: { inboxId: emailInbox, externalThreadKey: "<T2>" } }));
    expect(b.conversationId).toBe(a.conversationId);
    expect(c.conversationId).not.toBe(a.conversationId);
    // Chat without a thread key: the customer's current conversation in the inbox.
    const visitor = [{ kind: "widget_visitor" as const, value: "v-thread", verified: true, source: "widget" }];
    const chat = (text: string): TouchpointInput => ({
      identities: visitor,
      channel: "chat",
      kind: "message",
      actor: "customer",
      text,
      conversation: { inboxId: chatInbox },
      message: { direction: "inbound", bodyText: text },
    });
    const x = await recordTouchpoint(chat("hi"));
    const y = await recordTouchpoint(chat("anyone?"));
    expect(y.conversationId).toBe(x.conversationId);
  });

  it("keeps the conversation's clock: waiting, first response, reopen", async () => {
    // Recent times: a resolved conversation is picked up again only within the reopen window.
    const base = Date.now() - 2 * 86_400_000;
    const at = (minutes: number) => new Date(base + minutes * 60_000);
    const t0 = at(0);
    const first = await recordTouchpoint(inboundEmail("clock@example.com", "c-1@x", { occurredAt: t0, conversation: { inboxId: emailInbox, externalThreadKey: "<C>" } }));
    const convId = first.conversationId!;
    let conv = await db.conversation.findUniqueOrThrow({ where: { id: convId } });
    expect(conv.waitingSince?.toISOString()).toBe(t0.toISOString());

    const agent = await db.user.create({ data: { email: "agent@x.test", name: "Agent A", passwordHash: "x" } });
    const reply = (when: Date, pmid: string): TouchpointInput => ({
      channel: "email",
      kind: "message",
      actor: "agent",
      actorUserId: agent.id,
      occurredAt: when,
      text: "We are on it",
      conversation: { id: convId, inboxId: emailInbox },
      message: { direction: "outbound", bodyText: "We are on it", authorId: agent.id, platformMessageId: pmid },
    });
    const r1 = await recordTouchpoint(reply(at(5), "out-1"));
    expect(r1.customerId).toBe(first.customerId);
    conv = await db.conversation.findUniqueOrThrow({ where: { id: convId } });
    expect(conv.waitingSince).toBeNull();
    expect(conv.firstResponseAt?.toISOString()).toBe(at(5).toISOString());
    expect((await db.message.findUniqueOrThrow({ where: { id: r1.messageId! } })).deliveryStatus).toBe("queued");
    await recordTouchpoint(reply(at(60), "out-2"));
    conv = await db.conversation.findUniqueOrThrow({ where: { id: convId } });
    expect(conv.firstResponseAt?.toISOString()).toBe(at(5).toISOString());
    expect(conv.lastMessageAt.toISOString()).toBe(at(60).toISOString());

    // A note neither answers the customer nor shows in the preview.
    await recordTouchpoint({
      channel: "email",
      kind: "note",
      actor: "agent",
      actorUserId: agent.id,
      occurredAt: at(90),
      text: "internal: check billing",
      conversation: { id: convId, inboxId: emailInbox },
      message: { direction: "outbound", bodyText: "internal: check billing", isNote: true },
    });
    conv = await db.conversation.findUniqueOrThrow({ where: { id: convId } });
    expect(conv.lastMessagePreview).toBe("We are on it");

    await db.conversation.update({ where: { id: convId }, data: { status: "resolved", resolvedAt: at(120) } });
    // An auto-reply does not reopen.
    await recordTouchpoint(
      inboundEmail("clock@example.com", "c-auto@x", {
        occurredAt: at(121),
        conversation: { inboxId: emailInbox, externalThreadKey: "<C>" },
        message: { direction: "inbound", bodyText: "I am out of office", platformMessageId: "c-auto@x", isAutoReply: true },
      }),
    );
    conv = await db.conversation.findUniqueOrThrow({ where: { id: convId } });
    expect(conv.status).toBe("resolved");

    const { seen, off } = capture();
    const again = await recordTouchpoint(inboundEmail("clock@example.com", "c-2@x", { occurredAt: at(1500), conversation: { inboxId: emailInbox, externalThreadKey: "<C>" } }));
    off();
    expect(again.conversationId).toBe(convId);
    conv = await db.conversation.findUniqueOrThrow({ where: { id: convId } });
    expect(conv.status).toBe("open");
    expect(conv.reopenCount).toBe(1);
    expect(conv.resolvedAt).toBeNull();
    // The auto-reply did not start the wait; the real message did.
    expect(conv.waitingSince?.toISOString()).toBe(at(1500).toISOString());
    const reopen = await db.timelineEvent.findFirstOrThrow({ where: { conversationId: convId, kind: "ticket_event" } });
    expect(reopen.text).toBe("Reopened by customer message");
    expect(reopen.occurredAt.toISOString()).toBe(at(1500).toISOString());
    expect(reopen.id > again.eventId).toBe(true);
    expect(seen.filter((e) => e.type === "timeline.created").map((e) => (e as { eventId: string }).eventId)).toEqual([again.eventId, reopen.id]);
    expect(seen.some((e) => e.type === "conversation.updated" && e.changes.status === "open")).toBe(true);

    // Long after resolution, a message in the same thread starts a new conversation.
    await db.conversation.update({ where: { id: convId }, data: { status: "closed", lastMessageAt: new Date(Date.now() - 90 * 86_400_000) } });
    const late = await recordTouchpoint(inboundEmail("clock@example.com", "c-3@x", { conversation: { inboxId: emailInbox, externalThreadKey: "<C>" } }));
    expect(late.conversationId).not.toBe(convId);
    expect((await db.conversation.findUniqueOrThrow({ where: { id: convId } })).status).toBe("closed");
  });

});

describe("ticket events", () => {
  it("records ticket events on the conversation's customer", async () => {
    const first = await recordTouchpoint(inboundEmail("ticket@example.com", "tk-1@x"));
    const r = await recordTicketEvent(first.conversationId!, { name: "priority", text: "Priority changed to high", payload: { from: "normal", to: "high" } });
    expect(r).toMatchObject({ created: true, customerId: first.customerId, conversationId: first.conversationId });
    const ev = await db.timelineEvent.findUniqueOrThrow({ where: { id: r.eventId } });
    expect(ev).toMatchObject({ kind: "ticket_event", channel: "email", actor: "system", inboxId: emailInbox, name: "priority" });

    const { seen, off } = capture();
    const created = await runTransaction((tx) => insertTicketEvent(tx, first.conversationId!, { name: "status", text: "Status changed to pending" }));
    await publishTimelineCreated([created]);
    off();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ type: "timeline.created", eventId: created.eventId, customerId: first.customerId });
  });
});
