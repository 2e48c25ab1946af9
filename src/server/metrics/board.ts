// The live queue board's read model (supervisors): queue figures per inbox,
// channel and team in one GROUPING SETS query; agents with presence and load;
// the conversations behind each number; reassignment.
//
// "Open" is status open or pending. "Waiting for first response": open and no
// agent reply yet. "Oldest wait": the earliest waiting_since (the customer has
// been waiting for us since). "Breached": an unmet target past its due time.
// "At risk": not breached, and the SLA watcher recorded sla_at_risk for an
// unmet target with its current due time.
import { db, Prisma } from "@/server/db";
import { bus } from "@/server/events/bus";
import { publishTimelineCreated } from "@/server/ingest/record";
import { insertTicketEvent } from "@/server/conversations/ticket-events";
import { isUuid } from "@/server/db/ids";
import { runTransaction } from "@/server/db/tx";
import { presenceOf, type PresenceState } from "./presence";
import { recordAudit } from "@/server/audit/record";
import { DomainError } from "@/server/lib/domain-error";
import { topFrictionConversations } from "@/server/friction/score";

export type QueueFigures = { open: number; unassigned: number; waitingFirst: number; waiting: number; oldestWait: Date | null; atRisk: number; breached: number };
export type QueueGroup = QueueFigures & { id: string | null; name: string; channel?: string };
export const BOARD_FILTERS = ["open", "unassigned", "waiting_first", "waiting", "at_risk", "breached"] as const;
export type BoardFilter = (typeof BOARD_FILTERS)[number];

// Per-conversation flags, shared by the figures and the drill-down.
const FLAGGED = Prisma.sql`
  SELECT c.*,
    (c.status IN ('open', 'pending')) AS f_open,
    (c.status IN ('open', 'pending') AND c.assignee_id IS NULL) AS f_unassigned,
    (c.status IN ('open', 'pending') AND c.first_response_at IS NULL) AS f_waiting_first,
    (c.status = 'open' AND c.waiting_since IS NOT NULL) AS f_waiting,
    ((c.first_response_at IS NULL AND c.first_response_due_at < now()) OR (c.resolved_at IS NULL AND c.resolution_due_at < now())) AS f_breached,
    (NOT coalesce((c.first_response_at IS NULL AND c.first_response_due_at < now()) OR (c.resolved_at IS NULL AND c.resolution_due_at < now()), false) AND (
      (c.first_response_at IS NULL AND c.first_response_due_at IS NOT NULL AND EXISTS (SELECT 1 FROM timeline_events e
        WHERE e.dedupe_key = 'sla:' || c.id || ':first_response:at_risk:' || (extract(epoch FROM c.first_response_due_at) * 1000)::bigint))
      OR (c.resolved_at IS NULL AND c.resolution_due_at IS NOT NULL AND EXISTS (SELECT 1 FROM timeline_events e
        WHERE e.dedupe_key = 'sla:' || c.id || ':resolution:at_risk:' || (extract(epoch FROM c.resolution_due_at) * 1000)::bigint))
    )) AS f_at_risk
  FROM conversations c WHERE c.status IN ('open', 'pending', 'snoozed')`;

type FigureRow = {
  inbox_id: string | null;
  channel: string | null;
  team_id: string | null;
  g_inbox: number;
  g_channel: number;
  g_team: number;
  open: number;
  unassigned: number;
  waiting_first: number;
  waiting: number;
  oldest_wait: Date | null;
  at_risk: number;
  breached: number;
};

const toFigures = (r: FigureRow | undefined): QueueFigures => ({
  open: r?.open ?? 0,
  unassigned: r?.unassigned ?? 0,
  waitingFirst: r?.waiting_first ?? 0,
  waiting: r?.waiting ?? 0,
  oldestWait: r?.oldest_wait ?? null,
  atRisk: r?.at_risk ?? 0,
  breached: r?.breached ?? 0,
});

export async function boardFigures() {
  const rows = await db.$queryRaw<FigureRow[]>`
    WITH f AS (${FLAGGED})
    SELECT f.inbox_id, f.channel::text AS channel, f.team_id,
           GROUPING(f.inbox_id)::int AS g_inbox, GROUPING(f.channel)::int AS g_channel, GROUPING(f.team_id)::int AS g_team,
           count(*) FILTER (WHERE f_open)::int AS open,
           count(*) FILTER (WHERE f_unassigned)::int AS unassigned,
           count(*) FILTER (WHERE f_waiting_first)::int AS waiting_first,
           count(*) FILTER (WHERE f_waiting)::int AS waiting,
           min(waiting_since) FILTER (WHERE f_waiting) AS oldest_wait,
           count(*) FILTER (WHERE f_open AND f_at_risk)::int AS at_risk,
           count(*) FILTER (WHERE f_open AND f_breached)::int AS breached
    FROM f
    GROUP BY GROUPING SETS ((f.inbox_id), (f.channel), (f.team_id), ())`;
  const [inboxes, teams] = await Promise.all([
    db.inbox.findMany({ select: { id: true, name: true, channel: true }, orderBy: { name: "asc" } }),
    db.team.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } }),
  ]);
  const total = rows.find((r) => r.g_inbox && r.g_channel && r.g_team);
  const byInbox = new Map(rows.filter((r) => !r.g_inbox).map((r) => [r.inbox_id, r]));
  const byChannel = new Map(rows.filter((r) => !r.g_channel).map((r) => [r.channel, r]));
  const byTeam = new Map(rows.filter((r) => !r.g_team).map((r) => [r.team_id, r]));
  const channels = [...new Set(inboxes.map((i) => i.channel as string))];
  const teamGroups: QueueGroup[] = teams.map((t) => ({ id: t.id, name: t.name, ...toFigures(byTeam.get(t.id)) }));
  const noTeam = byTeam.get(null);
  if (noTeam && noTeam.open > 0) teamGroups.push({ id: null, name: "No team", ...toFigures(noTeam) });
  return {
    total: toFigures(total),
    inboxes: inboxes.map((i) => ({ id: i.id, name: i.name, channel: i.channel as string, ...toFigures(byInbox.get(i.id)) })),
    channels: channels.map((c) => ({ id: c, name: c, channel: c, ...toFigures(byChannel.get(c)) })),
    teams: teamGroups,
  };
}

