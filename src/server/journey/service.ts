// Journey stages, inferred from the timeline (./rules.ts) and adjustable by agents.
//
// Evaluated for a customer on every committed touchpoint (bus listener,
// debounced per customer) and by a slow sweep for the time-based moves
// (30 days after purchase → retention, 30 days of silence → at risk). A change
// is a conditional update of Customer.journeyStage (only the evaluator that
// flips it writes, so several processes never double-write) followed by a
// `journey_stage` touchpoint "Journey stage: consideration → purchase".
// An agent's override sets journeyStageSetBy and holds for JOURNEY_RULES.overrideMs.
import { db } from "@/server/db";
import { bus, type DomainEvent } from "@/server/events/bus";
import { recordTouchpoint } from "@/server/timeline/ingest";
import { isUuid } from "@/server/timeline/ids";
import { inferStage, JOURNEY_RULES, JOURNEY_STAGES, type JourneyFacts, type Stage } from "./rules";
import { every } from "@/server/app/every";


export class JourneyError extends Error {
  constructor(
    public code: "not_found" | "invalid",
    message: string,
  ) {
    super(message);
  }
}

type FactsRow = {
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
  const r = JOURNEY_RULES;
  const urlPatterns = r.considerationUrlContains.map((s) => `%${s.replace(/[%_\\]/g, (c) => `\\${c}`)}%`);
  const [row] = await db.$queryRaw<FactsRow[]>`
    WITH ev AS (
      SELECT occurred_at, kind, name, actor, payload FROM timeline_events
      WHERE customer_id = ${customerId}::uuid AND occurred_at <= ${asOf}
    ), agg AS (
      SELECT
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
        max(occurred_at) FILTER (WHERE kind = 'survey_response' AND name = 'nps') AS nps_at
      FROM ev
    )
    SELECT agg.*,
      (SELECT min(ev.occurred_at) FROM ev WHERE ev.actor = 'customer' AND ev.occurred_at > agg.first_purchase) AS after_purchase,
      (SELECT (ev.payload->>'score')::int FROM ev WHERE ev.kind = 'survey_response' AND ev.name = 'nps' ORDER BY ev.occurred_at DESC LIMIT 1) AS nps_score,
      (SELECT count(*)::int FROM conversations c
        WHERE c.customer_id = ${customerId}::uuid AND c.created_at > ${new Date(asOf.getTime() - r.unresolvedWindowMs)}
          AND c.created_at <= ${asOf} AND c.status IN ('open', 'pending', 'snoozed')) AS unresolved
    FROM agg`;
  return {
    firstActivityAt: ms(row?.first_activity ?? null),
    lastActivityAt: ms(row?.last_activity ?? null),
    considerationAt: ms(row?.consideration ?? null),
    firstPurchaseAt: ms(row?.first_purchase ?? null),
    lastPurchaseAt: ms(row?.last_purchase ?? null),
    activityAfterFirstPurchaseAt: ms(row?.after_purchase ?? null),
    latestNps: row?.nps_at && row.nps_score !== null ? { score: row.nps_score, at: row.nps_at.getTime() } : null,
    lastReferralAt: ms(row?.last_referral ?? null),
    lastPaymentFailedAt: ms(row?.last_payment_failed ?? null),
    lastCancelledAt: ms(row?.last_cancelled ?? null),
    unresolvedRecentContacts: row?.unresolved ?? 0,
  };
}

