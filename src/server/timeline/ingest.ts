// The one write path for touchpoints. Channel adapters, the events API, the
// console and automation all call recordTouchpoint(s); nothing else inserts
// timeline events. In one transaction it resolves the customer, finds or
// opens the conversation, stores the message and the timeline event and
// updates the conversation; after commit it publishes on the bus.
//
// Idempotent: a dedupeKey (or a message's (inbox, platformMessageId)) seen
// before returns the first result with created=false. Two identical
// deliveries racing each other meet at the unique indexes; the loser's
// transaction is retried and then finds the winner's rows (see ./tx.ts).
import type { ChannelKind, DeliveryStatus, TimelineKind } from "@/generated/prisma/enums";
import { db, Prisma } from "@/server/db";
import { bus, type DomainEvent } from "@/server/events/bus";
import { normalizeClaims, resolveCustomers, STRENGTH, UnknownCustomerError, type IdentityClaim, type ResolveRequest, type ResolvedCustomer } from "@/server/customers/identity";
import { InvalidIdentityError } from "@/server/customers/normalize";
import { isUuid, uuidv7 } from "./ids";
import { plainTimelineItem, writeFast, type FastItem } from "./fast-ingest";
import { getTimelineItems, type TimelineItem } from "./query";
import { RetryTransaction, runTransaction, type Tx } from "./tx";
import { unstorablePath } from "@/server/text/storable";

export type { IdentityClaim };

export type AttachmentInput = { filename: string; contentType: string; size: number; data?: Buffer; remoteUrl?: string; contentId?: string };

export type TouchpointInput = {
  /** Resolve (or create) the customer from these... */
  identities?: IdentityClaim[];
  /** ...or a known customer id (merge chains are followed). */
  customerId?: string;
  /** Used when creating; fills an empty name. */
  customerName?: string | null;
  channel: ChannelKind;
  kind: TimelineKind;
  actor: "customer" | "agent" | "system";
  actorUserId?: string | null;
  occurredAt?: Date;
  name?: string | null;
  text: string;
  payload?: Record<string, unknown>;
  /** Idempotency: the same key twice is stored once. */
  dedupeKey?: string;
  /** Without id: the open-or-recent conversation of (inboxId, externalThreadKey), or a new one. */
  conversation?: { id?: string; inboxId: string; externalThreadKey?: string | null; subject?: string | null; teamId?: string | null };
  message?: {
    direction: "inbound" | "outbound";
    bodyText: string;
    bodyHtml?: string | null;
    quotedText?: string | null;
    subject?: string | null;
    platformMessageId?: string | null;
    inReplyTo?: string | null;
    references?: string[];
    cc?: string[];
    isAutoReply?: boolean;
    isNote?: boolean;
    authorId?: string | null;
    deliveryStatus?: DeliveryStatus;
    meta?: Record<string, unknown>;
    attachments?: AttachmentInput[];
  };
};

export type TouchpointResult = {
  created: boolean;
  eventId: string;
  customerId: string;
  conversationId: string | null;
  messageId: string | null;
  occurredAt: Date;
};

/** Bad input (400) or a referenced row that does not exist (404). Nothing was stored. */
export class TouchpointError extends Error {
  constructor(
    public code: "invalid_input" | "not_found",
    message: string,
  ) {
    super(message);
  }
}

/** A created event, enough to publish it after commit (item: built from what was written; else read after commit). */
export type CreatedEvent = { eventId: string; customerId: string; conversationId: string | null; inboxId: string | null; occurredAt: Date; item?: TimelineItem };

// A resolved or closed conversation is picked up again by a new message in its
// thread for this long; after that the message starts a new conversation.
const REOPEN_WINDOW_DAYS = 30;
const PREVIEW_CHARS = 160;
const CHANNELS = new Set(["email", "chat", "messenger", "instagram", "whatsapp", "telegram", "x", "api", "system"]);
const KINDS = new Set(["message", "note", "ticket_event", "product_event", "survey_response", "article_view", "journey_stage"]);
const ACTORS = new Set(["customer", "agent", "system"]);

type Prepared = {
  input: TouchpointInput;
  occurredAt: Date;
  dedupeKey: string | null;
  /** inboxId + platformMessageId of a message, for the message-level idempotency check. */
  msgKey: string | null;
  /** An earlier item of the same batch with the same key: this one is its duplicate. */
  dupOf: number | null;
};

