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
import { createHmac } from "node:crypto";
import { purposeSecret } from "@/server/security/secrets";
import { db, Prisma } from "@/server/db";
import { bus, type DomainEvent } from "@/server/events/bus";
import { insertTicketEvent, publishTimelineCreated, recordTouchpoint, type CreatedEvent } from "@/server/timeline/ingest";
import { isUuid, uuidv7 } from "@/server/timeline/ids";
import { runTransaction, type Tx } from "@/server/timeline/tx";
import { sendReply } from "@/server/conversations/reply";
import { sendSurvey, systemAuthorFor } from "@/server/surveys/service";
import { frictionForConversation, frictionForCustomer } from "@/server/friction/score";
import { conditionsHold, needsFriction, renderTemplate, triggerMatches, type RuleContext, type RuleEvent } from "./conditions";
import { isTimerTrigger, parseStoredRule, type Action, type Condition, type EventTrigger, type TimerTrigger } from "./schema";
import { conversationRef, insertNotifications, publishNotifications, usersWithRole } from "./notify";
import { recordAudit } from "@/server/audit/record";
import { guardedFetch, OutboundRefusedError } from "@/server/net/guarded-fetch";

export const MAX_DEPTH = 3;
/** A timer trigger that crossed its threshold longer ago than this is not acted on. */
export const STALE_TIMER_MS = 60 * 60_000;

type StoredRule = { id: string; name: string; enabled: boolean; trigger: unknown; conditions: unknown; actions: unknown; position: number };
type LoadedRule = { id: string; name: string; trigger: EventTrigger | TimerTrigger; conditions: Condition[]; actions: Action[] };

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
    SELECT id, customer_id, conversation_id, kind::text AS kind, name, channel::text AS channel, actor::text AS actor, text, payload, dedupe_key, occurred_at
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
  };
  const rules = (await loadRules()).filter((r) => !isTimerTrigger(r.trigger) && triggerMatches(r.trigger as EventTrigger, event) && r.id !== cause.ruleId);
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

type Exec = { rule: LoadedRule; ctx: RuleContext; triggerKey: string; depth: number; conversationId: string | null; index: number };

function causedBy(x: Exec) {
  return { causedByRule: x.rule.id, ruleName: x.rule.name, ruleDepth: x.depth, triggerKey: x.triggerKey };
}

function ruleLabel(x: Exec) {
  return `Rule “${x.rule.name}”`;
}

async function audit(tx: Tx | typeof db, x: Exec, action: string, targetType: string, targetId: string, data: Record<string, unknown>) {
  await recordAudit(tx, { actorUserId: null, action: `rule.${action}`, targetType, targetId, data: { ruleId: x.rule.id, ruleName: x.rule.name, triggerKey: x.triggerKey, depth: x.depth, ...data } });
}

type ConvLock = { id: string; status: string; priority: string; tags: string[]; assignee_id: string | null; team_id: string | null; customer_id: string; inbox_id: string };

/** A ticket change: conversation update + ticket_event + audit in one transaction, then published. */
async function ticketChange(
  x: Exec,
  action: string,
  change: (conv: ConvLock, tx: Tx) => Promise<{ data: Prisma.ConversationUncheckedUpdateInput; name: string; text: string; payload: Record<string, unknown>; changes: Record<string, unknown> } | null>,
): Promise<string> {
  const convId = x.conversationId!;
  const done = await runTransaction(async (tx) => {
    const [conv] = await tx.$queryRaw<ConvLock[]>`
      SELECT id, status::text AS status, priority::text AS priority, tags, assignee_id, team_id, customer_id, inbox_id
      FROM conversations WHERE id = ${convId}::uuid FOR UPDATE`;
    if (!conv) throw new Error("the conversation no longer exists");
    const c = await change(conv, tx);
    if (!c) return null;
    await tx.conversation.update({ where: { id: convId }, data: c.data });
    const ev = await insertTicketEvent(tx, convId, { name: c.name, text: c.text, payload: { ...c.payload, ...causedBy(x) } });
    await audit(tx, x, action, "conversation", convId, c.payload);
    return { ev, conv, changes: c.changes, text: c.text };
  });
  if (!done) return "no change";
  await publishTimelineCreated([done.ev]);
  bus.publish({ type: "conversation.updated", conversationId: convId, customerId: done.conv.customer_id, inboxId: done.conv.inbox_id, changes: done.changes });
  return done.text;
}

