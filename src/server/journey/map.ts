// Read models for the journey map (one customer) and the journey funnel
// (all customers, for supervisors).
import { db, Prisma } from "@/server/db";
import { frictionForCustomer, frictionPoints } from "@/server/friction/score";
import { isUuid } from "@/server/db/ids";
import { JOURNEY_RULES, JOURNEY_STAGES, type Stage } from "./rules";
import { countTouchpoints } from "./touchpoints";
import { emotionFromColumns } from "@/server/emotion";

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
  /** The customer's emotion here (scored messages and survey answers; src/server/emotion/). */
  emotion: { score: number | null; label: "negative" | "neutral" | "positive" | "unscored"; cues: string[] } | null;
};

/** A customer's stages over time, touchpoints, emotions (the curve) and friction points. */
export async function journeyMap(customerId: string, inboxScope: "all" | string[]) {
  if (!isUuid(customerId)) return null;
  const customer = await db.customer.findUnique({
    where: { id: customerId },
    select: { id: true, name: true, journeyStage: true, journeyStageSetBy: true, createdAt: true, mergedIntoId: true, lifetimeValue: true, attributes: true },
  });
  if (!customer) return null;
  const scope = inboxScope === "all" ? Prisma.empty : Prisma.sql`AND (e.inbox_id IS NULL OR e.inbox_id = ANY(${inboxScope}::uuid[]))`;
  const rows = await db.$queryRaw<
    { id: string; occurred_at: Date; kind: string; channel: string; actor: string; name: string | null; text: string; conversation_id: string | null; payload: Record<string, unknown> | null;
      sentiment_score: number | null; sentiment_label: NonNullable<MapTouchpoint["emotion"]>["label"] | null; frustration_cues: string[] | null }[]
  >`
    SELECT e.id, e.occurred_at, e.kind::text AS kind, e.channel::text AS channel, e.actor::text AS actor, e.name,
           left(e.text, 200) AS text, e.conversation_id,
           CASE WHEN e.kind IN ('survey_response', 'journey_stage') THEN e.payload ELSE NULL END AS payload,
           e.sentiment_score, e.sentiment_label::text AS sentiment_label, e.frustration_cues
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
      emotion: emotionFromColumns(r.sentiment_score, r.sentiment_label, r.frustration_cues),
    });
  }
  const now = new Date().toISOString();
  const segments = stageEvents.map((s, i) => ({ stage: s.stage, from: s.at, to: stageEvents[i + 1]?.at ?? now, reason: s.reason, override: s.override }));
  const [friction, points, touchpointCount] = await Promise.all([frictionForCustomer(customerId), frictionPoints(customerId), countTouchpoints(customerId, inboxScope)]);
  let overrideUntil: string | null = null;
  const lastOverride = [...stageEvents].reverse().find((s) => s.override);
  if (customer.journeyStageSetBy && lastOverride) overrideUntil = new Date(Date.parse(lastOverride.at) + JOURNEY_RULES.overrideMs).toISOString();
  return {
    customer: { id: customer.id, name: customer.name, stage: customer.journeyStage, overriddenBy: customer.journeyStageSetBy, overrideUntil, createdAt: customer.createdAt, mergedIntoId: customer.mergedIntoId, lifetimeValue: Number(customer.lifetimeValue) },
    segments,
    touchpoints,
    /** How many touchpoints there are (the sidebar's figure; `touchpoints` may hold only the latest). */
    touchpointCount,
    truncated: rows.length >= MAX_TOUCHPOINTS,
    friction,
    frictionPoints: points,
  };
}

// The funnel lives in ./funnel.ts; re-exported for the router and older imports.
export { journeyFunnel, type FunnelStage } from "./funnel";
