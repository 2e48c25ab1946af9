// Surveys: recent answers and response rates (supervisors), sending a survey on a conversation (agents).
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { adminProcedure, createTRPCRouter, protectedProcedure, supervisorProcedure } from "@/server/api/trpc";
import { recentResponses, sendSurvey, SurveyError, surveyStats } from "@/server/surveys/service";
import { canSeeInbox } from "@/server/auth/viewer";
import { db } from "@/server/db";
import { getSurveySettings, updateSurveySettings } from "@/server/surveys/settings";

export const surveysRouter = createTRPCRouter({
  recent: supervisorProcedure.input(z.object({ limit: z.number().int().min(1).max(200).optional() }).optional()).query(({ input }) => recentResponses(input?.limit ?? 50)),
  stats: supervisorProcedure.input(z.object({ days: z.number().int().min(1).max(366).optional() }).optional()).query(({ input }) => surveyStats(input?.days ?? 30)),
  settings: adminProcedure.query(() => getSurveySettings()),
  updateSettings: adminProcedure
    .input(z.object({ csatRequiresAgentReply: z.boolean() }))
    .mutation(({ ctx, input }) => updateSurveySettings(input, ctx.viewer.userId)),
  send: protectedProcedure
    .input(z.object({ conversationId: z.string().uuid(), kind: z.enum(["csat", "nps", "ces"]) }))
    .mutation(async ({ ctx, input }) => {
      const conv = await db.conversation.findUnique({ where: { id: input.conversationId }, select: { inboxId: true } });
      if (!conv || !(await canSeeInbox(ctx.viewer, conv.inboxId))) throw new TRPCError({ code: "NOT_FOUND", message: "No such conversation." });
      try {
        return await sendSurvey({ kind: input.kind, conversationId: input.conversationId, authorId: ctx.viewer.userId });
      } catch (error) {
        if (error instanceof SurveyError) throw new TRPCError({ code: "BAD_REQUEST", message: error.message });
        throw error;
      }
    }),
});
