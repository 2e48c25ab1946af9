// Admin management of the people who sign in to the console: create (with an
// initial password the admin hands over), change role and teams, deactivate /
// reactivate, reset a password. Every change is audited (never the password)
// and, when it changes what someone may see, their open sockets are dropped.
import { z } from "zod";
import { db } from "@/server/db";
import { hashPassword } from "@/server/auth/login";
import type { Role } from "@/server/auth/viewer";
import { accessChanged, audit } from "./access";
import { listActiveSessions, revokeSessions } from "@/server/auth/sessions";
import { clearLoginLocks } from "@/server/auth/lockout";
import { isUniqueViolation, PeopleError } from "./errors";

// The same rule as the first-run admin (src/app/setup/actions.ts).
export const passwordSchema = z.string().min(10, "Use at least 10 characters for the password.").max(200, "Use at most 200 characters for the password.");
export const roleSchema = z.enum(["agent", "supervisor", "admin"], { message: "Choose agent, supervisor or admin." });
export const nameSchema = z.string().trim().min(1, "Enter a name.").max(120, "Use at most 120 characters for the name.");
export const emailSchema = z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address.").max(254, "That email address is too long."));

// Serialises changes that could remove the last active admin.
const ADMIN_LOCK = 727_002;

export async function listPeople() {
  const now = Date.now();
  const users = await db.user.findMany({
    orderBy: [{ deactivatedAt: { sort: "asc", nulls: "first" } }, { name: "asc" }],
    select: {
      id: true,
      name: true,
      email: true,
      role: true,
      presence: true,
      lastSeenAt: true,
      onlineUntil: true,
      deactivatedAt: true,
      lockedUntil: true,
      createdAt: true,
      // How they sign in (only whether: the hash never leaves this function).
      passwordHash: true,
      ssoIssuer: true,
      teams: { select: { team: { select: { id: true, name: true } } } },
      // Organisation keys outlive their creator: the console says so before a deactivation.
      _count: { select: { apiKeys: { where: { revokedAt: null } } } },
    },
  });
  return users.map(({ teams, onlineUntil, lockedUntil, _count, passwordHash, ssoIssuer, ...u }) => ({
    ...u,
    signIn: { password: !!passwordHash, sso: !!ssoIssuer },
    activeApiKeys: _count.apiKeys,
    online: !u.deactivatedAt && !!onlineUntil && onlineUntil.getTime() > now,
    locked: !!lockedUntil && lockedUntil.getTime() > now,
    lockedUntil: lockedUntil && lockedUntil.getTime() > now ? lockedUntil : null,
    teams: teams.map((t) => t.team).sort((a, b) => a.name.localeCompare(b.name)),
  }));
}

async function assertTeamsExist(teamIds: string[]) {
  if (teamIds.length === 0) return;
  const found = await db.team.count({ where: { id: { in: teamIds } } });
  if (found !== new Set(teamIds).size) throw new PeopleError("invalid", "One of the chosen teams no longer exists.");
}

export async function createUser(input: { name: string; email: string; role: Role; teamIds: string[]; password: string }, actorUserId: string | null) {
  const teamIds = [...new Set(input.teamIds)];
  await assertTeamsExist(teamIds);
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { name: input.name, email: input.email, role: input.role, passwordHash, teams: { create: teamIds.map((teamId) => ({ teamId })) } },
        select: { id: true, name: true, email: true, role: true },
      });
      await audit(tx, actorUserId, "user.created", "user", user.id, { email: user.email, role: user.role, teamIds });
      return user;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new PeopleError("conflict", `Someone already signs in as ${input.email}.`);
    throw error;
  }
}

/** Throws unless another active admin would remain once `userId` stops being one. */
async function assertNotLastAdmin(tx: Parameters<Parameters<typeof db.$transaction>[0]>[0], userId: string, actorUserId: string | null) {
  const others = await tx.user.count({ where: { role: "admin", deactivatedAt: null, id: { not: userId } } });
  if (others === 0) {
    throw new PeopleError(
      "invalid",
      userId === actorUserId
        ? "You are the last active admin: make someone else an admin first."
        : "This is the last active admin: make someone else an admin first.",
    );
  }
}

