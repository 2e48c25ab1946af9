// Macros: the composer lists and inserts only the macros an agent may use
// (everyone's, their own personal ones, those shared with one of their teams),
// inserting one counts a use; admins manage all of them, "teams" needs a real
// team and nothing is half-stored, and every change is audited; agents are
// refused management but may still make personal macros.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { callerAs, outcomeOf } from "../../helpers/trpc";
import { db, disconnectDb } from "@/server/db";
import { viewerOfUser, type Viewer } from "@/server/auth/viewer";

let t: TestDatabase;
let admin: Viewer;
let sam: Viewer; // agent in Support
let kim: Viewer; // agent in Billing
let support: string;
let billing: string;
let conversationId: string;
const macro = {} as Record<"everyone" | "support" | "samOwn" | "kimOwn" | "billing", string>;

beforeAll(async () => {
  t = await useTestDatabase();
  const user = (email: string, name: string, role: "admin" | "agent") => db.user.create({ data: { email, name, passwordHash: "x", role } });
  const a = await user("ada@example.test", "Ada Admin", "admin");
  const s = await user("sam@example.test", "Sam Agent", "agent");
  const k = await user("kim@example.test", "Kim Agent", "agent");
  support = (await db.team.create({ data: { name: "Support", members: { create: [{ userId: s.id }] } } })).id;
  billing = (await db.team.create({ data: { name: "Billing", members: { create: [{ userId: k.id }] } } })).id;
  admin = (await viewerOfUser(a.id))!;
  sam = (await viewerOfUser(s.id))!;
  kim = (await viewerOfUser(k.id))!;
  const inbox = await db.inbox.create({ data: { name: "Support", channel: "email", publicId: "support@example.test", teams: { create: [{ teamId: support }] } } });
  const customer = await db.customer.create({ data: { name: "Dr. Ana Ruiz" } });
  conversationId = (await db.conversation.create({ data: { inboxId: inbox.id, customerId: customer.id, originCustomerId: customer.id, channel: "email", subject: "Refund" } })).id;

  const api = callerAs(admin);
  macro.everyone = (await api.macro.manage.create({ name: "Greeting", body: "Hi {{customer.first_name}}, {{agent.first_name}} here about #{{conversation.number}}." })).id;
  macro.support = (await api.macro.manage.create({ name: "Support reset", body: "Reset link", visibility: "teams", teamIds: [support] })).id;
  macro.billing = (await api.macro.manage.create({ name: "Billing refund", body: "Refund", visibility: "teams", teamIds: [billing] })).id;
  macro.samOwn = (await callerAs(sam).macro.create({ name: "Sam's sign-off", body: "Cheers, Sam" })).id;
  macro.kimOwn = (await callerAs(kim).macro.create({ name: "Kim's sign-off", body: "Best, Kim" })).id;
}, 120_000);

afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

const names = async (v: Viewer) => (await callerAs(v).macro.list()).map((m) => m.name);

