// The widget answer bot, in-process against the test database: it answers a
// visitor from help-center articles only (a bot turn: actor system, payload
// and message meta bot: true, queued in the outbox, shown to the visitor as
// "Bot"), hands over on request or when it does not know (a handover message,
// the ticket event "Handed over to a human", then silence), stays out of
// inboxes not opted in and of conversations an agent has taken, and is
// idempotent under redelivery. With a provider, only the articles and the
// visitor's words are sent; "I don't know" from the provider is a handover.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { recordTouchpoint } from "@/server/ingest/record";
import { saveArticle } from "@/server/helpcenter/articles";
import { botOnEvent, HANDOVER_MESSAGE } from "@/server/assistant/bot";
import { setAnswerBot } from "@/server/assistant/bot-inboxes";
import { updateAssistantSettings } from "@/server/assistant/settings";
import { loadWidgetMessage } from "@/server/channels/widget/service";
import type { DomainEvent } from "@/server/events/bus";
import { noProvider } from "./world";
import { startFakeLlm } from "./fake-llm";

let t: TestDatabase;
let inboxId: string;
let quietInboxId: string;
let adminId: string;
let n = 0;

beforeAll(async () => {
  noProvider();
  t = await useTestDatabase();
  adminId = (await db.user.create({ data: { email: "admin@bot.test", name: "Admin", passwordHash: "x", role: "admin" } })).id;
  inboxId = (await db.inbox.create({ data: { name: "Website", channel: "chat", publicId: "bot-widget", settings: { greeting: "Hi!" } } })).id;
  quietInboxId = (await db.inbox.create({ data: { name: "Other site", channel: "chat", publicId: "quiet-widget" } })).id;
  await setAnswerBot(inboxId, true, adminId);
  await saveArticle(null, { title: "Tracking your order", body: "Every order ships with a tracking number. You find the tracking number in the shipping confirmation email and under Orders in your account.", category: "Orders", status: "published", locale: "en" });
  await saveArticle(null, { title: "Resetting your password", body: "Click Forgot password on the sign-in page and follow the link we email you.", category: "Account", status: "published", locale: "en" });
});
afterAll(async () => {
  noProvider();
  await disconnectDb();
  await t?.drop();
});

/** A visitor's chat message (a new visitor, or the same conversation again) and its timeline.created event. */
async function visitorSays(text: string, opts: { inbox?: string; visitor?: string } = {}): Promise<DomainEvent & { type: "timeline.created" }> {
  n++;
  const visitor = opts.visitor ?? `v-${n}`;
  const r = await recordTouchpoint({
    identities: [{ kind: "widget_visitor", value: visitor, verified: false, source: "widget" }],
    channel: "chat",
    kind: "message",
    actor: "customer",
    text,
    conversation: { inboxId: opts.inbox ?? inboxId, externalThreadKey: `widget:${visitor}` },
    message: { direction: "inbound", bodyText: text, platformMessageId: `m-${n}` },
  });
  return { type: "timeline.created", customerId: r.customerId, eventId: r.eventId, conversationId: r.conversationId, inboxId: opts.inbox ?? inboxId, occurredAt: r.occurredAt.toISOString() };
}

const botTurns = (conversationId: string) =>
  db.timelineEvent.findMany({ where: { conversationId, kind: "message", actor: "system" }, orderBy: [{ occurredAt: "asc" }, { id: "asc" }], include: { message: true } });

