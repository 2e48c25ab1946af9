// Conversations: queues, one conversation, ticket changes, replies, notes,
// new conversations, delivery retries. Every procedure is scoped to the
// inboxes the agent's teams may see: anything else is NOT_FOUND.
import { TRPCError } from "@trpc/server";
import { markInboundRead } from "@/server/conversations/read";
import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { CONVERSATION_CHANNELS, PRIORITIES, STATUSES } from "@/lib/vocabulary";
import {
  getConversation,
  latestOutbound,
  listInboxes,
  listQueue,
  listTags,
  QUEUE_SORTS,
  QUEUE_VIEWS,
  queueCounts,
} from "@/server/conversations/queue";
import { agentDirectory } from "@/server/people/roster";
import { bulkUpdateConversations, updateConversation, type TicketChanges } from "@/server/conversations/ticket";
import { addNote } from "@/server/conversations/notes";
import { MAX_UPLOAD_BYTES, replyWithUploads, retryDelivery, startConversation } from "@/server/conversations/compose";
import { checkSendWindow } from "@/server/channels/social/window";

const uuid = z.string().uuid();

const filters = z.object({
  inboxId: uuid.optional(),
  channels: z.array(z.enum(CONVERSATION_CHANNELS)).max(10).optional(),
  statuses: z.array(z.enum(STATUSES)).max(5).optional(),
  priorities: z.array(z.enum(PRIORITIES)).max(4).optional(),
  tag: z.string().max(40).optional(),
  assigneeId: z.union([uuid, z.literal("none")]).optional(),
});

const changes = z
  .object({
    status: z.enum(STATUSES).optional(),
    snoozedUntil: z.date().nullish(),
    priority: z.enum(PRIORITIES).optional(),
    assigneeId: uuid.nullish(),
    teamId: uuid.nullish(),
    addTags: z.array(z.string().min(1).max(40)).max(20).optional(),
    removeTags: z.array(z.string().min(1).max(40)).max(20).optional(),
    subject: z.string().max(500).nullish(),
  })
  .strict();

// Base64 grows by a third: 10 MB of files is at most ~13.4 MB of text.
const upload = z.object({
  filename: z.string().min(1).max(255),
  contentType: z.string().max(200),
  dataBase64: z.string().max(Math.ceil((MAX_UPLOAD_BYTES * 4) / 3) + 16),
});

function toChanges(input: z.infer<typeof changes>): TicketChanges {
  return {
    ...input,
    snoozedUntil: input.snoozedUntil ?? undefined,
    assigneeId: input.assigneeId === undefined ? undefined : input.assigneeId,
    teamId: input.teamId === undefined ? undefined : input.teamId,
    subject: input.subject === undefined ? undefined : input.subject,
  };
}

