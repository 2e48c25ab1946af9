// The full write path for a batch of touchpoints, inside one transaction. It
// orchestrates the domains, in order: what is already stored (idempotency),
// that named inboxes and conversations exist, the customers (customers/
// identity.ts), each item's conversation and message (conversations/
// lifecycle.ts, messages.ts), the timeline rows (timeline/events.ts), then
// the conversations' and customers' collected changes, once each.
import { Prisma } from "@/server/db";
import { uuidv7 } from "@/server/db/ids";
import type { Tx } from "@/server/db/tx";
import { resolveCustomers, UnknownCustomerError, type ResolveRequest, type ResolvedCustomer } from "@/server/customers/identity";
import { InvalidIdentityError } from "@/server/customers/normalize";
import { applyToConversation, conversationCache, obtainConversation, recordReopen, saveConversationChanges, type ConvState } from "@/server/conversations/lifecycle";
import { insertMessage } from "@/server/conversations/messages";
import { eventRow, insertEventRows } from "@/server/timeline/events";
import { plainTimelineItem } from "./fast";
import { emotionFromColumns } from "@/server/emotion";
import { touchpointEmotion } from "./emotion";
import { assertUuids, purchaseAmount, TouchpointError, type CreatedEvent, type Prepared, type TouchpointResult } from "./touchpoint";

export type BatchOutcome = {
  results: TouchpointResult[];
  created: CreatedEvent[];
  conversations: ConvState[];
  customerChanges: Map<string, Record<string, unknown>>;
  /** Customers this batch created (published as customer.created after commit). */
  customersCreated: string[];
};

type CustomerCounters = Map<string, { seen: Date | null; ltv: number }>;

