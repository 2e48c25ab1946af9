// What a widget visitor can do, independent of the transport (the /widget
// socket namespace and the /api/widget routes both call these).
//
// The rule that keeps visitors apart: every read and write derives the
// customer — and from it the conversation — from the visitor's verified
// session (visitor token, identity hash). No function here takes a
// conversation id, message id or customer id from the client.
import { db, Prisma } from "@/server/db";
import { bus } from "@/server/events/bus";
import { resolveCustomer } from "@/server/customers/identity";
import { normalizeIdentity } from "@/server/customers/normalize";
import { recordTouchpoint, TouchpointError } from "@/server/ingest/record";
import { runTransaction } from "@/server/db/tx";
import { getPublishedArticle } from "./articles";
import { attachmentPath, visitorClaims, visitorCustomerId, type VisitorSession } from "./identity";
import type { HistoryInput, HistoryPage, PageviewInput, SendInput, WidgetMessage } from "./protocol";
import { dropStaged, loadStaged } from "./uploads";

export class WidgetError extends Error {
  constructor(
    public code: string,
    message = code,
    /** Extra fields for the client (e.g. where to resume an upload). */
    public extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const messageSelect = {
  id: true,
  direction: true,
  isNote: true,
  deletedAt: true,
  bodyText: true,
  platformMessageId: true,
  createdAt: true,
  readAt: true,
  meta: true,
  inboxId: true,
  conversationId: true,
  author: { select: { name: true, avatarUrl: true } },
  attachments: { select: { id: true, filename: true, contentType: true, size: true }, orderBy: [{ createdAt: "asc" as const }, { id: "asc" as const }] },
} satisfies Prisma.MessageSelect;

type MessageRow = Prisma.MessageGetPayload<{ select: typeof messageSelect }>;

function clientIdOf(platformMessageId: string | null): string | null {
  if (!platformMessageId) return null;
  const i = platformMessageId.indexOf(":");
  return i > 0 ? platformMessageId.slice(i + 1) : null;
}

export function toWidgetMessage(m: MessageRow): WidgetMessage | null {
  if (m.isNote || m.deletedAt) return null;
  const meta = (m.meta ?? {}) as { context?: { articleId?: unknown; title?: unknown }; bot?: unknown };
  const ctx = meta.context && typeof meta.context.articleId === "string" ? { articleId: meta.context.articleId, title: String(meta.context.title ?? "") } : null;
  const fromVisitor = m.direction === "inbound";
  return {
    id: m.id,
    clientId: fromVisitor ? clientIdOf(m.platformMessageId) : null,
    from: fromVisitor ? "visitor" : "agent",
    text: m.bodyText,
    createdAt: m.createdAt.toISOString(),
    status: m.readAt ? "read" : "delivered",
    // The answer bot's turns (src/server/assistant/bot.ts) are marked as such.
    agent: fromVisitor ? null : meta.bot === true ? { name: "Bot", avatarUrl: null } : { name: m.author?.name?.split(/\s+/)[0] ?? "Support", avatarUrl: m.author?.avatarUrl ?? null },
    attachments: m.attachments.map((a) => ({ ...a, url: attachmentPath(a.id) })),
    context: ctx,
  };
}

/** The visitor's message with this id, if it is in one of their conversations (for pushes). */
export async function loadWidgetMessage(messageId: string): Promise<(WidgetMessage & { customerId: string; inboxId: string; conversationId: string; outbound: boolean }) | null> {
  const row = await db.message.findUnique({ where: { id: messageId }, select: { ...messageSelect, conversation: { select: { customerId: true } } } });
  if (!row) return null;
  const msg = toWidgetMessage(row);
  if (!msg) return null;
  return { ...msg, customerId: row.conversation.customerId, inboxId: row.inboxId, conversationId: row.conversationId, outbound: row.direction === "outbound" };
}

async function conversationIds(customerId: string, inboxId: string): Promise<string[]> {
  const rows = await db.conversation.findMany({
    where: { customerId, inboxId },
    select: { id: true },
    orderBy: [{ lastMessageAt: "desc" }, { id: "desc" }],
    take: 100,
  });
  return rows.map((r) => r.id);
}

/** The conversation new visitor messages go to (the newest one), if any. */
export async function currentConversationId(customerId: string, inboxId: string): Promise<string | null> {
  const row = await db.conversation.findFirst({ where: { customerId, inboxId }, select: { id: true }, orderBy: [{ lastMessageAt: "desc" }, { id: "desc" }] });
  return row?.id ?? null;
}

function encodeCursor(m: { createdAt: Date; id: string }) {
  return Buffer.from(`${m.createdAt.toISOString()}|${m.id}`).toString("base64url");
}
function decodeCursor(c: string): { createdAt: Date; id: string } | null {
  const [at, id] = Buffer.from(c, "base64url").toString().split("|");
  const createdAt = new Date(at ?? "");
  if (!id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(createdAt.getTime())) return null;
  return { createdAt, id };
}

/**
 * The visitor's messages, newest page first (keyset-paged on (createdAt, id));
 * each page is returned oldest → newest for display. Agent messages not yet
 * delivered are marked delivered: the visitor has them now.
 */
export async function history(s: VisitorSession, opts: HistoryInput = {}): Promise<HistoryPage> {
  const customerId = await visitorCustomerId(s);
  if (!customerId) return { messages: [], nextCursor: null, unread: 0 };
  const convs = await conversationIds(customerId, s.inboxId);
  if (convs.length === 0) return { messages: [], nextCursor: null, unread: 0 };
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 50) || 50, 1), 100);
  const cursor = opts.before ? decodeCursor(opts.before) : null;
  if (opts.before && !cursor) throw new WidgetError("invalid_cursor");
  const rows = await db.message.findMany({
    where: {
      conversationId: { in: convs },
      isNote: false,
      deletedAt: null,
      ...(cursor ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] } : {}),
    },
    select: messageSelect,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  const messages = page.map(toWidgetMessage).filter((m): m is WidgetMessage => !!m).reverse();
  const unread = cursor
    ? 0
    : await db.message.count({ where: { conversationId: { in: convs }, direction: "outbound", isNote: false, deletedAt: null, readAt: null } });
  if (!cursor) void markDelivered(convs).catch((error: unknown) => console.error(`[widget] marking delivered failed: ${(error as Error).message}`));
  return { messages, nextCursor: more && last ? encodeCursor(last) : null, unread };
}

