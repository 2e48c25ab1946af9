// Customers: the directory, one profile, its timeline, the sidebar's insights
// (friction, surveys, product events, duplicates) and merge / undo.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { getCustomerProfile, listCustomers } from "@/server/customers/directory";
import { customerInsights } from "@/server/customers/insights";
import { listMerges, mergeCustomers, undoMerge } from "@/server/customers/merge";
import { listTimeline, TIMELINE_CHANNELS, TIMELINE_KINDS } from "@/server/timeline/query";

const uuid = z.string().uuid();

export const customerRouter = createTRPCRouter({
  list: protectedProcedure
    .input(z.object({ search: z.string().max(200).optional(), cursor: z.string().max(500).nullish(), limit: z.number().int().min(1).max(100).optional() }))
    .query(async ({ ctx, input }) => listCustomers({ ...input, inboxScope: await ctx.inboxScope() })),

  get: protectedProcedure.input(z.object({ id: uuid })).query(async ({ ctx, input }) => {
    await ctx.requireCustomer(input.id);
    const profile = await getCustomerProfile(input.id, await ctx.inboxScope());
    if (!profile) throw new TRPCError({ code: "NOT_FOUND", message: "No such customer." });
    return profile;
  }),

  /** The sidebar's computed signals; a separate query so the profile shows first. */
  insights: protectedProcedure.input(z.object({ id: uuid })).query(async ({ ctx, input }) => {
    await ctx.requireCustomer(input.id);
    return customerInsights(input.id, await ctx.inboxScope());
  }),

  timeline: protectedProcedure
    .input(
      z.object({
        customerId: uuid,
        cursor: z.string().max(500).nullish(),
        limit: z.number().int().min(1).max(200).optional(),
        channels: z.array(z.enum(TIMELINE_CHANNELS)).optional(),
        kinds: z.array(z.enum(TIMELINE_KINDS)).optional(),
        conversationId: uuid.optional(),
        from: z.date().optional(),
        to: z.date().optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      await ctx.requireCustomer(input.customerId);
      return listTimeline({ ...input, inboxScope: await ctx.inboxScope() });
    }),

  /**
   * Merge source into target (the source is kept for an exact undo). Pushed live as customer.merged.
   * Agents may merge only customers whose conversations they can all see (checked in the service): a customer
   * they may not see at all is NOT_FOUND exactly as an unknown id; a visible one with other teams' conversations FORBIDDEN.
   */
  merge: protectedProcedure.input(z.object({ sourceId: uuid, targetId: uuid })).mutation(({ ctx, input }) =>
    mergeCustomers({ sourceId: input.sourceId, targetId: input.targetId, actorUserId: ctx.viewer.userId }),
  ),

  /** Undo a merge exactly, under the same rule as merge (a merge of customers the agent cannot see is NOT_FOUND). Pushed live as customer.unmerged. */
  undoMerge: protectedProcedure.input(z.object({ mergeId: uuid })).mutation(({ ctx, input }) =>
    undoMerge({ mergeId: input.mergeId, actorUserId: ctx.viewer.userId }),
  ),

  merges: protectedProcedure.input(z.object({ id: uuid })).query(async ({ ctx, input }) => {
    await ctx.requireCustomer(input.id);
    return listMerges(input.id);
  }),
});
