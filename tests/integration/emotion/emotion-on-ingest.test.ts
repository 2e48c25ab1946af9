// Emotion on every touchpoint, end to end on a real database: a customer's
// inbound messages and survey answers are scored on ingest and stored on
// their timeline event; the timeline item (read and published) carries it;
// agents' messages are not scored; a language the model does not read is
// "unscored"; a sharp negative turn is a friction signal, shows on the
// journey map and triggers a "sentiment turned negative" rule; the backfill
// scores rows stored before scoring existed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { captureBus } from "../../helpers/touchpoints";
import { db, disconnectDb } from "@/server/db";
import { uuidv7 } from "@/server/db/ids";
import { recordTouchpoint } from "@/server/ingest/record";
import { listTimeline } from "@/server/timeline/query";
import { processTimelineEvent } from "@/server/rules/engine";
import { createRule } from "@/server/rules/admin";
import { frictionForConversation } from "@/server/friction/score";
import { journeyMap } from "@/server/journey/map";
import { backfillEmotion } from "@/server/ingest/emotion-backfill";
import { sendReply } from "@/server/conversations/reply";

let t: TestDatabase;
let adminId: string;
let agentId: string;
let chatInbox: string;

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = "test-nextauth-secret-0123456789";
  t = await useTestDatabase();
  adminId = (await db.user.create({ data: { email: "admin@example.test", name: "Ada Admin", passwordHash: "x", role: "admin" } })).id;
  agentId = (await db.user.create({ data: { email: "sam@example.test", name: "Sam Agent", passwordHash: "x", role: "supervisor" } })).id;
  chatInbox = (await db.inbox.create({ data: { name: "Chat", channel: "chat", publicId: "emotion-widget" } })).id;
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

const chat = (email: string, text: string, thread: string) =>
  recordTouchpoint({
    identities: [{ kind: "email", value: email, verified: true, source: "test" }],
    customerName: "Grace Hopper",
    channel: "chat",
    kind: "message",
    actor: "customer",
    text,
    conversation: { inboxId: chatInbox, externalThreadKey: thread },
    message: { direction: "inbound", bodyText: text },
  });

const stored = (eventId: string) => db.timelineEvent.findUniqueOrThrow({ where: { id: eventId }, select: { sentimentScore: true, sentimentLabel: true, frustrationCues: true } });

