// Managing SLA policies and the teams' business hours (the SLA settings
// screen): list, save, delete, opening hours, and a due-time preview. Every
// change is written to the AuditLog.
import { db } from "@/server/db";
import { recordAudit } from "@/server/audit/record";
import { DomainError } from "@/server/lib/domain-error";
import { addBusinessMinutes, calendarFromTeam, type Weekday } from "./business-time";
import type { PolicyRow } from "./policy";

/** A policy as the settings form sends it. */
export type PolicyInput = Omit<PolicyRow, "id" | "createdAt">;

export type OpeningHoursInput = {
  teamId: string;
  timezone: string;
  /** "HH:MM" ranges per weekday. */
  days: Partial<Record<Weekday, [string, string][]>>;
  /** YYYY-MM-DD */
  holidays: string[];
};

const audit = (actorUserId: string, action: string, targetType: string, targetId: string, data: Record<string, unknown>) => recordAudit(db, { actorUserId, action, targetType, targetId, data });

export function listPolicies() {
  return db.slaPolicy.findMany({ orderBy: [{ priority: "desc" }, { createdAt: "asc" }], include: { team: { select: { id: true, name: true } } } });
}

export function listTeamHours() {
  return db.team.findMany({ select: { id: true, name: true, businessHours: true, holidays: true }, orderBy: { name: "asc" } });
}

/** Creates a policy (id null) or updates one. */
export async function savePolicy(id: string | null, data: PolicyInput, actorUserId: string) {
  const saved = id ? await db.slaPolicy.update({ where: { id }, data }).catch(() => null) : await db.slaPolicy.create({ data });
  if (!saved) throw new DomainError("No such policy.", "not_found");
  await audit(actorUserId, id ? "sla_policy.updated" : "sla_policy.created", "sla_policy", saved.id, { ...data });
  return saved;
}

export async function deletePolicy(id: string, actorUserId: string) {
  const n = await db.slaPolicy.deleteMany({ where: { id } });
  if (!n.count) throw new DomainError("No such policy.", "not_found");
  await audit(actorUserId, "sla_policy.deleted", "sla_policy", id, {});
  return { ok: true };
}

/** A team's opening hours and holidays (each range must end after it starts). */
export async function saveOpeningHours(input: OpeningHoursInput, actorUserId: string) {
  for (const ranges of Object.values(input.days)) {
    for (const [a, b] of ranges ?? []) if (a >= b) throw new DomainError(`Opening ${a}–${b} must end after it starts.`, "invalid_input");
  }
  const businessHours = { timezone: input.timezone, days: input.days };
  const holidays = [...new Set(input.holidays)].sort();
  const n = await db.team.updateMany({ where: { id: input.teamId }, data: { businessHours, holidays } });
  if (!n.count) throw new DomainError("No such team.", "not_found");
  await audit(actorUserId, "team.business_hours", "team", input.teamId, { businessHours, holidays });
  return { ok: true };
}

/** When would a target of `minutes` business minutes starting at `start` be due for this team? */
export async function previewDue(teamId: string, start: Date, minutes: number) {
  const team = await db.team.findUnique({ where: { id: teamId }, select: { businessHours: true, holidays: true } });
  if (!team) throw new DomainError("No such team.", "not_found");
  return { dueAt: addBusinessMinutes(start, minutes, calendarFromTeam(team)) };
}
