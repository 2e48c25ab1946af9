// Every metric equals a value computed by hand on a small fixed dataset
// (docs/metrics.md has the definitions).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { metricsCsv, metricsReport, periodRange, MetricsError } from "@/server/metrics/metrics";

let t: TestDatabase;
let agentA: string;
let agentB: string;
let teamA: string;
let teamB: string;
const ids: Record<string, string> = {};
const at = (s: string) => new Date(`${s}Z`);
const plus = (d: Date, min: number) => new Date(d.getTime() + min * 60_000);

beforeAll(async () => {
  t = await useTestDatabase();
  agentA = (await db.user.create({ data: { email: "a@example.test", name: "Alice", passwordHash: "x", role: "agent" } })).id;
  agentB = (await db.user.create({ data: { email: "b@example.test", name: "Bob", passwordHash: "x", role: "agent" } })).id;
  teamA = (await db.team.create({ data: { name: "Team A" } })).id;
  teamB = (await db.team.create({ data: { name: "Team B" } })).id;
  const inbox = await db.inbox.create({ data: { name: "Mixed", channel: "email", publicId: "m@example.test" } });
  const customer = await db.customer.create({ data: { name: "Dataset" } });
  const conv = async (key: string, o: { created: string; channel: "email" | "chat"; fr?: number; res?: number; reopen?: number; status: "open" | "pending" | "resolved"; assignee?: string; team?: string }) => {
    const createdAt = at(o.created);
    const c = await db.conversation.create({
      data: {
        customerId: customer.id,
        originCustomerId: customer.id,
        inboxId: inbox.id,
        channel: o.channel,
        status: o.status,
        createdAt,
        firstResponseAt: o.fr === undefined ? null : plus(createdAt, o.fr),
        resolvedAt: o.res === undefined ? null : plus(createdAt, o.res),
        reopenCount: o.reopen ?? 0,
        assigneeId: o.assignee ?? null,
        teamId: o.team ?? null,
      },
    });
    ids[key] = c.id;
  };
  // Period under test: 2026-01-10 .. 2026-01-12.
  await conv("C0", { created: "2026-01-05T10:00:00", channel: "email", fr: 100, res: 6 * 1440, status: "resolved", assignee: agentA, team: teamA });
  await conv("C7", { created: "2026-01-08T10:00:00", channel: "email", status: "pending" });
  await conv("C1", { created: "2026-01-10T10:00:00", channel: "email", fr: 10, res: 60, status: "resolved", assignee: agentA, team: teamA });
  await conv("C2", { created: "2026-01-10T12:00:00", channel: "chat", fr: 20, res: 120, reopen: 1, status: "resolved", assignee: agentA, team: teamA });
  await conv("C3", { created: "2026-01-11T09:00:00", channel: "chat", fr: 30, res: 240, status: "resolved", assignee: agentB, team: teamB });
  await conv("C4", { created: "2026-01-11T15:00:00", channel: "email", fr: 40, status: "open", assignee: agentB, team: teamB });
  await conv("C5", { created: "2026-01-12T08:00:00", channel: "email", status: "open" });
  await conv("C8", { created: "2026-01-20T08:00:00", channel: "chat", fr: 1, res: 2, status: "resolved", assignee: agentA, team: teamA });

  let n = 0;
  const answer = async (kind: "csat" | "nps" | "ces", score: number, when: string, conversation?: string) => {
    n++;
    const s = await db.survey.create({
      data: { kind, customerId: customer.id, conversationId: conversation ? ids[conversation]! : null, channel: "email", token: `tok-${n}`, expiresAt: at("2026-02-01T00:00:00"), sentAt: at(when) },
    });
    await db.surveyResponse.create({ data: { surveyId: s.id, kind, score, createdAt: at(when) } });
  };
  await answer("csat", 5, "2026-01-10T11:30:00", "C1");
  await answer("csat", 4, "2026-01-10T15:00:00", "C2");
  await answer("csat", 2, "2026-01-11T14:00:00", "C3");
  await answer("csat", 5, "2026-01-11T11:00:00", "C0");
  await answer("csat", 1, "2026-01-13T09:00:00", "C4"); // after the period
  for (const [s, d] of [[10, "10"], [9, "10"], [9, "11"], [7, "11"], [3, "12"]] as const) await answer("nps", s, `2026-01-${d}T12:00:00`);
  for (const [s, d] of [[7, "10"], [5, "11"], [6, "12"]] as const) await answer("ces", s, `2026-01-${d}T13:00:00`);
  await answer("nps", 0, "2026-01-09T12:00:00"); // before the period
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

describe("metrics on a fixed dataset", () => {
  it("computes the summary by the documented definitions", async () => {
    const m = await metricsReport({ from: "2026-01-10", to: "2026-01-12" });
    expect(m.summary).toEqual({
      conversations: 5, // C1–C5
      resolved: 4, // C0, C1, C2, C3
      firstResponse: { median: 25, p90: 37, count: 4 }, // 10, 20, 30, 40
      resolution: { median: 180, p90: 6120, count: 4 }, // 60, 120, 240, 8640
      reopenRate: 33.3, // C2 of C1–C3
      reopenBase: 3,
      csat: { score: 75, responses: 4 }, // 5, 4, 2, 5
      nps: { score: 40, responses: 5, promoters: 3, passives: 1, detractors: 1 }, // 10, 9, 9 | 7 | 3
      ces: { score: 6, responses: 3 }, // 7, 5, 6
    });
  });

  it("counts volume per day and channel and the backlog at each day's end", async () => {
    const m = await metricsReport({ from: "2026-01-10", to: "2026-01-12" });
    expect(m.volume.channels).toEqual(["chat", "email"]);
    expect(m.volume.days).toEqual([
      { day: "2026-01-10", total: 2, chat: 1, email: 1 },
      { day: "2026-01-11", total: 2, chat: 1, email: 1 },
      { day: "2026-01-12", total: 1, chat: 0, email: 1 },
    ]);
    // Open at the start: C0 and C7. Day 1: +C1 +C2 −C1 −C2. Day 2: +C3 +C4 −C3 −C0. Day 3: +C5.
    expect(m.backlog).toEqual([
      { day: "2026-01-10", open: 2, opened: 2, ended: 2 },
      { day: "2026-01-11", open: 2, opened: 2, ended: 2 },
      { day: "2026-01-12", open: 3, opened: 1, ended: 0 },
    ]);
  });

  it("breaks down per agent and per team", async () => {
    const m = await metricsReport({ from: "2026-01-10", to: "2026-01-12" });
    const alice = m.agents.find((a) => a.name === "Alice")!;
    const bob = m.agents.find((a) => a.name === "Bob")!;
    const none = m.agents.find((a) => a.id === null)!;
    expect(alice).toMatchObject({ conversations: 2, resolved: 3, firstResponseMedian: 15, resolutionMedian: 120, reopenRate: 50, csat: 100, csatResponses: 3, open: 0 });
    expect(bob).toMatchObject({ conversations: 2, resolved: 1, firstResponseMedian: 35, resolutionMedian: 240, reopenRate: 0, csat: 0, csatResponses: 1, open: 1 });
    expect(none).toMatchObject({ name: "Unassigned", conversations: 1, resolved: 0, open: 2 });
    const ta = m.teams.find((x) => x.name === "Team A")!;
    const tb = m.teams.find((x) => x.name === "Team B")!;
    expect(ta).toMatchObject({ conversations: 2, resolved: 3, firstResponseMedian: 15, resolutionMedian: 120, reopenRate: 50, csat: 100 });
    expect(tb).toMatchObject({ conversations: 2, resolved: 1, firstResponseMedian: 35, csat: 0, open: 1 });
  });

  it("exports the same numbers as CSV", async () => {
    const csv = await metricsCsv({ from: "2026-01-10", to: "2026-01-12" });
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("section,date,dimension,metric,value");
    expect(lines).toContain("summary,2026-01-10..2026-01-12,all,first_response_median_min,25");
    expect(lines).toContain("summary,2026-01-10..2026-01-12,all,nps,40");
    expect(lines).toContain("volume,2026-01-11,chat,conversations_created,1");
    expect(lines).toContain("backlog,2026-01-12,all,open_at_end_of_day,3");
    expect(lines).toContain("agent,2026-01-10..2026-01-12,Alice,csat_pct,100");
  });

  it("validates periods", () => {
    expect(() => periodRange({ from: "2026-01-12", to: "2026-01-10" })).toThrow(MetricsError);
    expect(() => periodRange({ from: "2024-01-01", to: "2026-01-10" })).toThrow(/at most/);
    expect(periodRange({ from: "2026-01-10", to: "2026-01-12" }).days).toEqual(["2026-01-10", "2026-01-11", "2026-01-12"]);
  });
});
