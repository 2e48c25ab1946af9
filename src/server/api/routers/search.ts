// Global search for the command palette (Ctrl/Cmd+K).
import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { globalSearch } from "@/server/search/search";

export const searchRouter = createTRPCRouter({
  global: protectedProcedure
    .input(z.object({ query: z.string().max(200), limit: z.number().int().min(1).max(20).optional() }))
    .query(async ({ ctx, input }) => globalSearch({ query: input.query, limit: input.limit, inboxScope: await ctx.inboxScope() })),
});
