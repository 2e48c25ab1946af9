// The local, deterministic summary: extractive, from the scoped timeline
// alone (no provider). Every claim names the items it was read from.
import type { TimelineItem } from "@/server/timeline/query";
import { isBotTurn, shorten } from "./context";
import { claim, type Claim } from "./claims";

export type OpenConversation = { id: string; number: number; status: string; subject: string | null; channel: string };

const PROBLEM_WORDS = /\b(broken|not working|doesn'?t work|does not work|stopped working|hasn'?t arrived|never arrived|not arrived|still waiting|late|delayed|damaged|wrong|refund|charged twice|double charged|overcharged|error|crash(es|ed)?|fail(s|ed|ing)?|missing|lost|cancel|complain|disappointed|frustrat\w*|angry|unacceptable|terrible|locked out|can'?t (log|sign|access|find|use)|cannot (log|sign|access|find|use))\b/i;
const PROMISE_WORDS = /\b(we'?ll|i'?ll|we will|i will|we are going to|i'm going to|will be|will have|will send|will get|will call|promise)\b/i;
const TIME_WORDS = /\b(today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|this week|next week|end of (the )?(day|week|month)|within|by|hours?|days?|weeks?|minutes?|asap|shortly|soon|morning|afternoon|evening)\b/i;

const RECENT_MS = 14 * 24 * 3600_000;
const day = (iso: string) => iso.slice(0, 10);
const quote = (t: string, n = 120) => `“${shorten(t, n)}”`;
const isCustomerMessage = (i: TimelineItem) => i.kind === "message" && i.actor === "customer";
const isReply = (i: TimelineItem) => i.kind === "message" && i.actor !== "customer";

/** items: newest first, already limited to what the viewer may see. */
export function fallbackSummary(items: TimelineItem[], opts: { conversationId?: string | null; openConversations: OpenConversation[] }): Claim[] {
  const claims: Claim[] = [];

  if (opts.conversationId) {
    const conv = items.filter((i) => i.conversationId === opts.conversationId);
    const firstCustomer = [...conv].reverse().find(isCustomerMessage);
    const last = conv.find((i) => i.kind === "message");
    if (firstCustomer) {
      const num = firstCustomer.conversationNumber ? `#${firstCustomer.conversationNumber} ` : "";
      claims.push(claim("conversation", `${num}started ${day(firstCustomer.occurredAt)} on ${firstCustomer.channel}: ${quote(firstCustomer.subject ? `${firstCustomer.subject} — ${firstCustomer.text}` : firstCustomer.text)}`, [firstCustomer]));
    }
    if (last && last.id !== firstCustomer?.id) {
      claims.push(claim("conversation", `Last message (${last.actor === "customer" ? "customer" : isBotTurn(last) ? "bot" : "agent"}, ${day(last.occurredAt)}): ${quote(last.text)}`, [last]));
    }
  }

  const purchases = items.filter((i) => i.kind === "product_event" && i.name === "purchase");
  const lastPurchase = purchases[0];
  if (lastPurchase) {
    const amount = amountOf(lastPurchase.payload);
    const more = purchases.length > 1 ? ` (${purchases.length} purchases in all)` : "";
    const said = shorten(lastPurchase.text, 120);
    // The event's own text often states the amount already.
    const withAmount = amount && !said.includes(amount.replace(/\.00$/, "")) ? ` — ${amount}` : "";
    claims.push(claim("purchase", `Last purchase ${day(lastPurchase.occurredAt)}: ${said}${withAmount}${more}`, [lastPurchase]));
  }

  for (const c of opts.openConversations.slice(0, 3)) {
    const newest = items.find((i) => i.conversationId === c.id);
    if (!newest) continue;
    const first = [...items].reverse().find((i) => i.conversationId === c.id && isCustomerMessage(i));
    const about = c.subject ?? (first ? shorten(first.text, 80) : null);
    claims.push(claim("open_conversations", `#${c.number} is ${c.status} (${c.channel})${about ? `: ${quote(about, 80)}` : ""}`, first && first.id !== newest.id ? [newest, first] : [newest]));
  }

  const problems = items.filter((i) => (isCustomerMessage(i) || i.kind === "survey_response") && (i.emotion?.label === "negative" || (isCustomerMessage(i) && PROBLEM_WORDS.test(i.text))));
  for (const p of problems.slice(0, 3)) {
    const cues = p.emotion?.cues?.length ? ` [${p.emotion.cues.slice(0, 3).join(", ")}]` : "";
    claims.push(claim("problems", `${day(p.occurredAt)} ${p.channel}${p.conversationNumber ? ` #${p.conversationNumber}` : ""}: ${quote(p.text)}${cues}`, [p]));
  }
  const failed = items.filter((i) => i.kind === "message" && i.deliveryStatus === "failed").slice(0, 1);
  for (const f of failed) claims.push(claim("problems", `A reply could not be delivered (${day(f.occurredAt)}, ${f.channel})${f.deliveryError ? `: ${shorten(f.deliveryError, 80)}` : ""}`, [f]));

  const promises = items.filter((i) => isReply(i) && !isBotTurn(i) && sentenceWith(i.text, PROMISE_WORDS, TIME_WORDS));
  for (const p of promises.slice(0, 3)) {
    claims.push(claim("promises", `${p.actorName ?? "An agent"} on ${day(p.occurredAt)}: ${quote(sentenceWith(p.text, PROMISE_WORDS, TIME_WORDS) ?? p.text)}`, [p]));
  }

  for (const q of unansweredQuestions(items).slice(0, 3)) {
    claims.push(claim("open_questions", `${day(q.occurredAt)} ${q.channel}${q.conversationNumber ? ` #${q.conversationNumber}` : ""}: ${quote(questionOf(q.text))}`, [q]));
  }

  const survey = items.find((i) => i.kind === "survey_response");
  if (survey) {
    const p = (survey.payload ?? {}) as { kind?: string; score?: number; max?: number; comment?: string };
    const score = typeof p.score === "number" ? ` ${p.score}${typeof p.max === "number" ? `/${p.max}` : ""}` : "";
    claims.push(claim("survey", `${(p.kind ?? survey.name ?? "survey").toUpperCase()}${score} on ${day(survey.occurredAt)}${p.comment ? `: ${quote(p.comment)}` : ""}`, [survey]));
  }

  // "Recent": the last few scored messages within two weeks of the newest one (an old happy chat is not today's mood).
  const allScored = items.filter((i) => isCustomerMessage(i) && i.emotion && i.emotion.label !== "unscored" && typeof i.emotion.score === "number");
  const newestScored = allScored[0] ? Date.parse(allScored[0].occurredAt) : 0;
  const scored = allScored.filter((i) => newestScored - Date.parse(i.occurredAt) <= RECENT_MS).slice(0, 5);
  if (scored.length > 0) {
    const scores = scored.map((i) => i.emotion!.score!);
    const avg = scores.reduce((a, b) => a + b, 0) / scores.length;
    const label = avg <= -0.25 ? "negative" : avg >= 0.25 ? "positive" : "neutral";
    const trend = scores.length >= 2 ? (scores[0]! - scores[scores.length - 1]! > 0.3 ? ", improving" : scores[scores.length - 1]! - scores[0]! > 0.3 ? ", getting worse" : ", steady") : "";
    claims.push(claim("emotion", `Recent mood ${label} (average ${avg.toFixed(2)} over the last ${scores.length} scored message${scores.length === 1 ? "" : "s"}${trend})`, scored));
  }
  return claims;
}

/** Customer messages with a question, after which nobody answered in that conversation (newest first). */
function unansweredQuestions(items: TimelineItem[]): TimelineItem[] {
  const answered = new Set<string>();
  const out: TimelineItem[] = [];
  for (const i of items) {
    const conv = i.conversationId ?? "none";
    if (isReply(i)) answered.add(conv);
    else if (isCustomerMessage(i) && !answered.has(conv) && i.text.includes("?")) out.push(i);
  }
  return out;
}

function questionOf(text: string): string {
  const q = text.split(/(?<=[.!?])\s+/).filter((s) => s.includes("?"));
  return q.length ? q.join(" ") : text;
}

function sentenceWith(text: string, a: RegExp, b: RegExp): string | null {
  return text.split(/(?<=[.!?])\s+|\n+/).find((s) => a.test(s) && b.test(s)) ?? null;
}

function amountOf(payload: unknown): string | null {
  const p = (payload ?? {}) as { amount?: unknown; currency?: unknown };
  const n = typeof p.amount === "number" ? p.amount : typeof p.amount === "string" ? Number(p.amount) : NaN;
  if (!Number.isFinite(n)) return null;
  const currency = typeof p.currency === "string" && /^[A-Z]{3}$/i.test(p.currency) ? p.currency.toUpperCase() : "USD";
  return n.toLocaleString("en-US", { style: "currency", currency });
}
