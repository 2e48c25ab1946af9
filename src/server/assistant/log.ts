// One AssistantRequest row per assistant request: the feature, which source
// answered (the provider or the local fallback), the messages exactly as sent,
// the timeline events and articles the context was built from, token use,
// latency and outcome. The API key is never part of any of it. Admins read
// the log in Settings → Assistant.
import { db, Prisma } from "@/server/db";
import type { ChatMessage } from "./provider";

export type RequestFeature = "summary_customer" | "summary_conversation" | "reply" | "bot";
export type RequestOutcome = "ok" | "timeout" | "error" | "disabled";

export type RequestLogEntry = {
  feature: RequestFeature;
  source: "llm" | "fallback";
  model?: string | null;
  userId?: string | null;
  customerId?: string | null;
  conversationId?: string | null;
  prompt?: ChatMessage[];
  contextRefs?: { events?: string[]; articles?: string[] };
  response?: string | null;
  promptTokens?: number | null;
  completionTokens?: number | null;
  latencyMs: number;
  outcome: RequestOutcome;
  error?: string | null;
};

/** Best effort: a failed log write must not fail the answer the agent is waiting for. */
export async function logAssistantRequest(e: RequestLogEntry): Promise<string | null> {
  try {
    const row = await db.assistantRequest.create({
      data: {
        feature: e.feature,
        source: e.source,
        model: e.model ?? null,
        userId: e.userId ?? null,
        customerId: e.customerId ?? null,
        conversationId: e.conversationId ?? null,
        prompt: (e.prompt ?? []) as unknown as Prisma.InputJsonValue,
        contextRefs: (e.contextRefs ?? {}) as Prisma.InputJsonValue,
        response: e.response?.slice(0, 20_000) ?? null,
        promptTokens: e.promptTokens ?? null,
        completionTokens: e.completionTokens ?? null,
        latencyMs: Math.max(0, Math.round(e.latencyMs)),
        outcome: e.outcome,
        error: e.error?.slice(0, 1000) ?? null,
      },
      select: { id: true },
    });
    return row.id;
  } catch (error) {
    console.error(`[assistant] request log write failed: ${(error as Error).message}`);
    return null;
  }
}

/** The newest requests, for the settings page (prompts included: admins only). */
export async function recentAssistantRequests(opts: { limit?: number; feature?: RequestFeature } = {}) {
  return db.assistantRequest.findMany({
    where: opts.feature ? { feature: opts.feature } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(opts.limit ?? 50, 1), 200),
    select: { id: true, feature: true, source: true, model: true, userId: true, customerId: true, conversationId: true, prompt: true, contextRefs: true, response: true, promptTokens: true, completionTokens: true, latencyMs: true, outcome: true, error: true, createdAt: true },
  });
}

const KEEP_MS = 90 * 24 * 3600_000;

/** The log keeps 90 days (prompts hold customer text): older rows go, a bounded batch per pass. */
export async function pruneAssistantRequests(now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - KEEP_MS);
  const n = await db.$executeRaw`DELETE FROM assistant_requests WHERE id IN (SELECT id FROM assistant_requests WHERE created_at < ${cutoff} LIMIT 5000)`;
  return n;
}
