// Who is asking, and what they may see. Admins and supervisors see every
// inbox; agents see the inboxes granted to their teams.
import { db } from "@/server/db";

export type Role = "admin" | "supervisor" | "agent";
export type Viewer = { userId: string; role: Role; teamIds: string[]; name?: string; email?: string; /** When this session signed in (ms), if known. */ signedInAt?: number };

/** "all", or the ids of the inboxes this viewer may see. */
export async function accessibleInboxIds(viewer: Viewer): Promise<"all" | string[]> {
  if (viewer.role === "admin" || viewer.role === "supervisor") return "all";
  if (viewer.teamIds.length === 0) return [];
  const rows = await db.teamInbox.findMany({ where: { teamId: { in: viewer.teamIds } }, select: { inboxId: true } });
  return [...new Set(rows.map((r) => r.inboxId))];
}

export async function canSeeInbox(viewer: Viewer, inboxId: string | null | undefined): Promise<boolean> {
  if (!inboxId) return true;
  const ids = await accessibleInboxIds(viewer);
  return ids === "all" || ids.includes(inboxId);
}

export function hasRole(viewer: Viewer, ...roles: Role[]) {
  return roles.includes(viewer.role);
}
