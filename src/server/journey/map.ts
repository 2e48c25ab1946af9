// Read models for the journey map (one customer) and the journey funnel
// (all customers, for supervisors).
import { db, Prisma } from "@/server/db";
import { frictionForCustomer, frictionPoints } from "@/server/friction/score";
import { isUuid } from "@/server/timeline/ids";
import { FUNNEL_STAGES, JOURNEY_RULES, JOURNEY_STAGES, type Stage } from "./rules";

const MAX_TOUCHPOINTS = 4000;

export type MapTouchpoint = {
  id: string;
  at: string;
  kind: string;
  channel: string;
  actor: string;
  name: string | null;
  text: string;
  conversationId: string | null;
  score: number | null;
  max: number | null;
};

/** A customer's stages over time, touchpoints, survey emotions and friction points. */
export async function journeyMap(customerId: string, inboxScope: "all" | string[]) {
  if (!isUuid(customerId)) return null;
  const customer = await db.customer.findUnique({
    where: { id: customerId },
    select: { id: true, name: true, journeyStage: true, journeyStageSetBy: true, createdAt: true, mergedIntoId: true, lifetimeValue: true, attributes: true },
  });
  if (!customer) return null;
  const scope = inboxScope === "all" ? Prisma.empty : Prisma.sql`AND (e.inbox_id IS NULL OR e.inbox_id = ANY(${inboxScope}::uuid[]))`;
  const rows = await db.$queryRaw<
    { id: string; occurred_at: Date; kind: string; channel: string; actor: string; name: string | null; text: string; conversation_id: string | null; payload: Record<string, unknown> | null }[]
  >`
    SELECT e.id, e.occurred_at, e.kind::text AS kind, e.channel::text AS channel, e.actor::text AS actor, e.name,
           left(e.text, 200) AS text, e.conversation_id,
           CASE WHEN e.kind IN ('survey_response', 'journey_stage') THEN e.payload ELSE NULL END AS payload
    FROM timeline_events e
    WHERE e.customer_id = ${customerId}::uuid ${scope}
    ORDER BY e.occurred_at DESC, e.id DESC
    LIMIT ${MAX_TOUCHPOINTS}`;
  rows.reverse();
  const touchpoints: MapTouchpoint[] = [];
  const stageEvents: { at: string; stage: Stage; from: string | null; reason: string | null; override: boolean }[] = [];
  for (const r of rows) {
    if (r.kind === "journey_stage") {
      const p = r.payload ?? {};
      const to = (typeof p.to === "string" ? p.to : r.name) as Stage;
      if (JOURNEY_STAGES.includes(to)) {
        stageEvents.push({ at: r.occurred_at.toISOString(), stage: to, from: typeof p.from === "string" ? p.from : null, reason: typeof p.reason === "string" ? p.reason : null, override: p.override === true });
      }
      continue;
    }
    const p = r.payload ?? {};
    touchpoints.push({
      id: r.id,
      at: r.occurred_at.toISOString(),
      kind: r.kind,
      channel: r.channel,
      actor: r.actor,
      name: r.name,
      text: r.text,
      conversationId: r.conversation_id,
      score: r.kind === "survey_response" && typeof p.score === "number" ? p.score : null,
      max: r.kind === "survey_response" && typeof p.max === "number" ? p.max : null,
    });
  }
  const now = new Date().toISOString();
  const segments = stageEvents.map((s, i) => ({ stage: s.stage, from: s.at, to: stageEvents[i + 1]?.at ?? now, reason: s.reason, override: s.override }));
  const [friction, points] = await Promise.all([frictionForCustomer(customerId), frictionPoints(customerId)]);
  let overrideUntil: string | null = null;
  const lastOverride = [...stageEvents].reverse().find((s) => s.override);
  if (customer.journeyStageSetBy && lastOverride) overrideUntil = new Date(Date.parse(lastOverride.at) + JOURNEY_RULES.overrideMs).toISOString();
  return {
    customer: { id: customer.id, name: customer.name, stage: customer.journeyStage, overriddenBy: customer.journeyStageSetBy, overrideUntil, createdAt: customer.createdAt, mergedIntoId: customer.mergedIntoId, lifetimeValue: Number(customer.lifetimeValue) },
    segments,
    touchpoints,
    truncated: rows.length >= MAX_TOUCHPOINTS,
    friction,
    frictionPoints: points,
  };
}

