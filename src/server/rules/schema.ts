// The shape of an automation rule (stored as JSON on AutomationRule): a
// trigger, conditions that must all hold, and actions run in order.
import { envSchema } from "@/env";
import { z } from "zod";
import { isHttpUrl } from "@/server/net/http-url";
import { ACTORS, CHANNELS, EVENT_KINDS, PRIORITIES, STATUSES, SURVEY_KINDS } from "@/lib/vocabulary";

export const OPS = ["eq", "neq", "gt", "gte", "lt", "lte", "contains", "not_contains", "in", "exists"] as const;
export const TIMERS = ["no_reply"] as const;
export const SENTIMENT_TRIGGERS = ["negative", "turned_negative"] as const;

export const eventTriggerSchema = z.object({
  kind: z.enum(EVENT_KINDS).optional(),
  /** Event name: product event ("purchase"), ticket change ("status"), survey kind... */
  name: z.string().trim().min(1).max(100).optional(),
  channel: z.enum(CHANNELS).optional(),
  actor: z.enum(ACTORS).optional(),
  /**
   * The customer's emotion on this touchpoint (src/server/emotion/):
   * "negative" — scored negative; "turned_negative" — a sharp negative turn
   * from their previous scored item in the conversation (isSharpNegativeTurn).
   */
  sentiment: z.enum(SENTIMENT_TRIGGERS).optional(),
});

export const timerTriggerSchema = z.object({
  /** "no_reply": an open conversation has waited this many minutes for a reply. */
  timer: z.enum(TIMERS),
  minutes: z.number().int().min(1).max(60 * 24 * 30),
});

export const triggerSchema = z.union([timerTriggerSchema, eventTriggerSchema]);

export const conditionSchema = z.object({
  field: z
    .string()
    .trim()
    .min(1)
    .max(120)
    .regex(/^[A-Za-z_][\w]*(\.[\w-]+)*$/, "a field like payload.amount or customer.attributes.plan"),
  op: z.enum(OPS),
  value: z.unknown().optional(),
});

const uuid = z.string().uuid();
const tags = z.array(z.string().trim().min(1).max(50)).min(1).max(10);

export const actionSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("assign"), userId: uuid.nullable().optional(), teamId: uuid.nullable().optional() }),
  z.object({ type: z.literal("set_priority"), priority: z.enum(PRIORITIES) }),
  z.object({ type: z.literal("add_tags"), tags }),
  z.object({ type: z.literal("remove_tags"), tags }),
  z.object({
    type: z.literal("set_status"),
    status: z.enum(STATUSES),
    /** With "snoozed": how long until it wakes (default 24 hours). */
    snoozeHours: z.number().positive().max(24 * 90).optional(),
  }),
  z.object({ type: z.literal("send_message"), body: z.string().trim().min(1).max(5000) }),
  z.object({
    type: z.literal("open_ticket"),
    inboxId: uuid.optional(),
    subject: z.string().trim().max(300).optional(),
    priority: z.enum(PRIORITIES).optional(),
  }),
  z.object({ type: z.literal("send_survey"), kind: z.enum(SURVEY_KINDS) }),
  z.object({
    type: z.literal("notify"),
    role: z.enum(["supervisor", "admin", "agent", "assignee"]).optional(),
    userIds: z.array(uuid).max(50).optional(),
    message: z.string().trim().max(500).optional(),
  }),
  z.object({
    type: z.literal("webhook"),
    // Scheme only: the address is checked when sending (src/server/net), as DNS can change.
    url: z.string().trim().max(2000).refine(isHttpUrl, "must be an http(s) URL"),
    /** Name of the environment variable holding the signing secret (default: the instance's webhook-signing key). */
    secretEnv: z
      .string()
      // Only variables meant for rule webhooks: any other (NEXTAUTH_SECRET,
      // DATABASE_URL, a cloud key of the host…) would make each delivery an
      // HMAC oracle for it.
      .regex(/^RULE_[A-Z0-9_]{1,59}$/, "must be an environment variable named RULE_…, set for this rule's webhook")
      .refine((name) => !Object.hasOwn(envSchema.shape, name), "must name a variable of its own, not one of Throughline's settings")
      .optional(),
  }),
]);

export const ruleInputSchema = z.object({
  name: z.string().trim().min(1).max(120),
  enabled: z.boolean().default(true),
  trigger: triggerSchema,
  conditions: z.array(conditionSchema).max(20).default([]),
  actions: z.array(actionSchema).min(1).max(10),
  position: z.number().int().min(0).max(10_000).optional(),
});

export type EventTrigger = z.infer<typeof eventTriggerSchema>;
export type TimerTrigger = z.infer<typeof timerTriggerSchema>;
export type Trigger = z.infer<typeof triggerSchema>;
export type Condition = z.infer<typeof conditionSchema>;
export type Action = z.infer<typeof actionSchema>;
export type RuleInput = z.infer<typeof ruleInputSchema>;

export function isTimerTrigger(t: unknown): t is TimerTrigger {
  return !!t && typeof t === "object" && typeof (t as { timer?: unknown }).timer === "string";
}

/** Parses stored JSON leniently: invalid parts are dropped (and reported). */
export function parseStoredRule(row: { trigger: unknown; conditions: unknown; actions: unknown }) {
  const trigger = triggerSchema.safeParse(row.trigger);
  const conditions = Array.isArray(row.conditions) ? row.conditions.map((c) => conditionSchema.safeParse(c)) : [];
  const actions = Array.isArray(row.actions) ? row.actions.map((a) => actionSchema.safeParse(a)) : [];
  return {
    trigger: trigger.success ? trigger.data : null,
    conditions: conditions.filter((c) => c.success).map((c) => c.data!),
    actions: actions.filter((a) => a.success).map((a) => a.data!),
    invalid: !trigger.success || conditions.some((c) => !c.success) || actions.some((a) => !a.success),
  };
}
