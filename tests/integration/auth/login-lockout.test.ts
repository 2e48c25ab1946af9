// Sign-in lockout per (account, client address), over HTTP against the real
// server behind one trusted proxy (TRUST_PROXY=1): each X-Forwarded-For is a
// different client. A stranger's wrong passwords lock out the stranger's
// address only; the owner signs in from theirs; many addresses together slow
// the account down; an admin unlocks (audited).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";
import { signIn, startAppServer, type AppServer } from "../../helpers/app-server";

let t: TestDatabase;
let app: AppServer;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url, env: { TRUST_PROXY: "1" } });
}, 240_000);
afterAll(async () => {
  await app?.stop();
  await t?.drop();
});

const from = (address: string) => ({ "x-forwarded-for": address });
const signInFrom = (address: string, email: string, password?: string) => signIn(app.url, email, password, from(address));

async function adminCall(path: string, input: unknown, method: "GET" | "POST" = "POST") {
  const admin = await signInFrom("198.51.100.250", "admin@throughline.test");
  expect(admin.ok, "the admin signs in").toBe(true);
  const res =
    method === "POST"
      ? await fetch(`${app.url}/api/trpc/${path}`, { method, headers: { "content-type": "application/json", cookie: admin.cookie, "x-throughline-csrf": "1", ...from("198.51.100.250") }, body: JSON.stringify({ json: input }) })
      : await fetch(`${app.url}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, { headers: { cookie: admin.cookie, ...from("198.51.100.250") } });
  return { status: res.status, body: (await res.json()) as { result?: { data: { json: unknown } }; error?: { json: { data: { code: string } } } } };
}

async function unlock(email: string) {
  const user = await t.prisma.user.findUniqueOrThrow({ where: { email } });
  return adminCall("people.unlock", { id: user.id });
}

async function lockedInPeopleList(email: string) {
  const list = await adminCall("people.list", undefined, "GET");
  return (list.body.result!.data.json as { email: string; locked: boolean }[]).find((p) => p.email === email)!.locked;
}

describe("sign-in lockout per (account, address)", () => {
  const AGENT = "agent@throughline.test";

  it("wrong passwords from one address lock that address only; the owner still signs in from theirs", async () => {
    const stranger = "203.0.113.7";
    const owner = "192.0.2.10";
    try {
      for (let i = 1; i <= 4; i++) {
        const r = await signInFrom(stranger, AGENT, `guess-${i}`);
        expect(r.error, `attempt ${i}`).toMatch(/wrong email or password/i);
      }
      const fifth = await signInFrom(stranger, AGENT, "guess-5");
      expect(fifth.ok).toBe(false);
      // The message says when to retry.
      expect(fifth.error).toBe("Too many failed attempts from this address. Try again in 15 minutes.");
      // Even the right password is refused from the locked address…
      const fromStranger = await signInFrom(stranger, AGENT);
      expect(fromStranger.ok).toBe(false);
      expect(fromStranger.error).toMatch(/too many failed attempts from this address\. try again in 1[45] minutes/i);
      // …while the owner, from their own address, signs in as usual, even as the stranger keeps hammering.
      expect((await signInFrom(owner, AGENT)).ok).toBe(true);
      for (let i = 0; i < 3; i++) expect((await signInFrom(stranger, AGENT, `more-${i}`)).error).toMatch(/too many failed attempts/i);
      expect((await signInFrom(owner, AGENT)).ok).toBe(true);
      const user = await t.prisma.user.findUniqueOrThrow({ where: { email: AGENT } });
      const locks = await t.prisma.auditLog.findMany({ where: { action: "auth.locked_out", targetId: user.id } });
      expect(locks.map((l) => (l.data as { address: string }).address)).toEqual([stranger]);
      expect(await lockedInPeopleList(AGENT)).toBe(true);
    } finally {
      expect((await unlock(AGENT)).status).toBe(200);
    }
  });

  it("an admin unlocks: the locked address can sign in again, the list stops saying “Locked out”, and it is audited", async () => {
    const address = "203.0.113.20";
    for (let i = 0; i < 5; i++) await signInFrom(address, AGENT, `wrong-${i}`);
    expect((await signInFrom(address, AGENT)).error).toMatch(/too many failed attempts/i);
    expect(await lockedInPeopleList(AGENT)).toBe(true);

    // Only admins may unlock.
    const agent = await signInFrom("192.0.2.10", AGENT);
    const user = await t.prisma.user.findUniqueOrThrow({ where: { email: AGENT } });
    const refused = await fetch(`${app.url}/api/trpc/people.unlock`, { method: "POST", headers: { "content-type": "application/json", cookie: agent.cookie, "x-throughline-csrf": "1" }, body: JSON.stringify({ json: { id: user.id } }) });
    expect(refused.status).toBe(403);

    const res = await unlock(AGENT);
    expect(res.status).toBe(200);
    expect(res.body.result!.data.json).toEqual({ unlocked: 1 });
    expect(await lockedInPeopleList(AGENT)).toBe(false);
    expect((await signInFrom(address, AGENT)).ok).toBe(true);
    const admin = await t.prisma.user.findUniqueOrThrow({ where: { email: "admin@throughline.test" } });
    const entry = await t.prisma.auditLog.findFirstOrThrow({ where: { action: "user.unlocked", targetId: user.id } });
    expect(entry.actorUserId).toBe(admin.id);
    expect(entry.data).toEqual({ addresses: 1 });
  });

  it("many addresses together slow the account down: past 20 wrong passwords, one more from anywhere locks that address", async () => {
    const SUP = "supervisor@throughline.test";
    try {
      // 4 wrong passwords from each of 5 addresses: none reaches 5 on its own.
      const results: (string | undefined)[] = [];
      for (let a = 1; a <= 5; a++) for (let i = 0; i < 4; i++) results.push((await signInFrom(`198.51.100.${a}`, SUP, `spray-${a}-${i}`)).error);
      expect(results.slice(0, 19).every((e) => /wrong email or password/i.test(e ?? ""))).toBe(true);
      // The 20th wrong password of the account slows it down.
      expect(results[19]).toBe("Too many failed attempts from this address. Try again in 1 minute.");
      // A fresh address now gets one guess, not five.
      const fresh = await signInFrom("198.51.100.77", SUP, "one-guess");
      expect(fresh.error).toBe("Too many failed attempts from this address. Try again in 1 minute.");
      expect((await signInFrom("198.51.100.77", SUP)).error).toMatch(/too many failed attempts/i);
      // The right password from an address with no wrong guesses still works: slow-down is not denial.
      expect((await signInFrom("192.0.2.44", SUP)).ok).toBe(true);
    } finally {
      expect((await unlock(SUP)).status).toBe(200);
    }
    // Unlocking also ends the slow-down: a single wrong guess is just a wrong guess again.
    expect((await signInFrom("198.51.100.78", SUP, "typo")).error).toMatch(/wrong email or password/i);
    expect((await signInFrom("198.51.100.77", SUP)).ok).toBe(true);
  });
});
