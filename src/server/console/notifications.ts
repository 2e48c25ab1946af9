// An agent's notifications (mentions, assignments…): newest first, unread count, mark read.
import { db } from "@/server/db";

export async function listNotifications(userId: string, limit = 30) {
  const rows = await db.notification.findMany({
    where: { userId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(limit, 1), 100),
    select: { id: true, kind: true, data: true, readAt: true, createdAt: true },
  });
  return rows.map((r) => ({ ...r, data: (r.data ?? {}) as Record<string, unknown> }));
}

export async function unreadCount(userId: string) {
  return db.notification.count({ where: { userId, readAt: null } });
}

/** Marks the given notifications (or all) of this user as read; returns how many changed. */
export async function markNotificationsRead(userId: string, ids?: string[]) {
  const r = await db.notification.updateMany({ where: { userId, readAt: null, ...(ids ? { id: { in: ids } } : {}) }, data: { readAt: new Date() } });
  return r.count;
}
