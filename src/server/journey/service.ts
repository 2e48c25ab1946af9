// Journey stages, inferred from the timeline (./rules.ts) and adjustable by agents.
//
// Evaluated for a customer on every committed touchpoint (consumer of the
// domain-event queue, batched) and by a slow sweep for the time-based moves
// (30 days after purchase → retention, 30 days of silence → at risk). A change
// is a conditional update of Customer.journeyStage (only the evaluator that
// flips it writes, so several processes never double-write) followed by a
// `journey_stage` touchpoint "Journey stage: consideration → purchase".
// An agent's override sets journeyStageSetBy and holds for JOURNEY_RULES.overrideMs.
import { db } from "@/server/db";
import { bus, type DomainEvent } from "@/server/events/bus";
import { recordTouchpoint, recordTouchpoints } from "@/server/ingest/record";
import { isUuid } from "@/server/db/ids";
import type { Tx } from "@/server/db/tx";
import { inferStage, JOURNEY_RULES, JOURNEY_STAGES, type JourneyFacts, type Stage } from "./rules";
import { DomainError } from "@/server/lib/domain-error";


export class JourneyError extends DomainError {
  constructor(
    public code: "not_found" | "invalid",
    message: string,
  ) {
    super(message);
  }
}

type FactsRow = {
  customer_id: string;
  first_activity: Date | null;
  last_activity: Date | null;
  consideration: Date | null;
  first_purchase: Date | null;
  last_purchase: Date | null;
  last_referral: Date | null;
  last_payment_failed: Date | null;
  last_cancelled: Date | null;
  after_purchase: Date | null;
  nps_score: number | null;
  nps_at: Date | null;
  unresolved: number;
};

const ms = (d: Date | null) => (d ? d.getTime() : null);

/** What the rules read, from the customer's timeline up to `asOf`. */
export async function loadJourneyFacts(customerId: string, asOf: Date = new Date()): Promise<JourneyFacts> {
  return (await loadJourneyFactsMany([customerId], asOf)).get(customerId)!;
}

/**
 * The facts of many customers in one set-based query (one scan of each
 * customer's events, grouped), so a burst of touchpoints for many customers
 * costs one round trip, not one per customer.
 */
