// Managing automation rules (admin settings): list with recent runs, create,
// update, enable/disable, delete. Every change is written to the AuditLog.
import { db, Prisma } from "@/server/db";
import { isUuid } from "@/server/db/ids";
import { parseStoredRule, ruleInputSchema, type RuleInput } from "./schema";
import { invalidateRuleCache } from "./engine";
import { recordAudit } from "@/server/audit/record";
import { DomainError } from "@/server/lib/domain-error";

export class RuleError extends DomainError {
  constructor(
    public code: "not_found" | "invalid",
    message: string,
  ) {
    super(message);
  }
}

export async function listRules() {
  const rules = await db.automationRule.findMany({ orderBy: [{ position: "asc" }, { createdAt: "asc" }] });
  const stats = await db.$queryRaw<{ rule_id: string; fired: number; failed: number; last_at: Date | null }[]>`
    SELECT rule_id, count(*) FILTER (WHERE status NOT IN ('no_match', 'stale'))::int AS fired,
           count(*) FILTER (WHERE status IN ('failed', 'partial'))::int AS failed,
           max(created_at) FILTER (WHERE status NOT IN ('no_match', 'stale')) AS last_at
    FROM rule_runs GROUP BY rule_id`;
  const byRule = new Map(stats.map((s) => [s.rule_id, s]));
  return rules.map((r) => {
    const parsed = parseStoredRule(r);
    const s = byRule.get(r.id);
    return {
      id: r.id,
      name: r.name,
      enabled: r.enabled,
      position: r.position,
      trigger: r.trigger,
      conditions: r.conditions,
      actions: r.actions,
      invalid: parsed.invalid,
      fired: s?.fired ?? 0,
      failed: s?.failed ?? 0,
      lastFiredAt: s?.last_at ?? null,
      updatedAt: r.updatedAt,
    };
  });
}

export async function recentRuns(opts: { ruleId?: string; limit?: number } = {}) {
  const limit = Math.min(Math.max(opts.limit ?? 30, 1), 200);
  return db.ruleRun.findMany({
    where: { status: { notIn: ["no_match", "stale"] }, ...(opts.ruleId ? { ruleId: opts.ruleId } : {}) },
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { id: true, ruleId: true, triggerKey: true, status: true, result: true, createdAt: true, rule: { select: { name: true } } },
  });
}

function validated(input: unknown): RuleInput {
  const parsed = ruleInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new RuleError("invalid", parsed.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; "));
  }
  return parsed.data;
}

async function auditRule(actorUserId: string | null, action: string, ruleId: string, data: Record<string, unknown>) {
  invalidateRuleCache();
  await recordAudit(db, { actorUserId, action, targetType: "automation_rule", targetId: ruleId, data });
}

export async function createRule(input: unknown, actorUserId: string | null) {
  const r = validated(input);
  const position = r.position ?? ((await db.automationRule.aggregate({ _max: { position: true } }))._max.position ?? -1) + 1;
  const rule = await db.automationRule.create({
    data: { name: r.name, enabled: r.enabled, trigger: r.trigger as Prisma.InputJsonValue, conditions: r.conditions as Prisma.InputJsonValue, actions: r.actions as Prisma.InputJsonValue, position },
  });
  await auditRule(actorUserId, "rule.created", rule.id, { name: r.name });
  return rule;
}

export async function updateRule(id: string, input: unknown, actorUserId: string | null) {
  if (!isUuid(id)) throw new RuleError("not_found", "No such rule.");
  const r = validated(input);
  const exists = await db.automationRule.findUnique({ where: { id }, select: { id: true } });
  if (!exists) throw new RuleError("not_found", "No such rule.");
  const rule = await db.automationRule.update({
    where: { id },
    data: {
      name: r.name,
      enabled: r.enabled,
      trigger: r.trigger as Prisma.InputJsonValue,
      conditions: r.conditions as Prisma.InputJsonValue,
      actions: r.actions as Prisma.InputJsonValue,
      ...(r.position !== undefined ? { position: r.position } : {}),
    },
  });
  await auditRule(actorUserId, "rule.updated", id, { name: r.name });
  return rule;
}

export async function setRuleEnabled(id: string, enabled: boolean, actorUserId: string | null) {
  if (!isUuid(id)) throw new RuleError("not_found", "No such rule.");
  const n = await db.automationRule.updateMany({ where: { id }, data: { enabled } });
  if (n.count === 0) throw new RuleError("not_found", "No such rule.");
  await auditRule(actorUserId, enabled ? "rule.enabled" : "rule.disabled", id, {});
  return { id, enabled };
}

export async function deleteRule(id: string, actorUserId: string | null) {
  if (!isUuid(id)) throw new RuleError("not_found", "No such rule.");
  const n = await db.automationRule.deleteMany({ where: { id } });
  if (n.count === 0) throw new RuleError("not_found", "No such rule.");
  await auditRule(actorUserId, "rule.deleted", id, {});
  return { id };
}
