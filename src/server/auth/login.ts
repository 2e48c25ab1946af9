// Password check with lockout: five wrong passwords lock the account for
// fifteen minutes (and every attempt costs a bcrypt comparison, so guessing is slow).
import bcrypt from "bcryptjs";
import { db } from "@/server/db";
import type { Viewer } from "./viewer";

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;
// Compared against when the email is unknown, so timing does not reveal accounts.
let dummyHash: string | undefined;
const getDummyHash = () => (dummyHash ??= bcrypt.hashSync("not-a-password", 10));

export type LoginResult =
  | { ok: true; viewer: Viewer & { name: string; email: string } }
  | { ok: false; reason: "invalid" | "locked"; retryAfterMs?: number };

export async function hashPassword(password: string) {
  return bcrypt.hash(password, 10);
}

export async function verifyLogin(emailRaw: string, password: string): Promise<LoginResult> {
  const email = emailRaw.trim().toLowerCase();
  const user = await db.user.findUnique({ where: { email }, include: { teams: { select: { teamId: true } } } });
  if (!user || user.deactivatedAt) {
    await bcrypt.compare(password, getDummyHash());
    return { ok: false, reason: "invalid" };
  }
  const now = Date.now();
  if (user.lockedUntil && user.lockedUntil.getTime() > now) {
    return { ok: false, reason: "locked", retryAfterMs: user.lockedUntil.getTime() - now };
  }
  const matches = await bcrypt.compare(password, user.passwordHash);
  if (!matches) {
    const failed = user.failedLogins + 1;
    await db.user.update({
      where: { id: user.id },
      data: failed >= MAX_FAILED_LOGINS ? { failedLogins: 0, lockedUntil: new Date(now + LOCKOUT_MS) } : { failedLogins: failed },
    });
    await db.auditLog.create({
      data: { actorType: "visitor", action: "auth.login_failed", targetType: "user", targetId: user.id, data: { attempts: failed } },
    });
    return failed >= MAX_FAILED_LOGINS ? { ok: false, reason: "locked", retryAfterMs: LOCKOUT_MS } : { ok: false, reason: "invalid" };
  }
  if (user.failedLogins > 0 || user.lockedUntil) {
    await db.user.update({ where: { id: user.id }, data: { failedLogins: 0, lockedUntil: null } });
  }
  return {
    ok: true,
    viewer: { userId: user.id, role: user.role, teamIds: user.teams.map((t) => t.teamId), name: user.name, email: user.email },
  };
}
