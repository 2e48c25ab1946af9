// A conversation's lifecycle as messages arrive: which conversation a message
// belongs to (found by id, by thread, or opened), and what the message does to
// it — last message and preview, waiting since, first response, and the
// reopen: a customer message moves a resolved, closed, snoozed or pending
// conversation back to open, on the timeline as a status change. Runs inside
// the write path's transaction (src/server/ingest/write-batch.ts); changes are
// collected per conversation and written once at the end of the batch.
import type { ChannelKind } from "@/generated/prisma/enums";
import { Prisma } from "@/server/db";
import type { DomainEvent } from "@/server/events/bus";
import { uuidv7 } from "@/server/db/ids";
import { RetryTransaction, type Tx } from "@/server/db/tx";
import type { ResolvedCustomer } from "@/server/customers/identity";
import { TouchpointError, type CreatedEvent, type Prepared } from "@/server/ingest/touchpoint";

// A resolved or closed conversation is picked up again by a new message in its
// thread for this long; after that the message starts a new conversation.
export const REOPEN_WINDOW_DAYS = 30;
const PREVIEW_CHARS = 160;

/** A conversation as one write batch sees and changes it. */
export type ConvState = {
  id: string;
  customerId: string;
  originCustomerId: string;
  inboxId: string;
  channel: ChannelKind;
  status: string;
  firstResponseAt: Date | null;
  waitingSince: Date | null;
  lastMessageAt: Date;
  reopenCount: number;
  isNew: boolean;
  /** Columns to update at the end of the batch (and what conversation.updated reports). */
  changes: Record<string, unknown>;
};

/** The conversations one batch has locked, by id and by find-or-create lock key. */
export type ConversationCache = { byId: Map<string, ConvState>; byLockKey: Map<string, ConvState> };

export function conversationCache(): ConversationCache {
  return { byId: new Map(), byLockKey: new Map() };
}

type ConvRow = {
  id: string;
  customer_id: string;
  origin_customer_id: string;
  inbox_id: string;
  channel: ChannelKind;
  status: string;
  first_response_at: Date | null;
  waiting_since: Date | null;
  last_message_at: Date;
  reopen_count: number;
};

function toState(r: ConvRow): ConvState {
  return {
    id: r.id,
    customerId: r.customer_id,
    originCustomerId: r.origin_customer_id,
    inboxId: r.inbox_id,
    channel: r.channel,
    status: r.status,
    firstResponseAt: r.first_response_at,
    waitingSince: r.waiting_since,
    lastMessageAt: r.last_message_at,
    reopenCount: r.reopen_count,
    isNew: false,
    changes: {},
  };
}

const CONV_COLUMNS = Prisma.sql`id, customer_id, origin_customer_id, inbox_id, channel, status::text AS status, first_response_at, waiting_since, last_message_at, reopen_count`;

/**
 * The conversation a touchpoint goes to, locked for the rest of the
 * transaction: the named one, else the thread's (or the customer's, in this
 * inbox) open or recent one, else a new one.
 */
