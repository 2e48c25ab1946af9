// The journey funnel over customers (supervisors). Definitions in
// docs/journey.md, "The journey funnel":
//
//   step N of the funnel   customers whose stage history (journey_stage
//                          events, ever) holds stage N *and every earlier
//                          lifecycle stage*, so a step never holds more
//                          customers than the one above it;
//   conversion N           step N / step N−1 (never above 100 %);
//   reached                customers whose history holds the stage at all
//                          (a stage count, not a conversion: skipping is allowed);
//   current                customers in the stage now.
//
// Stages can be skipped (a purchase via the API with no page views), which is
// why "reached" alone cannot be read as a funnel: reached(onboarding) can be
// larger than reached(purchase).
import { db, Prisma } from "@/server/db";
import { FUNNEL_STAGES, JOURNEY_STAGES, type Stage } from "./rules";
import { WAIT_THRESHOLD_MIN } from "@/server/friction/score";

/** Stages that only follow a purchase: the at-risk share is of the customers who reached one of them. */
const PURCHASED_STAGES: Stage[] = ["purchase", "onboarding", "retention"];

export type FunnelStage = {
  stage: Stage;
  /** Customers in this stage now. */
  current: number;
  /** Customers whose stage history holds this stage (a stage count; stages can be skipped). */
  reached: number;
  /** Customers through this funnel step: reached it and every earlier lifecycle stage. Null for at_risk (beside the funnel). */
  step: number | null;
  /**
   * Lifecycle stages: step / previous step (%), null for the first step or an empty previous step.
   * at_risk: share of the customers who reached purchase (or a later lifecycle stage) who were ever at risk.
   * Never above 100.
   */
  conversion: number | null;
  medianDaysInStage: number | null;
  contacts: number;
  contactsPerCustomer: number | null;
  reopened: number;
  handoffs: number;
  slowFirstResponses: number;
  csat: number | null;
};

const pct = (n: number, of: number) => (of > 0 ? Math.round((1000 * n) / of) / 10 : null);

/**
 * The funnel, stage counts, median time in stage (from entering a stage to the
 * next stage change; stages still current are not counted), and where contacts
 * and friction concentrate: conversations by the stage the customer was in when
 * they started. With a period, only customers first seen in it (customers.created_at) count.
 */
