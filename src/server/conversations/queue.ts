// Queue read models for the console: conversations by view (mine, unassigned,
// my teams, all), filtered and sorted, scoped to the inboxes the agent may
// see, keyset-paged so a page is stable while the queue changes under it.
import { db, Prisma } from "@/server/db";
import { preparedSql } from "@/server/db/prepared-sql";
import { DomainError } from "@/server/lib/domain-error";
import type { ConversationChannel, ConversationStatus, Priority } from "@/lib/vocabulary";

export const QUEUE_VIEWS = ["mine", "unassigned", "teams", "all"] as const;
export type QueueView = (typeof QUEUE_VIEWS)[number];
export type StatusName = ConversationStatus;
export type PriorityName = Priority;
/** activity: last activity first; waiting: longest waiting first; priority: urgent first; sla: soonest due first. */
export const QUEUE_SORTS = ["activity", "waiting", "priority", "sla"] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

export type QueueFilters = {
  inboxId?: string;
  channels?: ConversationChannel[];
  statuses?: StatusName[];
  priorities?: PriorityName[];
  tag?: string;
  /** A user id, or "none" for unassigned. */
  assigneeId?: string;
  /** A custom field's value (src/server/fields/): jsonb containment, so the GIN index on custom_fields answers it. */
  field?: { key: string; value: string | number };
};

export type QueueScope = { viewerId: string; viewerTeamIds: string[]; inboxScope: "all" | string[] };

export type QueueQuery = QueueScope & QueueFilters & { view: QueueView; sort?: QueueSort; cursor?: string | null; limit?: number };

export type QueueItem = {
  id: string;
  number: number;
  subject: string | null;
  status: StatusName;
  priority: PriorityName;
  channel: ConversationChannel;
  tags: string[];
  lastMessageAt: Date;
  lastMessagePreview: string | null;
  waitingSince: Date | null;
  snoozedUntil: Date | null;
  slaDueAt: Date | null;
  assignee: { id: string; name: string } | null;
  team: { id: string; name: string } | null;
  customer: { id: string; name: string | null };
  inbox: { id: string; name: string };
};

// The SLA target that matters now: first response until answered, then resolution.
const SLA_DUE = Prisma.sql`(CASE WHEN c.first_response_at IS NULL THEN c.first_response_due_at ELSE c.resolution_due_at END)`;
const PRIORITY_RANK = Prisma.sql`(CASE c.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END)`;

// Each sort is a tuple of expressions sharing one direction, so the keyset
// condition is one row comparison. Values travel in the cursor as text.
type SortSpec = { keys: { sql: Prisma.Sql; cast: "timestamptz" | "numeric" | "int" }[]; dir: "ASC" | "DESC" };
const SORTS: Record<QueueSort, SortSpec> = {
  activity: { keys: [{ sql: Prisma.sql`c.last_message_at`, cast: "timestamptz" }], dir: "DESC" },
  waiting: { keys: [{ sql: Prisma.sql`coalesce(c.waiting_since, 'infinity'::timestamptz)`, cast: "timestamptz" }], dir: "ASC" },
  priority: {
    keys: [
      { sql: PRIORITY_RANK, cast: "int" },
      { sql: Prisma.sql`(-extract(epoch FROM c.last_message_at))`, cast: "numeric" },
    ],
    dir: "ASC",
  },
  sla: { keys: [{ sql: Prisma.sql`coalesce(${SLA_DUE}, 'infinity'::timestamptz)`, cast: "timestamptz" }], dir: "ASC" },
};

function castValue(value: string, cast: SortSpec["keys"][number]["cast"]): Prisma.Sql {
  if (cast === "timestamptz") return Prisma.sql`${value}::timestamptz`;
  if (cast === "int") return Prisma.sql`${value}::int`;
  return Prisma.sql`${value}::numeric`;
}

function conditions(q: QueueScope & QueueFilters & { view?: QueueView }): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (q.inboxScope !== "all") where.push(Prisma.sql`c.inbox_id = ANY(${q.inboxScope}::uuid[])`);
  if (q.inboxId) where.push(Prisma.sql`c.inbox_id = ${q.inboxId}::uuid`);
  if (q.view === "mine") where.push(Prisma.sql`c.assignee_id = ${q.viewerId}::uuid`);
  if (q.view === "unassigned") where.push(Prisma.sql`c.assignee_id IS NULL`);
  if (q.view === "teams") {
    // Conversations routed to one of my teams.
    where.push(Prisma.sql`c.team_id = ANY(${q.viewerTeamIds}::uuid[])`);
  }
  if (q.channels?.length) where.push(Prisma.sql`c.channel = ANY(${q.channels}::"ChannelKind"[])`);
  const statuses = q.statuses?.length ? q.statuses : (["open", "pending"] as StatusName[]);
  // A snooze that has run out counts as open again, whether or not a timer has woken it yet.
  if (statuses.includes("open") && !statuses.includes("snoozed")) {
    where.push(Prisma.sql`(c.status = ANY(${statuses}::"ConversationStatus"[]) OR (c.status = 'snoozed' AND c.snoozed_until <= now()))`);
  } else where.push(Prisma.sql`c.status = ANY(${statuses}::"ConversationStatus"[])`);
  if (q.priorities?.length) where.push(Prisma.sql`c.priority = ANY(${q.priorities}::"Priority"[])`);
  if (q.tag?.trim()) where.push(Prisma.sql`${q.tag.trim()} = ANY(c.tags)`);
  if (q.assigneeId === "none") where.push(Prisma.sql`c.assignee_id IS NULL`);
  else if (q.assigneeId) where.push(Prisma.sql`c.assignee_id = ${q.assigneeId}::uuid`);
  if (q.field) where.push(Prisma.sql`c.custom_fields @> ${JSON.stringify({ [q.field.key]: q.field.value })}::jsonb`);
  return where;
}

