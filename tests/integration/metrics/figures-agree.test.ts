// One definition per figure, the same wherever it is shown (docs/journey.md):
// the touchpoint count of the single view's sidebar and of the journey map,
// and the friction card's long waits, whose evidence is the wait that crossed
// the threshold, in the journey map's words too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { recordTouchpoint, type TouchpointInput } from "@/server/ingest/record";
import { recordTicketEvent } from "@/server/conversations/ticket-events";
import { evaluateCustomer } from "@/server/journey/service";
import { frictionForCustomer, WAIT_THRESHOLD_MIN } from "@/server/friction/score";
import { callerAs, viewerByEmail } from "../../helpers/trpc";

let t: TestDatabase;
let emailInbox: string;
let chatInbox: string;
let agentId: string;
const MIN = 60_000;

beforeAll(async () => {
  t = await useTestDatabase();
  emailInbox = (await db.inbox.create({ data: { name: "Email", channel: "email", publicId: "agree@example.test" } })).id;
  chatInbox = (await db.inbox.create({ data: { name: "Chat", channel: "chat", publicId: "agree-widget" } })).id;
  agentId = (await db.user.create({ data: { email: "agent@agree.test", name: "Agent", passwordHash: "x", role: "agent" } })).id;
  await db.user.create({ data: { email: "lead@agree.test", name: "Lead", passwordHash: "x", role: "supervisor" } });
  // The agent's team sees email only; chat belongs to another team.
  await db.team.create({ data: { name: "Email team", inboxes: { create: { inboxId: emailInbox } }, members: { create: { userId: agentId } } } });
  await db.team.create({ data: { name: "Chat team", inboxes: { create: { inboxId: chatInbox } } } });
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

const who = { identities: [{ kind: "email" as const, value: "every@kind.example", verified: true, source: "test" }] };
const inbound = (inboxId: string, channel: "email" | "chat", key: string, text: string, at = new Date()): TouchpointInput => ({
  ...who,
  channel,
  kind: "message",
  actor: "customer",
  text,
  occurredAt: at,
  conversation: { inboxId, externalThreadKey: key },
  message: { direction: "inbound", bodyText: text },
});

describe("figures shown in two places agree", () => {
  it("the sidebar's touchpoint count is the journey map's, for every kind of event and for a scoped agent", async () => {
    const mail = await recordTouchpoint(inbound(emailInbox, "email", "<t1@x>", "Hello"));
    const customerId = mail.customerId;
    const conv = mail.conversationId!;
    await recordTouchpoint({ channel: "email", kind: "message", actor: "agent", actorUserId: agentId, text: "Hi!", conversation: { id: conv, inboxId: emailInbox }, message: { direction: "outbound", bodyText: "Hi!" } });
    await recordTouchpoint({ channel: "email", kind: "note", actor: "agent", actorUserId: agentId, text: "Internal note", conversation: { id: conv, inboxId: emailInbox } });
    await recordTicketEvent(conv, { name: "priority", text: "Priority set to high", payload: { from: "normal", to: "high" } });
    await recordTouchpoint({ ...who, channel: "api", kind: "product_event", actor: "customer", name: "page_view", text: "Viewed /pricing", payload: { url: "https://acme.test/pricing" } });
    await recordTouchpoint({ ...who, channel: "api", kind: "product_event", actor: "customer", name: "purchase", text: "Purchased", payload: { amount: 30 } });
    await recordTouchpoint({ customerId, channel: "system", kind: "article_view", actor: "customer", name: "refunds", text: "Viewed article Refunds" });
    await recordTouchpoint({ customerId, channel: "email", kind: "survey_response", actor: "customer", name: "csat", text: "Rated CSAT 5/5", payload: { kind: "csat", score: 5, max: 5 } });
    // A conversation in another team's inbox: hidden from the agent, counted for the supervisor.
    await recordTouchpoint(inbound(chatInbox, "chat", "chat-1", "Hi on chat"));
    await recordTouchpoint(inbound(chatInbox, "chat", "chat-1", "Anyone?"));
    // Journey stage entries exist on the timeline but are not touchpoints.
    await evaluateCustomer(customerId);
    const kinds = await db.timelineEvent.groupBy({ by: ["kind"], where: { customerId }, _count: true });
    expect(Object.fromEntries(kinds.map((k) => [k.kind, k._count]))).toEqual({
      message: 4,
      note: 1,
      ticket_event: 1,
      product_event: 2,
      article_view: 1,
      survey_response: 1,
      journey_stage: 1,
    });

    const lead = callerAs(await viewerByEmail("lead@agree.test"));
    const agent = callerAs(await viewerByEmail("agent@agree.test"));
    for (const [api, expected] of [
      [lead, 10],
      [agent, 8],
    ] as const) {
      const profile = await api.customer.get({ id: customerId });
      const map = await api.journey.map({ customerId });
      expect(profile.touchpoints).toEqual({ count: expected, capped: false });
      expect(map.touchpointCount).toEqual(profile.touchpoints);
      expect(map.touchpoints).toHaveLength(expected);
    }
  });

  it("a long wait's evidence is the wait that crossed the threshold, in hours and minutes, on the sidebar and the journey map alike", async () => {
    const now = Date.now();
    const open = async (key: string, o: { createdAgoMin: number; firstReplyAfterMin: number; waitingForMin?: number; status: "open" | "resolved" }) => {
      const r = await recordTouchpoint(inbound(emailInbox, "email", key, `${key} question`, new Date(now - o.createdAgoMin * MIN)));
      const created = new Date(now - o.createdAgoMin * MIN);
      await db.conversation.update({
        where: { id: r.conversationId! },
        data: {
          createdAt: created,
          firstResponseAt: new Date(created.getTime() + o.firstReplyAfterMin * MIN),
          waitingSince: o.waitingForMin === undefined ? null : new Date(now - o.waitingForMin * MIN),
          status: o.status,
          subject: key,
        },
      });
      return r;
    };
    // Answered in 5 minutes, then the customer wrote again and has waited 5 h 20 min: the long wait is the current one.
    const quick = await open("<quick@x>", { createdAgoMin: 2 * 24 * 60, firstReplyAfterMin: 5, waitingForMin: 320, status: "open" });
    // First reply after 4 h 12 min.
    const slow = await open("<slow@x>", { createdAgoMin: 3 * 24 * 60, firstReplyAfterMin: 252, status: "resolved" });
    // A 30-minute first reply is no friction.
    await open("<fine@x>", { createdAgoMin: 4 * 24 * 60, firstReplyAfterMin: 30, status: "resolved" });
    const customerId = quick.customerId;
    const numberOf = async (id: string) => (await db.conversation.findUniqueOrThrow({ where: { id } })).number;
    const [q, s] = [await numberOf(quick.conversationId!), await numberOf(slow.conversationId!)];

    const insights = await callerAs(await viewerByEmail("lead@agree.test")).customer.insights({ id: customerId });
    const wait = insights.friction.find((f) => f.kind === "long_wait")!;
    expect(wait.label).toBe(`2 long waits (over 1 h)`);
    expect(wait.detail).toEqual([`#${q}: waiting 5 h 20 min now, unanswered`, `#${s}: first reply after 4 h 12 min`]);
    // Every duration shown is above the threshold in the title.
    for (const d of wait.detail) {
      const [, h, m] = /(\d+) h(?: (\d+) min)?/.exec(d)!;
      expect(Number(h) * 60 + Number(m ?? 0)).toBeGreaterThan(WAIT_THRESHOLD_MIN);
    }
    // The journey map's friction says the same of the same conversations.
    const journey = await frictionForCustomer(customerId);
    const detail = journey.signals.find((x) => x.kind === "wait")!.detail;
    expect(detail).toContain(`#${q}: waiting 5 h 20 min now, unanswered`);
    expect(detail).toContain(`#${s}: first reply after 4 h 12 min`);
    expect(journey.signals.find((x) => x.kind === "wait")!.count).toBe(wait.count);
  });
});
