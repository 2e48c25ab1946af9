// The assistant over the single view: the sidebar's summary, the composer's
// suggested reply (agents, within what they may see), and Settings → Assistant
// (admins: the switches, the provider status, the answer-bot inboxes, the
// request log). Thin: zod input, permission, one call into src/server/assistant/.
import { z } from "zod";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { summarize } from "@/server/assistant/summary";
import { suggestReply } from "@/server/assistant/reply";
import { assistantSettings, updateAssistantSettings, updateAssistantSettingsInput } from "@/server/assistant/settings";
import { providerStatus } from "@/server/assistant/provider";
import { recentAssistantRequests } from "@/server/assistant/log";
import { listBotInboxes, setAnswerBot } from "@/server/assistant/bot-inboxes";

const uuid = z.uuid("Not a valid id.");

export const assistantRouter = createTRPCRouter({
  /** The customer's summary (and the conversation's, when given); its own query, loaded after the timeline. */
  summary: protectedProcedure.input(z.object({ customerId: uuid, conversationId: uuid.optional() })).query(async ({ ctx, input }) => {
    await ctx.requireCustomer(input.customerId);
    if (input.conversationId) await ctx.requireConversation(input.conversationId);
    return summarize({ customerId: input.customerId, conversationId: input.conversationId, userId: ctx.viewer.userId, inboxScope: await ctx.inboxScope() });
  }),

  /** A draft for the agent to edit; never sent from here. */
  suggestReply: protectedProcedure.input(z.object({ conversationId: uuid })).mutation(async ({ ctx, input }) => {
    await ctx.requireConversation(input.conversationId);
    return suggestReply({ conversationId: input.conversationId, userId: ctx.viewer.userId, inboxScope: await ctx.inboxScope() });
  }),

  /** Which features are on (every agent: the console hides what is off). */
  features: protectedProcedure.query(() => assistantSettings()),

  settings: adminProcedure.query(async () => ({ switches: await assistantSettings(), provider: providerStatus(), inboxes: await listBotInboxes() })),
  updateSettings: adminProcedure.input(updateAssistantSettingsInput).mutation(({ ctx, input }) => updateAssistantSettings(input, ctx.viewer.userId)),
  setAnswerBot: adminProcedure.input(z.object({ inboxId: uuid, enabled: z.boolean() })).mutation(({ ctx, input }) => setAnswerBot(input.inboxId, input.enabled, ctx.viewer.userId)),
  requests: adminProcedure
    .input(z.object({ limit: z.number().int().min(1).max(200).optional(), feature: z.enum(["summary_customer", "summary_conversation", "reply", "bot"]).optional() }))
    .query(({ input }) => recentAssistantRequests(input)),
});