/** A customer-level entry (no conversation): ticket_event on the customer's timeline + audit. */
async function customerEntry(x: Exec, action: string, text: string, payload: Record<string, unknown>): Promise<string> {
  const customerId = x.ctx.customer!.id;
  await recordTouchpoint({
    customerId,
    channel: "system",
    kind: "ticket_event",
    actor: "system",
    name: `rule_${action}`,
    text,
    payload: { ...payload, ...causedBy(x) },
    dedupeKey: `rule:${x.rule.id}:${x.triggerKey}:${x.index}`,
  });
  await audit(db, x, action, "customer", customerId, payload);
  return text;
}

/** A timeline note that an action happened (notify, webhook) on the conversation or the customer. */
async function actionEntry(x: Exec, action: string, text: string, payload: Record<string, unknown>): Promise<string> {
  if (!x.conversationId) return customerEntry(x, action, text, payload);
  const convId = x.conversationId;
  const dedupeKey = `rule:${x.rule.id}:${x.triggerKey}:${x.index}`;
  // Already written by an earlier attempt of this run.
  if (await db.timelineEvent.findUnique({ where: { dedupeKey }, select: { id: true } })) return text;
  const ev: CreatedEvent = await runTransaction(async (tx) => {
    const e = await insertTicketEvent(tx, convId, { name: `rule_${action}`, text, payload: { ...payload, ...causedBy(x) }, dedupeKey });
    await audit(tx, x, action, "conversation", convId, payload);
    return e;
  });
  await publishTimelineCreated([ev]);
  return text;
}

async function latestOpenConversation(customerId: string): Promise<string | null> {
  const c = await db.conversation.findFirst({
    where: { customerId, status: { in: ["open", "pending", "snoozed"] }, channel: { notIn: ["api", "system"] } },
    orderBy: [{ lastMessageAt: "desc" }, { id: "desc" }],
    select: { id: true },
  });
  return c?.id ?? null;
}

async function needConversation(x: Exec): Promise<string> {
  if (!x.conversationId && x.ctx.customer) x.conversationId = await latestOpenConversation(x.ctx.customer.id);
  if (!x.conversationId) throw new Error("no conversation to act on");
  return x.conversationId;
}

