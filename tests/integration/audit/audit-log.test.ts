// Settings → Audit log: admins page through who did what, filtered by actor
// (a person or the system), action (exact or prefix), object and time, keyset
// paged without gaps or repeats, and export the same filter as CSV; anyone
// else is refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { callerAs, outcomeOf } from "../../helpers/trpc";
import { db, disconnectDb } from "@/server/db";
import { recordAudit } from "@/server/audit/record";
import { viewerOfUser, type Viewer } from "@/server/auth/viewer";

let t: TestDatabase;
let admin: Viewer;
let supervisor: Viewer;
let adminId: string;
let otherId: string;

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = "test-nextauth-secret-0123456789";
  t = await useTestDatabase();
  adminId = (await db.user.create({ data: { email: "ada@example.test", name: "Ada Admin", passwordHash: "x", role: "admin" } })).id;
  otherId = (await db.user.create({ data: { email: "sue@example.test", name: "Sue Pervisor", passwordHash: "x", role: "supervisor" } })).id;
  admin = (await viewerOfUser(adminId))!;
  supervisor = (await viewerOfUser(otherId))!;
  // 120 entries over 120 minutes: Ada's webhook and user changes, Sue's rules, and the system's.
  const base = Date.parse("2026-11-01T10:00:00Z");
  for (let i = 0; i < 120; i++) {
    const who = i % 3 === 0 ? adminId : i % 3 === 1 ? otherId : null;
    const action = who === adminId ? (i % 2 ? "webhook.created" : "user.updated") : who ? "rule.updated" : "webhook.disabled";
    const row = await recordAudit(db, { actorUserId: who, action, targetType: action.split(".")[0] === "user" ? "user" : action.startsWith("rule") ? "rule" : "webhook_endpoint", targetId: `target-${i % 5}`, data: { i, note: `entry ${i}, with "quotes"` } });
    await db.auditLog.update({ where: { id: row.id }, data: { createdAt: new Date(base + i * 60_000) } });
  }
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

describe("the audit log", () => {
  it("pages newest first without gaps or repeats", async () => {
    const api = callerAs(admin);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof api.audit.list>> = await api.audit.list({ limit: 25, cursor });
      seen.push(...page.items.map((e) => (e.data as { i: number }).i));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 120 }, (_, k) => 119 - k));
  });

  it("filters by actor, the system, action (exact and prefix), object and time", async () => {
    const api = callerAs(admin);
    const ids = async (f: Parameters<typeof api.audit.list>[0]) => (await api.audit.list({ limit: 200, ...f })).items.map((e) => (e.data as { i: number }).i);
    expect((await ids({ actor: adminId })).every((i) => i % 3 === 0)).toBe(true);
    expect(await ids({ actor: adminId })).toHaveLength(40);
    expect((await ids({ actor: "system" })).every((i) => i % 3 === 2)).toBe(true);
    expect(await ids({ action: "webhook.created" })).toHaveLength(20);
    expect(await ids({ action: "webhook." })).toHaveLength(60);
    expect(await ids({ targetType: "rule", targetId: "target-1" })).toEqual((await ids({ targetType: "rule" })).filter((i) => i % 5 === 1));
    expect(await ids({ from: new Date("2026-11-01T10:10:00Z"), to: new Date("2026-11-01T10:14:00Z") })).toEqual([14, 13, 12, 11, 10]);
    // The entry names its actor.
    const [first] = (await api.audit.list({ limit: 1, actor: adminId })).items;
    expect(first!.actor).toMatchObject({ type: "agent", userId: adminId, name: "Ada Admin", email: "ada@example.test" });
    expect(await outcomeOf(api.audit.list({ from: new Date("2026-11-02"), to: new Date("2026-11-01") }), true)).toBe("BAD_REQUEST: From must not be after to.");
    const facets = await api.audit.facets();
    expect(facets.actions).toEqual(expect.arrayContaining(["rule.updated", "user.updated", "webhook.created", "webhook.disabled"]));
  });

  it("exports the filtered log as CSV that a CSV reader reads back", async () => {
    const r = await callerAs(admin).audit.export({ action: "webhook." });
    expect(r).toMatchObject({ rows: 60, truncated: false });
    const records = parse(r.csv, { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(60);
    expect(Object.keys(records[0]!)).toEqual(["time", "actor_type", "actor_name", "actor_email", "action", "target_type", "target_id", "data"]);
    expect(records.every((x) => x.action!.startsWith("webhook."))).toBe(true);
    expect(JSON.parse(records[0]!.data!)).toMatchObject({ note: expect.stringContaining('"quotes"') });
  });

  it("is for admins only", async () => {
    expect(await outcomeOf(callerAs(supervisor).audit.list({}))).toBe("FORBIDDEN");
    expect(await outcomeOf(callerAs(supervisor).audit.export({}))).toBe("FORBIDDEN");
  });
});