export const conversationRouter = createTRPCRouter({
  queue: protectedProcedure
    .input(
      filters.extend({
        view: z.enum(QUEUE_VIEWS),
        sort: z.enum(QUEUE_SORTS).optional(),
        cursor: z.string().max(500).nullish(),
        limit: z.number().int().min(1).max(100).optional(),
        // A custom field's value (src/server/fields/): conversations whose custom_fields contain it.
        field: z.object({ key: z.string().regex(/^[a-z][a-z0-9_]*$/).max(50), value: z.union([z.string().min(1).max(500), z.number().finite()]) }).optional(),
      }),
    )
    .query(async ({ ctx, input }) =>
      listQueue({ ...input, viewerId: ctx.viewer.userId, viewerTeamIds: ctx.viewer.teamIds, inboxScope: await ctx.inboxScope() }),
    ),

  counts: protectedProcedure.input(filters.extend({ view: z.enum(QUEUE_VIEWS).optional() })).query(async ({ ctx, input }) =>
    queueCounts({ ...input, viewerId: ctx.viewer.userId, viewerTeamIds: ctx.viewer.teamIds, inboxScope: await ctx.inboxScope() }),
  ),

  inboxes: protectedProcedure.query(async ({ ctx }) => listInboxes(await ctx.inboxScope())),

  tags: protectedProcedure.query(async ({ ctx }) => listTags(await ctx.inboxScope())),

  /** Agents and teams for assignee and mention pickers. */
  directory: protectedProcedure.query(() => agentDirectory()),

  get: protectedProcedure.input(z.object({ id: uuid })).query(async ({ ctx, input }) => {
    const conversation = await getConversation(input.id, await ctx.inboxScope());
    if (!conversation) throw new TRPCError({ code: "NOT_FOUND", message: "No such conversation." });
    return conversation;
  }),

  /** The newest reply to the customer: the composer compares it with what it saw at open. */
  latestOutbound: protectedProcedure.input(z.object({ id: uuid })).query(async ({ ctx, input }) => {
    await ctx.requireConversation(input.id);
    return latestOutbound(input.id);
  }),

  /** The agent has seen the customer's messages (read receipts to the widget). */
  markRead: protectedProcedure.input(z.object({ id: uuid })).mutation(async ({ ctx, input }) => {
    await ctx.requireConversation(input.id);
    return { marked: await markInboundRead(input.id) };
  }),

  /** WhatsApp / Messenger / Instagram reply windows, for a warning before sending. */
  sendWindow: protectedProcedure.input(z.object({ id: uuid })).query(async ({ ctx, input }) => {
    await ctx.requireConversation(input.id);
    return checkSendWindow(input.id);
  }),

  update: protectedProcedure.input(z.object({ id: uuid, changes })).mutation(async ({ ctx, input }) =>
    updateConversation({ conversationId: input.id, actor: { userId: ctx.viewer.userId, name: ctx.viewer.name }, inboxScope: await ctx.inboxScope(), changes: toChanges(input.changes) }),
  ),

  bulkUpdate: protectedProcedure.input(z.object({ ids: z.array(uuid).min(1).max(200), changes })).mutation(async ({ ctx, input }) =>
    bulkUpdateConversations({ conversationIds: input.ids, actor: { userId: ctx.viewer.userId, name: ctx.viewer.name }, inboxScope: await ctx.inboxScope(), changes: toChanges(input.changes) }),
  ),

  reply: protectedProcedure
    .input(
      z.object({
        id: uuid,
        body: z.string().max(200_000),
        subject: z.string().max(500).nullish(),
        cc: z.array(z.string().max(320)).max(20).optional(),
        attachments: z.array(upload).max(10).optional(),
        clientMessageId: z.string().max(200).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await ctx.requireConversation(input.id);
      return replyWithUploads({ conversationId: input.id, authorId: ctx.viewer.userId, body: input.body, subject: input.subject, cc: input.cc, uploads: input.attachments, clientMessageId: input.clientMessageId });
    }),

  note: protectedProcedure
    .input(z.object({ id: uuid, body: z.string().min(1).max(50_000), mentionUserIds: z.array(uuid).max(50).optional(), clientMessageId: z.string().max(200).optional() }))
    .mutation(async ({ ctx, input }) => {
      await ctx.requireConversation(input.id);
      return addNote({ conversationId: input.id, author: { userId: ctx.viewer.userId, name: ctx.viewer.name }, body: input.body, mentionUserIds: input.mentionUserIds, clientMessageId: input.clientMessageId });
    }),

  /** A new conversation with a customer on an inbox; with a body, its first outbound message. */
  create: protectedProcedure
    .input(
      z.object({
        customerId: uuid,
        inboxId: uuid,
        subject: z.string().max(500).nullish(),
        body: z.string().max(200_000).nullish(),
        cc: z.array(z.string().max(320)).max(20).optional(),
        attachments: z.array(upload).max(10).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) =>
      startConversation({
        customerId: input.customerId,
        inboxId: input.inboxId,
        actor: { userId: ctx.viewer.userId, name: ctx.viewer.name },
        inboxScope: await ctx.inboxScope(),
        subject: input.subject,
        body: input.body,
        cc: input.cc,
        uploads: input.attachments,
      }),
    ),

  /** Send a failed (or waiting) outbound message again now. */
  retryDelivery: protectedProcedure.input(z.object({ messageId: uuid })).mutation(async ({ ctx, input }) => ({
    retried: await retryDelivery(input.messageId, await ctx.inboxScope()),
  })),
});
