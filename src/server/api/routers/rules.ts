// Automation rules (admins): build, enable/disable, delete, see recent runs.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { adminProcedure, createTRPCRouter } from "@/server/api/trpc";
import { createRule, deleteRule, listRules, recentRuns, RuleError, setRuleEnabled, updateRule } from "@/server/rules/admin";
import { db } from "@/server/db";

function mapError(error: unknown): never {
  if (error instanceof RuleError) throw new TRPCError({ code: error.code === "not_found" ? "NOT_FOUND" : "BAD_REQUEST", message: error.message });
  throw error;
}

const ruleBody = z.object({
  name: z.string(),
  enabled: z.boolean().optional(),
  trigger: z.unknown(),
  conditions: z.array(z.unknown()).optional(),
  actions: z.array(z.unknown()),
  position: z.number().int().optional(),
});

export const rulesRouter = createTRPCRouter({
  list: adminProcedure.query(() => listRules()),
  runs: adminProcedure.input(z.object({ ruleId: z.string().uuid().optional(), limit: z.number().int().min(1).max(200).optional() }).optional()).query(({ input }) => recentRuns(input ?? {})),
  /** What the rule form offers: agents, teams, inboxes. */
  options: adminProcedure.query(async () => {
    const [users, teams, inboxes] = await Promise.all([
      db.user.findMany({ where: { deactivatedAt: null }, select: { id: true, name: true, role: true }, orderBy: { name: "asc" } }),
      db.team.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } }),
      db.inbox.findMany({ select: { id: true, name: true, channel: true }, orderBy: { name: "asc" } }),
    ]);
    return { users, teams, inboxes };
  }),
  create: adminProcedure.input(ruleBody).mutation(async ({ ctx, input }) => {
    try {
      return await createRule(input, ctx.viewer.userId);
    } catch (error) {
      mapError(error);
    }
  }),
  update: adminProcedure.input(ruleBody.extend({ id: z.string().uuid() })).mutation(async ({ ctx, input }) => {
    const { id, ...body } = input;
    try {
      return await updateRule(id, body, ctx.viewer.userId);
    } catch (error) {
      mapError(error);
    }
  }),
  setEnabled: adminProcedure.input(z.object({ id: z.string().uuid(), enabled: z.boolean() })).mutation(async ({ ctx, input }) => {
    try {
      return await setRuleEnabled(input.id, input.enabled, ctx.viewer.userId);
    } catch (error) {
      mapError(error);
    }
  }),
  delete: adminProcedure.input(z.object({ id: z.string().uuid() })).mutation(async ({ ctx, input }) => {
    try {
      return await deleteRule(input.id, ctx.viewer.userId);
    } catch (error) {
      mapError(error);
    }
  }),
});