type ConvState = {
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

type BatchOutcome = {
  results: TouchpointResult[];
  created: CreatedEvent[];
  conversations: ConvState[];
  customerChanges: Map<string, Record<string, unknown>>;
};

export type RecordOptions = {
  /**
   * Extra writes that must commit with the touchpoints (e.g. the outbox item of
   * an outbound message: stored before sent, in one transaction). Runs inside
   * the transaction after the touchpoints are written; a throw rolls all back.
   */
  afterWrite?: (tx: Tx, results: TouchpointResult[]) => Promise<void>;
};

export async function recordTouchpoint(input: TouchpointInput, options: RecordOptions = {}): Promise<TouchpointResult> {
  const [result] = await recordTouchpoints([input], options);
  return result!;
}

/**
 * Many touchpoints in one transaction (the events API sends up to 1,000): one
 * statement when every item is a known customer's plain event (./fast-ingest.ts),
 * else the full path, a transaction of a few round trips.
 */
export async function recordTouchpoints(inputs: TouchpointInput[], options: RecordOptions = {}): Promise<TouchpointResult[]> {
  if (inputs.length === 0) return [];
  inputs.forEach(validate);
  const prepared = prepare(inputs);
  // afterWrite needs the transaction: the full path.
  if (!options.afterWrite) {
    const fast = await recordFast(prepared, true);
    if (fast.every((r) => r !== null)) return fast;
  }
  const outcome = await runTransaction(
    async (tx) => {
      const written = await writeBatch(tx, prepared);
      await options.afterWrite?.(tx, written.results);
      return written;
    },
    { timeout: 120_000 },
  );
  await publishAfterCommit(outcome);
  return outcome.results;
}

/**
 * For group commit: records, each on its own (not one transaction), the inputs
 * the one-statement path can take, and returns null for the others (invalid
 * ones, new customers, conversations...), which the caller then records through
 * recordTouchpoint(s) to get their result or their error.
 */
export async function recordTouchpointsFast(inputs: TouchpointInput[]): Promise<(TouchpointResult | null)[]> {
  const valid = inputs.flatMap((input, i) => {
    try {
      validate(input, 0);
      return [i];
    } catch {
      return [];
    }
  });
  const fast = await recordFast(prepare(valid.map((i) => inputs[i]!)), false);
  const out: (TouchpointResult | null)[] = inputs.map(() => null);
  valid.forEach((i, n) => (out[i] = fast[n]!));
  return out;
}

/** The one-statement path; null for what it leaves to the full path (everything, when allOrNothing and any is left). */
async function recordFast(prepared: Prepared[], allOrNothing: boolean): Promise<(TouchpointResult | null)[]> {
  const results: (TouchpointResult | null)[] = prepared.map(() => null);
  // Duplicates inside the batch follow the first of their key.
  const firsts = prepared.flatMap((p, i) => (p.dupOf === null ? [i] : []));
  const items = firsts.map((i) => fastItem(prepared[i]!));
  if (allOrNothing && items.some((it) => it === null)) return results;
  const sent = firsts.flatMap((i, n) => (items[n] ? [{ i, item: items[n]! }] : []));
  if (sent.length === 0) return results;
  const outcomes = await writeFast(
    sent.map((s) => s.item),
    allOrNothing,
  );
  const events: DomainEvent[] = [];
  const ltv = new Map<string, number>();
  sent.forEach(({ i }, n) => {
    const o = outcomes[n]!;
    if (o.status === "fallback") return;
    results[i] = { created: o.status === "created", eventId: o.row.id, customerId: o.row.customerId, conversationId: o.row.conversationId, messageId: o.row.messageId, occurredAt: o.row.occurredAt };
    if (o.status !== "created") return;
    events.push({ type: "timeline.created", customerId: o.row.customerId, eventId: o.row.id, conversationId: null, inboxId: null, occurredAt: o.row.occurredAt.toISOString(), item: o.item });
    const amount = purchaseAmount(prepared[i]!.input);
    if (amount !== 0) ltv.set(o.row.customerId, (ltv.get(o.row.customerId) ?? 0) + amount);
  });
  prepared.forEach((p, i) => {
    const first = p.dupOf !== null ? results[p.dupOf] : null;
    if (first) results[i] = { ...first, created: false };
  });
  for (const [customerId, delta] of ltv) if (delta !== 0) events.push({ type: "customer.updated", customerId, changes: { lifetimeValueDelta: delta } });
  bus.publishAll(events);
  return results;
}

/** The row the one-statement path would write, or null if the input is not its kind. */
function fastItem(p: Prepared): FastItem | null {
  const input = p.input;
  if (input.conversation || input.message) return null;
  // Malformed ids: the full path gives the errors.
  if (input.actorUserId && !isUuid(input.actorUserId)) return null;
  if (input.customerName != null && typeof input.customerName !== "string") return null;
  let customerId: string | null = null;
  let claims: FastItem["claims"] = [];
  if (input.customerId) {
    if (!isUuid(input.customerId)) return null;
    customerId = input.customerId;
  } else {
    let normalized: ReturnType<typeof normalizeClaims>;
    try {
      normalized = normalizeClaims(input.identities ?? []);
    } catch {
      return null;
    }
    if (normalized.length === 0) return null;
    // All claims known (else the full path): the strongest verified one names the customer, else the strongest.
    const byStrength = [...normalized].sort((a, b) => STRENGTH[a.kind] - STRENGTH[b.kind]);
    const anchor = byStrength.find((c) => c.verified) ?? byStrength[0];
    claims = normalized.map((c) => ({ kind: c.kind, value: c.value, verified: c.verified, anchor: c === anchor }));
  }
  const amount = purchaseAmount(input);
  return {
    id: uuidv7(),
    customerId,
    claims,
    occurredAt: p.occurredAt,
    kind: input.kind,
    channel: input.channel,
    actor: input.actor,
    actorUserId: input.actorUserId ?? null,
    name: input.name ?? null,
    text: input.text.length > 0 ? input.text : fallbackText(input),
    payload: input.payload ?? {},
    dedupeKey: p.dedupeKey,
    amount: amount !== 0 ? amount.toFixed(2) : null,
    customerName: input.customerName?.trim() ? input.customerName.trim().slice(0, 200) : null,
  };
}

function validate(input: TouchpointInput, index: number) {
  const fail = (msg: string) => {
    throw new TouchpointError("invalid_input", index > 0 ? `item ${index}: ${msg}` : msg);
  };
  if (!input || typeof input !== "object") fail("touchpoint must be an object");
  if (!CHANNELS.has(input.channel)) fail(`unknown channel ${String(input.channel)}`);
  if (!KINDS.has(input.kind)) fail(`unknown kind ${String(input.kind)}`);
  if (!ACTORS.has(input.actor)) fail(`unknown actor ${String(input.actor)}`);
  if (typeof input.text !== "string") fail("text must be a string");
  if (input.occurredAt && Number.isNaN(input.occurredAt.getTime())) fail("occurredAt is not a valid date");
  // PostgreSQL stores years 1–9999 (timestamptz) and refuses NUL and unpaired surrogates:
  // refused here, as the caller's error, instead of failing the write like a fault.
  if (input.occurredAt && (input.occurredAt.getUTCFullYear() < 1 || input.occurredAt.getUTCFullYear() > 9999)) fail("occurredAt must be between the years 1 and 9999");
  const unstorable = unstorablePath(input);
  if (unstorable) fail(`${unstorable.join(".") || "input"} contains a NUL character or an unpaired UTF-16 surrogate`);
  if (!input.customerId && !input.identities?.length && !input.conversation?.id) fail("a touchpoint needs identities, a customerId or a conversation id");
  if (input.message && !input.conversation) fail("a message needs a conversation");
  if (input.message && input.message.direction !== "inbound" && input.message.direction !== "outbound") fail("message.direction must be inbound or outbound");
  if (input.message && typeof input.message.bodyText !== "string") fail("message.bodyText must be a string");
  for (const a of input.message?.attachments ?? []) {
    if (!a || typeof a.filename !== "string" || !Number.isInteger(a.size) || a.size < 0) fail("attachments need a filename and a size");
  }
  if (input.conversation && !input.conversation.inboxId) fail("conversation.inboxId is required");
  if (input.dedupeKey !== undefined && (typeof input.dedupeKey !== "string" || !input.dedupeKey || input.dedupeKey.length > 500)) fail("dedupeKey must be 1-500 characters");
}

function prepare(inputs: TouchpointInput[]): Prepared[] {
  const firstByKey = new Map<string, number>();
  return inputs.map((input, i) => {
    const pmid = input.message?.platformMessageId?.trim() || null;
    const inboxId = input.conversation?.inboxId ?? null;
    const msgKey = pmid && inboxId ? `${inboxId}\u0000${pmid}` : null;
    const dedupeKey = input.dedupeKey ?? (pmid && inboxId ? `msg:${inboxId}:${pmid}` : null);
    let dupOf: number | null = null;
    for (const k of [dedupeKey && `d:${dedupeKey}`, msgKey && `m:${msgKey}`]) {
      if (!k) continue;
      const first = firstByKey.get(k);
      if (first !== undefined && dupOf === null) dupOf = first;
      if (first === undefined) firstByKey.set(k, i);
    }
    return { input, occurredAt: input.occurredAt ?? new Date(), dedupeKey, msgKey, dupOf };
  });
}

type ExistingRow = {
  id: string;
  dedupe_key: string | null;
  customer_id: string;
  conversation_id: string | null;
  message_id: string | null;
  occurred_at: Date;
  inbox_id: string | null;
  platform_message_id: string | null;
};

async function findExisting(tx: Tx, prepared: Prepared[]) {
  const keys = [...new Set(prepared.map((p) => p.dedupeKey).filter((k): k is string => !!k))];
  const msgs = [...new Set(prepared.map((p) => p.msgKey).filter((k): k is string => !!k))].map((k) => k.split("\u0000") as [string, string]);
  const byKey = new Map<string, ExistingRow>();
  const byMsg = new Map<string, ExistingRow>();
  if (keys.length > 0) {
    const rows = await tx.$queryRaw<ExistingRow[]>`
      SELECT e.id, e.dedupe_key, e.customer_id, e.conversation_id, e.message_id, e.occurred_at, NULL::uuid AS inbox_id, NULL::text AS platform_message_id
      FROM timeline_events e WHERE e.dedupe_key = ANY(${keys}::text[])`;
    for (const r of rows) byKey.set(r.dedupe_key!, r);
  }
  if (msgs.length > 0) {
    const rows = await tx.$queryRaw<ExistingRow[]>`
      SELECT e.id, e.dedupe_key, e.customer_id, e.conversation_id, e.message_id, e.occurred_at, m.inbox_id, m.platform_message_id
      FROM messages m
      JOIN unnest(${msgs.map((m) => m[0])}::uuid[], ${msgs.map((m) => m[1])}::text[]) AS q(inbox_id, pmid)
        ON m.inbox_id = q.inbox_id AND m.platform_message_id = q.pmid
      JOIN timeline_events e ON e.message_id = m.id`;
    for (const r of rows) byMsg.set(`${r.inbox_id}\u0000${r.platform_message_id}`, r);
  }
  return (p: Prepared) => (p.dedupeKey && byKey.get(p.dedupeKey)) || (p.msgKey && byMsg.get(p.msgKey)) || null;
}

async function writeBatch(tx: Tx, prepared: Prepared[]): Promise<BatchOutcome> {
  const results: (TouchpointResult | undefined)[] = new Array(prepared.length);
  const created: CreatedEvent[] = [];
  const existingFor = await findExisting(tx, prepared);
  const pending: number[] = [];
  prepared.forEach((p, i) => {
    if (p.dupOf !== null) return;
    const e = existingFor(p);
    if (e) {
      results[i] = { created: false, eventId: e.id, customerId: e.customer_id, conversationId: e.conversation_id, messageId: e.message_id, occurredAt: e.occurred_at };
    } else pending.push(i);
  });

  // Inboxes and conversations named by the inputs must exist.
  const inboxIds = [...new Set(pending.map((i) => prepared[i]!.input.conversation?.inboxId).filter((x): x is string => !!x))];
  if (inboxIds.length > 0) {
    assertUuids(inboxIds, "inbox");
    const found = await tx.inbox.findMany({ where: { id: { in: inboxIds } }, select: { id: true } });
    const missing = inboxIds.find((id) => !found.some((f) => f.id === id));
    if (missing) throw new TouchpointError("not_found", `unknown inbox ${missing}`);
  }
  const convIds = [...new Set(pending.map((i) => prepared[i]!.input.conversation?.id).filter((x): x is string => !!x))];
  const convOwners = new Map<string, { customer_id: string; origin_customer_id: string }>();
  if (convIds.length > 0) {
    assertUuids(convIds, "conversation");
    const rows = await tx.$queryRaw<{ id: string; customer_id: string; origin_customer_id: string }[]>`
      SELECT id, customer_id, origin_customer_id FROM conversations WHERE id = ANY(${convIds}::uuid[])`;
    for (const r of rows) convOwners.set(r.id, r);
    const missing = convIds.find((id) => !convOwners.has(id));
    if (missing) throw new TouchpointError("not_found", `unknown conversation ${missing}`);
  }

  const requests: ResolveRequest[] = pending.map((i) => {
    const input = prepared[i]!.input;
    if (input.customerId) {
      assertUuids([input.customerId], "customer");
      return { customerId: input.customerId, name: input.customerName };
    }
    if (input.identities?.length) return { claims: input.identities, name: input.customerName };
    const owner = convOwners.get(input.conversation!.id!)!;
    return { customerId: owner.customer_id, originCustomerId: owner.origin_customer_id };
  });
  let resolved: ResolvedCustomer[];
  try {
    resolved = await resolveCustomers(tx, requests);
  } catch (error) {
    if (error instanceof UnknownCustomerError) throw new TouchpointError("not_found", error.message);
    if (error instanceof InvalidIdentityError) throw new TouchpointError("invalid_input", error.message);
    throw error;
  }

  const convs = new Map<string, ConvState>();
  const convByLockKey = new Map<string, ConvState>();
  const plain: Prisma.TimelineEventCreateManyInput[] = [];
  const counters = new Map<string, { seen: Date | null; ltv: number }>();

  for (let n = 0; n < pending.length; n++) {
    const i = pending[n]!;
    const p = prepared[i]!;
    const r = resolved[n]!;
    const input = p.input;
    const eventId = uuidv7();
    let conv: ConvState | null = null;
    let messageId: string | null = null;

    if (input.conversation) {
      conv = await obtainConversation(tx, p, r, convs, convByLockKey, !input.customerId && !input.identities?.length);
      if (input.message) messageId = await insertMessage(tx, p, conv);
      await tx.timelineEvent.create({ data: eventRow(eventId, p, r, conv, messageId) as Prisma.TimelineEventUncheckedCreateInput });
      created.push({ eventId, customerId: r.customerId, conversationId: conv.id, inboxId: conv.inboxId, occurredAt: p.occurredAt });
      const reopened = applyToConversation(conv, p);
      if (reopened) {
        // Same moment, later id: the reopen shows just above the message.
        const reopenId = uuidv7();
        await tx.timelineEvent.create({
          data: {
            id: reopenId,
            customerId: conv.customerId,
            originCustomerId: conv.originCustomerId,
            occurredAt: p.occurredAt,
            kind: "ticket_event",
            channel: conv.channel,
            actor: "system",
            conversationId: conv.id,
            inboxId: conv.inboxId,
            name: "status",
            text: reopened === "snoozed" ? "Snooze ended by customer message" : reopened === "pending" ? "Back to open: the customer replied" : "Reopened by customer message",
            payload: { from: reopened, to: "open", reason: "customer_message", messageId },
            createdAt: new Date(),
          },
        });
        created.push({ eventId: reopenId, customerId: conv.customerId, conversationId: conv.id, inboxId: conv.inboxId, occurredAt: p.occurredAt });
      }
    } else {
      plain.push(eventRow(eventId, p, r, null, null));
      created.push({ eventId, customerId: r.customerId, conversationId: null, inboxId: null, occurredAt: p.occurredAt });
    }

    const c = counters.get(r.customerId) ?? { seen: null, ltv: 0 };
    if (input.actor === "customer" && (!c.seen || c.seen < p.occurredAt)) c.seen = p.occurredAt;
    c.ltv += purchaseAmount(input);
    counters.set(r.customerId, c);

    results[i] = { created: true, eventId, customerId: r.customerId, conversationId: conv?.id ?? null, messageId, occurredAt: p.occurredAt };
  }

  // A concurrent insert of the same dedupeKey makes this fail: retried, then found above.
  if (plain.length > 0) {
    const stored = new Map((await insertEventRows(tx, plain)).map((s) => [s.id, s]));
    const rows = new Map(plain.map((r) => [r.id!, r]));
    for (const c of created) {
      const s = stored.get(c.eventId);
      const row = rows.get(c.eventId);
      if (!s || !row) continue;
      c.item = plainTimelineItem({
        id: s.id,
        occurredAt: s.occurred_at,
        kind: row.kind,
        channel: row.channel,
        actor: row.actor,
        actorUserId: row.actorUserId ?? null,
        actorName: s.actor_name,
        text: row.text,
        name: row.name ?? null,
        payload: s.payload,
      });
    }
  }

  for (const conv of convs.values()) {
    if (Object.keys(conv.changes).length === 0) continue;
    await tx.conversation.update({ where: { id: conv.id }, data: conv.changes as Prisma.ConversationUpdateInput });
  }

  const customerChanges = new Map<string, Record<string, unknown>>();
  // In id order, so concurrent batches lock customers in the same order.
  const touched = [...counters].filter(([, c]) => c.seen || c.ltv !== 0).sort(([a], [b]) => (a < b ? -1 : 1));
  if (touched.length > 0) {
    await tx.$executeRaw`
      UPDATE customers c
      SET last_seen_at = GREATEST(c.last_seen_at, v.seen),
          lifetime_value = c.lifetime_value + v.ltv,
          updated_at = now()
      FROM unnest(${touched.map(([id]) => id)}::uuid[], ${touched.map(([, c]) => c.seen)}::timestamptz[], ${touched.map(([, c]) => c.ltv.toFixed(2))}::numeric[]) AS v(id, seen, ltv)
      WHERE c.id = v.id`;
    for (const [id, c] of touched) if (c.ltv !== 0) customerChanges.set(id, { lifetimeValueDelta: c.ltv });
  }

  prepared.forEach((p, i) => {
    if (p.dupOf !== null) results[i] = { ...results[p.dupOf]!, created: false };
  });
  return { results: results as TouchpointResult[], created, conversations: [...convs.values()], customerChanges };
}

/**
 * Many timeline rows in one INSERT … SELECT FROM unnest(…): the SQL costs the
 * same as Prisma's createMany, without its per-row client-side work (about
 * 0.7 ms a row, which made batched ingest ten times slower than the insert).
 * Returns the stored forms the published items need, so they are not read again.
 */
async function insertEventRows(tx: Tx, rows: Prisma.TimelineEventCreateManyInput[]) {
  const col = <T>(f: (r: Prisma.TimelineEventCreateManyInput) => T) => rows.map(f);
  const iso = (d: Date | string | undefined) => (d instanceof Date ? d.toISOString() : (d ?? new Date().toISOString()));
  return tx.$queryRaw<{ id: string; occurred_at: Date; payload: unknown; actor_name: string | null }[]>`
    WITH ins AS (
    INSERT INTO timeline_events (id, customer_id, origin_customer_id, occurred_at, kind, channel, actor, actor_user_id,
                                 conversation_id, inbox_id, message_id, name, text, payload, dedupe_key, created_at)
    SELECT * FROM unnest(
      ${col((r) => r.id)}::uuid[], ${col((r) => r.customerId)}::uuid[], ${col((r) => r.originCustomerId)}::uuid[],
      ${col((r) => iso(r.occurredAt))}::timestamptz[], ${col((r) => r.kind)}::"TimelineKind"[], ${col((r) => r.channel)}::"ChannelKind"[],
      ${col((r) => r.actor)}::"Actor"[], ${col((r) => r.actorUserId ?? null)}::uuid[], ${col((r) => r.conversationId ?? null)}::uuid[],
      ${col((r) => r.inboxId ?? null)}::uuid[], ${col((r) => r.messageId ?? null)}::uuid[], ${col((r) => r.name ?? null)}::text[],
      ${col((r) => r.text)}::text[], ${col((r) => JSON.stringify(r.payload ?? {}))}::jsonb[], ${col((r) => r.dedupeKey ?? null)}::text[],
      ${col((r) => iso(r.createdAt))}::timestamptz[]
    )
    RETURNING id, occurred_at, payload, actor_user_id
    )
    SELECT ins.id, ins.occurred_at, ins.payload, (SELECT u.name FROM users u WHERE u.id = ins.actor_user_id) AS actor_name FROM ins`;
}

function assertUuids(ids: string[], what: string) {
  for (const id of ids) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new TouchpointError("not_found", `unknown ${what} ${String(id).slice(0, 60)}`);
  }
}