async function latestOverrideAt(customerId: string): Promise<Date | null> {
  const [row] = await db.$queryRaw<{ occurred_at: Date }[]>`
    SELECT occurred_at FROM timeline_events
    WHERE customer_id = ${customerId}::uuid AND kind = 'journey_stage' AND payload->>'override' = 'true'
    ORDER BY occurred_at DESC, id DESC LIMIT 1`;
  return row?.occurred_at ?? null;
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
  const now = opts.now ?? new Date();
  if (!isUuid(customerId)) return { customerId, from: null, to: null, changed: false };
  const c = await db.customer.findUnique({ where: { id: customerId }, select: { journeyStage: true, journeyStageSetBy: true, mergedIntoId: true, erasedAt: true } });
  if (!c || c.mergedIntoId || c.erasedAt) return { customerId, from: null, to: null, changed: false };
  const from = c.journeyStage as Stage | null;
  let overrideExpired = false;
  if (c.journeyStageSetBy) {
    const at = await latestOverrideAt(customerId);
    if (at && now.getTime() - at.getTime() < JOURNEY_RULES.overrideMs) return { customerId, from, to: from, changed: false, overridden: true };
    overrideExpired = true;
  }
  const facts = await loadJourneyFacts(customerId, now);
  const inferred = inferStage(facts, now.getTime());
  if (!inferred || inferred.stage === from) {
    if (overrideExpired) await db.customer.updateMany({ where: { id: customerId, journeyStageSetBy: c.journeyStageSetBy }, data: { journeyStageSetBy: null } });
    return { customerId, from, to: from, changed: false, reason: inferred?.reason };
  }
  const to = inferred.stage;
  // Only the evaluator that flips the stored stage writes the touchpoint.
  const updated = await db.$executeRaw`
    UPDATE customers SET journey_stage = ${to}::"JourneyStage", journey_stage_set_by = NULL, updated_at = now()
    WHERE id = ${customerId}::uuid AND journey_stage IS NOT DISTINCT FROM ${from}::"JourneyStage"
      AND (journey_stage_set_by IS NULL OR ${overrideExpired})`;
  if (updated !== 1) return { customerId, from, to: from, changed: false };
  await recordTouchpoint({
    customerId,
    channel: "system",
    kind: "journey_stage",
    actor: "system",
    name: to,
    text: stageChangeText(from, to),
    occurredAt: now,
    payload: { from, to, reason: inferred.reason },
  });
  bus.publish({ type: "customer.updated", customerId, changes: { journeyStage: to } });
  return { customerId, from, to, changed: true, reason: inferred.reason };
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

/** Bus listener: re-evaluate a customer shortly after each of their touchpoints (debounced). */
// A burst (a batch of 1,000 events for 1,000 customers) must not open 1,000
// evaluations at once and starve the write path of connections.
const MAX_CONCURRENT_EVALUATIONS = 4;
let running = 0;
const waiting: (() => void)[] = [];
async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT_EVALUATIONS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

export function startJourneyListener(debounceMs = 300): () => void {
  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  const off = bus.on((event: DomainEvent) => {
    if (event.type !== "timeline.created") return;
    const kind = (event.item as { kind?: string } | undefined)?.kind;
    if (kind === "journey_stage") return;
    const id = event.customerId;
    const t = pending.get(id);
    if (t) clearTimeout(t);
    pending.set(
      id,
      setTimeout(() => {
        pending.delete(id);
        limited(() => evaluateCustomer(id)).catch((error) => console.error(`[journey] evaluate ${id} failed: ${(error as Error).message}`));
      }, debounceMs),
    );
  });
  return () => {
    off();
    for (const t of pending.values()) clearTimeout(t);
    pending.clear();
  };
}

/**
 * The slow sweep for time-based moves (purchase → onboarding → retention,
 * advocacy and at-risk signals expiring, silence, overrides ending): a batch of
 * the customers whose stage time alone can change, per tick, round-robin by id.
 */
export function startJourneySweep(opts: { intervalMs?: number; batch?: number } = {}): () => void {
  let after = "00000000-0000-0000-0000-000000000000";
  return every(opts.intervalMs ?? 60_000, "journey sweep", async () => {
    const rows = await db.$queryRaw<{ id: string }[]>`
      SELECT id FROM customers
      WHERE id > ${after}::uuid AND merged_into_id IS NULL AND erased_at IS NULL
        AND (journey_stage IN ('purchase', 'onboarding', 'advocacy', 'at_risk')
             OR journey_stage_set_by IS NOT NULL
             OR (journey_stage = 'retention' AND last_seen_at < now() - interval '30 days'))
      ORDER BY id LIMIT ${opts.batch ?? 100}`;
    after = rows.length ? rows[rows.length - 1]!.id : "00000000-0000-0000-0000-000000000000";
    for (const r of rows) await evaluateCustomer(r.id);
  });
}

