// Reading a customer's timeline: one range scan on
// timeline_events (customer_id, occurred_at DESC, id DESC), keyset-paged so the
// first page costs the same at ten events or a million, and paging is stable
// while new events arrive (no item skipped or repeated).
import { db, Prisma } from "@/server/db";
import { emailHtmlForDisplay } from "@/server/images/email-display";
import { prepared } from "@/server/db/pg";
import { decodeCursor, encodeCursor } from "./cursor";
import { emotionFromColumns } from "@/server/emotion";

export const TIMELINE_CHANNELS = ["email", "chat", "messenger", "instagram", "whatsapp", "telegram", "x", "api", "system"] as const;
export const TIMELINE_KINDS = ["message", "note", "ticket_event", "product_event", "survey_response", "article_view", "journey_stage"] as const;
export type TimelineChannel = (typeof TIMELINE_CHANNELS)[number];
export type TimelineKindName = (typeof TIMELINE_KINDS)[number];

export type TimelineQuery = {
  customerId: string;
  limit?: number;
  cursor?: string | null;
  channels?: TimelineChannel[];
  kinds?: TimelineKindName[];
  conversationId?: string;
  from?: Date;
  to?: Date;
  /** "all" or the inbox ids the viewer may see; events of other inboxes are left out. */
  inboxScope?: "all" | string[];
};

export type TimelineItem = {
  id: string;
  occurredAt: string;
  kind: TimelineKindName;
  channel: TimelineChannel;
  actor: "customer" | "agent" | "system";
  actorUserId: string | null;
  actorName: string | null;
  text: string;
  name: string | null;
  conversationId: string | null;
  conversationNumber: number | null;
  inboxId: string | null;
  messageId: string | null;
  direction: "inbound" | "outbound" | null;
  deliveryStatus: string | null;
  deliveryError: string | null;
  /** Email HTML as displayed: remote images blocked (src/server/images/email-display.ts). */
  bodyHtml: string | null;
  /** How many remote images bodyHtml holds back until an agent asks to load them. */
  remoteImages: number;
  quotedText: string | null;
  subject: string | null;
  attachments: { id: string; filename: string; contentType: string; size: number }[];
  payload: unknown;
  /** A customer message's or survey answer's emotion (src/server/emotion/); null when not scored. */
  emotion: TimelineEmotion | null;
};

export type TimelineEmotion = { score: number | null; label: "negative" | "neutral" | "positive" | "unscored"; cues: string[] };

type Row = {
  id: string;
  occurred_at: Date;
  kind: TimelineKindName;
  channel: TimelineChannel;
  actor: "customer" | "agent" | "system";
  actor_user_id: string | null;
  actor_name: string | null;
  text: string;
  name: string | null;
  conversation_id: string | null;
  conversation_number: number | null;
  inbox_id: string | null;
  message_id: string | null;
  direction: "inbound" | "outbound" | null;
  delivery_status: string | null;
  delivery_error: string | null;
  body_html: string | null;
  quoted_text: string | null;
  subject: string | null;
  attachments: { id: string; filename: string; contentType: string; size: number }[] | null;
  payload: unknown;
  sentiment_score: number | null;
  sentiment_label: TimelineEmotion["label"] | null;
  frustration_cues: string[] | null;
};

export const MAX_PAGE = 200;