/** Purchases raise the customer's lifetime value: properties.amount (a number), in cents precision. */
export function purchaseAmount(input: Pick<TouchpointInput, "kind" | "name" | "payload">): number {
  if (input.kind !== "product_event" || input.name !== "purchase") return 0;
  const amount = input.payload?.amount;
  return typeof amount === "number" && Number.isFinite(amount) ? Math.round(amount * 100) / 100 : 0;
}

function eventRow(id: string, p: Prepared, r: ResolvedCustomer, conv: ConvState | null, messageId: string | null): Prisma.TimelineEventCreateManyInput {
  const input = p.input;
  return {
    id,
    customerId: r.customerId,
    originCustomerId: r.originCustomerId,
    occurredAt: p.occurredAt,
    kind: input.kind,
    channel: input.channel,
    actor: input.actor,
    actorUserId: input.actorUserId ?? null,
    conversationId: conv?.id ?? null,
    inboxId: conv?.inboxId ?? null,
    messageId,
    name: input.name ?? null,
    text: input.text.length > 0 ? input.text : fallbackText(input),
    payload: (input.payload ?? {}) as Prisma.InputJsonValue,
    dedupeKey: p.dedupeKey,
    // Set here, after the customer locks are held: undoing a merge compares it
    // with the merge's time to tell what arrived while the merge was in place.
    createdAt: new Date(),
  };
}

