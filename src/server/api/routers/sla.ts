// SLA policies and business hours (admins).
import { z } from "zod";
import { adminProcedure, createTRPCRouter, supervisorProcedure } from "@/server/api/trpc";
import { isValidTimeZone, WEEKDAYS } from "@/server/sla/business-time";
import { deletePolicy, listPolicies, listTeamHours, previewDue, saveOpeningHours, savePolicy } from "@/server/sla/policies";
import { CHANNELS, PRIORITIES } from "@/lib/vocabulary";

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

export const slaRouter = createTRPCRouter({
  policies: supervisorProcedure.query(() => listPolicies()),
  teams: supervisorProcedure.query(() => listTeamHours()),
  savePolicy: adminProcedure.input(policyInput.extend({ id: z.string().uuid().nullable() })).mutation(({ ctx, input: { id, ...data } }) => savePolicy(id, data, ctx.viewer.userId)),
  deletePolicy: adminProcedure.input(z.object({ id: z.string().uuid() })).mutation(({ ctx, input }) => deletePolicy(input.id, ctx.viewer.userId)),
  saveHours: adminProcedure
    .input(
      z.object({
        teamId: z.string().uuid(),
        timezone: z.string().max(64).refine(isValidTimeZone, "unknown time zone"),
        days: z.record(z.enum(WEEKDAYS), z.array(z.tuple([hm, hm])).max(4)),
        holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).max(100),
      }),
    )
    .mutation(({ ctx, input }) => saveOpeningHours(input, ctx.viewer.userId)),
  /** When would a target of N business minutes starting at `start` be due for this team? */
  preview: supervisorProcedure
    .input(z.object({ teamId: z.string().uuid(), start: z.coerce.date(), minutes: z.number().int().min(0).max(60 * 24 * 365) }))
    .query(({ input }) => previewDue(input.teamId, input.start, input.minutes)),
});
