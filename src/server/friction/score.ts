// Friction: what made a customer's journey hard, as a 0–100 score with the
// signals behind it. Definitions (also in docs/journey.md):
//
//   wait                 the customer waited more than 60 min for a reply (first
//                        response, or the current unanswered wait): 5 points per
//                        full hour of the longest wait, at most 25
//   repeat_contact       another conversation about the same issue (a shared tag or
//                        the same subject; any, when this one has neither) started
//                        in the 7 days before: 15 points each, at most 30
//   handoff              the conversation was reassigned to another agent or moved
//                        to another team: 10 points each, at most 30
//   channel_switch       the customer's previous conversation, within 7 days, was on
//                        another channel: 10 points
//   reopen               the conversation was reopened after being resolved: 15
//                        points each, at most 30
//   failed_self_service  a help-center article was viewed in the hour before the
//                        conversation started: 15 points
//   negative_turn        the customer's mood turned sharply negative between two of
//                        their scored messages or survey answers in the conversation
//                        (isSharpNegativeTurn, src/server/emotion/): 15 points each,
//                        at most 30
//
// A conversation's score is the sum of its signals' points, at most 100. A
// customer's score sums the signals of their conversations of the last 90 days
// with the caps applied per kind across them (wait 25, repeat 30, handoff 30,
// channel switch 20, reopen 30, failed self-service 20, negative turn 30), at most 100.
import { db } from "@/server/db";
import { isUuid } from "@/server/db/ids";
import { isSharpNegativeTurn, type Emotion } from "@/server/emotion";
import { humanDuration } from "./duration";

export type FrictionKind = "wait" | "repeat_contact" | "handoff" | "channel_switch" | "reopen" | "failed_self_service" | "negative_turn";
export type FrictionSignal = { kind: FrictionKind; count: number; points: number; detail: string };
export type Friction = { score: number; signals: FrictionSignal[] };

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
export const FRICTION_WINDOW_MS = 90 * DAY;
export const REPEAT_WINDOW_MS = 7 * DAY;
const SELF_SERVICE_WINDOW_MS = HOUR;
/** A wait longer than this is friction (the sidebar's "long waits" and the journey map's use this one number). */
export const WAIT_THRESHOLD_MIN = 60;

const CONVERSATION_CAPS: Record<FrictionKind, number> = { wait: 25, repeat_contact: 30, handoff: 30, channel_switch: 10, reopen: 30, failed_self_service: 15, negative_turn: 30 };
const CUSTOMER_CAPS: Record<FrictionKind, number> = { wait: 25, repeat_contact: 30, handoff: 30, channel_switch: 20, reopen: 30, failed_self_service: 20, negative_turn: 30 };
const ORDER: FrictionKind[] = ["wait", "repeat_contact", "handoff", "channel_switch", "reopen", "failed_self_service", "negative_turn"];

export type ConvFacts = {
  id: string;
  customerId: string;
  number: number;
  channel: string;
  status: string;
  createdAt: Date;
  firstResponseAt: Date | null;
  waitingSince: Date | null;
  reopenCount: number;
  tags: string[];
  subject: string | null;
};

export type CustomerData = {
  conversations: ConvFacts[];
  /** conversation id → times of hand-offs */
  handoffs: Map<string, Date[]>;
  articleViews: Date[];
  /** conversation id → times of reopens */
  reopens: Map<string, Date[]>;
  /** conversation id → times the customer's mood turned sharply negative */
  negativeTurns: Map<string, Date[]>;
};