function fallbackText(input: TouchpointInput): string {
  const files = input.message?.attachments?.map((a) => a.filename).filter(Boolean) ?? [];
  if (files.length > 0) return `Attachment: ${files.join(", ")}`;
  return input.name ?? "";
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

async function obtainConversation(
  tx: Tx,
  p: Prepared,
  r: ResolvedCustomer,
  convs: Map<string, ConvState>,
  byLockKey: Map<string, ConvState>,
  customerFromConversation: boolean,
): Promise<ConvState> {
  const spec = p.input.conversation!;
  if (spec.id) {
    const cached = convs.get(spec.id);
    if (cached) return cached;
    const [row] = await tx.$queryRaw<ConvRow[]>`SELECT ${CONV_COLUMNS} FROM conversations WHERE id = ${spec.id}::uuid FOR UPDATE`;
    if (!row) throw new TouchpointError("not_found", `unknown conversation ${spec.id}`);
    if (row.inbox_id !== spec.inboxId) throw new TouchpointError("invalid_input", "the conversation belongs to another inbox");
    // Moved by a merge (or its undo) since we resolved its customer: start over.
    if (customerFromConversation && row.customer_id !== r.customerId) throw new RetryTransaction("conversation moved");
    const state = toState(row);
    convs.set(state.id, state);
    return state;
  }

  const threadKey = spec.externalThreadKey?.trim() || null;
  // Serialises "find or create" for one thread: no unique index can say "one
  // open conversation per thread", so two first messages would open two.
  const lockKey = `conv:${spec.inboxId}:${threadKey !== null ? `t:${threadKey}` : `c:${r.customerId}`}`;
  const known = byLockKey.get(lockKey);
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
  let state: ConvState;
  if (row) {
    state = convs.get(row.id) ?? toState(row);
  } else {
    const msg = p.input.message;
    const c = await tx.conversation.create({
      data: {
        id: uuidv7(),
        customerId: r.customerId,
        originCustomerId: r.originCustomerId,
        inboxId: spec.inboxId,
        channel: p.input.channel,
        subject: (spec.subject ?? msg?.subject ?? null)?.slice(0, 500) ?? null,
        externalThreadKey: threadKey,
        teamId: spec.teamId ?? null,
        lastMessageAt: p.occurredAt,
      },
      select: { id: true },
    });
    state = {
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
  convs.set(state.id, state);
  byLockKey.set(lockKey, state);
  return state;
}

async function insertMessage(tx: Tx, p: Prepared, conv: ConvState): Promise<string> {
  const m = p.input.message!;
  const id = uuidv7();
  const isNote = m.isNote === true || p.input.kind === "note";
  await tx.message.create({
    data: {
      id,
      conversationId: conv.id,
      inboxId: conv.inboxId,
      direction: m.direction,
      isNote,
      authorId: m.authorId ?? null,
      bodyText: m.bodyText,
      bodyHtml: m.bodyHtml ?? null,
      quotedText: m.quotedText ?? null,
      subject: m.subject ?? null,
      platformMessageId: m.platformMessageId?.trim() || null,
      inReplyTo: m.inReplyTo ?? null,
      references: m.references ?? [],
      cc: m.cc ?? [],
      isAutoReply: m.isAutoReply === true,
      // Notes never leave; other outbound messages wait for the sender.
      deliveryStatus: m.deliveryStatus ?? (m.direction === "inbound" ? "received" : isNote ? "sent" : "queued"),
      meta: (m.meta ?? {}) as Prisma.InputJsonValue,
      createdAt: p.occurredAt,
    },
    select: { id: true },
  });
  if (m.attachments?.length) {
    await tx.attachment.createMany({
      data: m.attachments.map((a) => ({
        messageId: id,
        filename: a.filename.slice(0, 255) || "attachment",
        contentType: a.contentType || "application/octet-stream",
        size: a.size,
        contentId: a.contentId ?? null,
        remoteUrl: a.remoteUrl ?? null,
        data: a.data ? new Uint8Array(a.data) : null,
      })),
    });
  }
  return id;
}

/**
 * What a message does to its conversation. Returns the previous status when
 * the message moved it back to open (from resolved/closed: a reopen, counted;
 * from snoozed/pending: the customer answered), so the change is on the timeline.
 */
function applyToConversation(conv: ConvState, p: Prepared): string | null {
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

function preview(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS - 1)}…` : flat;
}

async function publishAfterCommit(outcome: BatchOutcome) {
  if (outcome.created.length === 0) return;
  // Only what was not built from the written values (conversations' events) is read back.
  const unread = outcome.created.filter((c) => !c.item).map((c) => c.eventId);
  const items = await (unread.length > 0 ? getTimelineItems(unread) : Promise.resolve([])).catch((error) => {
    // Committed already: listeners get the ids and can load the rows themselves.
    console.error(`[ingest] loading published items failed: ${(error as Error).message}`);
    return [];
  });
  const byId = new Map(items.map((it) => [it.id, it]));
  const events: DomainEvent[] = outcome.created.map((c) => ({
    type: "timeline.created",
    customerId: c.customerId,
    eventId: c.eventId,
    conversationId: c.conversationId,
    inboxId: c.inboxId,
    occurredAt: c.occurredAt.toISOString(),
    item: c.item ?? byId.get(c.eventId),
  }));
  for (const conv of outcome.conversations) {
    if (Object.keys(conv.changes).length === 0 && !conv.isNew) continue;
    const changes = conv.isNew ? { ...conv.changes, created: true, status: conv.status } : conv.changes;
    events.push({ type: "conversation.updated", conversationId: conv.id, customerId: conv.customerId, inboxId: conv.inboxId, changes });
  }
  for (const [customerId, changes] of outcome.customerChanges) events.push({ type: "customer.updated", customerId, changes });
  bus.publishAll(events);
}

/** Publishes timeline.created for events written by a caller's own transaction (call after commit). */
export async function publishTimelineCreated(created: CreatedEvent[]): Promise<void> {
  await publishAfterCommit({ results: [], created, conversations: [], customerChanges: new Map() });
}

export type TicketEventInput = {
  actorUserId?: string | null;
  /** The change: "status", "assignee", "priority", "tags", "sla_breach"... */
  name: string;
  /** One line for the timeline: "Status changed to resolved". */
  text: string;
  payload?: Record<string, unknown>;
  occurredAt?: Date;
  dedupeKey?: string;
};

/** A ticket change on the conversation's customer's timeline (own transaction, published). */
export async function recordTicketEvent(conversationId: string, e: TicketEventInput): Promise<TouchpointResult> {
  if (!/^[0-9a-f-]{36}$/i.test(conversationId)) throw new TouchpointError("not_found", `unknown conversation ${conversationId.slice(0, 60)}`);
  const conv = await db.conversation.findUnique({ where: { id: conversationId }, select: { inboxId: true, channel: true } });
  if (!conv) throw new TouchpointError("not_found", `unknown conversation ${conversationId}`);
  return recordTouchpoint({
    conversation: { id: conversationId, inboxId: conv.inboxId },
    channel: conv.channel,
    kind: "ticket_event",
    actor: e.actorUserId ? "agent" : "system",
    actorUserId: e.actorUserId ?? null,
    name: e.name,
    text: e.text,
    payload: e.payload,
    occurredAt: e.occurredAt,
    dedupeKey: e.dedupeKey,
  });
}

/**
 * The same inside a caller's transaction (e.g. a status change and its
 * timeline entry committed together). Call publishTimelineCreated after commit.
 */
export async function insertTicketEvent(tx: Tx, conversationId: string, e: TicketEventInput): Promise<CreatedEvent> {
  const [conv] = await tx.$queryRaw<{ customer_id: string; origin_customer_id: string; inbox_id: string; channel: ChannelKind }[]>`
    SELECT customer_id, origin_customer_id, inbox_id, channel FROM conversations WHERE id = ${conversationId}::uuid`;
  if (!conv) throw new TouchpointError("not_found", `unknown conversation ${conversationId}`);
  const id = uuidv7();
  const occurredAt = e.occurredAt ?? new Date();
  await tx.timelineEvent.create({
    data: {
      id,
      customerId: conv.customer_id,
      originCustomerId: conv.origin_customer_id,
      occurredAt,
      kind: "ticket_event",
      channel: conv.channel,
      actor: e.actorUserId ? "agent" : "system",
      actorUserId: e.actorUserId ?? null,
      conversationId,
      inboxId: conv.inbox_id,
      name: e.name,
      text: e.text,
      payload: (e.payload ?? {}) as Prisma.InputJsonValue,
      dedupeKey: e.dedupeKey ?? null,
    },
  });
  return { eventId: id, customerId: conv.customer_id, conversationId, inboxId: conv.inbox_id, occurredAt };
}
