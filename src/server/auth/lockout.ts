// Sign-in lockout, per (account, client address), so nobody can lock a teammate
// out from their own desk:
//  - 5 wrong passwords for an account from one address within 15 minutes lock
//    that address out of that account: 15 minutes, doubling with each further
//    lockout of the same pair within a day (capped at a day);
//  - across all addresses, 20 wrong passwords for an account within 15 minutes
//    put the account into slow-down: from then on every address is locked after
//    a single wrong password (1 minute, doubling), so spreading guesses over
//    many addresses is still slow;
//  - the right password from an address that is not locked always works, and
//    clears that address's record; an admin can lift every lock of an account.
// Counted with rate-limiter-flexible in ../security/limits.ts: in Redis when
// REDIS_URL is set, so every process sees the same counts and locks.
import { db } from "@/server/db";
import { recordAudit } from "@/server/audit/record";
import { rateLimits, type Limit } from "@/server/security/limits";

const MINUTE_S = 60;
const DAY_S = 24 * 60 * MINUTE_S;

export const FAILS_PER_ADDRESS = 5;
export const ACCOUNT_SLOWDOWN_FAILS = 20;
export const LOCK_BASE_S = 15 * MINUTE_S;
export const SLOWDOWN_LOCK_BASE_S = MINUTE_S;
const LOCK_MAX_S = DAY_S;

const FAILS: Limit = { points: FAILS_PER_ADDRESS, durationSec: 15 * MINUTE_S };
const ACCOUNT_FAILS: Limit = { points: ACCOUNT_SLOWDOWN_FAILS, durationSec: 15 * MINUTE_S };
// How many times this pair was locked in the last day (the backoff exponent).
const LOCKOUTS: Limit = { points: 1_000, durationSec: DAY_S };
// The lock itself: a key blocked for the lock's duration.
const LOCK: Limit = { points: 1, durationSec: LOCK_MAX_S };

const limiter = (name: string, limit: Limit) => rateLimits().limiter(name, limit);
export const pairKey = (userId: string, address: string) => `${userId}|${address}`;
/** The limiter holding the locks (tests end a lock early, as if its time had passed). */
export const lockLimiter = () => limiter("login-lock", LOCK);

/** The client's address as the server computed it; "unknown" when there is none (in-process callers). */
export function normaliseAddress(address: string | null | undefined): string {
  const a = (address ?? "").trim().slice(0, 64);
  return a || "unknown";
}

/** Never let a limiter fault refuse a sign-in or crash it (the bcrypt cost still slows guessing). */
async function safely<T>(what: string, fn: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const ms = (error as { msBeforeNext?: unknown })?.msBeforeNext;
    if (typeof ms === "number" && !(error instanceof Error)) throw error;
    console.error(`[lockout] ${what}: ${(error as Error)?.message ?? String(error)}`);
    return fallback;
  }
}

/** Milliseconds this address is still locked out of the account, or 0. */
export async function lockedForMs(userId: string, address: string): Promise<number> {
  const res = await safely("get", () => limiter("login-lock", LOCK).get(pairKey(userId, address)), null);
  return res && res.consumedPoints > LOCK.points && res.msBeforeNext > 0 ? res.msBeforeNext : 0;
}

/** Counts a value in a limiter; returns whether it is now over the limit. */
async function count(name: string, limit: Limit, key: string): Promise<boolean> {
  try {
    const res = await limiter(name, limit).consume(key);
    return res.remainingPoints <= 0 && res.consumedPoints >= limit.points;
  } catch (rejection) {
    const ms = (rejection as { msBeforeNext?: unknown })?.msBeforeNext;
    if (typeof ms === "number" && !(rejection instanceof Error)) return true;
    console.error(`[lockout] ${name}: ${(rejection as Error)?.message ?? String(rejection)}`);
    return false;
  }
}

export type FailureOutcome = { locked: false } | { locked: true; retryAfterMs: number; slowdown: boolean };

/** Records a wrong password; locks the pair when it is one too many. */
export async function recordFailedLogin(userId: string, address: string): Promise<FailureOutcome> {
  const key = pairKey(userId, address);
  const slowdown = await count("login-account-fails", ACCOUNT_FAILS, userId);
  const pairOver = await count("login-fails", FAILS, key);
  if (!pairOver && !slowdown) {
    await recordAudit(db, { actorUserId: null, action: "auth.login_failed", targetType: "user", targetId: userId, data: { address } });
    return { locked: false };
  }
  const lockouts = await safely("lockouts", async () => (await limiter("login-lockouts", LOCKOUTS).penalty(key, 1)).consumedPoints, 1);
  const base = pairOver ? LOCK_BASE_S : SLOWDOWN_LOCK_BASE_S;
  const seconds = Math.min(LOCK_MAX_S, base * 2 ** Math.min(Math.max(lockouts, 1) - 1, 20));
  await safely("block", () => limiter("login-lock", LOCK).block(key, seconds), null);
  await safely("reset", () => limiter("login-fails", FAILS).delete(key), false);
  const until = new Date(Date.now() + seconds * 1000);
  // For Settings → People ("Locked out" until the latest lock of any address ends).
  await db.user.updateMany({ where: { id: userId, OR: [{ lockedUntil: null }, { lockedUntil: { lt: until } }] }, data: { lockedUntil: until } });
  await recordAudit(db, { actorUserId: null, action: "auth.locked_out", targetType: "user", targetId: userId, data: { address, until: until.toISOString(), lockouts, slowdown: !pairOver } });
  return { locked: true, retryAfterMs: seconds * 1000, slowdown: !pairOver };
}

/** The right password from this address: its failures and backoff are forgotten (other addresses keep theirs). */
export async function recordSuccessfulLogin(userId: string, address: string) {
  const key = pairKey(userId, address);
  await safely("reset", () => limiter("login-fails", FAILS).delete(key), false);
  await safely("reset", () => limiter("login-lockouts", LOCKOUTS).delete(key), false);
}

/**
 * Lifts every lock of the account (admin "Unlock", a password reset, a reactivation).
 * The addresses come from the audit log of the last day, the longest a lock lasts.
 */
export async function clearLoginLocks(userId: string): Promise<{ addresses: number }> {
  const rows = await db.auditLog.findMany({
    where: { targetType: "user", targetId: userId, action: { in: ["auth.locked_out", "auth.login_failed"] }, createdAt: { gt: new Date(Date.now() - (LOCK_MAX_S + 60) * 1000) } },
    select: { data: true },
  });
  const addresses = new Set<string>(["unknown"]);
  for (const r of rows) {
    const a = (r.data as { address?: unknown } | null)?.address;
    if (typeof a === "string") addresses.add(a);
  }
  let locked = 0;
  for (const address of addresses) {
    const key = pairKey(userId, address);
    if ((await lockedForMs(userId, address)) > 0) locked++;
    await safely("unlock", () => limiter("login-lock", LOCK).delete(key), false);
    await safely("unlock", () => limiter("login-fails", FAILS).delete(key), false);
    await safely("unlock", () => limiter("login-lockouts", LOCKOUTS).delete(key), false);
  }
  await safely("unlock", () => limiter("login-account-fails", ACCOUNT_FAILS).delete(userId), false);
  return { addresses: locked };
}
