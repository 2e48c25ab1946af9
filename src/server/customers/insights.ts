// The customer sidebar's read model: friction signals (repeat contacts within
// 7 days, long waits, hand-offs between agents, reopens), CSAT/NPS history,
// recent product events, open conversations, possible duplicates and merges.
// Every query is an indexed lookup of one customer's rows, limited.
import { db } from "@/server/db";
import { findDuplicateSuggestions } from "@/server/customers/identity";
import { listMerges } from "@/server/customers/merge";
import { visibleCustomerIds } from "@/server/customers/visibility";
import { longestWait, REPEAT_WINDOW_MS, sameIssue, WAIT_THRESHOLD_MIN, waitText, type ConvFacts } from "@/server/friction/score";
import { humanDuration } from "@/server/friction/duration";

// The signals are the friction score's (friction/score.ts): one definition of
// a long wait and of a repeat contact, whether shown here or on the journey map.
export const REPEAT_WINDOW_DAYS = REPEAT_WINDOW_MS / 86_400_000;

type ConvRow = {
  id: string;
  number: number;
  inbox_id: string;
  channel: string;
  status: string;
  subject: string | null;
  created_at: Date;
  first_response_at: Date | null;
  waiting_since: Date | null;
  reopen_count: number;
  tags: string[];
};

export type FrictionSignal = { kind: "repeat_contact" | "long_wait" | "handoff" | "reopen"; label: string; count: number; detail: string[] };

