// Journey stages: the map of one customer, the funnel (supervisors), and the
// agent's manual override (documented in docs/journey.md).
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, protectedProcedure, supervisorProcedure } from "@/server/api/trpc";
import { journeyFunnel, journeyMap } from "@/server/journey/map";
import { clearOverride, JourneyError, overrideStage } from "@/server/journey/service";
import { JOURNEY_RULES, JOURNEY_STAGES } from "@/server/journey/rules";
import { frictionForConversation, frictionForCustomer } from "@/server/friction/score";
import { periodRange, MetricsError } from "@/server/metrics/metrics";
import { conversationInScope } from "@/server/console/conversations";

function mapError(error: unknown): never {
  if (error instanceof JourneyError) throw new TRPCError({ code: error.code === "not_found" ? "NOT_FOUND" : "BAD_REQUEST", message: error.message });
  if (error instanceof MetricsError) throw new TRPCError({ code: "BAD_REQUEST", message: error.message });
  throw error;
}

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const journeyRouter = createTRPCRouter({
  map: protectedProcedure.input(z.object({ customerId: z.string().uuid() })).query(async ({ ctx, input }) => {
    await ctx.requireCustomer(input.customerId);
    const map = await journeyMap(input.customerId, await ctx.inboxScope());
    if (!map) throw new TRPCError({ code: "NOT_FOUND", message: "No such customer." });
    return map;
  }),

  funnel: supervisorProcedure.input(z.object({ from: day, to: day }).optional()).query(async ({ input }) => {
    try {
      return await journeyFunnel(input ? periodRange(input) : undefined);
    } catch (error) {
      mapError(error);
    }
  }),

  setStage: protectedProcedure
    .input(z.object({ customerId: z.string().uuid(), stage: z.enum(JOURNEY_STAGES), note: z.string().max(500).nullish() }))
    .mutation(async ({ ctx, input }) => {
      await ctx.requireCustomer(input.customerId);
      try {
        return await overrideStage(input.customerId, input.stage, ctx.viewer.userId, input.note);
      } catch (error) {
        mapError(error);
      }
    }),

  clearOverride: protectedProcedure.input(z.object({ customerId: z.string().uuid() })).mutation(async ({ ctx, input }) => {
    await ctx.requireCustomer(input.customerId);
    try {
      return await clearOverride(input.customerId);
    } catch (error) {
      mapError(error);
    }
  }),

  friction: protectedProcedure
    .input(z.object({ customerId: z.string().uuid().optional(), conversationId: z.string().uuid().optional() }))
    .query(async ({ ctx, input }) => {
      if (input.conversationId) {
        if (!(await conversationInScope(input.conversationId, await ctx.inboxScope()))) throw new TRPCError({ code: "NOT_FOUND", message: "No such conversation." });
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
