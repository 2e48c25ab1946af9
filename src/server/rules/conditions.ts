// Pure parts of the rules engine: which rule a trigger matches, how a
// condition's field is read from the context, how it is compared, and how
// message templates are filled. No I/O here (unit-tested).
import type { Condition, EventTrigger } from "./schema";

export type RuleEvent = {
  id: string;
  kind: string;
  name: string | null;
  channel: string;
  actor: string;
  text: string;
  payload: Record<string, unknown>;
  occurredAt: string;
  /** The customer's emotion on this touchpoint, when scored. */
  sentiment?: { score: number | null; label: string; cues: string[] } | null;
  /** A sharp negative turn from their previous scored item (filled for triggers that ask). */
  turnedNegative?: boolean;
};

export type RuleContext = {
  /** The triggering timeline event (null for timers). */
  event: RuleEvent | null;
  timer?: { name: string; minutes: number };
  customer: {
    id: string;
    name: string | null;
    firstName: string | null;
    attributes: Record<string, unknown>;
    journeyStage: string | null;
    lifetimeValue: number;
    /** Friction score, filled when a condition asks for it. */
    friction?: number;
  } | null;
  conversation: {
    id: string;
    number: number;
    status: string;
    priority: string;
    tags: string[];
    assigneeId: string | null;
    teamId: string | null;
    channel: string;
    inboxId: string;
    subject: string | null;
    waitingMinutes: number | null;
    friction?: number;
  } | null;
  rule?: { id: string; name: string };
};

export function triggerMatches(t: EventTrigger, e: RuleEvent): boolean {
  if (t.kind && t.kind !== e.kind) return false;
  if (t.name && t.name.toLowerCase() !== (e.name ?? "").toLowerCase()) return false;
  if (t.channel && t.channel !== e.channel) return false;
  if (t.actor && t.actor !== e.actor) return false;
  if (t.sentiment === "negative" && e.sentiment?.label !== "negative") return false;
  if (t.sentiment === "turned_negative" && !e.turnedNegative) return false;
  return true;
}

function dig(obj: unknown, path: string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (cur === null || cur === undefined || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

const CONVERSATION_SHORTHAND = new Set(["priority", "status", "tags", "assigneeId", "teamId", "subject", "number", "waitingMinutes"]);
const EVENT_FIELDS = new Set(["kind", "name", "channel", "actor", "text", "occurredAt"]);

/**
 * Reads a field: "payload.amount", "customer.attributes.plan",
 * "customer.journeyStage" (or "stage"), "friction" (the customer's),
 * "conversation.friction", "priority"/"status"/"tags" (the conversation's),
 * "kind"/"name"/"channel"/"text" (the event's; channel falls back to the
 * conversation's for timers).
 */
export function readField(ctx: RuleContext, field: string): unknown {
  const [head, ...rest] = field.split(".");
  if (!head) return undefined;
  if (head === "payload") return dig(ctx.event?.payload, rest);
  if (head === "event") return dig(ctx.event, rest);
  if (head === "customer") {
    if (rest[0] === "stage") return ctx.customer?.journeyStage ?? null;
    return dig(ctx.customer, rest);
  }
  if (head === "conversation" || head === "ticket") return dig(ctx.conversation, rest);
  if (head === "stage" || head === "journeyStage") return ctx.customer?.journeyStage ?? null;
  if (head === "friction") return ctx.customer?.friction;
  if (head === "timer") return dig(ctx.timer, rest);
  if (head === "sentiment") return rest.length ? dig(ctx.event?.sentiment, rest) : (ctx.event?.sentiment?.label ?? null);
  if (EVENT_FIELDS.has(head) && rest.length === 0) {
    if (ctx.event) return (ctx.event as unknown as Record<string, unknown>)[head];
    if (head === "channel") return ctx.conversation?.channel;
    if (head === "name") return ctx.timer?.name;
    return undefined;
  }
  if (CONVERSATION_SHORTHAND.has(head)) return dig(ctx.conversation, [head, ...rest]);
  return undefined;
}

function asNumber(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function same(a: unknown, b: unknown): boolean {
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== null && nb !== null) return na === nb;
  if (typeof a === "boolean" || typeof b === "boolean") return String(a) === String(b);
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  return String(a).toLowerCase() === String(b).toLowerCase();
}

export function compare(actual: unknown, op: Condition["op"], expected: unknown): boolean {
  switch (op) {
    case "eq":
      return Array.isArray(actual) ? actual.some((x) => same(x, expected)) : same(actual, expected);
    case "neq":
      return Array.isArray(actual) ? !actual.some((x) => same(x, expected)) : !same(actual, expected);
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      const a = asNumber(actual);
      const b = asNumber(expected);
      if (a === null || b === null) return false;
      return op === "gt" ? a > b : op === "gte" ? a >= b : op === "lt" ? a < b : a <= b;
    }
    case "contains":
    case "not_contains": {
      let hit: boolean;
      if (Array.isArray(actual)) hit = actual.some((x) => same(x, expected));
      else if (actual === null || actual === undefined) hit = false;
      else hit = String(actual).toLowerCase().includes(String(expected ?? "").toLowerCase());
      return op === "contains" ? hit : !hit;
    }
    case "in": {
      const list = Array.isArray(expected) ? expected : typeof expected === "string" ? expected.split(",").map((s) => s.trim()) : [expected];
      return Array.isArray(actual) ? actual.some((a) => list.some((x) => same(a, x))) : list.some((x) => same(actual, x));
    }
    case "exists": {
      const present = actual !== undefined && actual !== null && actual !== "" && !(Array.isArray(actual) && actual.length === 0);
      return expected === false || expected === "false" ? !present : present;
    }
  }
}

export function conditionsHold(ctx: RuleContext, conditions: Condition[]): boolean {
  return conditions.every((c) => compare(readField(ctx, c.field), c.op, c.value));
}

export function needsFriction(conditions: Condition[]): boolean {
  return conditions.some((c) => /(^|\.)friction$/.test(c.field));
}

/** Fills {{customer.name}}, {{customer.firstName}}, {{payload.amount}}, {{conversation.number}}, {{event.text}}, {{rule.name}}. */
export function renderTemplate(template: string, ctx: RuleContext): string {
  return template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_m, path: string) => {
    const v = path.startsWith("rule.") ? dig(ctx.rule, path.split(".").slice(1)) : readField(ctx, path);
    if (v === undefined || v === null) return "";
    if (Array.isArray(v)) return v.join(", ");
    if (typeof v === "object") return JSON.stringify(v);
    return String(v);
  });
}