describe("macros an agent may use", () => {
  it("lists everyone's, their own personal ones and their teams' ones only", async () => {
    expect((await names(sam)).sort()).toEqual(["Greeting", "Sam's sign-off", "Support reset"]);
    expect((await names(kim)).sort()).toEqual(["Billing refund", "Greeting", "Kim's sign-off"]);
    // An admin's composer shows what an admin may use, not everything.
    expect((await names(admin)).sort()).toEqual(["Greeting"]);
    // Joining a team shows its macros at once (memberships are read fresh).
    await db.teamMember.create({ data: { teamId: billing, userId: sam.userId } });
    expect(await names(sam)).toContain("Billing refund");
    await db.teamMember.delete({ where: { teamId_userId: { teamId: billing, userId: sam.userId } } });
    expect(await names(sam)).not.toContain("Billing refund");
  });

  it("an agent's own macro is personal, whoever else asks", async () => {
    const row = await db.macro.findUniqueOrThrow({ where: { id: macro.samOwn }, select: { visibility: true, createdById: true } });
    expect(row).toEqual({ visibility: "personal", createdById: sam.userId });
    expect((await db.macro.findUniqueOrThrow({ where: { id: macro.everyone } })).visibility).toBe("everyone");
  });

  it("inserting counts a use and fills placeholders; a macro the agent may not use is NOT_FOUND like an unknown one", async () => {
    const api = callerAs(sam);
    const before = Date.now();
    const { text } = await api.macro.render({ macroId: macro.everyone, conversationId });
    const number = (await db.conversation.findUniqueOrThrow({ where: { id: conversationId } })).number;
    expect(text).toBe(`Hi Ana, Sam here about #${number}.`);
    await api.macro.render({ macroId: macro.everyone, conversationId });
    await api.macro.render({ macroId: macro.support, conversationId });
    const used = await db.macro.findUniqueOrThrow({ where: { id: macro.everyone } });
    expect(used.usageCount).toBe(2);
    expect(used.lastUsedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);

    // Kim's personal macro and Billing's macro: refused exactly as a random id, and not counted.
    for (const id of [macro.kimOwn, macro.billing, randomUUID()]) {
      expect(await outcomeOf(api.macro.render({ macroId: id, conversationId }), true)).toBe("NOT_FOUND: No such macro.");
    }
    expect((await db.macro.findUniqueOrThrow({ where: { id: macro.kimOwn } })).usageCount).toBe(0);
    expect((await db.macro.findUniqueOrThrow({ where: { id: macro.billing } })).usageCount).toBe(0);

    // Most used first, then by name.
    const list = await api.macro.list();
    expect(list.map((m) => [m.name, m.usageCount])).toEqual([["Greeting", 2], ["Support reset", 1], ["Sam's sign-off", 0]]);
  });
});

