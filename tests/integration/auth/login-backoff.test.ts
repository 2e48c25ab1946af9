// Lockout backoff, in-process (in-memory limits): each further lockout of the
// same (account, address) within a day lasts twice as long; a success from the
// address forgets its record; other addresses are unaffected.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { hashPassword, verifyLogin } from "@/server/auth/login";
import { lockLimiter, pairKey } from "@/server/auth/lockout";
import { useMemoryRateLimits } from "@/server/security/limits";

let t: TestDatabase;
let userId: string;
const EMAIL = "backoff@example.test";
const PASSWORD = "the-right-password";

beforeAll(async () => {
  t = await useTestDatabase();
  useMemoryRateLimits();
  userId = (await db.user.create({ data: { email: EMAIL, name: "Back Off", passwordHash: await hashPassword(PASSWORD), role: "agent" } })).id;
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

async function failFiveTimes(address: string) {
  const results = [];
  for (let i = 0; i < 5; i++) results.push(await verifyLogin(EMAIL, `wrong-${i}`, address));
  return results;
}
/** As if the lock's time had passed. */
const expire = (address: string) => lockLimiter().delete(pairKey(userId, address));
const minutes = (r: Awaited<ReturnType<typeof verifyLogin>>) => (r.ok ? 0 : Math.round((r.retryAfterMs ?? 0) / 60_000));

describe("lockout backoff", () => {
  it("doubles with each lockout of the same address, and a success from it starts over", async () => {
    const a = "203.0.113.1";
    const first = await failFiveTimes(a);
    expect(first.slice(0, 4).map((r) => !r.ok && r.reason)).toEqual(["invalid", "invalid", "invalid", "invalid"]);
    expect(first[4]).toMatchObject({ ok: false, reason: "locked" });
    expect(minutes(first[4]!)).toBe(15);
    // Locked: not even the right password is checked.
    expect(await verifyLogin(EMAIL, PASSWORD, a)).toMatchObject({ ok: false, reason: "locked" });
    // Another address is not affected.
    expect((await verifyLogin(EMAIL, PASSWORD, "192.0.2.1")).ok).toBe(true);

    await expire(a);
    expect(minutes((await failFiveTimes(a))[4]!)).toBe(30);
    await expire(a);
    expect(minutes((await failFiveTimes(a))[4]!)).toBe(60);

    await expire(a);
    expect((await verifyLogin(EMAIL, PASSWORD, a)).ok).toBe(true);
    expect(minutes((await failFiveTimes(a))[4]!)).toBe(15);
    const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
    expect(user.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
  });
});
