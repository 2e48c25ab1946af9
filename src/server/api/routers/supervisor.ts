// The live queue board (supervisors and admins only): figures per inbox,
// channel and team, agents with presence and load, drill-down, reassignment
// and the open conversations with the most friction.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, supervisorProcedure } from "@/server/api/trpc";
import { queueOverview } from "@/server/console/conversations";
import { BOARD_FILTERS, BoardError, boardAgents, boardFigures, drillDown, reassign } from "@/server/metrics/board";
import { topFrictionConversations } from "@/server/friction/score";
import { db } from "@/server/db";

export const supervisorRouter = createTRPCRouter({
  overview: supervisorProcedure.query(() => queueOverview()),

  board: supervisorProcedure.query(async () => {
    const [figures, agents, friction] = await Promise.all([boardFigures(), boardAgents(), topFrictionConversations({ limit: 8 })]);
    const ids = friction.map((f) => f.conversationId);
    const convs = ids.length
      ? await db.conversation.findMany({
          where: { id: { in: ids } },
          select: { id: true, subject: true, channel: true, status: true, lastMessagePreview: true, customer: { select: { id: true, name: true } }, assignee: { select: { id: true, name: true } } },
        })
      : [];
    const byId = new Map(convs.map((c) => [c.id, c]));
    return {
      generatedAt: new Date(),
      ...figures,
      agents,
      friction: friction.map((f) => ({ ...f, conversation: byId.get(f.conversationId) ?? null })),
    };
  }),

  conversations: supervisorProcedure
    .input(
      z.object({
        filter: z.enum(BOARD_FILTERS),
        inboxId: z.string().uuid().optional(),
        channel: z.string().max(20).optional(),
        teamId: z.string().uuid().nullable().optional(),
        assigneeId: z.string().uuid().optional(),
        limit: z.number().int().min(1).max(200).optional(),
      }),
    )
    .query(({ input }) => drillDown(input)),

  reassign: supervisorProcedure
    .input(z.object({ conversationId: z.string().uuid(), assigneeId: z.string().uuid().nullable() }))
    .mutation(async ({ ctx, input }) => {
      try {
        return await reassign(input.conversationId, input.assigneeId, ctx.viewer.userId);
      } catch (error) {
        if (error instanceof BoardError) throw new TRPCError({ code: error.code === "not_found" ? "NOT_FOUND" : "BAD_REQUEST", message: error.message });
        throw error;
      }
    }),
});