function normSubject(s: string | null): string | null {
  if (!s) return null;
  const t = s
    .replace(/\[#\d+\]/g, "")
    .replace(/^\s*((re|fwd?|aw|wg|sv)\s*:\s*)+/i, "")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
  return t || null;
}

export function sameIssue(a: ConvFacts, b: ConvFacts): boolean {
  const ta = a.tags.filter((t) => t !== "vip");
  const tb = b.tags.filter((t) => t !== "vip");
  if (ta.some((t) => tb.includes(t))) return true;
  const sa = normSubject(a.subject);
  const sb = normSubject(b.subject);
  if (sa && sa === sb) return true;
  // Nothing to tell the issue by (chat, social): any recent contact counts.
  return ta.length === 0 && !sa;
}

/** A conversation's longest wait and which one it is: for the first reply, or the customer's current unanswered wait. */
export type Wait = { minutes: number; kind: "first_reply" | "unanswered" };

/** The longest wait of a conversation (first response, or the current unanswered wait). */
export function longestWait(c: ConvFacts, now: Date): Wait {
  const open = c.status === "open" || c.status === "pending" || c.status === "snoozed";
  let w: Wait = { minutes: 0, kind: "first_reply" };
  if (c.firstResponseAt) w = { minutes: (c.firstResponseAt.getTime() - c.createdAt.getTime()) / MIN, kind: "first_reply" };
  else if (open) w = { minutes: (now.getTime() - c.createdAt.getTime()) / MIN, kind: "unanswered" };
  // The current wait counts when it is the longer one, and is then what the evidence says.
  if (c.waitingSince && open) {
    const current = (now.getTime() - c.waitingSince.getTime()) / MIN;
    if (current > w.minutes) w = { minutes: current, kind: "unanswered" };
  }
  return { minutes: Math.max(0, w.minutes), kind: w.kind };
}

export function longestWaitMinutes(c: ConvFacts, now: Date): number {
  return longestWait(c, now).minutes;
}

/** The evidence for a wait, from the very duration that was measured: "first reply after 4 h 12 min". */
export function waitText(w: Wait): string {
  return w.kind === "first_reply" ? `first reply after ${humanDuration(w.minutes)}` : `waiting ${humanDuration(w.minutes)} now, unanswered`;
}

type RawSignal = { kind: FrictionKind; count: number; points: number; detail: string };

/** The signals of one conversation, given its customer's data. */
export function conversationSignals(c: ConvFacts, data: CustomerData, now: Date): RawSignal[] {
  const out: RawSignal[] = [];
  const wait = longestWait(c, now);
  if (wait.minutes > WAIT_THRESHOLD_MIN) {
    out.push({ kind: "wait", count: 1, points: Math.min(CONVERSATION_CAPS.wait, Math.floor(wait.minutes / 60) * 5), detail: `#${c.number}: ${waitText(wait)}` });
  }
  const earlier = data.conversations.filter((p) => p.id !== c.id && p.createdAt < c.createdAt && c.createdAt.getTime() - p.createdAt.getTime() <= REPEAT_WINDOW_MS);
  const repeats = earlier.filter((p) => sameIssue(p, c));
  if (repeats.length) {
    out.push({
      kind: "repeat_contact",
      count: repeats.length,
      points: Math.min(CONVERSATION_CAPS.repeat_contact, 15 * repeats.length),
      detail: `#${c.number} repeats ${repeats.map((p) => `#${p.number}`).join(", ")} within 7 days`,
    });
  }
  const handoffs = data.handoffs.get(c.id)?.length ?? 0;
  if (handoffs) out.push({ kind: "handoff", count: handoffs, points: Math.min(CONVERSATION_CAPS.handoff, 10 * handoffs), detail: `#${c.number}: handed over ${handoffs}×` });
  const prev = [...earlier].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  if (prev && prev.channel !== c.channel) {
    out.push({ kind: "channel_switch", count: 1, points: CONVERSATION_CAPS.channel_switch, detail: `#${c.number}: switched from ${prev.channel} to ${c.channel}` });
  }
  if (c.reopenCount > 0) out.push({ kind: "reopen", count: c.reopenCount, points: Math.min(CONVERSATION_CAPS.reopen, 15 * c.reopenCount), detail: `#${c.number} reopened ${c.reopenCount}×` });
  const start = c.createdAt.getTime();
  const viewed = data.articleViews.some((v) => v.getTime() <= start && start - v.getTime() <= SELF_SERVICE_WINDOW_MS);
  if (viewed) out.push({ kind: "failed_self_service", count: 1, points: CONVERSATION_CAPS.failed_self_service, detail: `#${c.number} started within an hour of reading a help article` });
  const turns = data.negativeTurns.get(c.id)?.length ?? 0;
  if (turns) out.push({ kind: "negative_turn", count: turns, points: Math.min(CONVERSATION_CAPS.negative_turn, 15 * turns), detail: `#${c.number}: the customer's mood turned negative${turns > 1 ? ` ${turns}×` : ""}` });
  return out;
}

function combine(signals: RawSignal[], caps: Record<FrictionKind, number>): Friction {
  const by = new Map<FrictionKind, FrictionSignal>();
  for (const s of signals) {
    const cur = by.get(s.kind);
    if (!cur) by.set(s.kind, { ...s });
    else {
      cur.count += s.count;
      cur.points += s.points;
      cur.detail = cur.detail.length < 160 ? `${cur.detail}; ${s.detail}` : cur.detail;
    }
  }
  const list = ORDER.filter((k) => by.has(k)).map((k) => {
    const s = by.get(k)!;
    return { ...s, points: Math.min(caps[k], s.points) };
  });
  return { score: Math.min(100, list.reduce((t, s) => t + s.points, 0)), signals: list };
}

type ConvRow = {
  id: string;
  customer_id: string;
  number: number;
  channel: string;
  status: string;
  created_at: Date;
  first_response_at: Date | null;
  waiting_since: Date | null;
  reopen_count: number;
  tags: string[];
  subject: string | null;
};

const toFacts = (r: ConvRow): ConvFacts => ({
  id: r.id,
  customerId: r.customer_id,
  number: r.number,
  channel: r.channel,
  status: r.status,
  createdAt: r.created_at,
  firstResponseAt: r.first_response_at,
  waitingSince: r.waiting_since,
  reopenCount: r.reopen_count,
  tags: r.tags ?? [],
  subject: r.subject,
});

/** Conversations, hand-offs, reopens and article views of these customers since `since`. */
export async function loadCustomerData(customerIds: string[], since: Date | null): Promise<Map<string, CustomerData>> {
  const out = new Map<string, CustomerData>();
  if (customerIds.length === 0) return out;
  const sinceAt = since ?? new Date(0);
  for (const id of customerIds) out.set(id, { conversations: [], handoffs: new Map(), articleViews: [], reopens: new Map(), negativeTurns: new Map() });
  const convs = await db.$queryRaw<ConvRow[]>`
    SELECT id, customer_id, number, channel::text AS channel, status::text AS status, created_at, first_response_at, waiting_since, reopen_count, tags, subject
    FROM conversations WHERE customer_id = ANY(${customerIds}::uuid[]) AND created_at >= ${new Date(sinceAt.getTime() - REPEAT_WINDOW_MS)}
    ORDER BY created_at`;
  for (const r of convs) out.get(r.customer_id)?.conversations.push(toFacts(r));
  const convIds = convs.map((c) => c.id);
  if (convIds.length) {
    const events = await db.$queryRaw<{ conversation_id: string; occurred_at: Date; what: string }[]>`
      SELECT conversation_id, occurred_at,
             CASE WHEN name = 'status' THEN 'reopen' ELSE 'handoff' END AS what
      FROM timeline_events
      WHERE conversation_id = ANY(${convIds}::uuid[]) AND kind = 'ticket_event' AND (
        (name = 'assignee' AND payload->>'from' IS NOT NULL AND payload->>'from' <> coalesce(payload->>'to', ''))
        OR name = 'team'
        OR (name = 'status' AND payload->>'to' = 'open' AND payload->>'from' IN ('resolved', 'closed')))`;
    const byConv = new Map(convs.map((c) => [c.id, c.customer_id]));
    for (const e of events) {
      const data = out.get(byConv.get(e.conversation_id)!);
      if (!data) continue;
      const map = e.what === "reopen" ? data.reopens : data.handoffs;
      map.set(e.conversation_id, [...(map.get(e.conversation_id) ?? []), e.occurred_at]);
    }
    // The customer's scored items, in order per conversation (the conversation index).
    const scored = await db.$queryRaw<{ conversation_id: string; occurred_at: Date; sentiment_score: number | null; sentiment_label: Emotion["label"]; frustration_cues: string[] }[]>`
      SELECT conversation_id, occurred_at, sentiment_score, sentiment_label, frustration_cues
      FROM timeline_events
      WHERE conversation_id = ANY(${convIds}::uuid[]) AND sentiment_label IS NOT NULL AND sentiment_label <> 'unscored'
      ORDER BY conversation_id, occurred_at, id`;
    let previous: { conversationId: string; emotion: Emotion } | null = null;
    for (const e of scored) {
      const emotion: Emotion = { score: e.sentiment_score, label: e.sentiment_label, cues: e.frustration_cues ?? [] };
      const before = previous?.conversationId === e.conversation_id ? previous.emotion : null;
      if (isSharpNegativeTurn(before, emotion)) {
        const data = out.get(byConv.get(e.conversation_id)!);
        if (data) data.negativeTurns.set(e.conversation_id, [...(data.negativeTurns.get(e.conversation_id) ?? []), e.occurred_at]);
      }
      previous = { conversationId: e.conversation_id, emotion };
    }
  }
  const views = await db.$queryRaw<{ customer_id: string; occurred_at: Date }[]>`
    SELECT customer_id, occurred_at FROM timeline_events
    WHERE customer_id = ANY(${customerIds}::uuid[]) AND kind = 'article_view' AND occurred_at >= ${new Date(sinceAt.getTime() - SELF_SERVICE_WINDOW_MS)}`;
  for (const v of views) out.get(v.customer_id)?.articleViews.push(v.occurred_at);
  return out;
}

export async function frictionForConversation(conversationId: string, now = new Date()): Promise<Friction> {
  if (!isUuid(conversationId)) return { score: 0, signals: [] };
  const conv = await db.conversation.findUnique({ where: { id: conversationId }, select: { customerId: true, createdAt: true } });
  if (!conv) return { score: 0, signals: [] };
  const data = (await loadCustomerData([conv.customerId], new Date(conv.createdAt.getTime() - 1)))!.get(conv.customerId)!;
  const c = data.conversations.find((x) => x.id === conversationId);
  if (!c) return { score: 0, signals: [] };
  return combine(conversationSignals(c, data, now), CONVERSATION_CAPS);
}

export async function frictionForCustomer(customerId: string, now = new Date()): Promise<Friction> {
  if (!isUuid(customerId)) return { score: 0, signals: [] };
  const since = new Date(now.getTime() - FRICTION_WINDOW_MS);
  const data = (await loadCustomerData([customerId], since)).get(customerId)!;
  const signals = data.conversations.filter((c) => c.createdAt >= since).flatMap((c) => conversationSignals(c, data, now));
  return combine(signals, CUSTOMER_CAPS);
}

export type FrictionPoint = { kind: FrictionKind; at: string; conversationId: string; number: number; detail: string };

/** Every friction signal of a customer with its moment, for the journey map. */
export async function frictionPoints(customerId: string, now = new Date()): Promise<FrictionPoint[]> {
  if (!isUuid(customerId)) return [];
  const data = (await loadCustomerData([customerId], null)).get(customerId)!;
  const points: FrictionPoint[] = [];
  for (const c of data.conversations) {
    for (const s of conversationSignals(c, data, now)) {
      const base = { conversationId: c.id, number: c.number, detail: s.detail };
      if (s.kind === "handoff") for (const at of data.handoffs.get(c.id) ?? []) points.push({ ...base, kind: s.kind, at: at.toISOString() });
      else if (s.kind === "reopen" && data.reopens.get(c.id)?.length) for (const at of data.reopens.get(c.id)!) points.push({ ...base, kind: s.kind, at: at.toISOString() });
      else if (s.kind === "negative_turn") for (const at of data.negativeTurns.get(c.id) ?? []) points.push({ ...base, kind: s.kind, at: at.toISOString() });
      else if (s.kind === "wait") points.push({ ...base, kind: s.kind, at: (c.firstResponseAt ?? now).toISOString() });
      else points.push({ ...base, kind: s.kind, at: c.createdAt.toISOString() });
    }
  }
  return points.sort((a, b) => a.at.localeCompare(b.at));
}

export type FrictionRow = { conversationId: string; number: number; customerId: string; score: number; signals: FrictionSignal[] };

/** The open conversations with the most friction (for the supervisor board). */
export async function topFrictionConversations(opts: { limit?: number; inboxScope?: "all" | string[]; now?: Date } = {}): Promise<FrictionRow[]> {
  const now = opts.now ?? new Date();
  const scope = opts.inboxScope ?? "all";
  if (scope !== "all" && scope.length === 0) return [];
  const open = scope === "all"
    ? await db.conversation.findMany({ where: { status: { in: ["open", "pending"] } }, orderBy: { lastMessageAt: "desc" }, take: 300, select: { id: true, customerId: true } })
    : await db.conversation.findMany({ where: { status: { in: ["open", "pending"] }, inboxId: { in: scope } }, orderBy: { lastMessageAt: "desc" }, take: 300, select: { id: true, customerId: true } });
  if (open.length === 0) return [];
  const customers = [...new Set(open.map((o) => o.customerId))];
  const data = await loadCustomerData(customers, new Date(now.getTime() - FRICTION_WINDOW_MS));
  const rows: FrictionRow[] = [];
  for (const o of open) {
    const d = data.get(o.customerId);
    const c = d?.conversations.find((x) => x.id === o.id);
    if (!d || !c) continue;
    const f = combine(conversationSignals(c, d, now), CONVERSATION_CAPS);
    if (f.score > 0) rows.push({ conversationId: c.id, number: c.number, customerId: o.customerId, score: f.score, signals: f.signals });
  }
  return rows.sort((a, b) => b.score - a.score || a.number - b.number).slice(0, opts.limit ?? 10);
}
