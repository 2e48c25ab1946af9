// Journey stages: the map of one customer, the funnel (supervisors), and the
// agent's manual override (documented in docs/journey.md).
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, protectedProcedure, supervisorProcedure } from "@/server/api/trpc";
import { journeyFunnel, journeyMap } from "@/server/journey/map";
import { clearOverride, overrideStage } from "@/server/journey/service";
import { JOURNEY_RULES, JOURNEY_STAGES } from "@/server/journey/rules";
import { frictionForConversation, frictionForCustomer } from "@/server/friction/score";
import { periodRange } from "@/server/metrics/metrics";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const journeyRouter = createTRPCRouter({
  map: protectedProcedure.input(z.object({ customerId: z.string().uuid() })).query(async ({ ctx, input }) => {
    await ctx.requireCustomer(input.customerId);
    const map = await journeyMap(input.customerId, await ctx.inboxScope());
    if (!map) throw new TRPCError({ code: "NOT_FOUND", message: "No such customer." });
    return map;
  }),

  funnel: supervisorProcedure.input(z.object({ from: day, to: day }).optional()).query(({ input }) => journeyFunnel(input ? periodRange(input) : undefined)),

  setStage: protectedProcedure
    .input(z.object({ customerId: z.string().uuid(), stage: z.enum(JOURNEY_STAGES), note: z.string().max(500).nullish() }))
    .mutation(async ({ ctx, input }) => {
      await ctx.requireCustomer(input.customerId);
      return overrideStage(input.customerId, input.stage, ctx.viewer.userId, input.note);
    }),

  clearOverride: protectedProcedure.input(z.object({ customerId: z.string().uuid() })).mutation(async ({ ctx, input }) => {
    await ctx.requireCustomer(input.customerId);
    return clearOverride(input.customerId);
  }),

  friction: protectedProcedure
    .input(z.object({ customerId: z.string().uuid().optional(), conversationId: z.string().uuid().optional() }))
    .query(async ({ ctx, input }) => {
      if (input.conversationId) {
        await ctx.requireConversation(input.conversationId);
        return frictionForConversation(input.conversationId);
      }
      if (input.customerId) {
        await ctx.requireCustomer(input.customerId);
        return frictionForCustomer(input.customerId);
      }
      throw new TRPCError({ code: "BAD_REQUEST", message: "customerId or conversationId is required." });
    }),

  rules: protectedProcedure.query(() => ({
    stages: JOURNEY_STAGES,
    overrideDays: JOURNEY_RULES.overrideMs / 86_400_000,
  })),
});
