// Friction signals are counted as documented (src/server/friction/score.ts, docs/journey.md).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { recordTouchpoint } from "@/server/ingest/record";
import { recordTicketEvent } from "@/server/conversations/ticket-events";
import { frictionForConversation, frictionForCustomer, frictionPoints, topFrictionConversations } from "@/server/friction/score";

let t: TestDatabase;
let customerId: string;
const conv: Record<string, string> = {};
const H = 3_600_000;
const D = 24 * H;
const now = Date.now();

beforeAll(async () => {
  t = await useTestDatabase();
  const u1 = (await db.user.create({ data: { email: "u1@example.test", name: "One", passwordHash: "x" } })).id;
  const u2 = (await db.user.create({ data: { email: "u2@example.test", name: "Two", passwordHash: "x" } })).id;
  const inboxes = {
    email: (await db.inbox.create({ data: { name: "Email", channel: "email", publicId: "f@example.test" } })).id,
    chat: (await db.inbox.create({ data: { name: "Chat", channel: "chat", publicId: "f-widget" } })).id,
    whatsapp: (await db.inbox.create({ data: { name: "WA", channel: "whatsapp", publicId: "f-wa" } })).id,
  };
  const open = async (key: string, channel: "email" | "chat" | "whatsapp", createdAgo: number, o: { frAfterMin?: number; tags?: string[]; status?: "open" | "resolved"; reopen?: number }) => {
    const created = new Date(now - createdAgo);
    const r = await recordTouchpoint({
      identities: [{ kind: "email", value: "friction@example.test", verified: true, source: "t" }],
      channel,
      kind: "message",
      actor: "customer",
      text: `${key} help`,
      occurredAt: created,
      conversation: { inboxId: inboxes[channel], externalThreadKey: key },
      message: { direction: "inbound", bodyText: `${key} help` },
    });
    customerId = r.customerId;
    conv[key] = r.conversationId!;
    await db.conversation.update({
      where: { id: r.conversationId! },
      data: {
        createdAt: created,
        firstResponseAt: o.frAfterMin === undefined ? null : new Date(created.getTime() + o.frAfterMin * 60_000),
        waitingSince: o.frAfterMin === undefined ? created : null,
        tags: o.tags ?? [],
        status: o.status ?? "resolved",
        reopenCount: o.reopen ?? 0,
      },
    });
  };
  await open("C", "whatsapp", 60 * D, { frAfterMin: 10 });
  await open("A", "email", 5 * D, { frAfterMin: 180, tags: ["billing"], reopen: 1 });
  await recordTicketEvent(conv.A!, { name: "status", text: "Reopened", payload: { from: "resolved", to: "open" }, occurredAt: new Date(now - 4.5 * D) });
  // Read an article, then opened a chat 30 minutes later about the same thing.
  await recordTouchpoint({ customerId, channel: "system", kind: "article_view", actor: "customer", name: "refunds", text: "Viewed article", occurredAt: new Date(now - 4 * D - 30 * 60_000) });
  await open("B", "chat", 4 * D, { frAfterMin: 5, tags: ["billing", "vip"], status: "open" });
  await recordTicketEvent(conv.B!, { name: "assignee", text: "Assigned", payload: { from: null, to: u1 }, occurredAt: new Date(now - 4 * D + H) });
  await recordTicketEvent(conv.B!, { name: "assignee", text: "Reassigned", payload: { from: u1, to: u2 }, occurredAt: new Date(now - 4 * D + 2 * H) });
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

const kinds = (f: { signals: { kind: string; count: number; points: number }[] }) => Object.fromEntries(f.signals.map((s) => [s.kind, [s.count, s.points]]));

describe("friction", () => {
  it("scores a conversation from its signals", async () => {
    const b = await frictionForConversation(conv.B!);
    // Same tag as A within 7 days (repeat), email → chat (switch), one real hand-off (the first assignment is not one), article read 30 min before.
    expect(kinds(b)).toEqual({ repeat_contact: [1, 15], handoff: [1, 10], channel_switch: [1, 10], failed_self_service: [1, 15] });
    expect(b.score).toBe(50);
    const a = await frictionForConversation(conv.A!);
    // Waited 3 h for the first reply: 3 × 5; reopened once: 15.
    expect(kinds(a)).toEqual({ wait: [1, 15], reopen: [1, 15] });
    expect(a.score).toBe(30);
    expect((await frictionForConversation(conv.C!)).score).toBe(0);
  });

  it("sums a customer's signals of the last 90 days", async () => {
    const f = await frictionForCustomer(customerId);
    expect(kinds(f)).toEqual({ wait: [1, 15], repeat_contact: [1, 15], handoff: [1, 10], channel_switch: [1, 10], reopen: [1, 15], failed_self_service: [1, 15] });
    expect(f.score).toBe(80);
    expect(f.signals.find((s) => s.kind === "wait")!.detail).toMatch(/: first reply after 3 h$/);
  });

  it("places friction points in time and ranks open conversations", async () => {
    const points = await frictionPoints(customerId);
    expect(points.map((p) => p.kind).sort()).toEqual(["channel_switch", "failed_self_service", "handoff", "reopen", "repeat_contact", "wait"]);
    const top = await topFrictionConversations({ limit: 5 });
    expect(top.map((r) => [r.conversationId, r.score])).toEqual([[conv.B!, 50]]);
  });
});
