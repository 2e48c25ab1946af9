// Who is asking, and what they may see. Admins and supervisors see every
// inbox; agents see the inboxes granted to their teams.
import { db } from "@/server/db";

export type Role = "admin" | "supervisor" | "agent";
export type Viewer = { userId: string; role: Role; teamIds: string[]; name?: string; email?: string; /** When this session signed in (ms), if known. */ signedInAt?: number; /** The console session (user_sessions row), for cookies; absent for API keys and scripts. */ sessionId?: string };

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

/**
 * The viewer of a user without a console session (scripts and in-process
 * tests): role and teams from the database; null when gone or deactivated.
 */
export async function viewerOfUser(userId: string): Promise<Viewer | null> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, role: true, name: true, email: true, deactivatedAt: true, teams: { select: { teamId: true } } } });
  if (!user || user.deactivatedAt) return null;
  return { userId: user.id, role: user.role, teamIds: user.teams.map((t) => t.teamId), name: user.name, email: user.email };
}