export async function listTimeline(q: TimelineQuery): Promise<{ items: TimelineItem[]; nextCursor: string | null }> {
  const limit = clampLimit(q.limit, 50, MAX_PAGE);
  // The hot path (the single view opening, scrolling back): no filters. One
  // prepared statement per shape, planned once per connection, over plain pg.
  if (isUnfiltered(q)) return pageOf(await preparedPage(q, limit), limit);
  const where: Prisma.Sql[] = [Prisma.sql`e.customer_id = ${q.customerId}::uuid`];
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    where.push(Prisma.sql`(e.occurred_at, e.id) < (${c.occurredAt}::timestamptz, ${c.id}::uuid)`);
  }
  if (q.channels?.length) where.push(Prisma.sql`e.channel = ANY(${q.channels}::"ChannelKind"[])`);
  if (q.kinds?.length) where.push(Prisma.sql`e.kind = ANY(${q.kinds}::"TimelineKind"[])`);
  if (q.conversationId) where.push(Prisma.sql`e.conversation_id = ${q.conversationId}::uuid`);
  if (q.from) where.push(Prisma.sql`e.occurred_at >= ${q.from}::timestamptz`);
  if (q.to) where.push(Prisma.sql`e.occurred_at <= ${q.to}::timestamptz`);
  const scope = scopeSql(q.inboxScope);
  if (scope) where.push(scope);
  // The page is chosen by the index alone; details are joined for those rows only.
  const rows = await db.$queryRaw<Row[]>`
    WITH page AS (
      SELECT e.* FROM timeline_events e
      WHERE ${Prisma.join(where, " AND ")}
      ORDER BY e.occurred_at DESC, e.id DESC
      LIMIT ${limit + 1}
    )
    ${DETAILS}
    ORDER BY p.occurred_at DESC, p.id DESC`;
  return pageOf(rows, limit);
}

function pageOf(rows: Row[], limit: number): { items: TimelineItem[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map(toItem),
    nextCursor: more && last ? encodeCursor({ occurredAt: last.occurred_at, id: last.id }) : null,
  };
}

// Two fixed texts (first page, next page) so each keeps the keyset condition
// in its index range; the inbox scope ($n NULL = every inbox) is a filter on
// the rows the index yields.
const DETAILS_SQL = `
    SELECT p.id, p.occurred_at, p.kind, p.channel, p.actor, p.actor_user_id, u.name AS actor_name,
           p.text, p.name, p.conversation_id, c.number AS conversation_number, p.inbox_id, p.message_id,
           m.direction, m.delivery_status, m.delivery_error, m.body_html, m.quoted_text, m.subject,
           (SELECT json_agg(json_build_object('id', a.id, 'filename', a.filename, 'contentType', a.content_type, 'size', a.size) ORDER BY a.created_at, a.id)
              FROM attachments a WHERE a.message_id = p.message_id) AS attachments,
           p.payload, p.sentiment_score, p.sentiment_label, p.frustration_cues
    FROM page p
    LEFT JOIN users u ON u.id = p.actor_user_id
    LEFT JOIN conversations c ON c.id = p.conversation_id
    LEFT JOIN messages m ON m.id = p.message_id
    ORDER BY p.occurred_at DESC, p.id DESC`;
const SCOPE_SQL = (n: number) => `($${n}::uuid[] IS NULL OR e.inbox_id IS NULL OR e.inbox_id = ANY($${n}::uuid[]))`;
export const FIRST_PAGE_SQL = `
    WITH page AS (
      SELECT e.* FROM timeline_events e
      WHERE e.customer_id = $1::uuid AND ${SCOPE_SQL(3)}
      ORDER BY e.occurred_at DESC, e.id DESC
      LIMIT $2
    )${DETAILS_SQL}`;
export const NEXT_PAGE_SQL = `
    WITH page AS (
      SELECT e.* FROM timeline_events e
      WHERE e.customer_id = $1::uuid AND (e.occurred_at, e.id) < ($4::timestamptz, $5::uuid) AND ${SCOPE_SQL(3)}
      ORDER BY e.occurred_at DESC, e.id DESC
      LIMIT $2
    )${DETAILS_SQL}`;

// The REST API's page: the customer's existence folded into the same statement
// (no customer → no row; a customer without events → one row of NULLs).
const CUSTOMER_SQL = `cust AS (SELECT 1 AS found FROM customers c WHERE c.id = $1::uuid AND c.erased_at IS NULL)`;
const foldExistence = (pageSql: string) =>
  pageSql.replace("WITH page AS", `WITH ${CUSTOMER_SQL}, page AS`).replace(DETAILS_SQL, `
    SELECT d.* FROM cust LEFT JOIN LATERAL (${DETAILS_SQL}) d ON true
    ORDER BY d.occurred_at DESC, d.id DESC`);
