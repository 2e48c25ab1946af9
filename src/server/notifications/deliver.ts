// After a notification is committed: Web Push to the agent's browsers when
// they want this kind pushed. Email is not sent here: the row carries
// emailDueAt and the digest pass (./digest.ts) gathers it with whatever
// else arrives in the window. Push failures never reach the producer.
import { db } from "@/server/db";
import type { TypedNotification } from "./kinds";
import { describeForEmail, emailTranslator } from "./describe";
import { pushToUser } from "./push";

const g = globalThis as unknown as { __throughlinePushes?: Set<Promise<unknown>> };
const inFlight = (g.__throughlinePushes ??= new Set());

export async function pushNotification(userId: string, n: TypedNotification): Promise<number> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { locale: true, deactivatedAt: true } });
  if (!user || user.deactivatedAt) return 0;
  const t = await emailTranslator(user.locale);
  const { title, body, url } = describeForEmail(t, n);
  return pushToUser(userId, { title, body, url });
}

/** Starts the push without waiting for it (producers must not wait on push services). */
export function pushInBackground(userId: string, n: TypedNotification) {
  const p = pushNotification(userId, n).catch((error) => console.warn(`web push failed: ${(error as Error).message}`));
  inFlight.add(p);
  void p.finally(() => inFlight.delete(p));
}

/** Waits for the pushes started so far (tests, shutdown). */
export async function settlePushes() {
  while (inFlight.size) await Promise.all([...inFlight]);
}