type QueueRow = {
  id: string;
  number: number;
  subject: string | null;
  status: StatusName;
  priority: PriorityName;
  channel: ConversationChannel;
  tags: string[];
  last_message_at: Date;
  last_message_preview: string | null;
  waiting_since: Date | null;
  snoozed_until: Date | null;
  sla_due_at: Date | null;
  assignee_id: string | null;
  assignee_name: string | null;
  team_id: string | null;
  team_name: string | null;
  customer_id: string;
  customer_name: string | null;
  inbox_id: string;
  inbox_name: string;
  k0: string;
  k1: string | null;
};

export class InvalidQueueCursorError extends DomainError {}

function decodeQueueCursor(cursor: string, sort: QueueSort): { keys: string[]; id: string } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { s: string; k: string[]; id: string };
    if (parsed.s !== sort || !Array.isArray(parsed.k) || parsed.k.length !== SORTS[sort].keys.length || typeof parsed.id !== "string") throw new Error();
    if (!/^[0-9a-f-]{36}$/i.test(parsed.id) || parsed.k.some((k) => typeof k !== "string" || k.length > 64)) throw new Error();
    return { keys: parsed.k, id: parsed.id };
  } catch {
    throw new InvalidQueueCursorError("invalid cursor");
  }
}

export async function listQueue(q: QueueQuery): Promise<{ items: QueueItem[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 100);
  const sort = q.sort ?? "activity";
  const spec = SORTS[sort];
  const where = conditions(q);
  const tuple = Prisma.join([...spec.keys.map((k) => k.sql), Prisma.sql`c.id`], ", ");
  if (q.cursor) {
    const c = decodeQueueCursor(q.cursor, sort);
    const values = Prisma.join([...spec.keys.map((k, i) => castValue(c.keys[i]!, k.cast)), Prisma.sql`${c.id}::uuid`], ", ");
    where.push(spec.dir === "DESC" ? Prisma.sql`(${tuple}) < (${values})` : Prisma.sql`(${tuple}) > (${values})`);
  }
  const order = Prisma.join([...spec.keys.map((k) => k.sql), Prisma.sql`c.id`].map((s) => (spec.dir === "DESC" ? Prisma.sql`${s} DESC` : Prisma.sql`${s} ASC`)), ", ");
  const k1 = spec.keys[1] ? Prisma.sql`(${spec.keys[1].sql})::text` : Prisma.sql`NULL::text`;
  // The agent's queue is read on every inbox view and live refresh: a prepared
  // statement per query shape over pg, not Prisma's query path.
  const rows = await preparedSql<QueueRow>("queue_page", Prisma.sql`
    SELECT c.id, c.number, c.subject, c.status::text AS status, c.priority::text AS priority, c.channel::text AS channel, c.tags,
           c.last_message_at, c.last_message_preview, c.waiting_since, c.snoozed_until, ${SLA_DUE} AS sla_due_at,
           c.assignee_id, u.name AS assignee_name, c.team_id, t.name AS team_name,
           c.customer_id, cu.name AS customer_name, c.inbox_id, i.name AS inbox_name,
           (${spec.keys[0]!.sql})::text AS k0, ${k1} AS k1
    FROM conversations c
    JOIN customers cu ON cu.id = c.customer_id
    JOIN inboxes i ON i.id = c.inbox_id
    LEFT JOIN users u ON u.id = c.assignee_id
    LEFT JOIN teams t ON t.id = c.team_id
    WHERE ${Prisma.join(where, " AND ")}
    ORDER BY ${order}
    LIMIT ${limit + 1}`);
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id,
      number: r.number,
      subject: r.subject,
      status: r.status,
      priority: r.priority,
      channel: r.channel,
      tags: r.tags,
      lastMessageAt: r.last_message_at,
      lastMessagePreview: r.last_message_preview,
      waitingSince: r.waiting_since,
      snoozedUntil: r.snoozed_until,
      slaDueAt: r.sla_due_at,
      assignee: r.assignee_id ? { id: r.assignee_id, name: r.assignee_name ?? "" } : null,
      team: r.team_id ? { id: r.team_id, name: r.team_name ?? "" } : null,
      customer: { id: r.customer_id, name: r.customer_name },
      inbox: { id: r.inbox_id, name: r.inbox_name },
    })),
    nextCursor:
      more && last
        ? Buffer.from(JSON.stringify({ s: sort, k: [last.k0, ...(spec.keys[1] ? [last.k1 ?? "0"] : [])], id: last.id })).toString("base64url")
        : null,
  };
}

