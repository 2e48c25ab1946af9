// Automation rules (admins): build, enable/disable, delete, see recent runs.
import { z } from "zod";
import { adminProcedure, createTRPCRouter } from "@/server/api/trpc";
import { createRule, deleteRule, listRules, recentRuns, setRuleEnabled, updateRule } from "@/server/rules/admin";
import { ruleFormOptions } from "@/server/rules/options";

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
  options: adminProcedure.query(() => ruleFormOptions()),
  create: adminProcedure.input(ruleBody).mutation(({ ctx, input }) => createRule(input, ctx.viewer.userId)),
  update: adminProcedure.input(ruleBody.extend({ id: z.string().uuid() })).mutation(({ ctx, input: { id, ...body } }) => updateRule(id, body, ctx.viewer.userId)),
  setEnabled: adminProcedure.input(z.object({ id: z.string().uuid(), enabled: z.boolean() })).mutation(({ ctx, input }) => setRuleEnabled(input.id, input.enabled, ctx.viewer.userId)),
  delete: adminProcedure.input(z.object({ id: z.string().uuid() })).mutation(({ ctx, input }) => deleteRule(input.id, ctx.viewer.userId)),
});
