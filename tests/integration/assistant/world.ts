// The assistant suites' shared world: two teams each with their own inbox
// (Support email, VIP chat), an agent in Support only, an admin, help-center
// articles, and one customer whose history spans both inboxes: a purchase, a
// late order with a promise and an open question in Support, a poor CSAT,
// and a VIP-chat conversation the agent must never see (its text must never
// reach a prompt or a summary).
import { db } from "@/server/db";
import { viewerOfUser, type Viewer } from "@/server/auth/viewer";
import { recordTouchpoint } from "@/server/ingest/record";
import { saveArticle } from "@/server/helpcenter/articles";

export const HIDDEN_TEXT = "SECRET-VIP-CODE-7781";

export type World = {
  agent: Viewer;
  admin: Viewer;
  customerId: string;
  supportInboxId: string;
  vipInboxId: string;
  conversationId: string;
  hiddenConversationId: string;
  events: Record<"purchase" | "complaint" | "promise" | "question" | "survey" | "hidden", string>;
  articles: Record<"tracking" | "refunds" | "password", string>;
};

const day = (d: number, h = 10) => new Date(Date.UTC(2026, 10, d, h, 0, 0));

export async function buildWorld(): Promise<World> {
  const support = await db.team.create({ data: { name: "Support" } });
  const vip = await db.team.create({ data: { name: "VIP" } });
  const supportInboxId = (await db.inbox.create({ data: { name: "Support email", channel: "email", publicId: "support@assistant.test" } })).id;
  const vipInboxId = (await db.inbox.create({ data: { name: "VIP chat", channel: "chat", publicId: "vip-chat" } })).id;
  await db.teamInbox.create({ data: { teamId: support.id, inboxId: supportInboxId } });
  await db.teamInbox.create({ data: { teamId: vip.id, inboxId: vipInboxId } });
  const ava = await db.user.create({ data: { email: "ava@assistant.test", name: "Ava Agent", passwordHash: "x", role: "agent" } });
  await db.teamMember.create({ data: { teamId: support.id, userId: ava.id } });
  const boss = await db.user.create({ data: { email: "boss@assistant.test", name: "Bo Admin", passwordHash: "x", role: "admin" } });

  const articles = {
    tracking: (await saveArticle(null, { title: "Tracking your order", body: "Every order ships with a tracking number. You find the tracking number in the shipping confirmation email and under Orders in your account. Deliveries take 3–5 business days; if a package has not arrived after 7 days we send a replacement.", category: "Orders", status: "published", locale: "en" })).id,
    refunds: (await saveArticle(null, { title: "How refunds work", body: "Refunds reach your card in 5–10 business days after we receive the return.", category: "Billing", status: "published", locale: "en" })).id,
    password: (await saveArticle(null, { title: "Resetting your password", body: "Click Forgot password on the sign-in page and follow the link we email you.", category: "Account", status: "published", locale: "en" })).id,
  };

  const identities = [{ kind: "email" as const, value: "noor@customer.test", verified: true, source: "test" }];
  const purchase = await recordTouchpoint({ identities, customerName: "Noor Haddad", channel: "api", kind: "product_event", actor: "customer", name: "purchase", text: "Purchased Trail Runner shoes", payload: { amount: 129, currency: "USD", product: "Trail Runner" }, occurredAt: day(1) });
  const customerId = purchase.customerId;
  const thread = { inboxId: supportInboxId, externalThreadKey: "<order-1234@customer.test>", subject: "Order #1234 not delivered" };
  const complaint = await recordTouchpoint({ customerId, channel: "email", kind: "message", actor: "customer", text: "My order #1234 hasn't arrived and it has been 9 days. This is really frustrating.", conversation: thread, occurredAt: day(10), message: { direction: "inbound", bodyText: "My order #1234 hasn't arrived and it has been 9 days. This is really frustrating.", platformMessageId: "<c1@customer.test>", subject: "Order #1234 not delivered" } });
  const conversationId = complaint.conversationId!;
  const promise = await recordTouchpoint({ conversation: { id: conversationId, inboxId: supportInboxId }, channel: "email", kind: "message", actor: "agent", actorUserId: ava.id, text: "Sorry about that! We'll send a replacement pair by Friday.", occurredAt: day(10, 14), message: { direction: "outbound", bodyText: "Sorry about that! We'll send a replacement pair by Friday.", authorId: ava.id, deliveryStatus: "sent" } });
  const question = await recordTouchpoint({ customerId, channel: "email", kind: "message", actor: "customer", text: "Thanks. Can you send me the tracking number for the replacement?", conversation: thread, occurredAt: day(11), message: { direction: "inbound", bodyText: "Thanks. Can you send me the tracking number for the replacement?", platformMessageId: "<c2@customer.test>" } });
  const survey = await recordTouchpoint({ customerId, channel: "email", kind: "survey_response", actor: "customer", name: "csat", text: "Rated 2/5: slow delivery", payload: { kind: "csat", score: 2, max: 5, comment: "slow delivery" }, occurredAt: day(9) });
  const hidden = await recordTouchpoint({ identities, channel: "chat", kind: "message", actor: "customer", text: `My VIP code is ${HIDDEN_TEXT}, please upgrade me.`, conversation: { inboxId: vipInboxId, externalThreadKey: "vip-1" }, occurredAt: day(12), message: { direction: "inbound", bodyText: `My VIP code is ${HIDDEN_TEXT}, please upgrade me.`, platformMessageId: "vip-m1" } });

  // Emotion as the scorer would have stored it (its write path belongs to src/server/emotion/).
  await db.$executeRaw`UPDATE timeline_events SET sentiment_score = -0.7, sentiment_label = 'negative', frustration_cues = ARRAY['frustrating'] WHERE id = ${complaint.eventId}::uuid`;
  await db.$executeRaw`UPDATE timeline_events SET sentiment_score = 0.1, sentiment_label = 'neutral', frustration_cues = ARRAY[]::text[] WHERE id = ${question.eventId}::uuid`;
  await db.$executeRaw`UPDATE timeline_events SET sentiment_score = -0.2, sentiment_label = 'neutral', frustration_cues = ARRAY[]::text[] WHERE id = ${hidden.eventId}::uuid`;

  return {
    agent: (await viewerOfUser(ava.id))!,
    admin: (await viewerOfUser(boss.id))!,
    customerId,
    supportInboxId,
    vipInboxId,
    conversationId,
    hiddenConversationId: hidden.conversationId!,
    events: { purchase: purchase.eventId, complaint: complaint.eventId, promise: promise.eventId, question: question.eventId, survey: survey.eventId, hidden: hidden.eventId },
    articles,
  };
}

/** Every provider setting off: the local fallback answers. */
export function noProvider() {
  for (const k of ["LLM_BASE_URL", "LLM_API_KEY", "LLM_MODEL", "LLM_TIMEOUT_MS"]) delete process.env[k];
}