type StatusRow = { id: string; conversation_id: string; customer_id: string; inbox_id: string };

function publishStatuses(rows: StatusRow[], status: WidgetMessage["status"]) {
  bus.publishAll(
    rows.map((r) => ({ type: "message.status" as const, conversationId: r.conversation_id, customerId: r.customer_id, inboxId: r.inbox_id, messageId: r.id, status })),
  );
}

/**
 * Agent messages of these conversations reached the visitor. Only from
 * "sent" (the outbox's chat sender ran): the outbox sets "sent" after its
 * sender returns, so marking earlier could be overwritten backwards.
 */
export async function markDelivered(convIds: string[], messageId?: string): Promise<number> {
  if (convIds.length === 0 && !messageId) return 0;
  const where = messageId ? Prisma.sql`m.id = ${messageId}::uuid` : Prisma.sql`m.conversation_id = ANY(${convIds}::uuid[])`;
  const rows = await db.$queryRaw<StatusRow[]>`
    UPDATE messages m SET delivery_status = 'delivered', delivered_at = now()
    FROM conversations c
    WHERE ${where} AND c.id = m.conversation_id AND m.direction = 'outbound' AND NOT m.is_note
      AND m.deleted_at IS NULL AND m.delivery_status = 'sent'
    RETURNING m.id, m.conversation_id, c.customer_id, m.inbox_id`;
  publishStatuses(rows, "delivered");
  return rows.length;
}

/** The visitor read every agent message of their conversations. */
export async function markRead(s: VisitorSession): Promise<number> {
  const customerId = await visitorCustomerId(s);
  if (!customerId) return 0;
  const convs = await conversationIds(customerId, s.inboxId);
  if (convs.length === 0) return 0;
  const rows = await db.$queryRaw<StatusRow[]>`
    UPDATE messages m SET read_at = now(), delivery_status = 'read', delivered_at = COALESCE(m.delivered_at, now())
    FROM conversations c
    WHERE m.conversation_id = ANY(${convs}::uuid[]) AND c.id = m.conversation_id AND m.direction = 'outbound'
      AND NOT m.is_note AND m.deleted_at IS NULL AND m.read_at IS NULL
    RETURNING m.id, m.conversation_id, c.customer_id, m.inbox_id`;
  publishStatuses(rows, "read");
  return rows.length;
}

export type SendResult = { id: string; createdAt: string; duplicate: boolean; customerId: string; conversationId: string | null };

/**
 * Stores a visitor message once: the platform message id is the widget's
 * client id (prefixed with the visitor id, so one visitor's ids can never
 * collide with — or probe — another's). Resolves after commit.
 */