export type FunnelStage = {
  stage: Stage;
  current: number;
  reached: number;
  /** Share of those who reached the previous lifecycle stage that reached this one (%). */
  conversion: number | null;
  medianDaysInStage: number | null;
  contacts: number;
  contactsPerCustomer: number | null;
  reopened: number;
  handoffs: number;
  slowFirstResponses: number;
  csat: number | null;
};

/**
 * The funnel over customers: how many are in each stage now, how many ever
 * reached it (journey_stage events), conversion between consecutive lifecycle
 * stages, median time spent in a stage (until the next stage change; stages
 * still current are not counted), and where contacts and friction concentrate:
 * conversations by the stage the customer was in when they started.
 * With a period, only customers first seen in it are counted (a cohort).
 */
export async function journeyFunnel(period?: { start: Date; end: Date }) {
  const cohort = period
    ? Prisma.sql`AND cu.created_at >= ${period.start} AND cu.created_at < ${period.end}`
    : Prisma.empty;
  const current = await db.$queryRaw<{ stage: string | null; n: number }[]>`
    SELECT cu.journey_stage::text AS stage, count(*)::int AS n FROM customers cu
    WHERE cu.merged_into_id IS NULL AND cu.erased_at IS NULL ${cohort} GROUP BY 1`;
  const reached = await db.$queryRaw<{ stage: string; n: number; median_days: number | null }[]>`
    WITH st AS (
      SELECT e.customer_id, e.name AS stage, e.occurred_at,
             lead(e.occurred_at) OVER (PARTITION BY e.customer_id ORDER BY e.occurred_at, e.id) AS next_at
      FROM timeline_events e JOIN customers cu ON cu.id = e.customer_id
      WHERE e.kind = 'journey_stage' AND cu.merged_into_id IS NULL ${cohort}
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
      WHERE cu.merged_into_id IS NULL ${cohort}
    )
    SELECT conv.stage, count(*)::int AS contacts, count(DISTINCT conv.customer_id)::int AS customers,
           count(*) FILTER (WHERE conv.reopen_count > 0)::int AS reopened,
           coalesce(sum(conv.handoffs), 0)::int AS handoffs,
           count(*) FILTER (WHERE conv.first_response_at - conv.created_at > interval '1 hour')::int AS slow,
           coalesce(sum(conv.csat_n), 0)::int AS csat_n,
           coalesce(sum(conv.csat_good), 0)::int AS csat_good
    FROM conv GROUP BY conv.stage`;
  const curBy = new Map(current.map((c) => [c.stage, c.n]));
  const reachedBy = new Map(reached.map((r) => [r.stage, r]));
  const contactsBy = new Map(contacts.map((c) => [c.stage, c]));
  const stages: FunnelStage[] = JOURNEY_STAGES.map((stage) => {
    const r = reachedBy.get(stage);
    const c = contactsBy.get(stage);
    const idx = FUNNEL_STAGES.indexOf(stage);
    const prev = idx > 0 ? reachedBy.get(FUNNEL_STAGES[idx - 1]!)?.n ?? 0 : null;
    const base = stage === "at_risk" ? (reachedBy.get("purchase")?.n ?? 0) : prev;
    return {
      stage,
      current: curBy.get(stage) ?? 0,
      reached: r?.n ?? 0,
      conversion: base ? Math.round((1000 * (r?.n ?? 0)) / base) / 10 : null,
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
    contactsBeforeAnyStage: unstaged?.contacts ?? 0,
  };
}
