// Keys notifications need that the operator may leave unset: the Web Push
// (VAPID) pair and the key that signs unsubscribe links. Like the instance's
// other generated secrets (src/server/security/instance-secrets.ts) each is
// generated once and kept in instance_secrets (insert-if-absent, then read:
// every process on the database agrees), read lazily on first use.
import { createHmac, randomBytes } from "node:crypto";
import webpush from "web-push";
import { envValue, publicUrl } from "@/env";
import { db } from "@/server/db";

const g = globalThis as unknown as { __throughlineNotifyKeys?: Map<string, Promise<string>> };
const cache = (g.__throughlineNotifyKeys ??= new Map());

async function instanceValue(name: string, make: () => string): Promise<string> {
  await db.$executeRaw`INSERT INTO instance_secrets (name, value) VALUES (${name}, ${make()}) ON CONFLICT (name) DO NOTHING`;
  const row = await db.instanceSecret.findUniqueOrThrow({ where: { name } });
  return row.value;
}

function cached(name: string, make: () => string): Promise<string> {
  let hit = cache.get(name);
  if (!hit) {
    hit = instanceValue(name, make);
    hit.catch(() => cache.delete(name));
    cache.set(name, hit);
  }
  return hit;
}

export type VapidKeys = { publicKey: string; privateKey: string; subject: string };

/** VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY when set, else this instance's generated pair ("notify:vapid", JSON). */
export async function vapidKeys(): Promise<VapidKeys> {
  const subject = envValue("VAPID_SUBJECT") ?? `mailto:notifications@${new URL(publicUrl()).hostname}`;
  const publicKey = envValue("VAPID_PUBLIC_KEY");
  const privateKey = envValue("VAPID_PRIVATE_KEY");
  if (publicKey && privateKey) return { publicKey, privateKey, subject };
  const stored = JSON.parse(await cached("notify:vapid", () => JSON.stringify(webpush.generateVAPIDKeys()))) as { publicKey: string; privateKey: string };
  return { ...stored, subject };
}

/** HMAC-SHA256 (base64url) with the instance's unsubscribe-link key ("notify:unsubscribe"). */
export async function signUnsubscribe(text: string): Promise<string> {
  const key = await cached("notify:unsubscribe", () => randomBytes(32).toString("base64url"));
  return createHmac("sha256", key).update(text).digest("base64url");
}

/** Tests replace the stored keys between databases. */
export function forgetNotificationKeys() {
  cache.clear();
}