async function runAction(a: Action, x: Exec): Promise<string> {
  const label = ruleLabel(x);
  switch (a.type) {
    case "add_tags":
    case "remove_tags": {
      const tags = [...new Set(a.tags.map((t) => t.trim().toLowerCase()))];
      const verb = a.type === "add_tags" ? "added" : "removed";
      const noun = tags.length > 1 ? "tags" : "tag";
      if (!x.conversationId) {
        // No conversation: the tag goes on the customer (attributes.tags).
        if (!x.ctx.customer) throw new Error("no customer");
        const c = await db.customer.findUnique({ where: { id: x.ctx.customer.id }, select: { attributes: true } });
        const attrs = { ...((c?.attributes ?? {}) as Record<string, unknown>) };
        const current = Array.isArray(attrs.tags) ? (attrs.tags as unknown[]).map(String) : [];
        const next = a.type === "add_tags" ? [...new Set([...current, ...tags])] : current.filter((t) => !tags.includes(t));
        if (next.length === current.length && next.every((t, i) => t === current[i])) return "no change";
        attrs.tags = next;
        await db.customer.update({ where: { id: x.ctx.customer.id }, data: { attributes: attrs as Prisma.InputJsonValue } });
        bus.publish({ type: "customer.updated", customerId: x.ctx.customer.id, changes: { attributes: attrs } });
        return customerEntry(x, a.type, `${label} ${verb} ${noun} ${tags.join(", ")}`, { [verb]: tags, on: "customer" });
      }
      return ticketChange(x, a.type, async (conv) => {
        const next = a.type === "add_tags" ? [...new Set([...conv.tags, ...tags])] : conv.tags.filter((t) => !tags.includes(t));
        const changed = a.type === "add_tags" ? tags.filter((t) => !conv.tags.includes(t)) : tags.filter((t) => conv.tags.includes(t));
        if (changed.length === 0) return null;
        return {
          data: { tags: next },
          name: "tags",
          text: `${label} ${verb} ${changed.length > 1 ? "tags" : "tag"} ${changed.join(", ")}`,
          payload: { [verb]: changed },
          changes: { tags: next },
        };
      });
    }
    case "set_priority": {
      await needConversation(x);
      return ticketChange(x, a.type, async (conv) =>
        conv.priority === a.priority
          ? null
          : { data: { priority: a.priority }, name: "priority", text: `${label} set priority to ${a.priority}`, payload: { from: conv.priority, to: a.priority }, changes: { priority: a.priority } },
      );
    }
    case "set_status": {
      await needConversation(x);
      return ticketChange(x, a.type, async (conv) => {
        if (conv.status === a.status) return null;
        const now = new Date();
        const data: Prisma.ConversationUncheckedUpdateInput = { status: a.status };
        if (a.status === "resolved") data.resolvedAt = now;
        // A snooze always has a wake-up time (the snooze waker reopens it then).
        const until = a.status === "snoozed" ? new Date(now.getTime() + (a.snoozeHours ?? 24) * 3_600_000) : null;
        data.snoozedUntil = until;
        return {
          data,
          name: "status",
          text: `${label} changed status from ${conv.status} to ${a.status}${until ? ` until ${until.toISOString()}` : ""}`,
          payload: { from: conv.status, to: a.status, ...(until ? { until: until.toISOString() } : {}) },
          changes: { status: a.status, snoozedUntil: until?.toISOString() ?? null, ...(a.status === "resolved" ? { resolvedAt: now.toISOString() } : {}) },
        };
      });
    }
    case "assign": {
      await needConversation(x);
      return ticketChange(x, a.type, async (conv, tx) => {
        const data: Prisma.ConversationUncheckedUpdateInput = {};
        const changes: Record<string, unknown> = {};
        const parts: string[] = [];
        const payload: Record<string, unknown> = {};
        if (a.userId !== undefined && a.userId !== conv.assignee_id) {
          const [from, to] = await Promise.all([
            conv.assignee_id ? tx.user.findUnique({ where: { id: conv.assignee_id }, select: { name: true } }) : null,
            a.userId ? tx.user.findUnique({ where: { id: a.userId }, select: { name: true, deactivatedAt: true } }) : null,
          ]);
          if (a.userId && (!to || to.deactivatedAt)) throw new Error("the agent to assign does not exist");
          data.assigneeId = a.userId;
          changes.assigneeId = a.userId;
          Object.assign(payload, { from: conv.assignee_id, to: a.userId, fromName: from?.name ?? null, toName: to?.name ?? null });
          parts.push(a.userId ? `assigned the conversation to ${to!.name}` : "unassigned the conversation");
        }
        if (a.teamId !== undefined && a.teamId !== conv.team_id) {
          const team = a.teamId ? await tx.team.findUnique({ where: { id: a.teamId }, select: { name: true } }) : null;
          if (a.teamId && !team) throw new Error("the team does not exist");
          data.teamId = a.teamId;
          changes.teamId = a.teamId;
          Object.assign(payload, { fromTeam: conv.team_id, toTeam: a.teamId, teamName: team?.name ?? null });
          parts.push(a.teamId ? `moved it to team ${team!.name}` : "removed the team");
        }
        if (parts.length === 0) return null;
        return { data, name: data.assigneeId !== undefined ? "assignee" : "team", text: `${label} ${parts.join(" and ")}`, payload, changes };
      });
    }
    case "send_message": {
      const convId = await needConversation(x);
      const authorId = await systemAuthorFor(convId);
      if (!authorId) throw new Error("no user can send the message");
      const body = renderTemplate(a.body, x.ctx).trim();
      if (!body) throw new Error("the message is empty after filling the template");
      const r = await sendReply({ conversationId: convId, authorId, bodyText: body, clientMessageId: `rule:${x.rule.id}:${x.depth}:${x.triggerKey}:${x.index}`.slice(0, 200) });
      await audit(db, x, a.type, "conversation", convId, { messageId: r.messageId, body: body.slice(0, 500) });
      return `${label} sent a message`;
    }
    case "open_ticket": {
      if (!x.ctx.customer) throw new Error("no customer");
      let inboxId = a.inboxId ?? null;
      if (!inboxId && x.ctx.conversation) inboxId = x.ctx.conversation.inboxId;
      if (!inboxId) inboxId = (await db.inbox.findFirst({ where: { channel: "email" }, orderBy: { createdAt: "asc" }, select: { id: true } }))?.id ?? null;
      if (!inboxId) inboxId = (await db.inbox.findFirst({ orderBy: { createdAt: "asc" }, select: { id: true } }))?.id ?? null;
      if (!inboxId) throw new Error("no inbox to open the ticket in");
      const inbox = await db.inbox.findUnique({ where: { id: inboxId }, select: { id: true, channel: true } });
      if (!inbox) throw new Error("the inbox does not exist");
      const subject = renderTemplate(a.subject || x.ctx.event?.text || x.rule.name, x.ctx).slice(0, 300);
      const r = await recordTouchpoint({
        customerId: x.ctx.customer.id,
        conversation: { inboxId: inbox.id, externalThreadKey: `rule:${x.rule.id}:${x.triggerKey}`, subject },
        channel: inbox.channel,
        kind: "ticket_event",
        actor: "system",
        name: "opened",
        text: `${label} opened a ticket: ${subject}`,
        payload: { subject, ...causedBy(x) },
        dedupeKey: `rule:${x.rule.id}:${x.triggerKey}:${x.index}`,
      });
      x.conversationId = r.conversationId;
      if (r.conversationId) await audit(db, x, a.type, "conversation", r.conversationId, { subject });
      if (a.priority && r.conversationId && a.priority !== "normal") {
        await ticketChange(x, "set_priority", async (conv) =>
          conv.priority === a.priority ? null : { data: { priority: a.priority }, name: "priority", text: `${label} set priority to ${a.priority}`, payload: { from: conv.priority, to: a.priority }, changes: { priority: a.priority } },
        );
      }
      return `${label} opened a ticket`;
    }
    case "send_survey": {
      const r = await sendSurvey({
        kind: a.kind,
        conversationId: x.conversationId,
        customerId: x.ctx.customer?.id,
        clientMessageId: `rule:${x.rule.id}:${x.depth}:${x.triggerKey}:${x.index}`.slice(0, 200),
      });
      x.conversationId ??= r.conversationId;
      await audit(db, x, a.type, "survey", r.surveyId, { kind: a.kind, conversationId: r.conversationId });
      return `${label} sent a ${a.kind.toUpperCase()} survey`;
    }
    case "notify": {
      const recipients = new Set<string>(a.userIds ?? []);
      if (a.role === "assignee") {
        if (x.ctx.conversation?.assigneeId) recipients.add(x.ctx.conversation.assigneeId);
      } else if (a.role) for (const id of await usersWithRole(db, [a.role])) recipients.add(id);
      if (!a.role && !a.userIds?.length) for (const id of await usersWithRole(db, ["supervisor"])) recipients.add(id);
      // The rule's name is the notification's actor; the default text says what happened.
      const message = renderTemplate(a.message || (x.ctx.event?.text ?? (x.ctx.conversation ? `#${x.ctx.conversation.number} has waited ${x.ctx.conversation.waitingMinutes ?? "?"} min` : "")), x.ctx);
      // The conversation acted on (maybe one an earlier action opened), named by number, subject and customer.
      const conv = x.conversationId ? await conversationRef(db, x.conversationId) : null;
      const data = {
        ruleId: x.rule.id,
        ruleName: x.rule.name,
        text: message,
        customerId: conv?.customerId ?? x.ctx.customer?.id ?? null,
        customerName: conv?.customerName ?? x.ctx.customer?.name ?? null,
        conversationId: conv?.conversationId ?? null,
        conversationNumber: conv?.conversationNumber ?? null,
        subject: conv?.subject ?? null,
        eventId: x.ctx.event?.id ?? null,
      };
      const rows = await insertNotifications(db, [...recipients].map((userId) => ({ userId, kind: "rule" as const, data })));
      publishNotifications(rows);
      const who = a.role && a.role !== "assignee" ? `${rows.length} ${a.role}${rows.length === 1 ? "" : "s"}` : `${rows.length} ${rows.length === 1 ? "person" : "people"}`;
      return actionEntry(x, a.type, `${label} notified ${who}`, { recipients: [...recipients], message });
    }
    case "webhook": {
      const body = JSON.stringify({
        rule: { id: x.rule.id, name: x.rule.name },
        triggerKey: x.triggerKey,
        firedAt: new Date().toISOString(),
        event: x.ctx.event,
        timer: x.ctx.timer ?? null,
        customer: x.ctx.customer ? { id: x.ctx.customer.id, name: x.ctx.customer.name, journeyStage: x.ctx.customer.journeyStage, attributes: x.ctx.customer.attributes } : null,
        conversation: x.ctx.conversation,
      });
      const signature = signWebhook(body, a.secretEnv);
      let status = 0;
      let error: string | null = null;
      let refused: string | null = null;
      try {
        // The URL is admin-typed: the guard refuses internal targets before connecting.
        const res = await guardedFetch(a.url, {
          method: "POST",
          headers: { "content-type": "application/json", "user-agent": "Throughline-Rules/1", "x-throughline-signature": `sha256=${signature}`, "x-throughline-rule": x.rule.id, "x-throughline-delivery": `${x.rule.id}:${x.triggerKey}` },
          body,
        });
        status = res.status;
      } catch (e) {
        // Only the reason is logged for a refusal, never the resolved address.
        refused = e instanceof OutboundRefusedError ? `refused: ${e.reason.replace(/_/g, " ")}` : null;
        error = refused ?? (e as Error).message;
      }
      const host = (() => {
        try {
          return new URL(a.url).host;
        } catch {
          return a.url;
        }
      })();
      await actionEntry(x, a.type, `${label} called webhook ${host} (${refused ?? (error ? "failed" : status)})`, { url: a.url, status, error });
      if (error || status >= 400) throw new Error(`webhook ${host}: ${error ?? `HTTP ${status}`}`);
      return `${label} called webhook ${host} (${status})`;
    }
  }
}

/** HMAC-SHA256 of the raw body, hex; the key is the named env variable or the instance's webhook-signing key. */
export function signWebhook(body: string, secretEnv?: string): string {
  const key = (secretEnv && process.env[secretEnv]) || purposeSecret("webhook-signing");
  return createHmac("sha256", key).update(body).digest("hex");
}

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
    const item = event.item as { kind?: string; name?: string | null; channel?: string; actor?: string } | undefined;
    if (item?.kind) {
      const probe = { kind: item.kind, name: item.name ?? null, channel: item.channel ?? "", actor: item.actor ?? "" } as RuleEvent;
      const rules = await loadRules();
      if (!rules.some((r) => !isTimerTrigger(r.trigger) && triggerMatches(r.trigger as EventTrigger, probe))) return;
    }
    await processTimelineEvent(event.eventId);
  }
}
