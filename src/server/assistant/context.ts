// The customer's timeline as the assistant sees it: compact numbered lines
// ("[3] 2026-01-03 chat #12 customer: …") and the map from each number back to
// its timeline event. Built ONLY from the viewer-scoped timeline read
// (listTimeline with the agent's inbox scope), so nothing from an inbox the
// agent cannot see can reach a prompt or a fallback summary. Bounded to a
// token budget: the focus (or newest) conversation in full, then the rest
// newest first, shortened; what does not fit is counted, not sent.
import { listTimeline, type TimelineItem } from "@/server/timeline/query";

export type ContextLine = { n: number; item: TimelineItem; line: string };
export type TimelineContext = {
  /** Oldest first, numbered 1…n. */
  lines: ContextLine[];
  /** Every item read (newest first), including those left out of the lines for the budget. */
  items: TimelineItem[];
  omitted: number;
  text: string;
  byNumber: Map<number, TimelineItem>;
};

const MAX_ITEMS = 400;
/** About four characters per token for English text. */
const CHARS_PER_TOKEN = 4;

export async function customerItems(customerId: string, inboxScope: "all" | string[]): Promise<TimelineItem[]> {
  const items: TimelineItem[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: TimelineItem[]; nextCursor: string | null } = await listTimeline({ customerId, inboxScope, limit: 200, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < MAX_ITEMS);
  return items.slice(0, MAX_ITEMS);
}

export function buildContext(items: TimelineItem[], opts: { focusConversationId?: string | null; tokenBudget?: number } = {}): TimelineContext {
  const budget = (opts.tokenBudget ?? 3000) * CHARS_PER_TOKEN;
  const focus = opts.focusConversationId ?? items.find((i) => i.conversationId && i.kind === "message")?.conversationId ?? null;
  // Priority: the focus conversation (full text), then everything else newest first (shortened).
  const ordered = [...items.filter((i) => focus && i.conversationId === focus), ...items.filter((i) => !focus || i.conversationId !== focus)];
  const chosen = new Set<string>();
  let used = 0;
  for (const item of ordered) {
    const cost = lineText(item, item.conversationId === focus ? 600 : 200).length + 8;
    if (used + cost > budget) continue;
    used += cost;
    chosen.add(item.id);
  }
  const kept = items.filter((i) => chosen.has(i.id)).reverse();
  const lines = kept.map((item, k) => {
    const n = k + 1;
    return { n, item, line: `[${n}] ${lineText(item, item.conversationId === focus ? 600 : 200)}` };
  });
  const omitted = items.length - kept.length;
  const text = [omitted > 0 ? `(${omitted} older or less relevant items not shown)` : null, ...lines.map((l) => l.line)].filter(Boolean).join("\n");
  return { lines, items, omitted, text, byNumber: new Map(lines.map((l) => [l.n, l.item])) };
}

/** "2026-01-03 chat #12 customer: text (negative)" */
export function lineText(item: TimelineItem, maxChars: number): string {
  const day = item.occurredAt.slice(0, 10);
  const conv = item.conversationNumber ? ` #${item.conversationNumber}` : "";
  const who = whoOf(item);
  const mood = item.emotion && item.emotion.label === "negative" ? " (negative)" : "";
  return `${day} ${item.channel}${conv} ${who}: ${shorten(bodyOf(item), maxChars)}${mood}`;
}

function whoOf(item: TimelineItem): string {
  switch (item.kind) {
    case "message":
      return isBotTurn(item) ? "bot" : item.actor === "customer" ? "customer" : `agent${item.actorName ? ` ${item.actorName}` : ""}`;
    case "note":
      return "internal note";
    case "ticket_event":
      return "ticket";
    case "product_event":
      return `product ${item.name ?? "event"}`;
    case "survey_response":
      return `survey ${item.name ?? ""}`.trim();
    case "article_view":
      return "viewed article";
    case "journey_stage":
      return "journey";
  }
}

function bodyOf(item: TimelineItem): string {
  const subject = item.kind === "message" && item.subject ? `[${item.subject}] ` : "";
  return subject + item.text;
}

export function isBotTurn(item: Pick<TimelineItem, "payload">): boolean {
  return typeof item.payload === "object" && item.payload !== null && (item.payload as { bot?: unknown }).bot === true;
}

export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1).replace(/\s+\S*$/, "")}…` : flat;
}
