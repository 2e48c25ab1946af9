// An agent's notifications (mentions, rule alerts, SLA warnings): newest
// first, each read back as its typed kind (notifications/kinds.ts), unread
// count, mark read.
import { db } from "@/server/db";
import { readNotification } from "@/server/notifications/kinds";

export async function listNotifications(userId: string, limit = 30) {
  const rows = await db.notification.findMany({
    where: { userId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(limit, 1), 100),
    select: { id: true, kind: true, data: true, readAt: true, createdAt: true },
  });
  return rows.map((r) => ({ id: r.id, readAt: r.readAt, createdAt: r.createdAt, ...readNotification(r.kind, r.data) }));
}

export async function unreadCount(userId: string) {
  return db.notification.count({ where: { userId, readAt: null } });
}

/** Marks the given notifications (or all) of this user as read; returns how many changed. */
export async function markNotificationsRead(userId: string, ids?: string[]) {
  const r = await db.notification.updateMany({ where: { userId, readAt: null, ...(ids ? { id: { in: ids } } : {}) }, data: { readAt: new Date() } });
  return r.count;
}