export const CUSTOMER_FIRST_PAGE_SQL = foldExistence(FIRST_PAGE_SQL);
export const CUSTOMER_NEXT_PAGE_SQL = foldExistence(NEXT_PAGE_SQL);

/**
 * A page of the timeline of a customer who must exist (and not be erased):
 * null when there is no such customer. Unfiltered pages ask both in one
 * prepared statement; filtered ones run the check beside the page.
 */
export async function listCustomerTimeline(q: TimelineQuery): Promise<{ items: TimelineItem[]; nextCursor: string | null } | null> {
  const limit = clampLimit(q.limit, 50, MAX_PAGE);
  if (!isUnfiltered(q)) {
    const [exists, page] = await Promise.all([customerExists(q.customerId), listTimeline(q)]);
    return exists ? page : null;
  }
  const scope = !q.inboxScope || q.inboxScope === "all" ? null : q.inboxScope;
  let rows: Row[];
  if (!q.cursor) rows = await prepared<Row>("timeline_customer_first_page_v2", CUSTOMER_FIRST_PAGE_SQL, [q.customerId, limit + 1, scope]);
  else {
    const c = decodeCursor(q.cursor);
    rows = await prepared<Row>("timeline_customer_next_page_v2", CUSTOMER_NEXT_PAGE_SQL, [q.customerId, limit + 1, scope, c.occurredAt, c.id]);
  }
  if (rows.length === 0) return null;
  return pageOf(rows.filter((r) => r.id !== null), limit);
}

async function customerExists(id: string): Promise<boolean> {
  const rows = await prepared<{ ok: number }>("customer_exists_v1", "SELECT 1 AS ok FROM customers WHERE id = $1::uuid AND erased_at IS NULL", [id]);
  return rows.length > 0;
}

function isUnfiltered(q: TimelineQuery): boolean {
  return !q.channels?.length && !q.kinds?.length && !q.conversationId && !q.from && !q.to;
}

async function preparedPage(q: TimelineQuery, limit: number): Promise<Row[]> {
  const scope = !q.inboxScope || q.inboxScope === "all" ? null : q.inboxScope;
  if (!q.cursor) return prepared<Row>("timeline_first_page_v2", FIRST_PAGE_SQL, [q.customerId, limit + 1, scope]);
  const c = decodeCursor(q.cursor);
  return prepared<Row>("timeline_next_page_v2", NEXT_PAGE_SQL, [q.customerId, limit + 1, scope, c.occurredAt, c.id]);
}

function clampLimit(limit: number | undefined, fallback: number, max: number): number {
  const n = limit === undefined || !Number.isFinite(limit) ? fallback : Math.trunc(limit);
  return Math.min(Math.max(n, 1), max);
}

// Events of other inboxes are hidden; events outside any inbox (product
// events, journey changes) are visible to everyone who may see the customer.
function scopeSql(scope: "all" | string[] | undefined): Prisma.Sql | null {
  if (!scope || scope === "all") return null;
  return Prisma.sql`(e.inbox_id IS NULL OR e.inbox_id = ANY(${scope}::uuid[]))`;
}

// Joins the display details onto the rows of a CTE named "page".
const DETAILS = Prisma.sql`
    SELECT p.id, p.occurred_at, p.kind, p.channel, p.actor, p.actor_user_id, u.name AS actor_name,
           p.text, p.name, p.conversation_id, c.number AS conversation_number, p.inbox_id, p.message_id,
           m.direction, m.delivery_status, m.delivery_error, m.body_html, m.quoted_text, m.subject,
           (SELECT json_agg(json_build_object('id', a.id, 'filename', a.filename, 'contentType', a.content_type, 'size', a.size) ORDER BY a.created_at, a.id)
              FROM attachments a WHERE a.message_id = p.message_id) AS attachments,
           p.payload, p.sentiment_score, p.sentiment_label, p.frustration_cues
    FROM page p
    LEFT JOIN users u ON u.id = p.actor_user_id
    LEFT JOIN conversations c ON c.id = p.conversation_id
    LEFT JOIN messages m ON m.id = p.message_id`;

