import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { getCustomerProfile, listCustomers } from "@/server/console/customers";
import { listTimeline, TIMELINE_CHANNELS, TIMELINE_KINDS } from "@/server/timeline/query";
import { InvalidCursorError } from "@/server/timeline/cursor";

export const customerRouter = createTRPCRouter({
  list: protectedProcedure
    .input(z.object({ search: z.string().max(200).optional(), cursor: z.string().max(500).nullish(), limit: z.number().int().min(1).max(100).optional() }))
    .query(({ input }) => listCustomers(input)),

  get: protectedProcedure.input(z.object({ id: z.string().uuid() })).query(async ({ ctx, input }) => {
    const profile = await getCustomerProfile(input.id, await ctx.inboxScope());
    if (!profile) throw new TRPCError({ code: "NOT_FOUND", message: "No such customer." });
    return profile;
  }),

  timeline: protectedProcedure
    .input(
      z.object({
        customerId: z.string().uuid(),
        cursor: z.string().max(500).nullish(),
        limit: z.number().int().min(1).max(200).optional(),
        channels: z.array(z.enum(TIMELINE_CHANNELS)).optional(),
        kinds: z.array(z.enum(TIMELINE_KINDS)).optional(),
        conversationId: z.string().uuid().optional(),
        from: z.date().optional(),
        to: z.date().optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      try {
        return await listTimeline({ ...input, inboxScope: await ctx.inboxScope() });
      } catch (error) {
        if (error instanceof InvalidCursorError) throw new TRPCError({ code: "BAD_REQUEST", message: error.message });
        throw error;
      }
    }),
});
