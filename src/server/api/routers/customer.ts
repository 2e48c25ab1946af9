// Customers: the directory, one profile, its timeline, the sidebar's insights
// (friction, surveys, product events, duplicates) and merge / undo.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { getCustomerProfile, InvalidDirectoryCursorError, listCustomers } from "@/server/console/customers";
import { customerInsights } from "@/server/console/customer-insights";
import { CustomerMergeError, listMerges, mergeCustomers, undoMerge } from "@/server/customers/merge";
import { listTimeline, TIMELINE_CHANNELS, TIMELINE_KINDS } from "@/server/timeline/query";
import { InvalidCursorError } from "@/server/timeline/cursor";

const uuid = z.string().uuid();

function mergeError(error: unknown): never {
  if (error instanceof CustomerMergeError) {
    const code = error.code === "not_found" ? "NOT_FOUND" : error.code === "forbidden" ? "FORBIDDEN" : "CONFLICT";
    throw new TRPCError({ code, message: error.message });
  }
  throw error;
}

export const customerRouter = createTRPCRouter({
  list: protectedProcedure
    .input(z.object({ search: z.string().max(200).optional(), cursor: z.string().max(500).nullish(), limit: z.number().int().min(1).max(100).optional() }))
    .query(async ({ ctx, input }) =>
      listCustomers({ ...input, inboxScope: await ctx.inboxScope() }).catch((error: unknown) => {
        if (error instanceof InvalidDirectoryCursorError) throw new TRPCError({ code: "BAD_REQUEST", message: error.message });
        throw error;
      }),
    ),

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
      try {
        return await listTimeline({ ...input, inboxScope: await ctx.inboxScope() });
      } catch (error) {
        if (error instanceof InvalidCursorError) throw new TRPCError({ code: "BAD_REQUEST", message: error.message });
        throw error;
      }
    }),

  /**
   * Merge source into target (the source is kept for an exact undo). Pushed live as customer.merged.
   * Agents may merge only customers whose conversations they can all see (checked in the service): a customer
   * they may not see at all is NOT_FOUND exactly as an unknown id; a visible one with other teams' conversations FORBIDDEN.
   */
  merge: protectedProcedure.input(z.object({ sourceId: uuid, targetId: uuid })).mutation(({ ctx, input }) =>
    mergeCustomers({ sourceId: input.sourceId, targetId: input.targetId, actorUserId: ctx.viewer.userId }).catch(mergeError),
  ),

  /** Undo a merge exactly, under the same rule as merge (a merge of customers the agent cannot see is NOT_FOUND). Pushed live as customer.unmerged. */
  undoMerge: protectedProcedure.input(z.object({ mergeId: uuid })).mutation(({ ctx, input }) =>
    undoMerge({ mergeId: input.mergeId, actorUserId: ctx.viewer.userId }).catch(mergeError),
  ),

  merges: protectedProcedure.input(z.object({ id: uuid })).query(async ({ ctx, input }) => {
    await ctx.requireCustomer(input.id);
    return listMerges(input.id);
  }),
});