export async function sendMessage(s: VisitorSession, input: SendInput): Promise<SendResult> {
  const text = input.text.replace(/\r\n?/g, "\n").trim();
  const ids = [...new Set(input.attachments ?? [])];
  if (!text && ids.length === 0) throw new WidgetError("empty_message", "The message is empty.");
  const platformMessageId = `${s.visitorId}:${input.clientId}`;

  const staged = await loadStaged(s.inboxId, s.visitorId, ids);
  if (staged.length !== ids.length) {
    // A resend of a message already stored (its staged uploads were consumed then).
    const existing = await db.message.findUnique({
      where: { inboxId_platformMessageId: { inboxId: s.inboxId, platformMessageId } },
      select: { id: true, createdAt: true, conversationId: true, conversation: { select: { customerId: true } } },
    });
    if (existing) return { id: existing.id, createdAt: existing.createdAt.toISOString(), duplicate: true, customerId: existing.conversation.customerId, conversationId: existing.conversationId };
    throw new WidgetError("attachment_missing", "An attachment was not uploaded. Please attach it again.");
  }

  let context: { articleId: string; title: string; slug: string } | null = null;
  if (input.context?.articleId) {
    const a = await getPublishedArticle(input.context.articleId);
    if (a) context = { articleId: a.id, title: a.title, slug: a.slug };
  }
  const meta: Record<string, unknown> = { source: "widget" };
  if (context) meta.context = context;
  if (input.page?.url) meta.page = { url: input.page.url, title: input.page.title ?? null };

  try {
    const r = await recordTouchpoint({
      identities: visitorClaims(s),
      customerName: s.name,
      channel: "chat",
      kind: "message",
      actor: "customer",
      text: text || "",
      conversation: { inboxId: s.inboxId, subject: context ? `About: ${context.title}` : null },
      message: {
        direction: "inbound",
        bodyText: text,
        platformMessageId,
        meta,
        attachments: staged.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size, data: a.data ? Buffer.from(a.data) : undefined })),
      },
    });
    if (staged.length) await dropStaged(staged.map((a) => a.id)).catch(() => undefined);
    return { id: r.messageId!, createdAt: r.occurredAt.toISOString(), duplicate: !r.created, customerId: r.customerId, conversationId: r.conversationId };
  } catch (error) {
    if (error instanceof TouchpointError && error.code === "invalid_input") throw new WidgetError("invalid_payload", error.message);
    throw error;
  }
}

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`.slice(0, 300) || "/";
  } catch {
    return url.slice(0, 300);
  }
}

export async function recordPageView(s: VisitorSession, page: PageviewInput) {
  const title = page.title?.trim().slice(0, 300) ?? "";
  return recordTouchpoint({
    identities: visitorClaims(s),
    customerName: s.name,
    channel: "chat",
    kind: "product_event",
    actor: "customer",
    name: "page_view",
    text: `Viewed ${pathOf(page.url)}`,
    payload: { url: page.url, title, inbox: s.publicId },
  });
}

export async function recordArticleView(s: VisitorSession, articleId: string) {
  const article = await getPublishedArticle(articleId);
  if (!article) throw new WidgetError("not_found", "No such article.");
  // Opening the same article twice within a minute counts once.
  const minute = Math.floor(Date.now() / 60_000);
  const r = await recordTouchpoint({
    identities: visitorClaims(s),
    customerName: s.name,
    channel: "chat",
    kind: "article_view",
    actor: "customer",
    name: article.slug,
    text: `Viewed article “${article.title}”`,
    payload: { articleId: article.id, slug: article.slug, title: article.title, category: article.category, inbox: s.publicId },
    dedupeKey: `widget:article_view:${s.visitorId}:${article.id}:${minute}`,
  });
  if (r.created) await db.article.update({ where: { id: article.id }, data: { views: { increment: 1 } } }).catch(() => undefined);
  return { article, result: r };
}

/**
 * Pre-chat form / offline email: the visitor's name and an UNVERIFIED email
 * claim, attached to the visitor's customer (created if needed). An email
 * that belongs to someone else never moves the visitor onto that customer; it
 * is left as a duplicate suggestion for agents.
 */
export async function savePrechat(s: VisitorSession, input: { name?: string | null; email?: string | null }): Promise<{ customerId: string; email: string | null; name: string | null }> {
  const name = input.name?.trim().slice(0, 200) || null;
  const email = input.email?.trim() ? normalizeIdentity("email", input.email) : null;
  const claims = visitorClaims(s);
  if (email && !claims.some((c) => c.kind === "email" && c.value === email)) claims.push({ kind: "email", value: email, verified: false, source: "widget_prechat" });
  const r = await runTransaction((tx) => resolveCustomer(tx, claims, name ?? s.name));
  if (r.created) bus.publish({ type: "customer.created", customerId: r.customerId });
  bus.publish({ type: "customer.updated", customerId: r.customerId, changes: { ...(name ? { name } : {}), ...(email ? { email } : {}) } });
  return { customerId: r.customerId, email, name };
}

export { visitorCustomerId };
