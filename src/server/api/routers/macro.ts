// Macros (canned responses): the composer's list and insert (which counts a
// use), an agent's own personal macros, and the admin's management
// (Settings → Macros). Rules in src/server/macros/service.ts.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { createMacro, createMacroAs, deleteMacro, listAllMacros, listUsableMacros, macroTeamOptions, MACRO_VISIBILITIES, renderMacroFor, updateMacro } from "@/server/macros/service";

const name = z.string().trim().min(1, "Give the macro a name.").max(120);
const body = z.string().min(1, "Write the macro's text.").max(20_000);
const visibility = z.enum(MACRO_VISIBILITIES);
const teamIds = z.array(z.string().uuid()).max(100);
// "teams" with no team is refused here too, so the form hears it as a field error.
const sharedSomewhere = (m: { visibility?: string; teamIds?: string[] }) => m.visibility !== "teams" || m.teamIds === undefined || m.teamIds.length > 0;
const noTeams = { message: "Choose at least one team to share this macro with.", path: ["teamIds"] };

export const macroRouter = createTRPCRouter({
  /** The macros this agent may use, most used first (the composer's menu). */
  list: protectedProcedure.input(z.object({ search: z.string().max(100).optional() }).optional()).query(({ ctx, input }) => listUsableMacros(ctx.viewer.userId, input?.search)),

  /** A quick macro from the console: an agent's is personal, an admin's is for everyone (sharing with teams: manage.create). */
  create: protectedProcedure.input(z.object({ name, body })).mutation(({ ctx, input }) => createMacroAs(ctx.viewer, input)),

  render: protectedProcedure.input(z.object({ macroId: z.string().uuid(), conversationId: z.string().uuid() })).query(async ({ ctx, input }) => {
    await ctx.requireConversation(input.conversationId);
    const text = await renderMacroFor({ ...input, agentId: ctx.viewer.userId });
    if (text === null) throw new TRPCError({ code: "NOT_FOUND", message: "No such macro." });
    return { text };
  }),

  manage: createTRPCRouter({
    list: adminProcedure.input(z.object({ search: z.string().max(100).optional() }).optional()).query(({ input }) => listAllMacros(input?.search)),
    teams: adminProcedure.query(() => macroTeamOptions()),
    create: adminProcedure
      .input(z.object({ name, body, visibility: visibility.default("everyone"), teamIds: teamIds.default([]) }).refine(sharedSomewhere, noTeams))
      .mutation(({ ctx, input }) => createMacro(input, ctx.viewer.userId)),
    update: adminProcedure
      .input(z.object({ id: z.string().uuid(), name: name.optional(), body: body.optional(), visibility: visibility.optional(), teamIds: teamIds.optional() }).refine(sharedSomewhere, noTeams))
      .mutation(({ ctx, input: { id, ...changes } }) => updateMacro(id, changes, ctx.viewer.userId)),
    delete: adminProcedure.input(z.object({ id: z.string().uuid() })).mutation(({ ctx, input }) => deleteMacro(input.id, ctx.viewer.userId)),
  }),
});