export async function loadJourneyFactsMany(customerIds: string[], asOf: Date = new Date(), client: Pick<Tx, "$queryRaw"> = db): Promise<Map<string, JourneyFacts>> {
  const out = new Map<string, JourneyFacts>();
  if (customerIds.length === 0) return out;
  const r = JOURNEY_RULES;
  const urlPatterns = r.considerationUrlContains.map((s) => `%${s.replace(/[%_\\]/g, (c) => `\\${c}`)}%`);
  // `client` may be a transaction (a merge reads the merged timeline before it commits).
  const rows = await client.$queryRaw<FactsRow[]>`
    WITH ids AS (
      SELECT DISTINCT unnest(${customerIds}::uuid[]) AS id
    ), ev AS (
      SELECT customer_id, occurred_at, kind, name, actor, payload FROM timeline_events
      WHERE customer_id = ANY(${customerIds}::uuid[]) AND occurred_at <= ${asOf}
    ), agg AS (
      SELECT customer_id,
        min(occurred_at) FILTER (WHERE actor = 'customer') AS first_activity,
        max(occurred_at) FILTER (WHERE actor = 'customer') AS last_activity,
        min(occurred_at) FILTER (WHERE
          (kind = 'product_event' AND name = ANY(${[...r.pageViewEvents]}::text[])
            AND (coalesce(payload->>'url', '') || ' ' || coalesce(payload->>'path', '')) ILIKE ANY(${urlPatterns}::text[]))
          OR (kind = 'product_event' AND name = ANY(${[...r.considerationEvents]}::text[]))
          OR (${r.articleViewIsConsideration} AND kind = 'article_view')) AS consideration,
        min(occurred_at) FILTER (WHERE kind = 'product_event' AND name = ANY(${[...r.purchaseEvents]}::text[])) AS first_purchase,
        max(occurred_at) FILTER (WHERE kind = 'product_event' AND name = ANY(${[...r.purchaseEvents]}::text[])) AS last_purchase,
        max(occurred_at) FILTER (WHERE kind = 'product_event' AND name = ANY(${[...r.referralEvents]}::text[])) AS last_referral,
        max(occurred_at) FILTER (WHERE kind = 'product_event' AND name = ANY(${[...r.paymentFailedEvents]}::text[])) AS last_payment_failed,
        max(occurred_at) FILTER (WHERE kind = 'product_event' AND name = ANY(${[...r.cancelEvents]}::text[])) AS last_cancelled,
        max(occurred_at) FILTER (WHERE kind = 'survey_response' AND name = 'nps') AS nps_at,
        (array_agg((payload->>'score')::int ORDER BY occurred_at DESC) FILTER (WHERE kind = 'survey_response' AND name = 'nps'))[1] AS nps_score
      FROM ev GROUP BY customer_id
    ), after AS (
      SELECT ev.customer_id, min(ev.occurred_at) AS after_purchase
      FROM ev JOIN agg ON agg.customer_id = ev.customer_id
      WHERE ev.actor = 'customer' AND ev.occurred_at > agg.first_purchase
      GROUP BY ev.customer_id
    ), unresolved AS (
      SELECT c.customer_id, count(*)::int AS unresolved FROM conversations c
      WHERE c.customer_id = ANY(${customerIds}::uuid[]) AND c.created_at > ${new Date(asOf.getTime() - r.unresolvedWindowMs)}
        AND c.created_at <= ${asOf} AND c.status IN ('open', 'pending', 'snoozed')
      GROUP BY c.customer_id
    )
    SELECT ids.id AS customer_id, agg.first_activity, agg.last_activity, agg.consideration, agg.first_purchase, agg.last_purchase,
           agg.last_referral, agg.last_payment_failed, agg.last_cancelled, agg.nps_at, agg.nps_score,
           after.after_purchase, coalesce(unresolved.unresolved, 0) AS unresolved
    FROM ids
    LEFT JOIN agg ON agg.customer_id = ids.id
    LEFT JOIN after ON after.customer_id = ids.id
    LEFT JOIN unresolved ON unresolved.customer_id = ids.id`;
  for (const row of rows) {
    out.set(row.customer_id, {
      firstActivityAt: ms(row.first_activity),
      lastActivityAt: ms(row.last_activity),
      considerationAt: ms(row.consideration),
      firstPurchaseAt: ms(row.first_purchase),
      lastPurchaseAt: ms(row.last_purchase),
      activityAfterFirstPurchaseAt: ms(row.after_purchase),
      latestNps: row.nps_at && row.nps_score !== null ? { score: row.nps_score, at: row.nps_at.getTime() } : null,
      lastReferralAt: ms(row.last_referral),
      lastPaymentFailedAt: ms(row.last_payment_failed),
      lastCancelledAt: ms(row.last_cancelled),
      unresolvedRecentContacts: row.unresolved ?? 0,
    });
  }
  return out;
}

/** When each customer's stage was last set by hand. */
async function latestOverrides(customerIds: string[]): Promise<Map<string, Date>> {
  if (customerIds.length === 0) return new Map();
  const rows = await db.$queryRaw<{ customer_id: string; occurred_at: Date }[]>`
    SELECT DISTINCT ON (customer_id) customer_id, occurred_at FROM timeline_events
    WHERE customer_id = ANY(${customerIds}::uuid[]) AND kind = 'journey_stage' AND payload->>'override' = 'true'
    ORDER BY customer_id, occurred_at DESC, id DESC`;
  return new Map(rows.map((r) => [r.customer_id, r.occurred_at]));
}

export function stageChangeText(from: string | null, to: string): string {
  return from ? `Journey stage: ${from} → ${to}` : `Journey stage: ${to}`;
}

export type Evaluation = { customerId: string; from: Stage | null; to: Stage | null; changed: boolean; reason?: string; overridden?: boolean };

/**
 * Infers the stage as of `now` and, when it differs from the stored one,
 * stores it and writes the journey_stage touchpoint (at `now`).
 */
export async function evaluateCustomer(customerId: string, opts: { now?: Date } = {}): Promise<Evaluation> {
  return (await evaluateCustomers([customerId], opts))[0]!;
}

