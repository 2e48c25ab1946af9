// The live queue board (supervisors and admins only): figures per inbox,
// channel and team, agents with presence and load, drill-down, reassignment
// and the open conversations with the most friction.
import { z } from "zod";
import { createTRPCRouter, supervisorProcedure } from "@/server/api/trpc";
import { queueOverview } from "@/server/conversations/queue";
import { BOARD_FILTERS, drillDown, liveBoard, reassign } from "@/server/metrics/board";

export const supervisorRouter = createTRPCRouter({
  overview: supervisorProcedure.query(() => queueOverview()),

  board: supervisorProcedure.query(() => liveBoard()),

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
    .mutation(({ ctx, input }) => reassign(input.conversationId, input.assigneeId, ctx.viewer.userId)),
});