export async function customerInsights(customerId: string, inboxScope: "all" | string[], now = new Date()) {
  const visible = (inboxId: string | null) => inboxScope === "all" || (inboxId !== null && inboxScope.includes(inboxId));
  const [convs, handoffs, surveys, productEvents, duplicates, merges] = await Promise.all([
    db.$queryRaw<ConvRow[]>`
      SELECT id, number, inbox_id, channel::text AS channel, status::text AS status, subject, created_at, first_response_at, waiting_since, reopen_count, tags
      FROM conversations WHERE customer_id = ${customerId}::uuid
      ORDER BY created_at DESC, id DESC LIMIT 500`,
    db.$queryRaw<{ conversation_id: string; number: number; inbox_id: string; n: number }[]>`
      SELECT e.conversation_id, c.number, c.inbox_id, count(*)::int AS n
      FROM conversations c JOIN timeline_events e ON e.conversation_id = c.id
      WHERE c.customer_id = ${customerId}::uuid AND e.kind = 'ticket_event'
        AND ((e.name = 'assignee' AND e.payload->>'from' IS NOT NULL AND e.payload->>'from' <> coalesce(e.payload->>'to', '')) OR e.name = 'team')
      GROUP BY e.conversation_id, c.number, c.inbox_id ORDER BY max(e.occurred_at) DESC LIMIT 50`,
    db.$queryRaw<{ id: string; kind: string; score: number; comment: string | null; created_at: Date; number: number | null; inbox_id: string | null }[]>`
      SELECT r.id, r.kind::text AS kind, r.score, r.comment, r.created_at, c.number, c.inbox_id
      FROM surveys s JOIN survey_responses r ON r.survey_id = s.id LEFT JOIN conversations c ON c.id = s.conversation_id
      WHERE s.customer_id = ${customerId}::uuid ORDER BY r.created_at DESC LIMIT 20`,
    db.$queryRaw<{ id: string; name: string | null; text: string; occurred_at: Date }[]>`
      SELECT id, name, text, occurred_at FROM timeline_events
      WHERE customer_id = ${customerId}::uuid AND kind = 'product_event'
      ORDER BY occurred_at DESC, id DESC LIMIT 8`,
    findDuplicateSuggestions(customerId, 5),
    listMerges(customerId, 10),
  ]);

  const signals: FrictionSignal[] = [];
  const facts = convs.map(toFacts(customerId));
  // Repeat contact: an earlier conversation about the same issue started within the window (newest first).
  const repeats: { c: ConvRow; p: ConvRow }[] = [];
  convs.forEach((c, i) => {
    const start = c.created_at.getTime();
    for (let j = i + 1; j < convs.length && start - convs[j]!.created_at.getTime() <= REPEAT_WINDOW_MS; j++) {
      if (convs[j]!.created_at.getTime() < start && sameIssue(facts[j]!, facts[i]!)) {
        repeats.push({ c, p: convs[j]! });
        break;
      }
    }
  });
  if (repeats.length) {
    signals.push({
      kind: "repeat_contact",
      label: `${repeats.length} repeat contact${repeats.length === 1 ? "" : "s"} within ${REPEAT_WINDOW_DAYS} days`,
      count: repeats.length,
      detail: repeats.slice(0, 3).map(({ c, p }) => {
        const gap = humanDuration((c.created_at.getTime() - p.created_at.getTime()) / 60_000);
        return visible(c.inbox_id) && visible(p.inbox_id) ? `#${c.number} came ${gap} after #${p.number}` : `a contact ${gap} after an earlier one`;
      }),
    });
  }
  // Long wait: the very wait that crossed the threshold is the one described.
  const waits = convs.map((c, i) => ({ c, wait: longestWait(facts[i]!, now) })).filter((x) => x.wait.minutes > WAIT_THRESHOLD_MIN);
  if (waits.length) {
    signals.push({
      kind: "long_wait",
      label: `${waits.length} long wait${waits.length === 1 ? "" : "s"} (over ${humanDuration(WAIT_THRESHOLD_MIN)})`,
      count: waits.length,
      detail: waits.slice(0, 3).map(({ c, wait }) => (visible(c.inbox_id) ? `#${c.number}: ${waitText(wait)}` : waitText(wait))),
    });
  }
  const handoffTotal = handoffs.reduce((s, h) => s + h.n, 0);
  if (handoffTotal) {
    signals.push({
      kind: "handoff",
      label: `${handoffTotal} hand-off${handoffTotal === 1 ? "" : "s"} between agents or teams`,
      count: handoffTotal,
      detail: handoffs.slice(0, 3).map((h) => (visible(h.inbox_id) ? `#${h.number}: ${h.n} reassignment${h.n === 1 ? "" : "s"}` : `${h.n} reassignment${h.n === 1 ? "" : "s"}`)),
    });
  }
  const reopened = convs.filter((c) => c.reopen_count > 0);
  if (reopened.length) {
    const n = reopened.reduce((s, c) => s + c.reopen_count, 0);
    signals.push({
      kind: "reopen",
      label: `${n} reopened ticket${n === 1 ? "" : "s"}`,
      count: n,
      detail: reopened.slice(0, 3).filter((c) => visible(c.inbox_id)).map((c) => `#${c.number} reopened ${c.reopen_count}×`),
    });
  }

  const open = convs
    .filter((c) => ["open", "pending", "snoozed"].includes(c.status) && visible(c.inbox_id))
    .map((c) => ({ id: c.id, number: c.number, channel: c.channel, status: c.status, subject: c.subject }));

  const mergeCustomerIds = [...new Set(merges.flatMap((m) => [m.sourceId, m.targetId]))].filter((id) => id !== customerId);
  const others = mergeCustomerIds.length ? await db.customer.findMany({ where: { id: { in: mergeCustomerIds } }, select: { id: true, name: true } }) : [];
  // Suggestions and merge partners outside this agent's teams stay unnamed: they do not exist for them.
  const shown = await visibleCustomerIds([...duplicates.map((d) => d.customerId), ...mergeCustomerIds], inboxScope);
  const nameOf = (id: string) => (shown.has(id) ? (others.find((o) => o.id === id)?.name ?? null) : null);

  return {
    friction: signals,
    surveys: surveys.map((s) => ({ id: s.id, kind: s.kind, score: s.score, comment: s.comment, at: s.created_at, conversationNumber: visible(s.inbox_id) ? s.number : null })),
    productEvents: productEvents.map((e) => ({ id: e.id, name: e.name, text: e.text, at: e.occurred_at })),
    openConversations: open,
    duplicates: duplicates.filter((d) => shown.has(d.customerId)),
    merges: merges.map((m) => ({
      id: m.id,
      direction: m.targetId === customerId ? ("into_this" as const) : ("into_other" as const),
      otherId: m.targetId === customerId ? m.sourceId : m.targetId,
      otherName: nameOf(m.targetId === customerId ? m.sourceId : m.targetId),
      at: m.createdAt,
      undoneAt: m.undoneAt,
    })),
  };
}

export type CustomerInsights = Awaited<ReturnType<typeof customerInsights>>;

const toFacts =
  (customerId: string) =>
  (c: ConvRow): ConvFacts => ({
    id: c.id,
    customerId,
    number: c.number,
    channel: c.channel,
    status: c.status,
    createdAt: c.created_at,
    firstResponseAt: c.first_response_at,
    waitingSince: c.waiting_since,
    reopenCount: c.reopen_count,
    tags: c.tags ?? [],
    subject: c.subject,
  });