export type AgentRow = { id: string; name: string; email: string; role: string; presence: PresenceState; load: number; capacity: number; waiting: number; teams: string[] };

export async function boardAgents(now = Date.now()): Promise<AgentRow[]> {
  const users = await db.user.findMany({
    where: { deactivatedAt: null, role: { in: ["agent", "supervisor"] } },
    select: { id: true, name: true, email: true, role: true, capacity: true, presence: true, lastSeenAt: true, onlineUntil: true, teams: { select: { team: { select: { name: true } } } } },
    orderBy: { name: "asc" },
  });
  const loads = await db.$queryRaw<{ assignee_id: string; load: number; waiting: number }[]>`
    SELECT assignee_id, count(*)::int AS load, count(*) FILTER (WHERE status = 'open' AND waiting_since IS NOT NULL)::int AS waiting
    FROM conversations WHERE status IN ('open', 'pending') AND assignee_id IS NOT NULL GROUP BY assignee_id`;
  const byUser = new Map(loads.map((l) => [l.assignee_id, l]));
  const order: Record<PresenceState, number> = { online: 0, away: 1, offline: 2 };
  return users
    .map((u) => ({
      id: u.id,
      name: u.name,
      email: u.email,
      role: u.role,
      presence: presenceOf(u.id, u, now),
      load: byUser.get(u.id)?.load ?? 0,
      waiting: byUser.get(u.id)?.waiting ?? 0,
      capacity: u.capacity,
      teams: u.teams.map((t) => t.team.name),
    }))
    .sort((a, b) => order[a.presence] - order[b.presence] || b.load / Math.max(1, b.capacity) - a.load / Math.max(1, a.capacity) || a.name.localeCompare(b.name));
}

export type DrillInput = { filter: BoardFilter; inboxId?: string; channel?: string; teamId?: string | null; assigneeId?: string; limit?: number };

const FILTER_SQL: Record<BoardFilter, Prisma.Sql> = {
  open: Prisma.sql`f_open`,
  unassigned: Prisma.sql`f_unassigned`,
  waiting_first: Prisma.sql`f_waiting_first`,
  waiting: Prisma.sql`f_waiting`,
  at_risk: Prisma.sql`f_open AND f_at_risk`,
  breached: Prisma.sql`f_open AND f_breached`,
};

type DrillRow = {
  id: string;
  number: number;
  subject: string | null;
  status: string;
  priority: string;
  channel: string;
  created_at: Date;
  waiting_since: Date | null;
  first_response_due_at: Date | null;
  resolution_due_at: Date | null;
  first_response_at: Date | null;
  last_message_preview: string | null;
  last_message_at: Date;
  f_breached: boolean | null;
  f_at_risk: boolean | null;
  customer_id: string;
  customer_name: string | null;
  inbox_name: string;
  assignee_id: string | null;
  assignee_name: string | null;
  team_name: string | null;
};

