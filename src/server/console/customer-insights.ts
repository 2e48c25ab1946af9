// The customer sidebar's read model: friction signals (repeat contacts within
// 7 days, long waits, hand-offs between agents, reopens), CSAT/NPS history,
// recent product events, open conversations, possible duplicates and merges.
// Every query is an indexed lookup of one customer's rows, limited.
import { db } from "@/server/db";
import { findDuplicateSuggestions } from "@/server/customers/identity";
import { listMerges } from "@/server/customers/merge";
import { visibleCustomerIds } from "@/server/customers/visibility";

export const REPEAT_WINDOW_DAYS = 7;
export const LONG_WAIT_HOURS = 4;

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
  prev_created_at: Date | null;
  prev_number: number | null;
};

export type FrictionSignal = { kind: "repeat_contact" | "long_wait" | "handoff" | "reopen"; label: string; count: number; detail: string[] };

export async function customerInsights(customerId: string, inboxScope: "all" | string[], now = new Date()) {
  const visible = (inboxId: string | null) => inboxScope === "all" || (inboxId !== null && inboxScope.includes(inboxId));
  const [convs, handoffs, surveys, productEvents, duplicates, merges] = await Promise.all([
    db.$queryRaw<ConvRow[]>`
      SELECT id, number, inbox_id, channel::text AS channel, status::text AS status, subject, created_at, first_response_at, waiting_since, reopen_count,
             lag(created_at) OVER (ORDER BY created_at, id) AS prev_created_at,
             lag(number) OVER (ORDER BY created_at, id) AS prev_number
      FROM conversations WHERE customer_id = ${customerId}::uuid
      ORDER BY created_at DESC, id DESC LIMIT 500`,
    db.$queryRaw<{ conversation_id: string; number: number; inbox_id: string; n: number }[]>`
      SELECT e.conversation_id, c.number, c.inbox_id, count(*)::int AS n
      FROM conversations c JOIN timeline_events e ON e.conversation_id = c.id
      WHERE c.customer_id = ${customerId}::uuid AND e.kind = 'ticket_event' AND e.name = 'assignee' AND e.payload->>'from' IS NOT NULL
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
  const repeats = convs.filter((c) => c.prev_created_at && c.created_at.getTime() - c.prev_created_at.getTime() < REPEAT_WINDOW_DAYS * 86_400_000);
  if (repeats.length) {
    signals.push({
      kind: "repeat_contact",
      label: `${repeats.length} repeat contact${repeats.length === 1 ? "" : "s"} within ${REPEAT_WINDOW_DAYS} days`,
      count: repeats.length,
      detail: repeats.slice(0, 3).map((c) => {
        const days = (c.created_at.getTime() - c.prev_created_at!.getTime()) / 86_400_000;
        const gap = days < 1 ? `${Math.max(1, Math.round(days * 24))} h` : `${Math.round(days)} d`;
        return visible(c.inbox_id) ? `#${c.number} came ${gap} after #${c.prev_number}` : `a contact ${gap} after the previous one`;
      }),
    });
  }
  const longMs = LONG_WAIT_HOURS * 3_600_000;
  const waits = convs.filter(
    (c) =>
      (c.first_response_at && c.first_response_at.getTime() - c.created_at.getTime() > longMs) ||
      (c.waiting_since && ["open", "pending"].includes(c.status) && now.getTime() - c.waiting_since.getTime() > longMs),
  );
  if (waits.length) {
    signals.push({
      kind: "long_wait",
      label: `${waits.length} long wait${waits.length === 1 ? "" : "s"} (over ${LONG_WAIT_HOURS} h)`,
      count: waits.length,
      detail: waits.slice(0, 3).map((c) => {
        const ms = c.first_response_at ? c.first_response_at.getTime() - c.created_at.getTime() : now.getTime() - c.waiting_since!.getTime();
        const h = Math.round(ms / 3_600_000);
        const what = c.first_response_at ? `first reply after ${h} h` : `waiting ${h} h now`;
        return visible(c.inbox_id) ? `#${c.number}: ${what}` : what;
      }),
    });
  }
  const handoffTotal = handoffs.reduce((s, h) => s + h.n, 0);
  if (handoffTotal) {
    signals.push({
      kind: "handoff",
      label: `${handoffTotal} hand-off${handoffTotal === 1 ? "" : "s"} between agents`,
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

/** Agents and teams, for assignee and @mention pickers. */
export async function agentDirectory() {
  const [agents, teams] = await Promise.all([
    db.user.findMany({
      where: { deactivatedAt: null },
      orderBy: { name: "asc" },
      select: { id: true, name: true, email: true, role: true, teams: { select: { teamId: true } } },
    }),
    db.team.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, inboxes: { select: { inboxId: true } } } }),
  ]);
  return {
    agents: agents.map((a) => ({ id: a.id, name: a.name, email: a.email, role: a.role, teamIds: a.teams.map((t) => t.teamId) })),
    teams: teams.map((t) => ({ id: t.id, name: t.name, inboxIds: t.inboxes.map((i) => i.inboxId) })),
  };
}