export async function obtainConversation(tx: Tx, p: Prepared, r: ResolvedCustomer, cache: ConversationCache, customerFromConversation: boolean): Promise<ConvState> {
  const spec = p.input.conversation!;
  if (spec.id) {
    const cached = cache.byId.get(spec.id);
    if (cached) return cached;
    const [row] = await tx.$queryRaw<ConvRow[]>`SELECT ${CONV_COLUMNS} FROM conversations WHERE id = ${spec.id}::uuid FOR UPDATE`;
    if (!row) throw new TouchpointError("not_found", `unknown conversation ${spec.id}`);
    if (row.inbox_id !== spec.inboxId) throw new TouchpointError("invalid_input", "the conversation belongs to another inbox");
    // Moved by a merge (or its undo) since we resolved its customer: start over.
    if (customerFromConversation && row.customer_id !== r.customerId) throw new RetryTransaction("conversation moved");
    const state = toState(row);
    cache.byId.set(state.id, state);
    return state;
  }

  const threadKey = spec.externalThreadKey?.trim() || null;
  // Serialises "find or create" for one thread: no unique index can say "one
  // open conversation per thread", so two first messages would open two.
  const lockKey = `conv:${spec.inboxId}:${threadKey !== null ? `t:${threadKey}` : `c:${r.customerId}`}`;
  const known = cache.byLockKey.get(lockKey);
  if (known) return known;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${lockKey}, 0))`;
  const recent = Prisma.sql`(status IN ('open', 'pending', 'snoozed') OR last_message_at > now() - make_interval(days => ${REOPEN_WINDOW_DAYS}))`;
  const [row] =
    threadKey !== null
      ? await tx.$queryRaw<ConvRow[]>`
          SELECT ${CONV_COLUMNS} FROM conversations
          WHERE inbox_id = ${spec.inboxId}::uuid AND external_thread_key = ${threadKey} AND ${recent}
          ORDER BY last_message_at DESC, id DESC LIMIT 1 FOR UPDATE`
      : await tx.$queryRaw<ConvRow[]>`
          SELECT ${CONV_COLUMNS} FROM conversations
          WHERE customer_id = ${r.customerId}::uuid AND inbox_id = ${spec.inboxId}::uuid AND ${recent}
          ORDER BY last_message_at DESC, id DESC LIMIT 1 FOR UPDATE`;
  const state = row ? (cache.byId.get(row.id) ?? toState(row)) : await openConversation(tx, p, r, threadKey);
  cache.byId.set(state.id, state);
  cache.byLockKey.set(lockKey, state);
  return state;
}

async function openConversation(tx: Tx, p: Prepared, r: ResolvedCustomer, threadKey: string | null): Promise<ConvState> {
  const spec = p.input.conversation!;
  const c = await tx.conversation.create({
    data: {
      id: uuidv7(),
      customerId: r.customerId,
      originCustomerId: r.originCustomerId,
      inboxId: spec.inboxId,
      channel: p.input.channel,
      subject: (spec.subject ?? p.input.message?.subject ?? null)?.slice(0, 500) ?? null,
      externalThreadKey: threadKey,
      teamId: spec.teamId ?? null,
      lastMessageAt: p.occurredAt,
    },
    select: { id: true },
  });
  return {
    id: c.id,
    customerId: r.customerId,
    originCustomerId: r.originCustomerId,
    inboxId: spec.inboxId,
    channel: p.input.channel,
    status: "open",
    firstResponseAt: null,
    waitingSince: null,
    lastMessageAt: p.occurredAt,
    reopenCount: 0,
    isNew: true,
    changes: {},
  };
}

/**
 * What a message does to its conversation. Returns the previous status when
 * the message moved it back to open (from resolved/closed: a reopen, counted;
 * from snoozed/pending: the customer answered), so the change is on the timeline.
 */
export function applyToConversation(conv: ConvState, p: Prepared): string | null {
  const m = p.input.message;
  if (!m || m.isNote || p.input.kind === "note") return null;
  const at = p.occurredAt;
  if (at >= conv.lastMessageAt) {
    conv.lastMessageAt = at;
    conv.changes.lastMessageAt = at;
    conv.changes.lastMessagePreview = preview(p.input.text || m.bodyText);
  }
  let reopenedFrom: string | null = null;
  if (m.direction === "inbound" && !m.isAutoReply) {
    if (!conv.waitingSince) {
      conv.waitingSince = at;
      conv.changes.waitingSince = at;
    }
    if (conv.status === "resolved" || conv.status === "closed") {
      reopenedFrom = conv.status;
      conv.reopenCount += 1;
      Object.assign(conv.changes, { status: "open", reopenCount: conv.reopenCount, resolvedAt: null, snoozedUntil: null });
      conv.status = "open";
    } else if (conv.status === "snoozed" || conv.status === "pending") {
      // The customer wrote back: the ball is in our court again.
      reopenedFrom = conv.status;
      Object.assign(conv.changes, { status: "open", snoozedUntil: null });
      conv.status = "open";
    }
  } else if (m.direction === "outbound" && p.input.actor === "agent") {
    if (conv.waitingSince) {
      conv.waitingSince = null;
      conv.changes.waitingSince = null;
    }
    if (!conv.firstResponseAt) {
      conv.firstResponseAt = at;
      conv.changes.firstResponseAt = at;
    }
  }
  return reopenedFrom;
}

/** The status change a customer message caused (applyToConversation's answer), on the timeline just above the message. */
export async function recordReopen(tx: Tx, conv: ConvState, from: string, at: Date, messageId: string | null): Promise<CreatedEvent> {
  // Same moment, later id: the reopen shows just above the message.
  const id = uuidv7();
  await tx.timelineEvent.create({
    data: {
      id,
      customerId: conv.customerId,
      originCustomerId: conv.originCustomerId,
      occurredAt: at,
      kind: "ticket_event",
      channel: conv.channel,
      actor: "system",
      conversationId: conv.id,
      inboxId: conv.inboxId,
      name: "status",
      text: from === "snoozed" ? "Snooze ended by customer message" : from === "pending" ? "Back to open: the customer replied" : "Reopened by customer message",
      payload: { from, to: "open", reason: "customer_message", messageId },
      createdAt: new Date(),
    },
  });
  return { eventId: id, customerId: conv.customerId, conversationId: conv.id, inboxId: conv.inboxId, occurredAt: at };
}

/** Writes each conversation's collected changes (once per batch). */
export async function saveConversationChanges(tx: Tx, convs: Iterable<ConvState>) {
  for (const conv of convs) {
    if (Object.keys(conv.changes).length === 0) continue;
    await tx.conversation.update({ where: { id: conv.id }, data: conv.changes as Prisma.ConversationUpdateInput });
  }
}

/** conversation.updated for each conversation the batch opened or changed (publish after commit). */
export function conversationUpdatedEvents(convs: Iterable<ConvState>): DomainEvent[] {
  const events: DomainEvent[] = [];
  for (const conv of convs) {
    if (Object.keys(conv.changes).length === 0 && !conv.isNew) continue;
    const changes = conv.isNew ? { ...conv.changes, created: true, status: conv.status } : conv.changes;
    events.push({ type: "conversation.updated", conversationId: conv.id, customerId: conv.customerId, inboxId: conv.inboxId, changes });
  }
  return events;
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS - 1)}…` : flat;
}
