// Settings → People says how each person signs in — a password, single
// sign-on, or both — without the password hash ever leaving the server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { callerAs } from "../../helpers/trpc";
import { db, disconnectDb } from "@/server/db";
import { viewerOfUser } from "@/server/auth/viewer";

let t: TestDatabase;
beforeAll(async () => {
  t = await useTestDatabase();
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

describe("people.list sign-in methods", () => {
  it("reports password and SSO per person and never the hash", async () => {
    const admin = await db.user.create({ data: { email: "ada@example.test", name: "Ada", passwordHash: "$2a$10$secrethashsecrethashsecrethash", role: "admin" } });
    await db.user.create({ data: { email: "sso@example.test", name: "Sso Only", role: "agent", ssoIssuer: "https://idp.example.test", ssoSubject: "sub-1" } });
    await db.user.create({ data: { email: "both@example.test", name: "Both", passwordHash: "x", role: "agent", ssoIssuer: "https://idp.example.test", ssoSubject: "sub-2" } });
    const people = await callerAs((await viewerOfUser(admin.id))!).people.list();
    const by = Object.fromEntries(people.map((p) => [p.email, p.signIn]));
    expect(by).toEqual({ "ada@example.test": { password: true, sso: false }, "sso@example.test": { password: false, sso: true }, "both@example.test": { password: true, sso: true } });
    expect(JSON.stringify(people)).not.toMatch(/secrethash|passwordHash|ssoIssuer/);
  });
});
