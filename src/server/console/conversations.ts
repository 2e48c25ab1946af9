// Queue read models for the console: conversations by view, scoped to the
// inboxes the agent may see, keyset-paged on (last_message_at, id).
import { db, Prisma } from "@/server/db";

export const QUEUE_VIEWS = ["mine", "unassigned", "teams", "all"] as const;
export type QueueView = (typeof QUEUE_VIEWS)[number];
export const STATUSES = ["open", "pending", "snoozed", "resolved", "closed"] as const;

export type QueueFilter = {
  view: QueueView;
  viewerId: string;
  viewerTeamIds: string[];
  inboxScope: "all" | string[];
  inboxId?: string;
  statuses?: (typeof STATUSES)[number][];
  cursor?: string | null;
  limit?: number;
};

function whereFor(f: QueueFilter): Prisma.ConversationWhereInput {
  const where: Prisma.ConversationWhereInput = {};
  const and: Prisma.ConversationWhereInput[] = [];
  if (f.inboxScope !== "all") and.push({ inboxId: { in: f.inboxScope } });
  if (f.inboxId) and.push({ inboxId: f.inboxId });
  if (f.view === "mine") and.push({ assigneeId: f.viewerId });
  if (f.view === "unassigned") and.push({ assigneeId: null });
  if (f.view === "teams") and.push({ teamId: { in: f.viewerTeamIds } });
  and.push({ status: { in: f.statuses?.length ? f.statuses : ["open", "pending"] } });
  where.AND = and;
  return where;
}

export async function listQueue(f: QueueFilter) {
  const limit = Math.min(Math.max(f.limit ?? 50, 1), 100);
  const where = whereFor(f);
  if (f.cursor) {
    const [at, id] = JSON.parse(Buffer.from(f.cursor, "base64url").toString("utf8")) as [string, string];
    (where.AND as Prisma.ConversationWhereInput[]).push({
      OR: [{ lastMessageAt: { lt: new Date(at) } }, { lastMessageAt: new Date(at), id: { lt: id } }],
    });
  }
  const rows = await db.conversation.findMany({
    where,
    orderBy: [{ lastMessageAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: {
      id: true,
      number: true,
      subject: true,
      status: true,
      priority: true,
      channel: true,
      tags: true,
      lastMessageAt: true,
      lastMessagePreview: true,
      waitingSince: true,
      assignee: { select: { id: true, name: true } },
      customer: { select: { id: true, name: true } },
      inbox: { select: { id: true, name: true } },
    },
  });
  const more = rows.length > limit;
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: more && last ? Buffer.from(JSON.stringify([last.lastMessageAt.toISOString(), last.id])).toString("base64url") : null,
  };
}

export async function queueCounts(f: Omit<QueueFilter, "view" | "cursor" | "limit">) {
  const counts = await Promise.all(QUEUE_VIEWS.map((view) => db.conversation.count({ where: whereFor({ ...f, view }) })));
  return Object.fromEntries(QUEUE_VIEWS.map((v, i) => [v, counts[i] ?? 0])) as Record<QueueView, number>;
}

export async function listInboxes(inboxScope: "all" | string[]) {
  return db.inbox.findMany({
    where: inboxScope === "all" ? {} : { id: { in: inboxScope } },
    orderBy: { name: "asc" },
    select: { id: true, name: true, channel: true, publicId: true },
  });
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
      inbox: { select: { id: true, name: true, channel: true } },
      assignee: { select: { id: true, name: true } },
      team: { select: { id: true, name: true } },
    },
  });
  // Outside the agent's inboxes it does not exist, as far as they can tell.
  if (!conv || (inboxScope !== "all" && !inboxScope.includes(conv.inboxId))) return null;
  return conv;
}
