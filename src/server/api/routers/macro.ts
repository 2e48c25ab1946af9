// Macros (canned responses) with placeholders filled for one conversation.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { createMacro, listMacros, renderMacroFor } from "@/server/conversations/macros";

export const macroRouter = createTRPCRouter({
  list: protectedProcedure.input(z.object({ search: z.string().max(100).optional() }).optional()).query(({ input }) => listMacros(input?.search)),

  create: protectedProcedure
    .input(z.object({ name: z.string().trim().min(1).max(120), body: z.string().min(1).max(20_000) }))
    .mutation(({ ctx, input }) => createMacro({ ...input, createdById: ctx.viewer.userId })),

  render: protectedProcedure.input(z.object({ macroId: z.string().uuid(), conversationId: z.string().uuid() })).query(async ({ ctx, input }) => {
    await ctx.requireConversation(input.conversationId);
    const text = await renderMacroFor({ ...input, agentId: ctx.viewer.userId });
    if (text === null) throw new TRPCError({ code: "NOT_FOUND", message: "No such macro." });
    return { text };
  }),
});
