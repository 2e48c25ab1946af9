// The signed-in agent's notifications (the bell): list, unread count, mark
// read; and where they reach the agent outside the tab: the per-kind channel
// matrix, this browser's Web Push subscription, the VAPID public key. Every
// procedure acts on ctx.viewer only: no agent reads or changes another's.
import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { listNotifications, markNotificationsRead, unreadCount } from "@/server/notifications/list";
import { getPreferences, PREFERENCE_KINDS, setPreference } from "@/server/notifications/preferences";
import { pushSubscriptionCount, removePushSubscription, savePushSubscription } from "@/server/notifications/push";
import { vapidKeys } from "@/server/notifications/instance-keys";
import { LOCALES } from "@/i18n/locales";
import { db } from "@/server/db";

const endpoint = z.string().url().max(2000).regex(/^https?:\/\//, "must be an http(s) URL");

export const notificationRouter = createTRPCRouter({
  list: protectedProcedure.input(z.object({ limit: z.number().int().min(1).max(100).optional() }).optional()).query(({ ctx, input }) => listNotifications(ctx.viewer.userId, input?.limit)),
  unreadCount: protectedProcedure.query(({ ctx }) => unreadCount(ctx.viewer.userId)),
  markRead: protectedProcedure
    .input(z.object({ ids: z.array(z.string().uuid()).max(200).optional() }).optional())
    .mutation(async ({ ctx, input }) => ({ updated: await markNotificationsRead(ctx.viewer.userId, input?.ids) })),
  preferences: protectedProcedure.query(({ ctx }) => getPreferences(ctx.viewer.userId)),
  setPreference: protectedProcedure
    .input(z.object({ kind: z.enum(PREFERENCE_KINDS), inApp: z.boolean().optional(), email: z.boolean().optional(), push: z.boolean().optional() }))
    .mutation(({ ctx, input }) => {
      const { kind, ...change } = input;
      return setPreference(ctx.viewer.userId, kind, change);
    }),
  vapidPublicKey: protectedProcedure.query(async () => (await vapidKeys()).publicKey),
  pushSubscribe: protectedProcedure
    .input(z.object({ endpoint, keys: z.object({ p256dh: z.string().min(16).max(200), auth: z.string().min(8).max(100) }), userAgent: z.string().max(500).nullish() }))
    .mutation(async ({ ctx, input }) => {
      await savePushSubscription(ctx.viewer.userId, input);
      return { subscriptions: await pushSubscriptionCount(ctx.viewer.userId) };
    }),
  // The agent's language: the console's (the page also sets NEXT_LOCALE) and their notification emails' and pushes'.
  locale: protectedProcedure.query(async ({ ctx }) => (await db.user.findUnique({ where: { id: ctx.viewer.userId }, select: { locale: true } }))?.locale ?? null),
  setLocale: protectedProcedure.input(z.object({ locale: z.enum(LOCALES) })).mutation(async ({ ctx, input }) => {
    await db.user.update({ where: { id: ctx.viewer.userId }, data: { locale: input.locale } });
    return { locale: input.locale };
  }),
  pushUnsubscribe: protectedProcedure.input(z.object({ endpoint })).mutation(async ({ ctx, input }) => ({ removed: await removePushSubscription(ctx.viewer.userId, input.endpoint) })),
});