export async function journeyFunnel(period?: { start: Date; end: Date }) {
  const cohort = period ? Prisma.sql`AND cu.created_at >= ${period.start} AND cu.created_at < ${period.end}` : Prisma.empty;
  const live = Prisma.sql`cu.merged_into_id IS NULL AND cu.erased_at IS NULL ${cohort}`;
  const current = await db.$queryRaw<{ stage: string | null; n: number }[]>`
    SELECT cu.journey_stage::text AS stage, count(*)::int AS n FROM customers cu WHERE ${live} GROUP BY 1`;
  const steps = FUNNEL_STAGES.map((_, i) => Prisma.sql`count(*) FILTER (WHERE h.stages @> ${FUNNEL_STAGES.slice(0, i + 1)}::text[])::int`);
  const [history] = await db.$queryRaw<{ steps: number[]; purchased: number; purchased_at_risk: number }[]>`
    WITH h AS (
      SELECT e.customer_id, array_agg(DISTINCT e.name) AS stages
      FROM timeline_events e JOIN customers cu ON cu.id = e.customer_id
      WHERE e.kind = 'journey_stage' AND ${live}
      GROUP BY e.customer_id
    )
    SELECT ARRAY[${Prisma.join(steps)}] AS steps,
           count(*) FILTER (WHERE h.stages && ${PURCHASED_STAGES}::text[])::int AS purchased,
           count(*) FILTER (WHERE h.stages && ${PURCHASED_STAGES}::text[] AND 'at_risk' = ANY(h.stages))::int AS purchased_at_risk
    FROM h`;
  const reached = await db.$queryRaw<{ stage: string; n: number; median_days: number | null }[]>`
    WITH st AS (
      SELECT e.customer_id, e.name AS stage, e.occurred_at,
             lead(e.occurred_at) OVER (PARTITION BY e.customer_id ORDER BY e.occurred_at, e.id) AS next_at
      FROM timeline_events e JOIN customers cu ON cu.id = e.customer_id
      WHERE e.kind = 'journey_stage' AND ${live}
    )
    SELECT stage, count(DISTINCT customer_id)::int AS n,
           (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM next_at - occurred_at) / 86400) FILTER (WHERE next_at IS NOT NULL))::float8 AS median_days
    FROM st GROUP BY stage`;
  const contacts = await db.$queryRaw<{ stage: string | null; contacts: number; customers: number; reopened: number; handoffs: number; slow: number; csat_n: number; csat_good: number }[]>`
    WITH conv AS (
      SELECT c.id, c.customer_id, c.reopen_count, c.first_response_at, c.created_at,
             (SELECT e.name FROM timeline_events e
               WHERE e.customer_id = c.customer_id AND e.kind = 'journey_stage' AND e.occurred_at <= c.created_at
               ORDER BY e.occurred_at DESC LIMIT 1) AS stage,
             (SELECT count(*) FROM timeline_events t WHERE t.conversation_id = c.id AND t.kind = 'ticket_event' AND t.name = 'assignee'
               AND t.payload->>'from' IS NOT NULL AND t.payload->>'from' <> coalesce(t.payload->>'to', '')) AS handoffs,
             (SELECT count(*) FROM surveys s JOIN survey_responses sr ON sr.survey_id = s.id WHERE s.conversation_id = c.id AND sr.kind = 'csat') AS csat_n,
             (SELECT count(*) FROM surveys s JOIN survey_responses sr ON sr.survey_id = s.id WHERE s.conversation_id = c.id AND sr.kind = 'csat' AND sr.score >= 4) AS csat_good
      FROM conversations c JOIN customers cu ON cu.id = c.customer_id
      WHERE ${live}
    )
    SELECT conv.stage, count(*)::int AS contacts, count(DISTINCT conv.customer_id)::int AS customers,
           count(*) FILTER (WHERE conv.reopen_count > 0)::int AS reopened,
           coalesce(sum(conv.handoffs), 0)::int AS handoffs,
           count(*) FILTER (WHERE conv.first_response_at - conv.created_at > ${WAIT_THRESHOLD_MIN} * interval '1 minute')::int AS slow,
           coalesce(sum(conv.csat_n), 0)::int AS csat_n,
           coalesce(sum(conv.csat_good), 0)::int AS csat_good
    FROM conv GROUP BY conv.stage`;
  const curBy = new Map(current.map((c) => [c.stage, c.n]));
  const reachedBy = new Map(reached.map((r) => [r.stage, r]));
  const contactsBy = new Map(contacts.map((c) => [c.stage, c]));
  const stepCounts = history?.steps ?? FUNNEL_STAGES.map(() => 0);
  const stages: FunnelStage[] = JOURNEY_STAGES.map((stage) => {
    const r = reachedBy.get(stage);
    const c = contactsBy.get(stage);
    const idx = FUNNEL_STAGES.indexOf(stage);
    const step = idx >= 0 ? (stepCounts[idx] ?? 0) : null;
    const conversion =
      stage === "at_risk" ? pct(history?.purchased_at_risk ?? 0, history?.purchased ?? 0) : idx > 0 && step !== null ? pct(step, stepCounts[idx - 1] ?? 0) : null;
    return {
      stage,
      current: curBy.get(stage) ?? 0,
      reached: r?.n ?? 0,
      step,
      conversion,
      medianDaysInStage: r?.median_days === null || r?.median_days === undefined ? null : Math.round(r.median_days * 10) / 10,
      contacts: c?.contacts ?? 0,
      contactsPerCustomer: c && c.customers ? Math.round((100 * c.contacts) / c.customers) / 100 : null,
      reopened: c?.reopened ?? 0,
      handoffs: c?.handoffs ?? 0,
      slowFirstResponses: c?.slow ?? 0,
      csat: c && c.csat_n ? Math.round((1000 * c.csat_good) / c.csat_n) / 10 : null,
    };
  });
  const unstaged = contactsBy.get(null);
  return {
    stages,
    customers: current.reduce((t, c) => t + c.n, 0),
    withoutStage: curBy.get(null) ?? 0,
    /** Customers of the at-risk share's base (reached purchase or a later lifecycle stage). */
    purchased: history?.purchased ?? 0,
    contactsBeforeAnyStage: unstaged?.contacts ?? 0,
  };
}