describe("widget answer bot", () => {
  it("answers from the help center as a marked bot turn, sent through the outbox, shown as Bot", async () => {
    const e = await visitorSays("How do I find the tracking number for my order?");
    expect(await botOnEvent(e)).toBe("answered");
    const [turn] = await botTurns(e.conversationId!);
    expect(turn!.text).toContain("“Tracking your order”");
    expect(turn!.text).toContain("You find the tracking number in the shipping confirmation email");
    expect(turn!.payload).toMatchObject({ bot: true, inReplyTo: e.eventId });
    expect(turn!.message).toMatchObject({ direction: "outbound", authorId: null, meta: { bot: true } });
    expect(await db.outboxItem.count({ where: { messageId: turn!.messageId! } })).toBe(1);
    const shown = await loadWidgetMessage(turn!.messageId!);
    expect(shown).toMatchObject({ from: "agent", agent: { name: "Bot" } });
    // The visitor is still waiting for a human: the bot is no first response.
    const conv = await db.conversation.findUniqueOrThrow({ where: { id: e.conversationId! } });
    expect(conv.firstResponseAt).toBeNull();
    expect(await db.assistantRequest.count({ where: { feature: "bot", conversationId: e.conversationId! } })).toBe(1);

    // Redelivery of the same event: nothing more.
    expect(await botOnEvent(e)).toBe("skipped");
    expect(await botTurns(e.conversationId!)).toHaveLength(1);
  });

  it("hands over when asked for a human, then stays silent in that conversation", async () => {
    const first = await visitorSays("How do I reset my password?", { visitor: "hand" });
    expect(await botOnEvent(first)).toBe("answered");
    const ask = await visitorSays("That did not work, can I talk to a human please?", { visitor: "hand" });
    expect(await botOnEvent(ask)).toBe("handed_over");
    const turns = await botTurns(ask.conversationId!);
    expect(turns.map((x) => x.text).at(-1)).toBe(HANDOVER_MESSAGE);
    const handovers = await db.timelineEvent.findMany({ where: { conversationId: ask.conversationId, kind: "ticket_event", name: "bot_handover" } });
    expect(handovers).toHaveLength(1);
    expect(handovers[0]).toMatchObject({ text: "Handed over to a human", actor: "system" });

    expect(await botOnEvent(ask)).toBe("handed_over"); // redelivered: finishes idempotently
    const later = await visitorSays("How do I find the tracking number for my order?", { visitor: "hand" });
    expect(await botOnEvent(later)).toBe("skipped");
    expect(await botTurns(ask.conversationId!)).toHaveLength(2);
    expect(await db.timelineEvent.count({ where: { conversationId: ask.conversationId, name: "bot_handover" } })).toBe(1);
  });

  it("hands over when no article clearly answers (it does not guess)", async () => {
    const e = await visitorSays("Do you sell gift cards in Spain?");
    expect(await botOnEvent(e)).toBe("handed_over");
    expect((await botTurns(e.conversationId!)).map((x) => x.text)).toEqual([HANDOVER_MESSAGE]);
  });

  it("stays out of inboxes not opted in, conversations an agent has taken, and when switched off", async () => {
    const quiet = await visitorSays("How do I find the tracking number for my order?", { inbox: quietInboxId });
    expect(await botOnEvent(quiet)).toBe("skipped");

    const taken = await visitorSays("How do I find the tracking number for my order?", { visitor: "taken" });
    await db.conversation.update({ where: { id: taken.conversationId! }, data: { assigneeId: adminId } });
    expect(await botOnEvent(taken)).toBe("skipped");

    await updateAssistantSettings({ botEnabled: false }, adminId);
    const off = await visitorSays("How do I find the tracking number for my order?");
    expect(await botOnEvent(off)).toBe("skipped");
    await updateAssistantSettings({ botEnabled: true }, adminId);
    for (const e of [quiet, taken, off]) expect(await botTurns(e.conversationId!)).toHaveLength(0);
  });

  it("with a provider: only the articles and the visitor's words are sent; its I_DONT_KNOW is a handover", async () => {
    const llm = await startFakeLlm();
    process.env.LLM_BASE_URL = llm.baseUrl;
    process.env.LLM_MODEL = "bot-model";
    process.env.LLM_TIMEOUT_MS = "1000";
    try {
      // An earlier message of the same visitor must not be in the bot's prompt.
      const earlier = await visitorSays("My secret order note is PURPLE-ELEPHANT.", { visitor: "llm" });
      await recordTouchpoint({ conversation: { id: earlier.conversationId!, inboxId }, channel: "chat", kind: "note", actor: "agent", actorUserId: adminId, text: "internal: PURPLE-ELEPHANT is VIP", message: { direction: "outbound", bodyText: "internal: PURPLE-ELEPHANT is VIP", isNote: true, authorId: adminId, deliveryStatus: "sent" } });
      llm.set({ kind: "answer", reply: () => "You find it in the shipping confirmation email. https://example.test/help/tracking-your-order" });
      const e = await visitorSays("Where is my tracking number?", { visitor: "llm" });
      llm.requests.length = 0;
      expect(await botOnEvent(e)).toBe("answered");
      const body = llm.requests[0]!.body;
      expect(body.model).toBe("bot-model");
      expect(body.messages[1]!.content).toContain("[A1] Tracking your order");
      expect(body.messages[1]!.content).toContain("Visitor: Where is my tracking number?");
      expect(JSON.stringify(body)).not.toContain("PURPLE-ELEPHANT");
      expect((await botTurns(e.conversationId!)).at(-1)!.text).toBe("You find it in the shipping confirmation email. https://example.test/help/tracking-your-order");

      llm.set({ kind: "answer", reply: () => "I_DONT_KNOW" });
      const unsure = await visitorSays("Where is my order tracking page for returns?");
      expect(await botOnEvent(unsure)).toBe("handed_over");

      // Provider down: the local answer (a confident article match) instead.
      llm.set({ kind: "fail", status: 503 });
      const down = await visitorSays("How do I find the tracking number for my order?");
      expect(await botOnEvent(down)).toBe("answered");
      expect((await botTurns(down.conversationId!))[0]!.text).toContain("“Tracking your order”");
      expect(await db.assistantRequest.findFirst({ where: { conversationId: down.conversationId! } })).toMatchObject({ source: "fallback", outcome: "error" });
    } finally {
      noProvider();
      await llm.close();
    }
  });
});
