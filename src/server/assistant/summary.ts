// The sidebar's summary of a customer (and of the open conversation): from the
// provider when one is configured — asked for JSON claims that cite the
// numbered timeline lines, validated, mapped back to timeline events, claims
// citing unknown lines dropped — else, or when it is slow, down or talks
// nonsense, from the local extractive summary. Always logged.
import { z } from "zod";
import { db } from "@/server/db";
import type { TimelineItem } from "@/server/timeline/query";
import { buildContext, customerItems } from "./context";
import { CLAIM_SECTIONS, claim, type Claim } from "./claims";
import { fallbackSummary, type OpenConversation } from "./summary-fallback";
import { chat, providerConfig, type ChatMessage } from "./provider";
import { logAssistantRequest, type RequestFeature } from "./log";
import { AssistantDisabledError, featureEnabled } from "./settings";
import { fallbackNotice, type AnswerSource, type FallbackReason } from "./source";

export type SummaryInput = { customerId: string; conversationId?: string | null; userId: string | null; inboxScope: "all" | string[] };
export type Summary = { source: AnswerSource; model: string | null; /** Set when source is "fallback": why. */ fallback: FallbackReason | null; notice: string | null; claims: Claim[]; latencyMs: number; omitted: number };

const llmAnswer = z.object({
  claims: z
    .array(
      z.object({
        section: z.enum(CLAIM_SECTIONS).catch("other"),
        text: z.string().trim().min(1).max(600),
        cites: z.array(z.coerce.number().int().positive()).max(20).default([]),
      }),
    )
    .max(40),
});

const SYSTEM = `You help a customer-support agent. You are given a customer's timeline as numbered lines, oldest first.
Summarize: what they bought, what went wrong, what was promised to them (by whom, by when), their open questions, their last survey and recent mood; and, if a current conversation is named, what it is about and where it stands.
Use only facts in the lines. Every claim must cite the line numbers it comes from.
Answer with JSON only, no prose: {"claims":[{"section":"conversation|purchase|open_conversations|problems|promises|open_questions|survey|emotion|other","text":"one short sentence","cites":[3,7]}]}`;

export async function summarize(input: SummaryInput): Promise<Summary> {
  const feature: RequestFeature = input.conversationId ? "summary_conversation" : "summary_customer";
  const started = performance.now();
  const base = { feature, userId: input.userId, customerId: input.customerId, conversationId: input.conversationId ?? null };
  if (!(await featureEnabled("summary"))) {
    await logAssistantRequest({ ...base, source: "fallback", latencyMs: 0, outcome: "disabled" });
    throw new AssistantDisabledError("summary");
  }
  const [items, openConversations] = await Promise.all([customerItems(input.customerId, input.inboxScope), openConversationsOf(input.customerId, input.inboxScope)]);
  const focus = input.conversationId && items.some((i) => i.conversationId === input.conversationId) ? input.conversationId : null;
  const context = buildContext(items, { focusConversationId: focus });
  const contextRefs = { events: context.lines.map((l) => l.item.id) };
  const provider = providerConfig();

  const local = () => fallbackSummary(items, { conversationId: focus, openConversations });
  if (!provider) {
    const claims = local();
    const latencyMs = performance.now() - started;
    await logAssistantRequest({ ...base, source: "fallback", latencyMs, outcome: "ok", contextRefs: { events: claims.flatMap((c) => c.refs.map((r) => r.eventId)) }, response: JSON.stringify(claims.map((c) => c.text)) });
    return { source: "fallback", model: null, fallback: "no_provider", notice: fallbackNotice("no_provider"), claims, latencyMs: Math.round(latencyMs), omitted: context.omitted };
  }

  const conversationLine = focus ? `\nThe current conversation is #${items.find((i) => i.conversationId === focus)?.conversationNumber ?? "?"}.` : "";
  const messages: ChatMessage[] = [
    { role: "system", content: SYSTEM },
    { role: "user", content: `Timeline:\n${context.text || "(no items)"}${conversationLine}` },
  ];
  const answer = await chat(provider, messages, { maxTokens: 700 });
  let claims: Claim[] | null = null;
  let problem: string | null = answer.ok ? null : answer.error;
  if (answer.ok) {
    claims = parseClaims(answer.text, context.byNumber);
    if (!claims) problem = "the provider's answer was not the JSON claims asked for";
  }
  const ok = answer.ok && claims !== null;
  await logAssistantRequest({
    ...base,
    source: ok ? "llm" : "fallback",
    model: answer.model,
    prompt: messages,
    contextRefs,
    response: answer.ok ? answer.text : null,
    promptTokens: answer.ok ? answer.promptTokens : null,
    completionTokens: answer.ok ? answer.completionTokens : null,
    latencyMs: performance.now() - started,
    outcome: ok ? "ok" : answer.ok ? "error" : answer.outcome,
    error: problem,
  });
  if (ok) return { source: "llm", model: answer.model, fallback: null, notice: null, claims: claims!, latencyMs: Math.round(performance.now() - started), omitted: context.omitted };
  const reason: FallbackReason = answer.ok ? "error" : answer.outcome;
  return { source: "fallback", model: null, fallback: reason, notice: fallbackNotice(reason), claims: local(), latencyMs: Math.round(performance.now() - started), omitted: context.omitted };
}

/** The provider's JSON (possibly fenced) as claims citing known lines only; null when unusable. */
export function parseClaims(text: string, byNumber: Map<number, TimelineItem>): Claim[] | null {
  const json = text.replace(/^\s*```(?:json)?\s*/i, "").replace(/\s*```\s*$/, "");
  const start = json.indexOf("{");
  const end = json.lastIndexOf("}");
  if (start < 0 || end <= start) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(json.slice(start, end + 1));
  } catch {
    return null;
  }
  const parsed = llmAnswer.safeParse(raw);
  if (!parsed.success) return null;
  const claims: Claim[] = [];
  for (const c of parsed.data.claims) {
    const items = [...new Set(c.cites)].map((n) => byNumber.get(n)).filter((i) => i !== undefined);
    // A claim citing nothing we sent is not checkable: dropped.
    if (items.length === 0) continue;
    claims.push(claim(c.section, c.text.replace(/\s*\[\d+(?:\s*,\s*\d+)*\]/g, ""), items));
  }
  return claims;
}

async function openConversationsOf(customerId: string, inboxScope: "all" | string[]): Promise<OpenConversation[]> {
  const rows = await db.conversation.findMany({
    where: { customerId, status: { in: ["open", "pending", "snoozed"] }, ...(inboxScope === "all" ? {} : { inboxId: { in: inboxScope } }) },
    orderBy: [{ lastMessageAt: "desc" }, { id: "desc" }],
    take: 5,
    select: { id: true, number: true, status: true, subject: true, channel: true },
  });
  return rows;
}
