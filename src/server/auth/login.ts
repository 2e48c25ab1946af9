// Password check with lockout per (account, client address): see ./lockout.ts.
// Every attempt that is not refused by a lock costs a bcrypt comparison, so
// guessing is slow, and an unknown email costs the same as a known one.
import bcrypt from "bcryptjs";
import { db } from "@/server/db";
import type { Viewer } from "./viewer";
import { lockedForMs, normaliseAddress, recordFailedLogin, recordSuccessfulLogin } from "./lockout";

// Compared against when the email is unknown, so timing does not reveal accounts.
let dummyHash: string | undefined;
const getDummyHash = () => (dummyHash ??= bcrypt.hashSync("not-a-password", 10));

export type LoginResult =
  | { ok: true; viewer: Viewer & { name: string; email: string } }
  | { ok: false; reason: "invalid" | "locked"; retryAfterMs?: number };

export async function hashPassword(password: string) {
  return bcrypt.hash(password, 10);
}

/** clientAddress: the address the server computed for the request (x-throughline-client-ip), never a client's claim. */
export async function verifyLogin(emailRaw: string, password: string, clientAddress?: string | null): Promise<LoginResult> {
  const email = emailRaw.trim().toLowerCase();
  const address = normaliseAddress(clientAddress);
  const user = await db.user.findUnique({ where: { email }, include: { teams: { select: { teamId: true } } } });
  if (!user || user.deactivatedAt) {
    await bcrypt.compare(password, getDummyHash());
    return { ok: false, reason: "invalid" };
  }
  const lockedMs = await lockedForMs(user.id, address);
  if (lockedMs > 0) return { ok: false, reason: "locked", retryAfterMs: lockedMs };
  // An account without a password signs in only through single sign-on; the
  // dummy compare keeps its answer as slow as a wrong password's.
  const matches = user.passwordHash ? await bcrypt.compare(password, user.passwordHash) : (await bcrypt.compare(password, getDummyHash()), false);
  if (!matches) {
    const outcome = await recordFailedLogin(user.id, address);
    return outcome.locked ? { ok: false, reason: "locked", retryAfterMs: outcome.retryAfterMs } : { ok: false, reason: "invalid" };
  }
  await recordSuccessfulLogin(user.id, address);
  return {
    ok: true,
    viewer: { userId: user.id, role: user.role, teamIds: user.teams.map((t) => t.teamId), name: user.name, email: user.email },
  };
}
