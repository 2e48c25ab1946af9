// The signed-in agent's notifications (the bell): list, unread count, mark read.
import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { listNotifications, markNotificationsRead, unreadCount } from "@/server/notifications/list";

export const notificationRouter = createTRPCRouter({
  list: protectedProcedure.input(z.object({ limit: z.number().int().min(1).max(100).optional() }).optional()).query(({ ctx, input }) => listNotifications(ctx.viewer.userId, input?.limit)),
  unreadCount: protectedProcedure.query(({ ctx }) => unreadCount(ctx.viewer.userId)),
  markRead: protectedProcedure
    .input(z.object({ ids: z.array(z.string().uuid()).max(200).optional() }).optional())
    .mutation(async ({ ctx, input }) => ({ updated: await markNotificationsRead(ctx.viewer.userId, input?.ids) })),
});
