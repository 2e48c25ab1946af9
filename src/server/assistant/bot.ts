// The widget's answer bot (opt-in per inbox: settings.answerBot, and the
// assistant's bot switch). On a visitor's chat message in a conversation no
// agent has taken or answered yet, it answers from help-center articles only
// — through the provider, told to say it does not know otherwise, or locally
// with the best full-text match when its rank clears a threshold. It hands
// over to a human when the visitor asks for one or when it does not know: a
// message to the visitor, a ticket event "Handed over to a human", and then
// silence in that conversation. Every bot turn is a timeline touchpoint
// (actor system, payload bot: true) sent through the outbox like any reply.
// Idempotent under redelivery: each visitor message is claimed once (the
// bot turn's dedupe key), the handover once per conversation.
import type { DomainEvent } from "@/server/events/bus";
import { db } from "@/server/db";
import { recordTouchpoint } from "@/server/ingest/record";
import { enqueueOutbound, nudgeOutbox } from "@/server/outbox/outbox";
import { recordTicketEvent } from "@/server/conversations/ticket-events";
import { articlesFor, relevantSentences, type FoundArticle } from "./articles";
import { chat, providerConfig, type ChatMessage } from "./provider";
import { logAssistantRequest } from "./log";
import { featureEnabled } from "./settings";

/** The local fallback answers only when the best article's ts_rank clears this (tuned on tests/fixtures/assistant). */
export const FALLBACK_MIN_RANK = 0.2;
export const HANDOVER_EVENT = "bot_handover";
export const HANDOVER_TEXT = "Handed over to a human";
export const HANDOVER_MESSAGE = "I'm handing you over to a member of our team. Someone will reply here as soon as they can.";
const DONT_KNOW = "I_DONT_KNOW";

const ASKS_FOR_HUMAN = /\b(human|humans|agent|person|people|someone|somebody|representative|operator|staff|real person|live (chat|support)|talk to|speak (to|with)|call me|phone me)\b/i;

export function asksForHuman(text: string): boolean {
  return ASKS_FOR_HUMAN.test(text);
}

type Turn = { conversationId: string; inboxId: string; customerId: string; eventId: string; text: string };

export async function onBotEvents(events: DomainEvent[]): Promise<void> {
  const errors: unknown[] = [];
  // One at a time: each may wait on the provider, and must not hold several pool connections.
  for (const e of events) await botOnEvent(e).catch((error: unknown) => void errors.push(error));
  if (errors.length) throw errors[0];
}

export async function botOnEvent(event: DomainEvent): Promise<"answered" | "handed_over" | "skipped"> {
  if (event.type !== "timeline.created" || !event.conversationId || !event.inboxId) return "skipped";
  const turn = await visitorTurn(event.eventId, event.conversationId, event.inboxId, event.customerId);
  if (!turn) return "skipped";
  // Redelivery of the message that caused the handover: finish it (each write is idempotent).
  const handover = await db.timelineEvent.findUnique({ where: { dedupeKey: handoverKey(turn.conversationId) }, select: { payload: true } });
  if (handover && (handover.payload as { inReplyTo?: unknown } | null)?.inReplyTo === turn.eventId) {
    await sendBotTurn(turn, `bot:answer:${turn.eventId}`, HANDOVER_MESSAGE, { handover: true });
    return "handed_over";
  }
  if (!(await botMaySpeak(turn))) return "skipped";
  const answerKey = `bot:answer:${turn.eventId}`;
  // Redelivery after the answer was stored: nothing more to do (and no second provider call).
  if (await db.timelineEvent.findUnique({ where: { dedupeKey: answerKey }, select: { id: true } })) return "skipped";

  if (asksForHuman(turn.text)) {
    await handOver(turn, answerKey, "asked for a human");
    return "handed_over";
  }
  const answer = await answerFromArticles(turn);
  if (!answer) {
    await handOver(turn, answerKey, "no confident answer");
    return "handed_over";
  }
  await sendBotTurn(turn, answerKey, answer.text, { articles: answer.articles });
  return "answered";
}

/** A visitor's chat message (not a bot's, not an agent's), or null. */
async function visitorTurn(eventId: string, conversationId: string, inboxId: string, customerId: string): Promise<Turn | null> {
  const row = await db.timelineEvent.findUnique({ where: { id: eventId }, select: { kind: true, actor: true, channel: true, text: true, message: { select: { direction: true, isNote: true } } } });
  if (!row || row.kind !== "message" || row.actor !== "customer" || row.channel !== "chat") return null;
  if (!row.message || row.message.direction !== "inbound" || row.message.isNote) return null;
  return { conversationId, inboxId, customerId, eventId, text: row.text };
}

