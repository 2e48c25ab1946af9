// In-app notifications: a Notification row per recipient, then a
// `notification.created` bus event (pushed to the user's socket room) after commit.
import { db, Prisma } from "@/server/db";
import { bus } from "@/server/events/bus";
import { uuidv7 } from "@/server/timeline/ids";
import type { Tx } from "@/server/timeline/tx";

export type NotificationDraft = { userId: string; kind: string; data: Record<string, unknown> };
export type CreatedNotification = NotificationDraft & { id: string };

/** Inserts the rows (in the caller's transaction when given); publish with publishNotifications after commit. */
export async function insertNotifications(tx: Tx | typeof db, drafts: NotificationDraft[]): Promise<CreatedNotification[]> {
  const seen = new Set<string>();
  const rows: CreatedNotification[] = [];
  for (const d of drafts) {
    if (seen.has(d.userId)) continue;
    seen.add(d.userId);
    rows.push({ ...d, id: uuidv7() });
  }
  if (rows.length === 0) return [];
  await tx.notification.createMany({ data: rows.map((r) => ({ id: r.id, userId: r.userId, kind: r.kind, data: r.data as Prisma.InputJsonValue })) });
  return rows;
}

export function publishNotifications(rows: CreatedNotification[]) {
  for (const r of rows) bus.publish({ type: "notification.created", userId: r.userId, notificationId: r.id, kind: r.kind, data: r.data });
}

export async function notify(drafts: NotificationDraft[]): Promise<CreatedNotification[]> {
  const rows = await insertNotifications(db, drafts);
  publishNotifications(rows);
  return rows;
}

/** Active users with one of these roles. */
export async function usersWithRole(tx: Tx | typeof db, roles: ("admin" | "supervisor" | "agent")[]): Promise<string[]> {
  const rows = await tx.user.findMany({ where: { role: { in: roles }, deactivatedAt: null }, select: { id: true }, orderBy: { createdAt: "asc" } });
  return rows.map((r) => r.id);
}