/** Timeline items by event id (any order in, timeline order out); unknown ids are skipped. */
export async function getTimelineItems(eventIds: string[]): Promise<TimelineItem[]> {
  if (eventIds.length === 0) return [];
  const rows = await db.$queryRaw<Row[]>`
    WITH page AS (SELECT e.* FROM timeline_events e WHERE e.id = ANY(${eventIds}::uuid[]))
    ${DETAILS}
    ORDER BY p.occurred_at DESC, p.id DESC`;
  return rows.map(toItem);
}

export async function getTimelineItem(eventId: string): Promise<TimelineItem | null> {
  const [item] = await getTimelineItems([eventId]);
  return item ?? null;
}

export type SearchHit = TimelineItem & { customerId: string; customerName: string | null; rank: number };

export type SearchQuery = {
  /** One customer's timeline; without it, every customer's messages and notes. */
  customerId?: string;
  /** Web-search syntax: words, "quoted phrases", -exclusions, or. */
  query: string;
  limit?: number;
  inboxScope?: "all" | string[];
};

/**
 * Full-text search over the GIN-indexed search_vector (to_tsvector('simple',
 * text)), best match first (ts_rank_cd), then newest. The 'simple' dictionary
 * keeps names, ids and mixed-language text searchable as typed.
 */
export async function searchTimeline(q: SearchQuery): Promise<SearchHit[]> {
  const text = q.query.trim().slice(0, 500);
  if (!text) return [];
  const limit = clampLimit(q.limit, 20, 100);
  const where: Prisma.Sql[] = [Prisma.sql`e.search_vector @@ q.tsq`];
  if (q.customerId) {
    where.push(Prisma.sql`e.customer_id = ${q.customerId}::uuid`);
    const scope = scopeSql(q.inboxScope);
    if (scope) where.push(scope);
  } else {
    // Across customers, only messages and notes of the viewer's inboxes: an
    // event of no inbox would name a customer the viewer may not see.
    where.push(Prisma.sql`e.kind IN ('message', 'note')`);
    if (q.inboxScope && q.inboxScope !== "all") where.push(Prisma.sql`e.inbox_id = ANY(${q.inboxScope}::uuid[])`);
  }
  const rows = await db.$queryRaw<(Row & { customer_id: string; customer_name: string | null; rank: number })[]>`
    WITH q AS (SELECT websearch_to_tsquery('simple', ${text}) AS tsq),
    page AS (
      SELECT e.*, ts_rank_cd(e.search_vector, q.tsq) AS rank
      FROM timeline_events e, q
      WHERE ${Prisma.join(where, " AND ")}
      ORDER BY rank DESC, e.occurred_at DESC, e.id DESC
      LIMIT ${limit}
    ),
    hits AS (${DETAILS})
    SELECT h.*, p.customer_id, cu.name AS customer_name, p.rank::float8 AS rank
    FROM hits h JOIN page p ON p.id = h.id JOIN customers cu ON cu.id = p.customer_id
    ORDER BY p.rank DESC, p.occurred_at DESC, p.id DESC`;
  return rows.map((r) => ({ ...toItem(r), customerId: r.customer_id, customerName: r.customer_name, rank: Number(r.rank) }));
}

export function toItem(r: Row): TimelineItem {
  const body = emailHtmlForDisplay(r.body_html);
  return {
    id: r.id,
    occurredAt: r.occurred_at.toISOString(),
    kind: r.kind,
    channel: r.channel,
    actor: r.actor,
    actorUserId: r.actor_user_id,
    actorName: r.actor_name,
    text: r.text,
    name: r.name,
    conversationId: r.conversation_id,
    conversationNumber: r.conversation_number,
    inboxId: r.inbox_id,
    messageId: r.message_id,
    direction: r.direction,
    deliveryStatus: r.delivery_status,
    deliveryError: r.delivery_error,
    bodyHtml: body.html,
    remoteImages: body.remoteImages,
    quotedText: r.quoted_text,
    subject: r.subject,
    attachments: r.attachments ?? [],
    payload: r.payload,
    emotion: emotionFromColumns(r.sentiment_score, r.sentiment_label, r.frustration_cues),
  };
}
