// Custom conversation fields: the list every agent's conversation page and
// queue filter read, the values an agent sets on a conversation they can see,
// and the admin's management (Settings → Fields). Rules in src/server/fields/service.ts.
import { z } from "zod";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { archiveField, createField, FIELD_TYPES, listFields, MAX_FIELDS, MAX_KEY, MAX_LABEL, MAX_OPTION, MAX_OPTIONS, setConversationFields, updateField } from "@/server/fields/service";

const uuid = z.string().uuid();
// Shape only: the service says what is wrong with a key, a label or the options (one wording for tRPC and REST).
const key = z.string().max(MAX_KEY * 2);
const label = z.string().max(MAX_LABEL * 2);
const options = z.array(z.string().max(MAX_OPTION * 2)).max(MAX_OPTIONS * 2);
const inboxIds = z.array(uuid).max(500);
const value = z.union([z.string().max(2000), z.number(), z.null()]);

export const fieldRouter = createTRPCRouter({
  /** The fields in use (not archived), in order, with the inboxes where each is required. */
  list: protectedProcedure.query(() => listFields()),

  /** Sets (null clears) field values on a conversation this agent can see; one timeline entry per change. */
  setValues: protectedProcedure
    .input(z.object({ conversationId: uuid, values: z.record(z.string().max(MAX_KEY * 2), value).refine((v) => Object.keys(v).length <= MAX_FIELDS, `At most ${MAX_FIELDS} fields at once.`) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.requireConversation(input.conversationId);
      const result = await setConversationFields(input.conversationId, input.values, { userId: ctx.viewer.userId, name: ctx.viewer.name }, { inboxScope: await ctx.inboxScope() });
      return { conversationId: result.conversationId, customFields: result.customFields, changed: result.changed };
    }),

  manage: createTRPCRouter({
    /** Every field, archived ones too. */
    list: adminProcedure.query(() => listFields({ includeArchived: true })),
    create: adminProcedure
      .input(z.object({ key, label, type: z.enum(FIELD_TYPES), options: options.optional(), requiredInboxIds: inboxIds.optional(), position: z.number().int().min(0).max(10_000).optional() }))
      .mutation(({ ctx, input }) => createField(input, ctx.viewer.userId)),
    update: adminProcedure
      .input(z.object({ id: uuid, label: label.optional(), options: options.optional(), requiredInboxIds: inboxIds.optional(), position: z.number().int().min(0).max(10_000).optional() }).strict())
      .mutation(({ ctx, input: { id, ...changes } }) => updateField(id, changes, ctx.viewer.userId)),
    archive: adminProcedure.input(z.object({ id: uuid })).mutation(({ ctx, input }) => archiveField(input.id, ctx.viewer.userId)),
  }),
});
