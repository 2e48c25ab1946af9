import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { getConversation, listInboxes, listQueue, queueCounts, QUEUE_VIEWS, STATUSES } from "@/server/console/conversations";

const filter = z.object({
  inboxId: z.string().uuid().optional(),
  statuses: z.array(z.enum(STATUSES)).optional(),
});

export const conversationRouter = createTRPCRouter({
  queue: protectedProcedure
    .input(filter.extend({ view: z.enum(QUEUE_VIEWS), cursor: z.string().max(500).nullish(), limit: z.number().int().min(1).max(100).optional() }))
    .query(async ({ ctx, input }) =>
      listQueue({ ...input, viewerId: ctx.viewer.userId, viewerTeamIds: ctx.viewer.teamIds, inboxScope: await ctx.inboxScope() }),
    ),
  counts: protectedProcedure.input(filter).query(async ({ ctx, input }) =>
    queueCounts({ ...input, viewerId: ctx.viewer.userId, viewerTeamIds: ctx.viewer.teamIds, inboxScope: await ctx.inboxScope() }),
  ),
  inboxes: protectedProcedure.query(async ({ ctx }) => listInboxes(await ctx.inboxScope())),
  get: protectedProcedure.input(z.object({ id: z.string().uuid() })).query(async ({ ctx, input }) => {
    const conversation = await getConversation(input.id, await ctx.inboxScope());
    if (!conversation) throw new TRPCError({ code: "NOT_FOUND", message: "No such conversation." });
    return conversation;
  }),
});