describe("emotion on ingest", () => {
  it("scores the customer's messages, stores them on the event, and carries them on the timeline item, read and published", async () => {
    const cap = captureBus();
    const happy = await chat("grace@example.test", "Thank you so much, that worked perfectly! You are great 😊", "emo-1");
    cap.off();
    const row = await stored(happy.eventId);
    expect(row.sentimentLabel).toBe("positive");
    expect(row.sentimentScore!).toBeGreaterThan(0.3);

    const page = await listTimeline({ customerId: happy.customerId, inboxScope: "all" });
    const item = page.items.find((i) => i.id === happy.eventId)!;
    expect(item.emotion).toMatchObject({ label: "positive" });
    expect(item.emotion!.score).toBeCloseTo(row.sentimentScore!, 6);
    const published = cap.seen.find((e) => e.type === "timeline.created" && e.eventId === happy.eventId) as { item?: { emotion?: unknown } } | undefined;
    // What the live view and the queue's consumers (rules, webhooks) receive.
    expect(published?.item?.emotion).toMatchObject({ label: "positive" });
  });

  it("does not score an agent's reply; writing again before an answer is the repeated-contact cue", async () => {
    const first = await chat("ann@example.test", "Hi, how do I export my invoices as CSV?", "emo-2");
    const reply = await sendReply({ conversationId: first.conversationId!, authorId: agentId, bodyText: "Hi Ann, go to Billing → Invoices → Export." });
    const replyEvent = await db.timelineEvent.findFirstOrThrow({ where: { messageId: reply.messageId }, select: { sentimentLabel: true, frustrationCues: true } });
    expect(replyEvent.sentimentLabel).toBeNull();
    expect(replyEvent.frustrationCues).toEqual([]);

    const second = await chat("ann@example.test", "That menu does not exist for me.", "emo-2");
    const third = await chat("ann@example.test", "Hello?? Anyone there? This is STILL NOT WORKING and I have asked AGAIN and again. I want a refund or I cancel my subscription.", "emo-2");
    expect((await stored(second.eventId)).frustrationCues).not.toContain("repeated_contact");
    const angry = await stored(third.eventId);
    expect(angry.sentimentLabel).toBe("negative");
    expect(angry.frustrationCues).toEqual(expect.arrayContaining(["repeated_contact", "caps", "still", "again", "escalation"]));
  });

  it("labels a language the model does not read as unscored, never guessed", async () => {
    const german = await chat("jonas@example.test", "Ich warte seit drei Tagen auf eine Antwort und niemand hilft mir. Das ist wirklich enttäuschend.", "emo-3");
    const row = await stored(german.eventId);
    expect(row.sentimentLabel).toBe("unscored");
    expect(row.sentimentScore).toBeNull();
  });

  it("scores survey answers by their scale", async () => {
    const m = await chat("rosa@example.test", "Where is my parcel?", "emo-4");
    const low = await recordTouchpoint({ conversation: { id: m.conversationId!, inboxId: chatInbox }, channel: "chat", kind: "survey_response", actor: "customer", name: "csat", text: "Rated CSAT 1/5: slow", payload: { kind: "csat", score: 1, max: 5, comment: "slow" }, dedupeKey: "survey:emo-low" });
    const promoter = await recordTouchpoint({ customerId: m.customerId, channel: "email", kind: "survey_response", actor: "customer", name: "nps", text: "Rated NPS 10/10", payload: { kind: "nps", score: 10, max: 10 }, dedupeKey: "survey:emo-nps" });
    expect((await stored(low.eventId)).sentimentLabel).toBe("negative");
    expect((await stored(promoter.eventId)).sentimentLabel).toBe("positive");
  });

  it("a sharp negative turn triggers the rule, is a friction signal and shows on the journey map", async () => {
    const rule = await createRule(
      { name: "Mood turned", trigger: { kind: "message", sentiment: "turned_negative" }, conditions: [], actions: [{ type: "set_priority", priority: "urgent" }] },
      adminId,
    );
    const calm = await chat("lin@example.test", "Thanks, the new plan looks good. Happy so far!", "emo-5");
    expect(await processTimelineEvent(calm.eventId)).toHaveLength(0);
    const turned = await chat("lin@example.test", "This is terrible. You charged me twice, it is unacceptable and I want my money back now!", "emo-5");
    expect((await stored(turned.eventId)).sentimentLabel).toBe("negative");
    const runs = await processTimelineEvent(turned.eventId);
    expect(runs.map((r) => r.ruleName)).toEqual(["Mood turned"]);
    expect((await db.conversation.findUniqueOrThrow({ where: { id: turned.conversationId! } })).priority).toBe("urgent");

    // Negative again right after, without cues: a low, not a turn (it was already negative), so the rule does not fire again.
    const still = await chat("lin@example.test", "This is awful.", "emo-5");
    expect((await stored(still.eventId)).sentimentLabel).toBe("negative");
    expect(await processTimelineEvent(still.eventId)).toHaveLength(0);

    const friction = await frictionForConversation(turned.conversationId!);
    expect(friction.signals.find((s) => s.kind === "negative_turn")).toMatchObject({ count: 1, points: 15 });

    const map = (await journeyMap(turned.customerId, "all"))!;
    const felt = map.touchpoints.filter((p) => p.emotion);
    expect(felt.map((p) => p.emotion!.label)).toEqual(["positive", "negative", "negative"]);
    expect(map.frictionPoints.filter((f) => f.kind === "negative_turn").map((f) => f.at)).toEqual([(await db.timelineEvent.findUniqueOrThrow({ where: { id: turned.eventId } })).occurredAt.toISOString()]);
    await db.automationRule.update({ where: { id: rule.id }, data: { enabled: false } });
  });

  it("the backfill scores customer messages stored without a label, and leaves everything else alone", async () => {
    const m = await chat("old@example.test", "placeholder", "emo-6");
    const customerId = m.customerId;
    const oldId = uuidv7();
    const productId = uuidv7();
    await db.timelineEvent.createMany({
      data: [
        { id: oldId, customerId, originCustomerId: customerId, occurredAt: new Date("2025-01-01T10:00:00Z"), kind: "survey_response", channel: "email", actor: "customer", name: "csat", text: "Rated CSAT 5/5", payload: { kind: "csat", score: 5, max: 5 } },
        { id: productId, customerId, originCustomerId: customerId, occurredAt: new Date("2025-01-01T11:00:00Z"), kind: "product_event", channel: "api", actor: "customer", name: "purchase", text: "Purchased", payload: { amount: 10 } },
      ],
    });
    const result = await backfillEmotion({ slice: 7 });
    expect(result.scored).toBeGreaterThanOrEqual(1);
    expect((await stored(oldId)).sentimentLabel).toBe("positive");
    expect((await stored(productId)).sentimentLabel).toBeNull();
    // Again: nothing left to do.
    expect((await backfillEmotion()).scored).toBe(0);
  });
});
