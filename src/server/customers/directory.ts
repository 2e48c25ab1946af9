// Read models of customers for the console: the directory (search + keyset
// paging) and one customer's profile. An agent sees the customers of their
// teams' inboxes and those with no conversation (customers/visibility.ts); what
// happened in inboxes outside their teams is filtered from what they see.
import { db, Prisma } from "@/server/db";
import { customerVisibleSql, type InboxScope } from "@/server/customers/visibility";
import { attributeConflictsOf } from "@/server/customers/merge-attributes";
import { countTouchpoints } from "@/server/journey/touchpoints";
import { DomainError } from "@/server/lib/domain-error";

export type CustomerListItem = {
  id: string;
  name: string | null;
  primaryIdentity: { kind: string; value: string } | null;
  identityCount: number;
  journeyStage: string | null;
  lastSeenAt: Date | null;
  openConversations: number;
};

type ListRow = {
  id: string;
  name: string | null;
  journey_stage: string | null;
  last_seen_at: Date | null;
  identity_kind: string | null;
  identity_value: string | null;
  identity_count: number;
  open_conversations: number;
};

export class InvalidDirectoryCursorError extends DomainError {}

/** [lower-cased name, id] of the last row of the previous page; anything else is the caller's error, not ours. */
function decodeDirectoryCursor(cursor: string): [string, string] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === "string" && parsed[0].length <= 500 && typeof parsed[1] === "string" && /^[0-9a-f-]{36}$/i.test(parsed[1])) return [parsed[0], parsed[1]];
  } catch {
    /* not base64url JSON */
  }
  throw new InvalidDirectoryCursorError("invalid cursor");
}

export async function listCustomers(opts: { search?: string; cursor?: string | null; limit?: number; inboxScope: InboxScope }) {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 100);
  const search = opts.search?.trim();
  const scope = opts.inboxScope;
  const where: Prisma.Sql[] = [Prisma.sql`c.merged_into_id IS NULL`, Prisma.sql`c.erased_at IS NULL`, customerVisibleSql(scope, Prisma.sql`c.id`)];
  const openInScope = scope === "all" ? Prisma.sql`TRUE` : Prisma.sql`v.inbox_id = ANY(${scope}::uuid[])`;
  let order = Prisma.sql`lower(coalesce(c.name, '')) ASC, c.id ASC`;
  if (search) {
    const like = `%${search.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    where.push(Prisma.sql`(c.name ILIKE ${like} OR EXISTS (SELECT 1 FROM customer_identities i WHERE i.customer_id = c.id AND i.value ILIKE ${like}))`);
    order = Prisma.sql`(lower(coalesce(c.name, '')) = lower(${search})) DESC, similarity(coalesce(c.name, ''), ${search}) DESC, c.id ASC`;
  } else if (opts.cursor) {
    const [name, id] = decodeDirectoryCursor(opts.cursor);
    where.push(Prisma.sql`(lower(coalesce(c.name, '')), c.id) > (${name}, ${id}::uuid)`);
  }
  const rows = await db.$queryRaw<ListRow[]>`
    SELECT c.id, c.name, c.journey_stage::text AS journey_stage, c.last_seen_at,
           pi.kind::text AS identity_kind, pi.value AS identity_value,
           (SELECT count(*)::int FROM customer_identities i WHERE i.customer_id = c.id) AS identity_count,
           (SELECT count(*)::int FROM conversations v WHERE v.customer_id = c.id AND v.status IN ('open','pending','snoozed') AND ${openInScope}) AS open_conversations
    FROM customers c
    LEFT JOIN LATERAL (
      SELECT i.kind, i.value FROM customer_identities i WHERE i.customer_id = c.id
      ORDER BY (i.kind = 'email') DESC, (i.kind = 'phone') DESC, i.created_at ASC LIMIT 1
    ) pi ON true
    WHERE ${Prisma.join(where, " AND ")}
    ORDER BY ${order}
    LIMIT ${limit + 1}`;
  const more = !search && rows.length > limit;
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map<CustomerListItem>((r) => ({
      id: r.id,
      name: r.name,
      primaryIdentity: r.identity_kind && r.identity_value ? { kind: r.identity_kind, value: r.identity_value } : null,
      identityCount: r.identity_count,
      journeyStage: r.journey_stage,
      lastSeenAt: r.last_seen_at,
      openConversations: r.open_conversations,
    })),
    nextCursor: more && last ? Buffer.from(JSON.stringify([(last.name ?? "").toLowerCase(), last.id])).toString("base64url") : null,
  };
}

export async function getCustomerProfile(customerId: string, inboxScope: "all" | string[]) {
  const customer = await db.customer.findUnique({
    where: { id: customerId },
    include: { identities: { orderBy: { createdAt: "asc" } } },
  });
  if (!customer || customer.erasedAt) return null;
  const conversationWhere: Prisma.ConversationWhereInput = { customerId };
  if (inboxScope !== "all") conversationWhere.inboxId = { in: inboxScope };
  const [conversations, touchpoints, channels, attributeConflicts] = await Promise.all([
    db.conversation.findMany({
      where: conversationWhere,
      orderBy: { lastMessageAt: "desc" },
      take: 20,
      select: { id: true, number: true, subject: true, status: true, channel: true, priority: true, lastMessageAt: true, lastMessagePreview: true, inbox: { select: { name: true } } },
    }),
    // The same count the journey map shows (one definition: journey/touchpoints.ts).
    countTouchpoints(customerId, inboxScope),
    db.$queryRaw<{ channel: string; n: number }[]>`
      SELECT channel::text AS channel, count(*)::int AS n FROM timeline_events WHERE customer_id = ${customerId}::uuid GROUP BY channel ORDER BY n DESC`,
    attributeConflictsOf(customerId),
  ]);
  return {
    id: customer.id,
    name: customer.name,
    attributes: (customer.attributes ?? {}) as Record<string, unknown>,
    /** Attributes a merge found on both profiles with different values: which was kept, which set aside. */
    attributeConflicts,
    journeyStage: customer.journeyStage,
    lifetimeValue: Number(customer.lifetimeValue),
    mergedIntoId: customer.mergedIntoId,
    lastSeenAt: customer.lastSeenAt,
    createdAt: customer.createdAt,
    identities: customer.identities.map((i) => ({ id: i.id, kind: i.kind, value: i.value, verified: i.verified, source: i.source })),
    conversations: conversations.map((c) => ({ ...c, inboxName: c.inbox.name })),
    /** Touchpoints the viewer may see; capped: more than count (shown as "100,000+"). */
    touchpoints,
    channels,
  };
}

/** A customer that may be shown (not erased). */
export async function customerExists(customerId: string): Promise<boolean> {
  const c = await db.customer.findUnique({ where: { id: customerId }, select: { erasedAt: true } });
  return Boolean(c && !c.erasedAt);
}