export async function updateUser(id: string, input: { name?: string; role?: Role; teamIds?: string[] }, actorUserId: string | null) {
  const teamIds = input.teamIds ? [...new Set(input.teamIds)] : undefined;
  if (teamIds) await assertTeamsExist(teamIds);
  const result = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_LOCK})`;
    const user = await tx.user.findUnique({ where: { id }, select: { id: true, name: true, role: true, deactivatedAt: true, teams: { select: { teamId: true } } } });
    if (!user) throw new PeopleError("not_found", "No such user.");
    if (input.role && input.role !== "admin" && user.role === "admin" && !user.deactivatedAt) await assertNotLastAdmin(tx, id, actorUserId);
    const changes: Record<string, unknown> = {};
    if (input.name !== undefined && input.name !== user.name) changes.name = { from: user.name, to: input.name };
    if (input.role && input.role !== user.role) changes.role = { from: user.role, to: input.role };
    const before = new Set(user.teams.map((t) => t.teamId));
    const added = teamIds?.filter((t) => !before.has(t)) ?? [];
    const removed = teamIds ? [...before].filter((t) => !teamIds.includes(t)) : [];
    if (added.length || removed.length) changes.teams = { added, removed };
    if (Object.keys(changes).length === 0) return { changed: false, accessChanged: false };
    await tx.user.update({ where: { id }, data: { name: input.name, role: input.role } });
    if (removed.length) await tx.teamMember.deleteMany({ where: { userId: id, teamId: { in: removed } } });
    if (added.length) await tx.teamMember.createMany({ data: added.map((teamId) => ({ teamId, userId: id })), skipDuplicates: true });
    await audit(tx, actorUserId, "user.updated", "user", id, changes);
    return { changed: true, accessChanged: "role" in changes || "teams" in changes };
  });
  if (result.accessChanged) accessChanged([id]);
  return { changed: result.changed };
}

export async function setUserActive(id: string, active: boolean, actorUserId: string | null) {
  const changed = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_LOCK})`;
    const user = await tx.user.findUnique({ where: { id }, select: { role: true, deactivatedAt: true } });
    if (!user) throw new PeopleError("not_found", "No such user.");
    if (active === !user.deactivatedAt) return false;
    if (!active && user.role === "admin") await assertNotLastAdmin(tx, id, actorUserId);
    // Reactivation also lifts a sign-in lockout: the admin vouches for the person.
    await tx.user.update({ where: { id }, data: active ? { deactivatedAt: null, failedLogins: 0, lockedUntil: null } : { deactivatedAt: new Date(), presence: "offline" } });
    await audit(tx, actorUserId, active ? "user.reactivated" : "user.deactivated", "user", id);
    return true;
  });
  if (changed && active) await clearLoginLocks(id);
  if (changed) {
    // The deactivated flag already refuses every request; ending the rows makes the admin's session list say so.
    if (!active) await revokeSessions({ userId: id }, "deactivated");
    accessChanged([id]);
  }
  return { changed };
}

export async function resetPassword(id: string, password: string, actorUserId: string | null) {
  const passwordHash = await hashPassword(password);
  await db.$transaction(async (tx) => {
    // Every session signed in with the old password ends (the reset may be because it leaked).
    const { count } = await tx.user.updateMany({ where: { id }, data: { passwordHash, failedLogins: 0, lockedUntil: null, sessionsValidAfter: new Date() } });
    if (count === 0) throw new PeopleError("not_found", "No such user.");
    await audit(tx, actorUserId, "user.password_reset", "user", id);
  });
  await revokeSessions({ userId: id }, "password_reset");
  await clearLoginLocks(id);
  accessChanged([id]);
  return { ok: true };
}

/** Lifts a sign-in lockout from every address (the admin vouches for the person); audited. */
export async function unlockUser(id: string, actorUserId: string | null) {
  const user = await db.user.findUnique({ where: { id }, select: { id: true } });
  if (!user) throw new PeopleError("not_found", "No such user.");
  const { addresses } = await clearLoginLocks(id);
  await db.user.update({ where: { id }, data: { lockedUntil: null, failedLogins: 0 } });
  await audit(db, actorUserId, "user.unlocked", "user", id, { addresses });
  return { unlocked: addresses };
}

/** A person's live console sessions (Settings → People). */
export async function listUserSessions(userId: string) {
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true } });
  if (!user) throw new PeopleError("not_found", "No such user.");
  return listActiveSessions(userId);
}

/** Ends one session of a person, or all of them; their tabs are signed out at their next request. */
export async function endUserSessions(userId: string, sessionId: string | undefined, actorUserId: string | null) {
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true } });
  if (!user) throw new PeopleError("not_found", "No such user.");
  const ended = await revokeSessions({ userId, sessionId }, actorUserId === userId ? "ended_by_user" : "ended_by_admin");
  if (sessionId && ended === 0) throw new PeopleError("not_found", "No such session (it may have ended already).");
  await audit(db, actorUserId, sessionId ? "user.session_ended" : "user.sessions_ended", "user", userId, { sessions: ended, ...(sessionId ? { sessionId } : {}) });
  return { ended };
}