describe("managing macros", () => {
  it("is for admins only", async () => {
    const api = callerAs(sam);
    expect(await outcomeOf(api.macro.manage.list())).toBe("FORBIDDEN");
    expect(await outcomeOf(api.macro.manage.teams())).toBe("FORBIDDEN");
    expect(await outcomeOf(api.macro.manage.create({ name: "X", body: "Y" }))).toBe("FORBIDDEN");
    expect(await outcomeOf(api.macro.manage.update({ id: macro.samOwn, visibility: "everyone" }))).toBe("FORBIDDEN");
    expect(await outcomeOf(api.macro.manage.delete({ id: macro.everyone }))).toBe("FORBIDDEN");
    expect((await db.macro.findUniqueOrThrow({ where: { id: macro.samOwn } })).visibility).toBe("personal");
    expect(await db.macro.count({ where: { id: macro.everyone } })).toBe(1);
  });

  it("lists every macro with author, teams, usage and last use, and searches name and body", async () => {
    const api = callerAs(admin);
    const all = await api.macro.manage.list();
    expect(all.truncated).toBe(false);
    expect(all.items.map((m) => m.name)).toEqual(["Billing refund", "Greeting", "Kim's sign-off", "Sam's sign-off", "Support reset"]);
    const greeting = all.items.find((m) => m.name === "Greeting")!;
    expect(greeting).toMatchObject({ visibility: "everyone", usageCount: 2, createdBy: { name: "Ada Admin" }, teams: [] });
    expect(greeting.lastUsedAt).toBeInstanceOf(Date);
    expect(all.items.find((m) => m.name === "Support reset")!.teams).toEqual([{ id: support, name: "Support" }]);
    expect((await api.macro.manage.list({ search: "cheers" })).items.map((m) => m.name)).toEqual(["Sam's sign-off"]);
    expect((await api.macro.manage.list({ search: "REFUND" })).items.map((m) => m.name)).toEqual(["Billing refund"]);
  });

  it("requires a team for team visibility and stores nothing when a team is unknown", async () => {
    const api = callerAs(admin);
    const count = await db.macro.count();
    const audits = await db.auditLog.count();
    expect(await outcomeOf(api.macro.manage.create({ name: "Nobody", body: "x", visibility: "teams", teamIds: [] }), true)).toMatch(/^BAD_REQUEST: [\s\S]*at least one team/);
    const ghost = randomUUID();
    expect(await outcomeOf(api.macro.manage.create({ name: "Ghost", body: "x", visibility: "teams", teamIds: [support, ghost] }), true)).toBe(`BAD_REQUEST: No such team: ${ghost}.`);
    expect(await db.macro.count()).toBe(count);
    expect(await db.macroTeam.count({ where: { teamId: support } })).toBe(1);

    // Updating: the old sharing stays untouched when the new one is refused.
    expect(await outcomeOf(api.macro.manage.update({ id: macro.support, name: "Renamed", visibility: "teams", teamIds: [billing, ghost] }), true)).toBe(`BAD_REQUEST: No such team: ${ghost}.`);
    expect(await outcomeOf(api.macro.manage.update({ id: macro.everyone, visibility: "teams" }), true)).toMatch(/at least one team/);
    const support_ = await db.macro.findUniqueOrThrow({ where: { id: macro.support }, include: { teams: true } });
    expect(support_.name).toBe("Support reset");
    expect(support_.teams.map((x) => x.teamId)).toEqual([support]);
    expect((await db.macro.findUniqueOrThrow({ where: { id: macro.everyone } })).visibility).toBe("everyone");
    expect(await db.auditLog.count()).toBe(audits);
    expect(await outcomeOf(api.macro.manage.update({ id: randomUUID(), name: "x" }), true)).toBe("NOT_FOUND: No such macro.");
  });

  it("creates, updates (sharing follows at once) and deletes, auditing each change", async () => {
    const api = callerAs(admin);
    const created = await api.macro.manage.create({ name: "  Escalation  ", body: "Escalating {{conversation.subject}}", visibility: "teams", teamIds: [billing, billing] });
    expect(created).toMatchObject({ name: "Escalation", visibility: "teams", teams: [{ id: billing, name: "Billing" }], usageCount: 0 });
    expect(await names(sam)).not.toContain("Escalation");

    const updated = await api.macro.manage.update({ id: created.id, body: "Escalated: {{conversation.subject}}", teamIds: [support, billing] });
    expect(updated.teams.map((x) => x.name)).toEqual(["Billing", "Support"]);
    expect(updated.body).toBe("Escalated: {{conversation.subject}}");
    expect(await names(sam)).toContain("Escalation");
    expect((await callerAs(sam).macro.render({ macroId: created.id, conversationId })).text).toBe("Escalated: Refund");

    // Personal to its author (the admin): Sam loses it, and the team links go.
    await api.macro.manage.update({ id: created.id, visibility: "personal" });
    expect(await names(sam)).not.toContain("Escalation");
    expect(await db.macroTeam.count({ where: { macroId: created.id } })).toBe(0);

    await api.macro.manage.delete({ id: created.id });
    expect(await db.macro.count({ where: { id: created.id } })).toBe(0);
    expect(await outcomeOf(api.macro.manage.delete({ id: created.id }), true)).toBe("NOT_FOUND: No such macro.");

    const log = await db.auditLog.findMany({ where: { targetType: "macro", targetId: created.id }, orderBy: { createdAt: "asc" } });
    expect(log.map((e) => [e.action, e.actorUserId])).toEqual([
      ["macro.created", admin.userId],
      ["macro.updated", admin.userId],
      ["macro.updated", admin.userId],
      ["macro.deleted", admin.userId],
    ]);
    expect(log[1]!.data).toMatchObject({ before: { teamIds: [billing] }, after: { teamIds: [support, billing] }, bodyChanged: true });
    expect(log[3]!.data).toMatchObject({ name: "Escalation", visibility: "personal" });
    // The agent's personal macro was audited too, with the agent as actor.
    expect(await db.auditLog.count({ where: { action: "macro.created", targetId: macro.samOwn, actorUserId: sam.userId } })).toBe(1);
  });
});
