// The one write path for touchpoints. Channel adapters, the events API, the
// console and automation all call recordTouchpoint(s); nothing else inserts
// timeline events. A known customer's plain event is one statement
// (./fast.ts); anything else is one transaction (./write-batch.ts) that
// resolves the customer, finds or opens the conversation, stores the message
// and the timeline event and updates the conversation. After commit it
// publishes on the bus.
//
// Idempotent: a dedupeKey (or a message's (inbox, platformMessageId)) seen
// before returns the first result with created=false. Two identical
// deliveries racing each other meet at the unique indexes; the loser's
// transaction is retried and then finds the winner's rows (see ./tx.ts).
import { bus, type DomainEvent } from "@/server/events/bus";
import { normalizeClaims, STRENGTH } from "@/server/customers/identity";
import { conversationUpdatedEvents } from "@/server/conversations/lifecycle";
import { isUuid, uuidv7 } from "@/server/db/ids";
import { runTransaction, type Tx } from "@/server/db/tx";
import { getTimelineItems } from "@/server/timeline/query";
import { countIngested, markCommitted } from "@/server/observability/metrics";
import { writeFast, type FastItem } from "./fast";
import { fallbackText, prepare, purchaseAmount, validate, type CreatedEvent, type Prepared, type TouchpointInput, type TouchpointResult } from "./touchpoint";
import { writeBatch, type BatchOutcome } from "./write-batch";

// The write path's input and output, for its callers.
export type { AttachmentInput, CreatedEvent, IdentityClaim, TouchpointInput, TouchpointResult } from "./touchpoint";
export { TouchpointError } from "./touchpoint";

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
  countIngested(outcome.results.flatMap((r, i) => (r.created ? [prepared[i]!.input] : [])));
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
  const committed = performance.now();
  const events: DomainEvent[] = [];
  const ltv = new Map<string, number>();
  const created: TouchpointInput[] = [];
  sent.forEach(({ i }, n) => {
    const o = outcomes[n]!;
    if (o.status === "fallback") return;
    results[i] = { created: o.status === "created", eventId: o.row.id, customerId: o.row.customerId, conversationId: o.row.conversationId, messageId: o.row.messageId, occurredAt: o.row.occurredAt };
    if (o.status !== "created") return;
    created.push(prepared[i]!.input);
    events.push({ type: "timeline.created", customerId: o.row.customerId, eventId: o.row.id, conversationId: null, inboxId: null, occurredAt: o.row.occurredAt.toISOString(), item: o.item });
    const amount = purchaseAmount(prepared[i]!.input);
    if (amount !== 0) ltv.set(o.row.customerId, (ltv.get(o.row.customerId) ?? 0) + amount);
  });
  prepared.forEach((p, i) => {
    const first = p.dupOf !== null ? results[p.dupOf] : null;
    if (first) results[i] = { ...first, created: false };
  });
  for (const [customerId, delta] of ltv) if (delta !== 0) events.push({ type: "customer.updated", customerId, changes: { lifetimeValueDelta: delta } });
  countIngested(created);
  markCommitted(events, committed);
  bus.publishAll(events);
  return results;
}

/** The row the one-statement path would write, or null if the input is not its kind. */
function fastItem(p: Prepared): FastItem | null {
  const input = p.input;
  // Scored touchpoints (a survey answer outside a conversation) take the full path, which stores the emotion.
  if (input.conversation || input.message || p.emotion) return null;
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

async function publishAfterCommit(outcome: BatchOutcome) {
  if (outcome.created.length === 0 && outcome.customersCreated.length === 0) return;
  const committed = performance.now();
  // Only what was not built from the written values (conversations' events) is read back.
  const unread = outcome.created.filter((c) => !c.item).map((c) => c.eventId);
  const items = await (unread.length > 0 ? getTimelineItems(unread) : Promise.resolve([])).catch((error) => {
    // Committed already: listeners get the ids and can load the rows themselves.
    console.error(`[ingest] loading published items failed: ${(error as Error).message}`);
    return [];
  });
  const byId = new Map(items.map((it) => [it.id, it]));
  const events: DomainEvent[] = outcome.customersCreated.map((customerId) => ({ type: "customer.created", customerId }));
  events.push(...outcome.created.map((c): DomainEvent => ({
    type: "timeline.created",
    customerId: c.customerId,
    eventId: c.eventId,
    conversationId: c.conversationId,
    inboxId: c.inboxId,
    occurredAt: c.occurredAt.toISOString(),
    item: c.item ?? byId.get(c.eventId),
  })));
  events.push(...conversationUpdatedEvents(outcome.conversations));
  for (const [customerId, changes] of outcome.customerChanges) events.push({ type: "customer.updated", customerId, changes });
  markCommitted(events, committed);
  bus.publishAll(events);
}

/** Publishes timeline.created for events written by a caller's own transaction (call after commit). */
export async function publishTimelineCreated(created: CreatedEvent[]): Promise<void> {
  await publishAfterCommit({ results: [], created, conversations: [], customerChanges: new Map(), customersCreated: [] });
}