/** Counts per view (with the same filters) and per inbox (for the current view). */
export async function queueCounts(q: QueueScope & QueueFilters & { view?: QueueView }) {
  const viewCounts = await Promise.all(
    QUEUE_VIEWS.map(async (view) => {
      const [row] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM conversations c WHERE ${Prisma.join(conditions({ ...q, view }), " AND ")}`;
      return row?.n ?? 0;
    }),
  );
  const perInbox = await db.$queryRaw<{ inbox_id: string; n: number }[]>`
    SELECT c.inbox_id, count(*)::int AS n FROM conversations c
    WHERE ${Prisma.join(conditions({ ...q, inboxId: undefined, view: q.view ?? "all" }), " AND ")}
    GROUP BY c.inbox_id`;
  return {
    views: Object.fromEntries(QUEUE_VIEWS.map((v, i) => [v, viewCounts[i] ?? 0])) as Record<QueueView, number>,
    inboxes: Object.fromEntries(perInbox.map((r) => [r.inbox_id, r.n])) as Record<string, number>,
  };
}

export async function listInboxes(inboxScope: "all" | string[]) {
  return db.inbox.findMany({
    where: inboxScope === "all" ? {} : { id: { in: inboxScope } },
    orderBy: { name: "asc" },
    select: { id: true, name: true, channel: true, publicId: true },
  });
}

/** Tags in use on conversations the agent may see (for filter and tag pickers). */
export async function listTags(inboxScope: "all" | string[], limit = 100): Promise<string[]> {
  const scope = inboxScope === "all" ? Prisma.sql`TRUE` : Prisma.sql`c.inbox_id = ANY(${inboxScope}::uuid[])`;
  const rows = await db.$queryRaw<{ tag: string }[]>`
    SELECT t.tag FROM conversations c, unnest(c.tags) AS t(tag)
    WHERE ${scope} AND c.last_message_at > now() - interval '365 days'
    GROUP BY t.tag ORDER BY count(*) DESC, t.tag LIMIT ${limit}`;
  return rows.map((r) => r.tag);
}

/** Per-inbox queue figures for the supervisor overview. */
export async function queueOverview() {
  return db.$queryRaw<{ inbox_id: string; name: string; channel: string; open: number; unassigned: number; waiting: number; oldest_wait: Date | null }[]>`
    SELECT i.id AS inbox_id, i.name, i.channel::text AS channel,
           count(c.id) FILTER (WHERE c.status IN ('open','pending'))::int AS open,
           count(c.id) FILTER (WHERE c.status IN ('open','pending') AND c.assignee_id IS NULL)::int AS unassigned,
           count(c.id) FILTER (WHERE c.status = 'open' AND c.waiting_since IS NOT NULL)::int AS waiting,
           min(c.waiting_since) FILTER (WHERE c.status = 'open') AS oldest_wait
    FROM inboxes i
    LEFT JOIN conversations c ON c.inbox_id = i.id AND c.status IN ('open','pending')
    GROUP BY i.id ORDER BY i.name`;
}

export async function getConversation(id: string, inboxScope: "all" | string[]) {
  const conv = await db.conversation.findUnique({
    where: { id },
    include: {
      customer: { select: { id: true, name: true } },
      inbox: { select: { id: true, name: true, channel: true, publicId: true } },
      assignee: { select: { id: true, name: true } },
      team: { select: { id: true, name: true } },
    },
  });
  // Outside the agent's inboxes it does not exist, as far as they can tell.
  if (!conv || (inboxScope !== "all" && !inboxScope.includes(conv.inboxId))) return null;
  const lastOutbound = await latestOutbound(id);
  return { ...conv, lastOutbound };
}

/** The newest reply sent to the customer in this conversation (not notes): collision checks compare it. */
export async function latestOutbound(conversationId: string) {
  const m = await db.message.findFirst({
    where: { conversationId, direction: "outbound", isNote: false },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true, createdAt: true, authorId: true, author: { select: { name: true } } },
  });
  return m ? { id: m.id, at: m.createdAt, authorId: m.authorId, authorName: m.author?.name ?? null } : null;
}

/** Whether a conversation is in the viewer's scope; its inbox and customer when it is. */
export async function conversationInScope(id: string, inboxScope: "all" | string[]) {
  const conv = await db.conversation.findUnique({ where: { id }, select: { id: true, inboxId: true, customerId: true, number: true, channel: true } });
  if (!conv || (inboxScope !== "all" && !inboxScope.includes(conv.inboxId))) return null;
  return conv;
}
