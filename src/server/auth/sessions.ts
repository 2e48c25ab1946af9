// Console sessions as rows. The session cookie stays a signed next-auth JWT,
// but it only names a row (sid); every request and socket event reads the row
// with the user in one primary-key query, so signing out, an admin ending a
// session, deactivation and a password reset take effect on the very next
// request on every process — no cache to clear, nothing to wait for.
import { db } from "@/server/db";
import { bus } from "@/server/events/bus";
import type { Viewer } from "./viewer";

/** Idle lifetime: a session unused this long is over (renewed while used). */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
// lastSeenAt/expiresAt are written at most this often per session.
const TOUCH_EVERY_MS = 60_000;

export type RevokeReason = "signed_out" | "ended_by_admin" | "ended_by_user" | "deactivated" | "password_reset";

export async function createSession(userId: string, meta: { userAgent?: string | null; ip?: string | null } = {}): Promise<string> {
  const row = await db.userSession.create({
    data: { userId, expiresAt: new Date(Date.now() + SESSION_IDLE_MS), userAgent: meta.userAgent?.slice(0, 300) || null, ip: meta.ip?.slice(0, 64) || null },
    select: { id: true },
  });
  return row.id;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The viewer of a live session, or null (unknown, revoked, expired, other user, deactivated). */
export async function viewerFromSession(sessionId: string | undefined, userId: string | undefined): Promise<Viewer | null> {
  if (!sessionId || !userId || !UUID.test(sessionId)) return null;
  const row = await db.userSession.findUnique({
    where: { id: sessionId },
    select: {
      userId: true,
      createdAt: true,
      lastSeenAt: true,
      expiresAt: true,
      revokedAt: true,
      user: { select: { id: true, role: true, name: true, email: true, deactivatedAt: true, sessionsValidAfter: true, teams: { select: { teamId: true } } } },
    },
  });
  const now = Date.now();
  if (!row || row.userId !== userId || row.revokedAt || row.expiresAt.getTime() <= now) return null;
  const user = row.user;
  if (user.deactivatedAt) return null;
  if (user.sessionsValidAfter && row.createdAt < user.sessionsValidAfter) return null;
  if (now - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    // Not awaited: the request does not wait for bookkeeping.
    void db.userSession
      .updateMany({ where: { id: sessionId, revokedAt: null }, data: { lastSeenAt: new Date(now), expiresAt: new Date(now + SESSION_IDLE_MS) } })
      .catch(() => undefined);
  }
  return {
    userId: user.id,
    role: user.role,
    teamIds: user.teams.map((t) => t.teamId),
    name: user.name,
    email: user.email,
    signedInAt: row.createdAt.getTime(),
    sessionId,
  };
}

/** Of these session ids, the ones still live (not ended, not expired, user active). */
export async function liveSessionIds(ids: string[]): Promise<Set<string>> {
  const rows = await db.userSession.findMany({
    where: { id: { in: ids }, revokedAt: null, expiresAt: { gt: new Date() }, user: { deactivatedAt: null } },
    select: { id: true, createdAt: true, user: { select: { sessionsValidAfter: true } } },
  });
  return new Set(rows.filter((r) => !r.user.sessionsValidAfter || r.createdAt >= r.user.sessionsValidAfter).map((r) => r.id));
}

export type ActiveSession = { id: string; createdAt: Date; lastSeenAt: Date; expiresAt: Date; userAgent: string | null; ip: string | null };

export async function listActiveSessions(userId: string): Promise<ActiveSession[]> {
  return db.userSession.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { lastSeenAt: "desc" },
    take: 100,
    select: { id: true, createdAt: true, lastSeenAt: true, expiresAt: true, userAgent: true, ip: true },
  });
}

/** Ends sessions; their open sockets on every process are dropped (after commit, via the bus). */
export async function revokeSessions(where: { sessionId?: string; userId: string }, reason: RevokeReason): Promise<number> {
  const ids = (
    await db.userSession.findMany({
      where: { userId: where.userId, revokedAt: null, ...(where.sessionId ? { id: where.sessionId } : {}) },
      select: { id: true },
    })
  ).map((r) => r.id);
  if (ids.length === 0) return 0;
  const { count } = await db.userSession.updateMany({ where: { id: { in: ids }, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: reason } });
  bus.publish({ type: "session.revoked", userId: where.userId, sessionIds: ids });
  return count;
}

/** Sign-out: the session named by the cookie being cleared. */
export async function endSession(sessionId: string | undefined, userId: string | undefined): Promise<void> {
  if (!sessionId || !userId || !UUID.test(sessionId)) return;
  await revokeSessions({ sessionId, userId }, "signed_out");
}
