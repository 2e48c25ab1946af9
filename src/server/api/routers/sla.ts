// SLA policies and business hours (admins).
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { adminProcedure, createTRPCRouter, supervisorProcedure } from "@/server/api/trpc";
import { db } from "@/server/db";
import { addBusinessMinutes, calendarFromTeam, isValidTimeZone, WEEKDAYS } from "@/server/sla/business-time";
import { CHANNELS, PRIORITIES } from "@/server/rules/schema";
import { recordAudit } from "@/server/audit/record";

const hm = z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d$|^24:00$/, "a time like 09:00");
const policyInput = z.object({
  name: z.string().trim().min(1).max(100),
  priority: z.enum(PRIORITIES),
  channel: z.enum(CHANNELS).nullable(),
  teamId: z.string().uuid().nullable(),
  firstResponseMinutes: z.number().int().min(1).max(60 * 24 * 60),
  resolutionMinutes: z.number().int().min(1).max(60 * 24 * 365),
  businessHoursOnly: z.boolean(),
});

const audit = (actorUserId: string, action: string, targetType: string, targetId: string, data: Record<string, unknown>) => recordAudit(db, { actorUserId, action, targetType, targetId, data });

export const slaRouter = createTRPCRouter({
  policies: supervisorProcedure.query(() =>
    db.slaPolicy.findMany({ orderBy: [{ priority: "desc" }, { createdAt: "asc" }], include: { team: { select: { id: true, name: true } } } }),
  ),
  teams: supervisorProcedure.query(() => db.team.findMany({ select: { id: true, name: true, businessHours: true, holidays: true }, orderBy: { name: "asc" } })),
  savePolicy: adminProcedure.input(policyInput.extend({ id: z.string().uuid().nullable() })).mutation(async ({ ctx, input }) => {
    const { id, ...data } = input;
    const saved = id ? await db.slaPolicy.update({ where: { id }, data }).catch(() => null) : await db.slaPolicy.create({ data });
    if (!saved) throw new TRPCError({ code: "NOT_FOUND", message: "No such policy." });
    await audit(ctx.viewer.userId, id ? "sla_policy.updated" : "sla_policy.created", "sla_policy", saved.id, data);
    return saved;
  }),
  deletePolicy: adminProcedure.input(z.object({ id: z.string().uuid() })).mutation(async ({ ctx, input }) => {
    const n = await db.slaPolicy.deleteMany({ where: { id: input.id } });
    if (!n.count) throw new TRPCError({ code: "NOT_FOUND", message: "No such policy." });
    await audit(ctx.viewer.userId, "sla_policy.deleted", "sla_policy", input.id, {});
    return { ok: true };
  }),
  saveHours: adminProcedure
    .input(
      z.object({
        teamId: z.string().uuid(),
        timezone: z.string().max(64).refine(isValidTimeZone, "unknown time zone"),
        days: z.record(z.enum(WEEKDAYS), z.array(z.tuple([hm, hm])).max(4)),
        holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).max(100),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      for (const ranges of Object.values(input.days)) {
        for (const [a, b] of ranges ?? []) if (a >= b) throw new TRPCError({ code: "BAD_REQUEST", message: `Opening ${a}–${b} must end after it starts.` });
      }
      const businessHours = { timezone: input.timezone, days: input.days };
      const holidays = [...new Set(input.holidays)].sort();
      const n = await db.team.updateMany({ where: { id: input.teamId }, data: { businessHours, holidays } });
      if (!n.count) throw new TRPCError({ code: "NOT_FOUND", message: "No such team." });
      await audit(ctx.viewer.userId, "team.business_hours", "team", input.teamId, { businessHours, holidays });
      return { ok: true };
    }),
  /** When would a target of N business minutes starting at `start` be due for this team? */
  preview: supervisorProcedure.input(z.object({ teamId: z.string().uuid(), start: z.coerce.date(), minutes: z.number().int().min(0).max(60 * 24 * 365) })).query(async ({ input }) => {
    const team = await db.team.findUnique({ where: { id: input.teamId }, select: { businessHours: true, holidays: true } });
    if (!team) throw new TRPCError({ code: "NOT_FOUND", message: "No such team." });
    return { dueAt: addBusinessMinutes(input.start, input.minutes, calendarFromTeam(team)) };
  }),
});
