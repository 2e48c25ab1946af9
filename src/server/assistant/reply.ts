// The composer's "Suggest reply": help-center articles found by full-text
// search on the customer's latest messages (top 3), then a draft from the
// provider grounded in those articles only and citing them [A1]…, or, without
// a provider (or when it fails), a template quoting the best article. The
// draft only fills the editor: nothing is ever sent from here.
import { db } from "@/server/db";
import { listTimeline, type TimelineItem } from "@/server/timeline/query";
import { TouchpointError } from "@/server/ingest/touchpoint";
import { articlesFor, relevantSentences, type FoundArticle } from "./articles";
import { lineText } from "./context";
import { chat, providerConfig, type ChatMessage } from "./provider";
import { logAssistantRequest } from "./log";
import { AssistantDisabledError, featureEnabled } from "./settings";
import { fallbackNotice, type AnswerSource, type FallbackReason } from "./source";

export type SuggestedReply = {
  source: AnswerSource;
  model: string | null;
  /** Set when source is "fallback": why. */
  fallback: FallbackReason | null;
  notice: string | null;
  draft: string;
  articles: Omit<FoundArticle, "text">[];
  /** The refs (A1…) the draft cites. */
  cited: string[];
  latencyMs: number;
};

const SYSTEM = `You draft a reply for a customer-support agent, who will edit it before sending.
Ground every statement in the help-center articles given (cite them inline as [A1], [A2]); do not invent policies, prices, dates or promises.
If the articles do not answer the customer's question, say briefly what the agent should check instead of guessing.
Write in the customer's language, friendly and short (under 120 words), no subject line, no signature.`;

export async function suggestReply(input: { conversationId: string; userId: string | null; inboxScope: "all" | string[] }): Promise<SuggestedReply> {
  const started = performance.now();
  const conv = await db.conversation.findUnique({ where: { id: input.conversationId }, select: { id: true, customerId: true, customer: { select: { name: true } } } });
  if (!conv) throw new TouchpointError("not_found", "No such conversation.");
  const base = { feature: "reply" as const, userId: input.userId, customerId: conv.customerId, conversationId: conv.id };
  if (!(await featureEnabled("reply"))) {
    await logAssistantRequest({ ...base, source: "fallback", latencyMs: 0, outcome: "disabled" });
    throw new AssistantDisabledError("reply");
  }
  const { items } = await listTimeline({ customerId: conv.customerId, conversationId: conv.id, inboxScope: input.inboxScope, kinds: ["message"], limit: 30 });
  const question = latestCustomerWords(items);
  // "Can I talk to a human?" names no topic: then the whole conversation's customer words.
  let articles = await articlesFor(question);
  if (articles.length === 0) articles = await articlesFor(allCustomerWords(items));
  const contextRefs = { events: items.map((i) => i.id), articles: articles.map((a) => a.id) };
  const publicArticles = articles.map(({ text: _t, ...a }) => a);
  const provider = providerConfig();
  const name = conv.customer?.name?.split(/\s+/)[0] ?? null;

  if (!provider) {
    const draft = templateReply(name, question, articles);
    const latencyMs = performance.now() - started;
    await logAssistantRequest({ ...base, source: "fallback", latencyMs, outcome: "ok", contextRefs, response: draft });
    return { source: "fallback", model: null, fallback: "no_provider", notice: fallbackNotice("no_provider"), draft, articles: publicArticles, cited: articles.length ? ["A1"] : [], latencyMs: Math.round(latencyMs) };
  }

  const transcript = [...items].reverse().map((i) => lineText(i, 600)).join("\n");
  const articleText = articles.length ? articles.map((a) => `[${a.ref}] ${a.title} (${a.url})\n${a.text}`).join("\n\n") : "(no article matched)";
  const messages: ChatMessage[] = [
    { role: "system", content: SYSTEM },
    { role: "user", content: `Conversation so far (oldest first):\n${transcript || "(empty)"}\n\nHelp-center articles:\n${articleText}\n\nDraft the agent's next reply${name ? ` to ${name}` : ""}.` },
  ];
  const answer = await chat(provider, messages, { maxTokens: 400 });
  await logAssistantRequest({
    ...base,
    source: answer.ok ? "llm" : "fallback",
    model: answer.model,
    prompt: messages,
    contextRefs,
    response: answer.ok ? answer.text : null,
    promptTokens: answer.ok ? answer.promptTokens : null,
    completionTokens: answer.ok ? answer.completionTokens : null,
    latencyMs: performance.now() - started,
    outcome: answer.ok ? "ok" : answer.outcome,
    error: answer.ok ? null : answer.error,
  });
  const latencyMs = Math.round(performance.now() - started);
  if (answer.ok) {
    const cited = articles.filter((a) => answer.text.includes(`[${a.ref}]`)).map((a) => a.ref);
    return { source: "llm", model: answer.model, fallback: null, notice: null, draft: answer.text, articles: publicArticles, cited, latencyMs };
  }
  const notice = fallbackNotice(answer.outcome, "template");
  return { source: "fallback", model: null, fallback: answer.outcome, notice, draft: templateReply(name, question, articles), articles: publicArticles, cited: articles.length ? ["A1"] : [], latencyMs };
}

/** The customer's messages since the last agent reply (bot turns do not count), at most three, oldest first. items: newest first. */
export function latestCustomerWords(items: TimelineItem[]): string {
  const out: string[] = [];
  for (const i of items) {
    if (i.kind !== "message" || i.actor === "system") continue;
    if (i.actor !== "customer") {
      if (out.length) break;
      continue;
    }
    out.unshift(i.subject ? `${i.subject}. ${i.text}` : i.text);
    if (out.length >= 3) break;
  }
  return out.join("\n");
}

function allCustomerWords(items: TimelineItem[]): string {
  return items.filter((i) => i.kind === "message" && i.actor === "customer").slice(0, 10).reverse().map((i) => (i.subject ? `${i.subject}. ${i.text}` : i.text)).join("\n");
}

export function templateReply(name: string | null, question: string, articles: FoundArticle[]): string {
  const hello = `Hi${name ? ` ${name}` : ""},`;
  const best = articles[0];
  if (!best) return `${hello}\n\nThanks for your message. [Write your answer here: no help-center article matched this question.]`;
  const quoted = relevantSentences(best.text, question).join(" ");
  return `${hello}\n\nThanks for reaching out. Our help-center article “${best.title}” covers this [A1]: ${quoted}\n\nYou can read it here: ${best.url}\n\nLet me know if that helps.`;
}