/** evaluateCustomer for many customers at once: a handful of queries and one write transaction for the lot. */
export async function evaluateCustomers(customerIds: string[], opts: { now?: Date } = {}): Promise<Evaluation[]> {
  const now = opts.now ?? new Date();
  const result = new Map<string, Evaluation>(customerIds.map((id) => [id, { customerId: id, from: null, to: null, changed: false }]));
  const ids = [...new Set(customerIds.filter(isUuid))];
  if (ids.length === 0) return customerIds.map((id) => result.get(id)!);
  const customers = (
    await db.customer.findMany({ where: { id: { in: ids } }, select: { id: true, journeyStage: true, journeyStageSetBy: true, mergedIntoId: true, erasedAt: true } })
  ).filter((c) => !c.mergedIntoId && !c.erasedAt);
  const overrides = await latestOverrides(customers.filter((c) => c.journeyStageSetBy).map((c) => c.id));
  const expired = new Set<string>();
  const candidates = customers.filter((c) => {
    if (!c.journeyStageSetBy) return true;
    const at = overrides.get(c.id);
    if (at && now.getTime() - at.getTime() < JOURNEY_RULES.overrideMs) {
      const from = c.journeyStage as Stage | null;
      result.set(c.id, { customerId: c.id, from, to: from, changed: false, overridden: true });
      return false;
    }
    expired.add(c.id);
    return true;
  });
  const facts = await loadJourneyFactsMany(candidates.map((c) => c.id), now);
  const moves: { id: string; from: Stage | null; to: Stage; reason: string }[] = [];
  for (const c of candidates) {
    const from = c.journeyStage as Stage | null;
    const inferred = inferStage(facts.get(c.id)!, now.getTime());
    if (!inferred || inferred.stage === from) {
      if (expired.has(c.id)) await db.customer.updateMany({ where: { id: c.id, journeyStageSetBy: c.journeyStageSetBy }, data: { journeyStageSetBy: null } });
      result.set(c.id, { customerId: c.id, from, to: from, changed: false, reason: inferred?.reason });
      continue;
    }
    result.set(c.id, { customerId: c.id, from, to: from, changed: false });
    moves.push({ id: c.id, from, to: inferred.stage, reason: inferred.reason });
  }
  if (moves.length) {
    // Only the evaluator that flips the stored stage writes the touchpoint (one conditional update for all).
    const flipped = await db.$queryRaw<{ id: string }[]>`
      UPDATE customers c SET journey_stage = v.stage::"JourneyStage", journey_stage_set_by = NULL, updated_at = now()
      FROM (SELECT unnest(${moves.map((m) => m.id)}::uuid[]) AS id, unnest(${moves.map((m) => m.from)}::text[]) AS prev,
                   unnest(${moves.map((m) => m.to)}::text[]) AS stage, unnest(${moves.map((m) => expired.has(m.id))}::boolean[]) AS expired) v
      WHERE c.id = v.id AND c.journey_stage::text IS NOT DISTINCT FROM v.prev AND (c.journey_stage_set_by IS NULL OR v.expired)
      RETURNING c.id`;
    const won = new Set(flipped.map((f) => f.id));
    const written = moves.filter((m) => won.has(m.id));
    const inputs = written.map((m) => ({
      customerId: m.id,
      channel: "system" as const,
      kind: "journey_stage" as const,
      actor: "system" as const,
      name: m.to,
      text: stageChangeText(m.from, m.to),
      occurredAt: now,
      payload: { from: m.from, to: m.to, reason: m.reason },
    }));
    // One transaction for the lot; should one fail (a customer merged meanwhile), each on its own.
    await recordTouchpoints(inputs).catch(async () => {
      for (const input of inputs) await recordTouchpoint(input).catch((error: unknown) => console.error(`[journey] stage event for ${input.customerId}: ${(error as Error).message}`));
    });
    for (const m of written) result.set(m.id, { customerId: m.id, from: m.from, to: m.to, changed: true, reason: m.reason });
    if (written.length) bus.publishAll(written.map((m) => ({ type: "customer.updated" as const, customerId: m.id, changes: { journeyStage: m.to } })));
  }
  return customerIds.map((id) => result.get(id)!);
}

/** An agent sets the stage by hand; inference leaves it alone for JOURNEY_RULES.overrideMs. */
export async function overrideStage(customerId: string, stage: Stage, userId: string, note?: string | null) {
  if (!isUuid(customerId)) throw new JourneyError("not_found", "No such customer.");
  if (!JOURNEY_STAGES.includes(stage)) throw new JourneyError("invalid", "Unknown stage.");
  const [c, user] = await Promise.all([
    db.customer.findUnique({ where: { id: customerId }, select: { journeyStage: true, mergedIntoId: true } }),
    db.user.findUnique({ where: { id: userId }, select: { name: true } }),
  ]);
  if (!c) throw new JourneyError("not_found", "No such customer.");
  if (c.mergedIntoId) throw new JourneyError("invalid", "This customer was merged into another one.");
  const now = new Date();
  const until = new Date(now.getTime() + JOURNEY_RULES.overrideMs);
  await db.customer.update({ where: { id: customerId }, data: { journeyStage: stage, journeyStageSetBy: userId } });
  const r = await recordTouchpoint({
    customerId,
    channel: "system",
    kind: "journey_stage",
    actor: "agent",
    actorUserId: userId,
    name: stage,
    text: `${stageChangeText(c.journeyStage, stage)} (set by ${user?.name ?? "an agent"})`,
    occurredAt: now,
    payload: { from: c.journeyStage, to: stage, override: true, until: until.toISOString(), ...(note ? { note: note.slice(0, 500) } : {}) },
  });
  bus.publish({ type: "customer.updated", customerId, changes: { journeyStage: stage, journeyStageSetBy: userId } });
  return { eventId: r.eventId, until };
}

