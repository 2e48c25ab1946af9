// Notifications: a Notification row per recipient, then a
// `notification.created` bus event (pushed to the user's socket room) after
// commit. The one writer for every kind (mentions, rules, SLA): each draft is
// validated against its kind's shape (src/server/notifications/kinds.ts).
// Each recipient's preferences (notifications/preferences.ts) route it: the
// bell (off = the row is written already read and not announced), email
// (emailDueAt: the digest pass sends it, notifications/digest.ts) and Web
// Push (sent after commit, notifications/deliver.ts).
import { db, Prisma } from "@/server/db";
import { bus } from "@/server/events/bus";
import { validateNotification, type NotificationPayload, type TypedNotification } from "@/server/notifications/kinds";
import { uuidv7 } from "@/server/db/ids";
import type { Tx } from "@/server/db/tx";
import { envValue } from "@/env";
import { channelsFor, DEFAULT_CHANNELS, type Channels } from "@/server/notifications/preferences";
import { pushInBackground } from "@/server/notifications/deliver";

export type NotificationDraft = { userId: string } & NotificationPayload;
export type CreatedNotification = { userId: string; id: string; channels?: Channels } & TypedNotification;

/** Inserts the rows (in the caller's transaction when given); publish with publishNotifications after commit. */
export async function insertNotifications(tx: Tx | typeof db, drafts: NotificationDraft[]): Promise<CreatedNotification[]> {
  const seen = new Set<string>();
  const rows: CreatedNotification[] = [];
  for (const { userId, ...payload } of drafts) {
    if (seen.has(userId)) continue;
    seen.add(userId);
    rows.push({ ...validateNotification(payload as NotificationPayload), userId, id: uuidv7() });
  }
  if (rows.length === 0) return [];
  const now = new Date();
  const emailDueAt = new Date(now.getTime() + envValue("NOTIFICATION_DIGEST_SECONDS") * 1000);
  // One kind per call in practice; grouped so mixed batches still read each kind's choices.
  for (const kind of new Set(rows.map((r) => r.kind))) {
    const channels = await channelsFor(tx, rows.filter((r) => r.kind === kind).map((r) => r.userId), kind);
    for (const r of rows) if (r.kind === kind) r.channels = channels.get(r.userId) ?? DEFAULT_CHANNELS;
  }
  await tx.notification.createMany({
    data: rows.map((r) => ({
      id: r.id,
      userId: r.userId,
      kind: r.kind,
      data: r.data as Prisma.InputJsonValue,
      readAt: r.channels?.inApp === false ? now : null,
      emailDueAt: r.channels?.email ? emailDueAt : null,
    })),
  });
  return rows;
}

export function publishNotifications(rows: CreatedNotification[]) {
  for (const r of rows) {
    const { channels, userId, id, ...n } = r;
    if (channels?.inApp !== false) bus.publish({ type: "notification.created", userId, notificationId: id, kind: r.kind, data: r.data });
    if (channels?.push) pushInBackground(userId, n as TypedNotification);
  }
}

export async function notify(drafts: NotificationDraft[]): Promise<CreatedNotification[]> {
  const rows = await insertNotifications(db, drafts);
  publishNotifications(rows);
  return rows;
}

/** How a notification names a conversation: number, subject and customer. Null when it does not exist. */
export async function conversationRef(tx: Tx | typeof db, conversationId: string) {
  const c = await tx.conversation.findUnique({
    where: { id: conversationId },
    select: { id: true, number: true, subject: true, inboxId: true, customer: { select: { id: true, name: true } } },
  });
  return c ? { conversationId: c.id, conversationNumber: c.number, subject: c.subject, customerId: c.customer.id, customerName: c.customer.name, inboxId: c.inboxId } : null;
}

/** Active users with one of these roles. */
export async function usersWithRole(tx: Tx | typeof db, roles: ("admin" | "supervisor" | "agent")[]): Promise<string[]> {
  const rows = await tx.user.findMany({ where: { role: { in: roles }, deactivatedAt: null }, select: { id: true }, orderBy: { createdAt: "asc" } });
  return rows.map((r) => r.id);
}