/** The conversations behind a number on the board. */
export async function drillDown(input: DrillInput) {
  const where: Prisma.Sql[] = [FILTER_SQL[input.filter]];
  if (input.inboxId) where.push(Prisma.sql`f.inbox_id = ${input.inboxId}::uuid`);
  if (input.channel) where.push(Prisma.sql`f.channel::text = ${input.channel}`);
  if (input.teamId !== undefined) where.push(input.teamId === null ? Prisma.sql`f.team_id IS NULL` : Prisma.sql`f.team_id = ${input.teamId}::uuid`);
  if (input.assigneeId) where.push(Prisma.sql`f.assignee_id = ${input.assigneeId}::uuid`);
  const limit = Math.min(Math.max(input.limit ?? 100, 1), 200);
  const rows = await db.$queryRaw<DrillRow[]>`
    WITH f AS (${FLAGGED})
    SELECT f.id, f.number, f.subject, f.status::text AS status, f.priority::text AS priority, f.channel::text AS channel, f.created_at, f.waiting_since,
           f.first_response_due_at, f.resolution_due_at, f.first_response_at, f.last_message_preview, f.last_message_at, f.f_breached, f.f_at_risk,
           cu.id AS customer_id, cu.name AS customer_name, i.name AS inbox_name, u.id AS assignee_id, u.name AS assignee_name, t.name AS team_name
    FROM f
    JOIN customers cu ON cu.id = f.customer_id
    JOIN inboxes i ON i.id = f.inbox_id
    LEFT JOIN users u ON u.id = f.assignee_id
    LEFT JOIN teams t ON t.id = f.team_id
    WHERE ${Prisma.join(where, " AND ")}
    ORDER BY f.waiting_since ASC NULLS LAST, f.created_at ASC
    LIMIT ${limit}`;
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    subject: r.subject,
    status: r.status,
    priority: r.priority,
    channel: r.channel,
    createdAt: r.created_at,
    waitingSince: r.waiting_since,
    firstResponseDueAt: r.first_response_at ? null : r.first_response_due_at,
    resolutionDueAt: r.resolution_due_at,
    preview: r.last_message_preview,
    lastMessageAt: r.last_message_at,
    breached: !!r.f_breached,
    atRisk: !!r.f_at_risk,
    customer: { id: r.customer_id, name: r.customer_name },
    inboxName: r.inbox_name,
    assignee: r.assignee_id ? { id: r.assignee_id, name: r.assignee_name } : null,
    teamName: r.team_name,
  }));
}

export class BoardError extends DomainError {
  constructor(
    public code: "not_found" | "invalid",
    message: string,
  ) {
    super(message);
  }
}

/** A supervisor (re)assigns a conversation: update + ticket_event in one transaction, then published. */
export async function reassign(conversationId: string, assigneeId: string | null, actorUserId: string) {
  if (!isUuid(conversationId)) throw new BoardError("not_found", "No such conversation.");
  if (assigneeId !== null && !isUuid(assigneeId)) throw new BoardError("invalid", "No such agent.");
  const out = await runTransaction(async (tx) => {
    const [conv] = await tx.$queryRaw<{ id: string; assignee_id: string | null; customer_id: string; inbox_id: string }[]>`
      SELECT id, assignee_id, customer_id, inbox_id FROM conversations WHERE id = ${conversationId}::uuid FOR UPDATE`;
    if (!conv) throw new BoardError("not_found", "No such conversation.");
    if (conv.assignee_id === assigneeId) return { changed: false as const, conv };
    const [from, to, actor] = await Promise.all([
      conv.assignee_id ? tx.user.findUnique({ where: { id: conv.assignee_id }, select: { name: true } }) : null,
      assigneeId ? tx.user.findUnique({ where: { id: assigneeId }, select: { name: true, deactivatedAt: true } }) : null,
      tx.user.findUnique({ where: { id: actorUserId }, select: { name: true } }),
    ]);
    if (assigneeId && (!to || to.deactivatedAt)) throw new BoardError("invalid", "No such agent.");
    await tx.conversation.update({ where: { id: conversationId }, data: { assigneeId } });
    const text = !assigneeId
      ? `Unassigned by ${actor?.name ?? "a supervisor"}`
      : conv.assignee_id
        ? `Reassigned from ${from?.name ?? "someone"} to ${to!.name} by ${actor?.name ?? "a supervisor"}`
        : `Assigned to ${to!.name} by ${actor?.name ?? "a supervisor"}`;
    const ev = await insertTicketEvent(tx, conversationId, {
      actorUserId,
      name: "assignee",
      text,
      payload: { from: conv.assignee_id, to: assigneeId, fromName: from?.name ?? null, toName: to?.name ?? null, via: "supervisor_board" },
    });
    await recordAudit(tx, { actorUserId, action: "conversation.assign", targetType: "conversation", targetId: conversationId, data: { from: conv.assignee_id, to: assigneeId } });
    return { changed: true as const, conv, ev };
  });
  if (!out.changed) return { changed: false };
  await publishTimelineCreated([out.ev]);
  bus.publish({ type: "conversation.updated", conversationId, customerId: out.conv.customer_id, inboxId: out.conv.inbox_id, changes: { assigneeId, byUserId: actorUserId } });
  return { changed: true, eventId: out.ev.eventId };
}

/** The whole live board: figures, agents, and the open conversations with the most friction, each with what the board shows of it. */
export async function liveBoard() {
  const [figures, agents, friction] = await Promise.all([boardFigures(), boardAgents(), topFrictionConversations({ limit: 8 })]);
  const ids = friction.map((f) => f.conversationId);
  const convs = ids.length
    ? await db.conversation.findMany({
        where: { id: { in: ids } },
        select: { id: true, subject: true, channel: true, status: true, lastMessagePreview: true, customer: { select: { id: true, name: true } }, assignee: { select: { id: true, name: true } } },
      })
    : [];
  const byId = new Map(convs.map((c) => [c.id, c]));
  return {
    generatedAt: new Date(),
    ...figures,
    agents,
    friction: friction.map((f) => ({ ...f, conversation: byId.get(f.conversationId) ?? null })),
  };
}