export async function writeBatch(tx: Tx, prepared: Prepared[]): Promise<BatchOutcome> {
  const results: (TouchpointResult | undefined)[] = new Array(prepared.length);
  const existingFor = await findExisting(tx, prepared);
  const pending: number[] = [];
  prepared.forEach((p, i) => {
    if (p.dupOf !== null) return;
    const e = existingFor(p);
    if (e) {
      results[i] = { created: false, eventId: e.id, customerId: e.customer_id, conversationId: e.conversation_id, messageId: e.message_id, occurredAt: e.occurred_at };
    } else pending.push(i);
  });
  const inputs = pending.map((i) => prepared[i]!);
  const convOwners = await checkTargets(tx, inputs);
  const resolved = await resolveFor(tx, inputs, convOwners);

  const created: CreatedEvent[] = [];
  const cache = conversationCache();
  const plain: Prisma.TimelineEventCreateManyInput[] = [];
  const counters: CustomerCounters = new Map();
  for (let n = 0; n < pending.length; n++) {
    let p = inputs[n]!;
    const r = resolved[n]!;
    const input = p.input;
    const eventId = uuidv7();
    let conv: ConvState | null = null;
    let messageId: string | null = null;
    if (input.conversation) {
      conv = await obtainConversation(tx, p, r, cache, !input.customerId && !input.identities?.length);
      // Writing again while still waiting for an answer, or about a closed matter: a frustration cue.
      if (p.emotion && p.emotion.label !== "unscored" && input.kind === "message" && !conv.isNew && (conv.waitingSince || conv.status === "resolved" || conv.status === "closed")) {
        p = { ...p, emotion: touchpointEmotion(input, { repeatedContact: true }) };
      }
      if (input.message) messageId = await insertMessage(tx, p, conv);
      await tx.timelineEvent.create({ data: eventRow(eventId, p, r, conv, messageId) as Prisma.TimelineEventUncheckedCreateInput });
      created.push({ eventId, customerId: r.customerId, conversationId: conv.id, inboxId: conv.inboxId, occurredAt: p.occurredAt });
      const reopenedFrom = applyToConversation(conv, p);
      if (reopenedFrom) created.push(await recordReopen(tx, conv, reopenedFrom, p.occurredAt, messageId));
    } else {
      plain.push(eventRow(eventId, p, r, null, null));
      created.push({ eventId, customerId: r.customerId, conversationId: null, inboxId: null, occurredAt: p.occurredAt });
    }
    count(counters, r.customerId, p);
    results[pending[n]!] = { created: true, eventId, customerId: r.customerId, conversationId: conv?.id ?? null, messageId, occurredAt: p.occurredAt };
  }

  if (plain.length > 0) await insertPlain(tx, plain, created);
  await saveConversationChanges(tx, cache.byId.values());
  const customerChanges = await saveCustomerCounters(tx, counters);
  prepared.forEach((p, i) => {
    if (p.dupOf !== null) results[i] = { ...results[p.dupOf]!, created: false };
  });
  const customersCreated = [...new Set(resolved.filter((r) => r.created).map((r) => r.customerId))];
  return { results: results as TouchpointResult[], created, conversations: [...cache.byId.values()], customerChanges, customersCreated };
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

/** What the batch's keys (dedupeKey, or a message's inbox + platform id) already stored. */
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

type ConvOwner = { customer_id: string; origin_customer_id: string };

/** Inboxes and conversations named by the inputs must exist; returns the named conversations' customers. */
async function checkTargets(tx: Tx, inputs: Prepared[]): Promise<Map<string, ConvOwner>> {
  const inboxIds = [...new Set(inputs.map((p) => p.input.conversation?.inboxId).filter((x): x is string => !!x))];
  if (inboxIds.length > 0) {
    assertUuids(inboxIds, "inbox");
    const found = await tx.inbox.findMany({ where: { id: { in: inboxIds } }, select: { id: true } });
    const missing = inboxIds.find((id) => !found.some((f) => f.id === id));
    if (missing) throw new TouchpointError("not_found", `unknown inbox ${missing}`);
  }
  const convIds = [...new Set(inputs.map((p) => p.input.conversation?.id).filter((x): x is string => !!x))];
  const owners = new Map<string, ConvOwner>();
  if (convIds.length > 0) {
    assertUuids(convIds, "conversation");
    const rows = await tx.$queryRaw<({ id: string } & ConvOwner)[]>`
      SELECT id, customer_id, origin_customer_id FROM conversations WHERE id = ANY(${convIds}::uuid[])`;
    for (const r of rows) owners.set(r.id, r);
    const missing = convIds.find((id) => !owners.has(id));
    if (missing) throw new TouchpointError("not_found", `unknown conversation ${missing}`);
  }
  return owners;
}

/** Each input's customer: by id, by identities, or the named conversation's. */
async function resolveFor(tx: Tx, inputs: Prepared[], convOwners: Map<string, ConvOwner>): Promise<ResolvedCustomer[]> {
  const requests: ResolveRequest[] = inputs.map(({ input }) => {
    if (input.customerId) {
      assertUuids([input.customerId], "customer");
      return { customerId: input.customerId, name: input.customerName };
    }
    if (input.identities?.length) return { claims: input.identities, name: input.customerName };
    const owner = convOwners.get(input.conversation!.id!)!;
    return { customerId: owner.customer_id, originCustomerId: owner.origin_customer_id };
  });
  try {
    return await resolveCustomers(tx, requests);
  } catch (error) {
    if (error instanceof UnknownCustomerError) throw new TouchpointError("not_found", error.message);
    if (error instanceof InvalidIdentityError) throw new TouchpointError("invalid_input", error.message);
    throw error;
  }
}

/** Events outside conversations in one insert; their published items are built from what it returned. */
async function insertPlain(tx: Tx, plain: Prisma.TimelineEventCreateManyInput[], created: CreatedEvent[]) {
  // A concurrent insert of the same dedupeKey makes this fail: retried, then found by findExisting.
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
      emotion: emotionFromColumns(row.sentimentScore, row.sentimentLabel, row.frustrationCues as string[] | undefined),
    });
  }
}

function count(counters: CustomerCounters, customerId: string, p: Prepared) {
  const c = counters.get(customerId) ?? { seen: null, ltv: 0 };
  if (p.input.actor === "customer" && (!c.seen || c.seen < p.occurredAt)) c.seen = p.occurredAt;
  c.ltv += purchaseAmount(p.input);
  counters.set(customerId, c);
}

/** Last seen and lifetime value, one statement for the batch; returns what customer.updated reports. */
async function saveCustomerCounters(tx: Tx, counters: CustomerCounters) {
  const customerChanges = new Map<string, Record<string, unknown>>();
  // In id order, so concurrent batches lock customers in the same order.
  const touched = [...counters].filter(([, c]) => c.seen || c.ltv !== 0).sort(([a], [b]) => (a < b ? -1 : 1));
  if (touched.length === 0) return customerChanges;
  await tx.$executeRaw`
    UPDATE customers c
    SET last_seen_at = GREATEST(c.last_seen_at, v.seen),
        lifetime_value = c.lifetime_value + v.ltv,
        updated_at = now()
    FROM unnest(${touched.map(([id]) => id)}::uuid[], ${touched.map(([, c]) => c.seen)}::timestamptz[], ${touched.map(([, c]) => c.ltv.toFixed(2))}::numeric[]) AS v(id, seen, ltv)
    WHERE c.id = v.id`;
  for (const [id, c] of touched) if (c.ltv !== 0) customerChanges.set(id, { lifetimeValueDelta: c.ltv });
  return customerChanges;
}
