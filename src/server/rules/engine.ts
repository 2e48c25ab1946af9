// The automation engine: "when this happens, do that".
//
// Evaluated on every committed touchpoint (`timeline.created`, consumed from
// the domain-event queue, src/server/jobs/) and every 30 s for timer triggers ("no reply within X minutes"). A rule fires at most
// once per trigger: RuleRun (ruleId, triggerKey) is unique and is claimed
// before any action runs, so a redelivered event or a second process never
// fires it twice. Loops are cut two ways: every event a rule causes carries
// causedByRule = ruleId (in its payload, or in the dedupe key of a message it
// sent) and that rule ignores it; and nothing runs on an event that is already
// MAX_DEPTH rule-steps away from a human or customer action.
// Every action is written to the AuditLog and to the timeline.
import { db, Prisma } from "@/server/db";
import { bus, type DomainEvent } from "@/server/events/bus";
import { isUuid, uuidv7 } from "@/server/db/ids";
import { frictionForConversation, frictionForCustomer } from "@/server/friction/score";
import { conditionsHold, needsFriction, triggerMatches, type RuleContext, type RuleEvent } from "./conditions";
import { isTimerTrigger, parseStoredRule, type EventTrigger, type TimerTrigger } from "./schema";
import { runAction, type Exec, type LoadedRule } from "./actions";
import { emotionFromColumns, isSharpNegativeTurn, type Emotion } from "@/server/emotion";

export { signWebhook } from "./actions";

export const MAX_DEPTH = 3;
/** A timer trigger that crossed its threshold longer ago than this is not acted on. */
export const STALE_TIMER_MS = 60 * 60_000;

type StoredRule = { id: string; name: string; enabled: boolean; trigger: unknown; conditions: unknown; actions: unknown; position: number };

export type ActionResult = { type: string; ok: boolean; detail: string };
export type RunSummary = { ruleId: string; ruleName: string; triggerKey: string; status: "ok" | "partial" | "failed"; actions: ActionResult[] };

// Enabled rules, cached briefly: a burst of touchpoints (the events API takes
// 1,000 at once) reads them once. Changes through ./admin.ts clear the cache;
// other processes see a change within RULE_CACHE_MS.
const RULE_CACHE_MS = 2_000;
const cache = globalThis as unknown as { __throughlineRules?: { at: number; rules: Promise<LoadedRule[]> } };

export function invalidateRuleCache() {
  cache.__throughlineRules = undefined;
}

function loadRules(): Promise<LoadedRule[]> {
  const c = cache.__throughlineRules;
  if (c && Date.now() - c.at < RULE_CACHE_MS) return c.rules;
  const rules = readRules();
  cache.__throughlineRules = { at: Date.now(), rules };
  rules.catch(() => invalidateRuleCache());
  return rules;
}

async function readRules(): Promise<LoadedRule[]> {
  const rows = await db.automationRule.findMany({ where: { enabled: true }, orderBy: [{ position: "asc" }, { createdAt: "asc" }] });
  const out: LoadedRule[] = [];
  for (const r of rows as StoredRule[]) {
    const p = parseStoredRule(r);
    if (!p.trigger) continue;
    out.push({ id: r.id, name: r.name, trigger: p.trigger, conditions: p.conditions, actions: p.actions });
  }
  return out;
}

type EventRow = {
  id: string;
  customer_id: string;
  conversation_id: string | null;
  kind: string;
  name: string | null;
  channel: string;
  actor: string;
  text: string;
  payload: unknown;
  dedupe_key: string | null;
  occurred_at: Date;
  sentiment_score: number | null;
  sentiment_label: Emotion["label"] | null;
  frustration_cues: string[] | null;
};

const REPLY_BY_RULE = /^reply:[^:]+:rule:([0-9a-f-]{36}):(\d+):/i;

/** Which rule (if any) caused this event, and how many rule-steps deep it is. */
export function causeOf(payload: unknown, dedupeKey: string | null): { ruleId: string | null; depth: number } {
  const p = (payload && typeof payload === "object" ? payload : {}) as Record<string, unknown>;
  if (typeof p.causedByRule === "string") return { ruleId: p.causedByRule, depth: typeof p.ruleDepth === "number" ? p.ruleDepth : 1 };
  const m = dedupeKey ? REPLY_BY_RULE.exec(dedupeKey) : null;
  if (m) return { ruleId: m[1]!, depth: Number(m[2]) };
  return { ruleId: null, depth: 0 };
}

async function customerContext(customerId: string): Promise<RuleContext["customer"]> {
  const c = await db.customer.findUnique({ where: { id: customerId }, select: { id: true, name: true, attributes: true, journeyStage: true, lifetimeValue: true } });
  if (!c) return null;
  return {
    id: c.id,
    name: c.name,
    firstName: c.name?.split(/\s+/)[0] ?? null,
    attributes: (c.attributes ?? {}) as Record<string, unknown>,
    journeyStage: c.journeyStage,
    lifetimeValue: Number(c.lifetimeValue),
  };
}

