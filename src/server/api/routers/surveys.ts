// Surveys: recent answers and response rates (supervisors), sending a survey on a conversation (agents).
import { z } from "zod";
import { adminProcedure, createTRPCRouter, protectedProcedure, supervisorProcedure } from "@/server/api/trpc";
import { recentResponses, sendSurvey, surveyStats } from "@/server/surveys/service";
import { getSurveySettings, updateSurveySettings } from "@/server/surveys/settings";
import { SURVEY_KINDS } from "@/lib/vocabulary";

export const surveysRouter = createTRPCRouter({
  recent: supervisorProcedure.input(z.object({ limit: z.number().int().min(1).max(200).optional() }).optional()).query(({ input }) => recentResponses(input?.limit ?? 50)),
  stats: supervisorProcedure.input(z.object({ days: z.number().int().min(1).max(366).optional() }).optional()).query(({ input }) => surveyStats(input?.days ?? 30)),
  settings: adminProcedure.query(() => getSurveySettings()),
  updateSettings: adminProcedure
    .input(z.object({ csatRequiresAgentReply: z.boolean() }))
    .mutation(({ ctx, input }) => updateSurveySettings(input, ctx.viewer.userId)),
  send: protectedProcedure
    .input(z.object({ conversationId: z.string().uuid(), kind: z.enum(SURVEY_KINDS) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.requireConversation(input.conversationId);
      return sendSurvey({ kind: input.kind, conversationId: input.conversationId, authorId: ctx.viewer.userId });
    }),
});