/** Hands the stage back to inference at once. */
export async function clearOverride(customerId: string) {
  if (!isUuid(customerId)) throw new JourneyError("not_found", "No such customer.");
  await db.customer.update({ where: { id: customerId }, data: { journeyStageSetBy: null } }).catch(() => {
    throw new JourneyError("not_found", "No such customer.");
  });
  return evaluateCustomer(customerId);
}

/** Whether a committed event is a touchpoint that may move its customer's stage. */
function touchesStage(event: DomainEvent): event is Extract<DomainEvent, { type: "timeline.created" }> {
  if (event.type !== "timeline.created") return false;
  return (event.item as { kind?: string } | undefined)?.kind !== "journey_stage";
}

const MAX_BATCH = 200;

/**
 * The journey consumer (src/server/journey/register.ts, run by the job
 * queue): re-evaluates the customers touched by one batch of committed
 * events together (evaluateCustomers, up to MAX_BATCH at a time), so a burst
 * of touchpoints — one customer's many, or many customers' one each — costs a
 * few queries per batch instead of a few per touchpoint. The queue's batches
 * take the place of the old in-process debounce window.
 */
export async function onJourneyEvents(events: DomainEvent[]): Promise<void> {
  const ids = [...new Set(events.filter(touchesStage).map((e) => e.customerId))];
  for (let i = 0; i < ids.length; i += MAX_BATCH) await evaluateCustomers(ids.slice(i, i + MAX_BATCH));
}

/**
 * In-process variant for tests and scripts (no queue): the customers touched
 * within one debounce window are evaluated together, one batch at a time.
 */
export function startJourneyListener(debounceMs = 300): () => void {
  const pending = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let stopped = false;
  const flush = async () => {
    timer = undefined;
    if (running || stopped) return;
    running = true;
    try {
      while (pending.size && !stopped) {
        const batch = [...pending].slice(0, MAX_BATCH);
        for (const id of batch) pending.delete(id);
        await evaluateCustomers(batch).catch((error) => console.error(`[journey] evaluating ${batch.length} customers failed: ${(error as Error).message}`));
      }
    } finally {
      running = false;
    }
    // Touchpoints that arrived during the pass get their own window.
    if (pending.size && !stopped) timer ??= setTimeout(() => void flush(), debounceMs);
  };
  const off = bus.on((event: DomainEvent) => {
    if (!touchesStage(event)) return;
    pending.add(event.customerId);
    if (!running) timer ??= setTimeout(() => void flush(), debounceMs);
  });
  return () => {
    stopped = true;
    off();
    if (timer) clearTimeout(timer);
    pending.clear();
  };
}

const FIRST_ID = "00000000-0000-0000-0000-000000000000";

/**
 * One pass of the slow sweep for time-based moves (purchase → onboarding →
 * retention, advocacy and at-risk signals expiring, silence, overrides
 * ending): a batch of the customers whose stage time alone can change,
 * round-robin by id. The cursor is the previous pass's return value (the
 * periodic job carries it from pass to pass, whichever process runs it).
 */
export async function journeySweepOnce(after: string = FIRST_ID, batch = 100): Promise<string> {
  const from = isUuid(after) ? after : FIRST_ID;
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM customers
    WHERE id > ${from}::uuid AND merged_into_id IS NULL AND erased_at IS NULL
      AND (journey_stage IN ('purchase', 'onboarding', 'advocacy', 'at_risk')
           OR journey_stage_set_by IS NOT NULL
           OR (journey_stage = 'retention' AND last_seen_at < now() - interval '30 days'))
    ORDER BY id LIMIT ${batch}`;
  await evaluateCustomers(rows.map((r) => r.id));
  return rows.length ? rows[rows.length - 1]!.id : FIRST_ID;
}

