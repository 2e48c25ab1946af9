// Web Push: an agent's browsers subscribe (the service worker's
// PushManager with this instance's VAPID public key) and each wanted
// notification is sent, encrypted (aes128gcm, RFC 8291), to every
// subscription. The payload is what public/sw.js shows: {title, body, url}.
// A push service answering 404/410 says the subscription is gone: delete it.
import webpush from "web-push";
import { db } from "@/server/db";
import { vapidKeys } from "./instance-keys";

export type PushPayload = { title: string; body: string; url: string };
export type PushSubscriptionInput = { endpoint: string; keys: { p256dh: string; auth: string }; userAgent?: string | null };

/** Saves (or moves to this agent) a browser's subscription. */
export async function savePushSubscription(userId: string, sub: PushSubscriptionInput) {
  const data = { userId, p256dh: sub.keys.p256dh, auth: sub.keys.auth, userAgent: sub.userAgent ?? null };
  await db.pushSubscription.upsert({ where: { endpoint: sub.endpoint }, create: { endpoint: sub.endpoint, ...data }, update: data });
}

/** Forgets one of the agent's subscriptions (another agent's endpoint is left alone). */
export async function removePushSubscription(userId: string, endpoint: string) {
  const r = await db.pushSubscription.deleteMany({ where: { userId, endpoint } });
  return r.count;
}

export async function pushSubscriptionCount(userId: string) {
  return db.pushSubscription.count({ where: { userId } });
}

/** Sends the payload to every subscription of the agent; returns how many accepted it. */
export async function pushToUser(userId: string, payload: PushPayload): Promise<number> {
  const subs = await db.pushSubscription.findMany({ where: { userId } });
  if (subs.length === 0) return 0;
  const vapid = await vapidKeys();
  const body = JSON.stringify(payload);
  let accepted = 0;
  await Promise.all(
    subs.map(async (s) => {
      try {
        await webpush.sendNotification({ endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } }, body, {
          vapidDetails: vapid,
          contentEncoding: "aes128gcm",
          TTL: 24 * 3600,
          timeout: 10_000,
        });
        accepted += 1;
        await db.pushSubscription.update({ where: { id: s.id }, data: { lastPushedAt: new Date() } }).catch(() => undefined);
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        if (status === 404 || status === 410) await db.pushSubscription.deleteMany({ where: { id: s.id } });
        else console.warn(`web push to ${new URL(s.endpoint).host} failed: ${status ?? (error as Error).message}`);
      }
    }),
  );
  return accepted;
}