/** Switched on, opted in, and nobody has taken the conversation or been handed it. */
async function botMaySpeak(turn: Turn): Promise<boolean> {
  const inbox = await db.inbox.findUnique({ where: { id: turn.inboxId }, select: { channel: true, settings: true } });
  if (!inbox || inbox.channel !== "chat" || !answerBotOn(inbox.settings)) return false;
  if (!(await featureEnabled("bot"))) return false;
  const conv = await db.conversation.findUnique({ where: { id: turn.conversationId }, select: { assigneeId: true } });
  if (!conv || conv.assigneeId) return false;
  const [agentReply, handover] = await Promise.all([
    db.message.findFirst({ where: { conversationId: turn.conversationId, direction: "outbound", isNote: false, authorId: { not: null } }, select: { id: true } }),
    db.timelineEvent.findUnique({ where: { dedupeKey: handoverKey(turn.conversationId) }, select: { id: true } }),
  ]);
  return !agentReply && !handover;
}

export function answerBotOn(settings: unknown): boolean {
  return typeof settings === "object" && settings !== null && (settings as { answerBot?: unknown }).answerBot === true;
}

const handoverKey = (conversationId: string) => `bot:handover:${conversationId}`;

const SYSTEM = `You are the website chat's answer bot. Answer the visitor's question using ONLY the help-center articles given.
If the articles do not clearly answer it, reply with exactly ${DONT_KNOW} and nothing else.
Be brief (under 80 words), friendly, and end with the article's link you used. Never make promises, never invent prices, dates or policies.`;

async function answerFromArticles(turn: Turn): Promise<{ text: string; articles: string[] } | null> {
  const started = performance.now();
  const articles = await articlesFor(turn.text);
  const base = { feature: "bot" as const, customerId: turn.customerId, conversationId: turn.conversationId, contextRefs: { events: [turn.eventId], articles: articles.map((a) => a.id) } };
  const provider = providerConfig();
  if (provider && articles.length > 0) {
    const messages: ChatMessage[] = [
      { role: "system", content: SYSTEM },
      { role: "user", content: `Help-center articles:\n${articles.map((a) => `[${a.ref}] ${a.title} (${a.url})\n${a.text}`).join("\n\n")}\n\nVisitor: ${turn.text}` },
    ];
    const r = await chat(provider, messages, { maxTokens: 300 });
    const dontKnow = r.ok && r.text.includes(DONT_KNOW);
    await logAssistantRequest({
      ...base,
      source: r.ok ? "llm" : "fallback",
      model: r.model,
      prompt: messages,
      response: r.ok ? r.text : null,
      promptTokens: r.ok ? r.promptTokens : null,
      completionTokens: r.ok ? r.completionTokens : null,
      latencyMs: performance.now() - started,
      outcome: r.ok ? "ok" : r.outcome,
      error: r.ok ? null : r.error,
    });
    if (r.ok) return dontKnow ? null : { text: r.text, articles: articles.map((a) => a.id) };
    // Provider down or slow: the local answer below, or a handover.
  }
  const best = confidentArticle(articles);
  const text = best ? localAnswer(best, turn.text) : null;
  if (!provider || articles.length === 0) {
    await logAssistantRequest({ ...base, source: "fallback", latencyMs: performance.now() - started, outcome: "ok", response: text ?? DONT_KNOW });
  }
  return text && best ? { text, articles: [best.id] } : null;
}

export function confidentArticle(articles: FoundArticle[]): FoundArticle | null {
  const best = articles[0];
  return best && best.rank >= FALLBACK_MIN_RANK ? best : null;
}

export function localAnswer(article: FoundArticle, question: string): string {
  return `From our help center, “${article.title}”: ${relevantSentences(article.text, question).join(" ")}\n\nRead more: ${article.url}\n\nIf this does not answer your question, ask for a human and I'll hand you over.`;
}

async function sendBotTurn(turn: Turn, dedupeKey: string, text: string, extra: Record<string, unknown>): Promise<void> {
  const r = await recordTouchpoint(
    {
      conversation: { id: turn.conversationId, inboxId: turn.inboxId },
      channel: "chat",
      kind: "message",
      actor: "system",
      actorUserId: null,
      text,
      payload: { bot: true, inReplyTo: turn.eventId, ...extra },
      dedupeKey,
      message: { direction: "outbound", bodyText: text, authorId: null, deliveryStatus: "queued", meta: { bot: true } },
    },
    {
      // Stored before sent, as an agent's reply: the outbox item commits with the message.
      afterWrite: async (tx, [written]) => {
        if (written?.created && written.messageId) await enqueueOutbound(tx, { messageId: written.messageId, channel: "chat" });
      },
    },
  );
  if (r.created) nudgeOutbox();
}

// The ticket event first: from then on the bot is silent here, and a redelivery finishes the message.
async function handOver(turn: Turn, answerKey: string, reason: string): Promise<void> {
  await recordTicketEvent(turn.conversationId, { name: HANDOVER_EVENT, text: HANDOVER_TEXT, payload: { bot: true, reason, inReplyTo: turn.eventId }, dedupeKey: handoverKey(turn.conversationId) });
  await sendBotTurn(turn, answerKey, HANDOVER_MESSAGE, { handover: true, reason });
}