async function conversationContext(conversationId: string | null): Promise<RuleContext["conversation"]> {
  if (!conversationId) return null;
  const c = await db.conversation.findUnique({
    where: { id: conversationId },
    select: { id: true, number: true, status: true, priority: true, tags: true, assigneeId: true, teamId: true, channel: true, inboxId: true, subject: true, waitingSince: true },
  });
  if (!c) return null;
  const { waitingSince, ...rest } = c;
  return { ...rest, waitingMinutes: waitingSince ? Math.floor((Date.now() - waitingSince.getTime()) / 60_000) : null };
}

async function addFriction(ctx: RuleContext) {
  if (ctx.customer && ctx.customer.friction === undefined) ctx.customer.friction = (await frictionForCustomer(ctx.customer.id)).score;
  if (ctx.conversation && ctx.conversation.friction === undefined) ctx.conversation.friction = (await frictionForConversation(ctx.conversation.id)).score;
}

/** Claims the (rule, trigger) pair; false when it fired (or was claimed) before. */
async function claimRun(ruleId: string, triggerKey: string, status = "running"): Promise<string | null> {
  const id = uuidv7();
  const rows = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO rule_runs (id, rule_id, trigger_key, status, result, created_at)
    VALUES (${id}::uuid, ${ruleId}::uuid, ${triggerKey}, ${status}, '{}'::jsonb, now())
    ON CONFLICT (rule_id, trigger_key) DO NOTHING RETURNING id`;
  return rows[0]?.id ?? null;
}

/** Runs the rules whose event trigger matches this timeline event. */
export async function processTimelineEvent(eventId: string): Promise<RunSummary[]> {
  if (!isUuid(eventId)) return [];
  const [row] = await db.$queryRaw<EventRow[]>`
    SELECT id, customer_id, conversation_id, kind::text AS kind, name, channel::text AS channel, actor::text AS actor, text, payload, dedupe_key, occurred_at,
           sentiment_score, sentiment_label::text AS sentiment_label, frustration_cues
    FROM timeline_events WHERE id = ${eventId}::uuid`;
  if (!row) return [];
  const cause = causeOf(row.payload, row.dedupe_key);
  if (cause.depth >= MAX_DEPTH) return [];
  const event: RuleEvent = {
    id: row.id,
    kind: row.kind,
    name: row.name,
    channel: row.channel,
    actor: row.actor,
    text: row.text,
    payload: (row.payload && typeof row.payload === "object" ? row.payload : {}) as Record<string, unknown>,
    occurredAt: row.occurred_at.toISOString(),
    sentiment: emotionFromColumns(row.sentiment_score, row.sentiment_label, row.frustration_cues),
  };
  const all = await loadRules();
  if (event.sentiment?.label === "negative" && all.some((r) => (r.trigger as EventTrigger).sentiment === "turned_negative")) event.turnedNegative = await turnedNegative(row);
  const rules = all.filter((r) => !isTimerTrigger(r.trigger) && triggerMatches(r.trigger as EventTrigger, event) && r.id !== cause.ruleId);
  if (rules.length === 0) return [];
  const ctx: RuleContext = { event, customer: await customerContext(row.customer_id), conversation: await conversationContext(row.conversation_id) };
  const out: RunSummary[] = [];
  for (const rule of rules) {
    if (needsFriction(rule.conditions)) await addFriction(ctx);
    if (!conditionsHold(ctx, rule.conditions)) continue;
    const runId = await claimRun(rule.id, row.id);
    if (!runId) continue;
    out.push(await execute(rule, runId, { ...ctx, rule: { id: rule.id, name: rule.name } }, row.id, cause.depth + 1));
  }
  return out;
}

/** Whether this scored item is a sharp negative turn from the customer's previous one (in its conversation, else on its own). */
async function turnedNegative(row: EventRow): Promise<boolean> {
  const current: Emotion = { score: row.sentiment_score, label: row.sentiment_label!, cues: row.frustration_cues ?? [] };
  // The previous scored item of the conversation (its index), or of the customer's timeline outside conversations.
  const scope = row.conversation_id ? Prisma.sql`conversation_id = ${row.conversation_id}::uuid` : Prisma.sql`customer_id = ${row.customer_id}::uuid`;
  const [prev] = await db.$queryRaw<{ sentiment_score: number | null; sentiment_label: Emotion["label"]; frustration_cues: string[] }[]>`
    SELECT sentiment_score, sentiment_label::text AS sentiment_label, frustration_cues FROM timeline_events
    WHERE ${scope} AND (occurred_at, id) < (${row.occurred_at}, ${row.id}::uuid)
      AND sentiment_label IS NOT NULL AND sentiment_label <> 'unscored'
    ORDER BY occurred_at DESC, id DESC LIMIT 1`;
  return isSharpNegativeTurn(prev ? emotionFromColumns(prev.sentiment_score, prev.sentiment_label, prev.frustration_cues) : null, current);
}

/** One pass over the timer rules ("no_reply"). */
export async function checkTimerRules(now: Date = new Date()): Promise<RunSummary[]> {
  const rules = (await loadRules()).filter((r) => isTimerTrigger(r.trigger));
  const out: RunSummary[] = [];
  for (const rule of rules) {
    const t = rule.trigger as TimerTrigger;
    if (t.timer !== "no_reply") continue;
    const cutoff = new Date(now.getTime() - t.minutes * 60_000);
    const rows = await db.$queryRaw<{ id: string; customer_id: string; waiting_since: Date }[]>`
      SELECT c.id, c.customer_id, c.waiting_since FROM conversations c
      WHERE c.status = 'open' AND c.waiting_since IS NOT NULL AND c.waiting_since <= ${cutoff}
        AND NOT EXISTS (SELECT 1 FROM rule_runs r WHERE r.rule_id = ${rule.id}::uuid
          AND r.trigger_key = 'no_reply:' || c.id || ':' || (extract(epoch FROM c.waiting_since) * 1000)::bigint)
      ORDER BY c.waiting_since ASC LIMIT 100`;
    for (const c of rows) {
      const triggerKey = `no_reply:${c.id}:${c.waiting_since.getTime()}`;
      // Crossed the threshold long ago (the rule is new, or the app was down):
      // remembered as stale, not acted on, so enabling a rule does not flood.
      if (now.getTime() - (c.waiting_since.getTime() + t.minutes * 60_000) > STALE_TIMER_MS) {
        await claimRun(rule.id, triggerKey, "stale");
        continue;
      }
      const ctx: RuleContext = {
        event: null,
        timer: { name: t.timer, minutes: t.minutes },
        customer: await customerContext(c.customer_id),
        conversation: await conversationContext(c.id),
        rule: { id: rule.id, name: rule.name },
      };
      if (needsFriction(rule.conditions)) await addFriction(ctx);
      if (!conditionsHold(ctx, rule.conditions)) {
        // Remembered, so the next pass does not look at this wait again.
        await claimRun(rule.id, triggerKey, "no_match");
        continue;
      }
      const runId = await claimRun(rule.id, triggerKey);
      if (!runId) continue;
      out.push(await execute(rule, runId, ctx, triggerKey, 1));
    }
  }
  return out;
}

// ------------------------------------------------------------------ actions
// One module per action type (./actions/); the engine runs them in order and logs the run.

async function execute(rule: LoadedRule, runId: string, ctx: RuleContext, triggerKey: string, depth: number): Promise<RunSummary> {
  const x: Exec = { rule, ctx, triggerKey, depth, conversationId: ctx.conversation?.id ?? null, index: 0 };
  const results: ActionResult[] = [];
  for (let i = 0; i < rule.actions.length; i++) {
    const a = rule.actions[i]!;
    x.index = i;
    try {
      results.push({ type: a.type, ok: true, detail: await runAction(a, x) });
    } catch (error) {
      results.push({ type: a.type, ok: false, detail: (error as Error).message.slice(0, 300) });
    }
  }
  const ok = results.filter((r) => r.ok).length;
  const status = ok === results.length ? "ok" : ok === 0 ? "failed" : "partial";
  await db.ruleRun.update({
    where: { id: runId },
    data: { status, result: { actions: results, depth, customerId: ctx.customer?.id ?? null, conversationId: x.conversationId, eventText: ctx.event?.text ?? null } as Prisma.InputJsonValue },
  });
  return { ruleId: rule.id, ruleName: rule.name, triggerKey, status, actions: results };
}

/**
 * The rules consumer (src/server/rules/register.ts, run by the job queue):
 * rules on every committed touchpoint of a batch. Delivered at least once: a
 * rule runs once per event all the same (claimRun).
 */
export async function onRulesEvents(events: DomainEvent[]): Promise<void> {
  const errors: unknown[] = [];
  // One event at a time: a batch is up to 50 events, and each may hold a
  // transaction while it asks the pool for another connection; all at once
  // they could take every connection of the shared pool and wait for ever.
  for (const e of events) await rulesOnEvent(e).catch((error: unknown) => void errors.push(error));
  if (errors.length) throw errors[0];
}

/** In-process variant for tests and scripts (no queue): rules on every committed touchpoint of this process. */
export function startRulesListener(): () => void {
  return bus.on((event: DomainEvent) => rulesOnEvent(event));
}

async function rulesOnEvent(event: DomainEvent): Promise<void> {
  {
    if (event.type !== "timeline.created") return;
    // The published item carries kind/name/channel/actor: when no enabled rule's
    // trigger can match, skip loading the event (batches of 1,000 product
    // events would otherwise cost 1,000 queries for nothing).
    const item = event.item as { kind?: string; name?: string | null; channel?: string; actor?: string; emotion?: RuleEvent["sentiment"] } | undefined;
    if (item?.kind) {
      // A negative item may be a turn: the probe lets "turned_negative" rules through to the exact check.
      const probe = { kind: item.kind, name: item.name ?? null, channel: item.channel ?? "", actor: item.actor ?? "", sentiment: item.emotion ?? null, turnedNegative: item.emotion?.label === "negative" } as RuleEvent;
      const rules = await loadRules();
      if (!rules.some((r) => !isTimerTrigger(r.trigger) && triggerMatches(r.trigger as EventTrigger, probe))) return;
    }
    await processTimelineEvent(event.eventId);
  }
}
