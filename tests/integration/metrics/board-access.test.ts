// The supervisor board's figures, drill-down and reassignment; supervisor
// procedures are FORBIDDEN to agents (and admin ones to supervisors).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { bus, type DomainEvent } from "@/server/events/bus";
import { recordTouchpoint } from "@/server/ingest/record";
import { createCaller } from "@/server/api/root";
import { checkSla } from "@/server/sla/service";
import { markConnected, markDisconnected } from "@/server/metrics/presence";

let t: TestDatabase;
let supervisor: { userId: string; role: "supervisor"; teamIds: string[] };
let agent: { userId: string; role: "agent"; teamIds: string[] };
let admin: { userId: string; role: "admin"; teamIds: string[] };
let inboxId: string;
let teamId: string;
const convs: string[] = [];

beforeAll(async () => {
  t = await useTestDatabase();
  teamId = (await db.team.create({ data: { name: "Support" } })).id;
  inboxId = (await db.inbox.create({ data: { name: "Support email", channel: "email", publicId: "board@example.test" } })).id;
  await db.teamInbox.create({ data: { teamId, inboxId } });
  const s = await db.user.create({ data: { email: "s@example.test", name: "Sue", passwordHash: "x", role: "supervisor", capacity: 4 } });
  const a = await db.user.create({ data: { email: "a@example.test", name: "Sam", passwordHash: "x", role: "agent", capacity: 2 } });
  const ad = await db.user.create({ data: { email: "ad@example.test", name: "Ada", passwordHash: "x", role: "admin" } });
  await db.teamMember.createMany({ data: [{ teamId, userId: a.id }, { teamId, userId: s.id }] });
  supervisor = { userId: s.id, role: "supervisor", teamIds: [teamId] };
  agent = { userId: a.id, role: "agent", teamIds: [teamId] };
  admin = { userId: ad.id, role: "admin", teamIds: [] };
  for (let i = 0; i < 3; i++) {
    const r = await recordTouchpoint({
      identities: [{ kind: "email", value: `b${i}@example.test`, verified: true, source: "t" }],
      channel: "email",
      kind: "message",
      actor: "customer",
      text: `help ${i}`,
      conversation: { inboxId, externalThreadKey: `<b${i}@x>`, subject: `Help ${i}`, teamId },
      message: { direction: "inbound", bodyText: `help ${i}`, platformMessageId: `<b${i}@x>` },
    });
    convs.push(r.conversationId!);
  }
  // #0 breached its first-response target an hour ago; #1 answered and assigned to Sam.
  await db.conversation.update({ where: { id: convs[0]! }, data: { firstResponseDueAt: new Date(Date.now() - 3_600_000), waitingSince: new Date(Date.now() - 2 * 3_600_000) } });
  await db.conversation.update({ where: { id: convs[1]! }, data: { assigneeId: a.id, firstResponseAt: new Date(), waitingSince: null } });
  await db.conversation.update({ where: { id: convs[2]! }, data: { firstResponseDueAt: new Date(Date.now() + 60_000), createdAt: new Date(Date.now() - 3_600_000) } });
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

async function code(p: Promise<unknown>) {
  try {
    await p;
    return "OK";
  } catch (error) {
    return error instanceof TRPCError ? error.code : String(error);
  }
}

describe("access", () => {
  it("refuses supervisor procedures to agents", async () => {
    const caller = createCaller({ viewer: agent });
    expect(await code(caller.supervisor.board())).toBe("FORBIDDEN");
    expect(await code(caller.supervisor.overview())).toBe("FORBIDDEN");
    expect(await code(caller.supervisor.conversations({ filter: "open" }))).toBe("FORBIDDEN");
    expect(await code(caller.supervisor.reassign({ conversationId: convs[0]!, assigneeId: agent.userId }))).toBe("FORBIDDEN");
    expect(await code(caller.metrics.report({ from: "2026-01-01", to: "2026-01-31" }))).toBe("FORBIDDEN");
    expect(await code(caller.journey.funnel())).toBe("FORBIDDEN");
    expect(await code(caller.surveys.recent())).toBe("FORBIDDEN");
    expect(await code(caller.sla.policies())).toBe("FORBIDDEN");
    expect(await code(caller.rules.list())).toBe("FORBIDDEN");
    expect(await code(createCaller({ viewer: null }).supervisor.board())).toBe("UNAUTHORIZED");
    // Nothing was changed by the refused reassign.
    expect((await db.conversation.findUniqueOrThrow({ where: { id: convs[0]! } })).assigneeId).toBeNull();
  });

  it("keeps admin settings to admins", async () => {
    const caller = createCaller({ viewer: supervisor });
    expect(await code(caller.rules.list())).toBe("FORBIDDEN");
    expect(await code(caller.sla.savePolicy({ id: null, name: "x", priority: "low", channel: null, teamId: null, firstResponseMinutes: 5, resolutionMinutes: 10, businessHoursOnly: true }))).toBe("FORBIDDEN");
    expect(await code(caller.helpcenter.list())).toBe("FORBIDDEN");
    expect(await code(createCaller({ viewer: admin }).rules.list())).toBe("OK");
    expect(await code(caller.metrics.report({ from: "2026-01-01", to: "2026-01-31" }))).toBe("OK");
  });
});

describe("the board", () => {
  it("counts open, unassigned, waiting, at risk and breached per inbox, channel and team", async () => {
    await checkSla(); // #2 has 1 of 60 minutes left: at risk
    markConnected(agent.userId);
    const board = await createCaller({ viewer: supervisor }).supervisor.board();
    const inbox = board.inboxes.find((i) => i.id === inboxId)!;
    expect(inbox).toMatchObject({ open: 3, unassigned: 2, waitingFirst: 2, breached: 1, atRisk: 1 });
    expect(inbox.oldestWait?.getTime()).toBeLessThanOrEqual(Date.now() - 2 * 3_600_000 + 1000);
    expect(board.channels.find((c) => c.id === "email")).toMatchObject({ open: 3, unassigned: 2 });
    expect(board.teams.find((x) => x.id === teamId)).toMatchObject({ open: 3, breached: 1 });
    expect(board.total).toMatchObject({ open: 3, unassigned: 2 });
    const sam = board.agents.find((x) => x.id === agent.userId)!;
    expect(sam).toMatchObject({ presence: "online", load: 1, capacity: 2 });
    expect(board.agents.find((x) => x.id === supervisor.userId)!.presence).toBe("offline");
    markDisconnected(agent.userId);
    const after = await createCaller({ viewer: supervisor }).supervisor.board();
    expect(after.agents.find((x) => x.id === agent.userId)!.presence).toBe("away");
  });

  it("drills down and reassigns", async () => {
    const caller = createCaller({ viewer: supervisor });
    const unassigned = await caller.supervisor.conversations({ filter: "unassigned", inboxId });
    expect(unassigned.map((c) => c.id).sort()).toEqual([convs[0]!, convs[2]!].sort());
    expect((await caller.supervisor.conversations({ filter: "breached" })).map((c) => c.id)).toEqual([convs[0]!]);
    expect((await caller.supervisor.conversations({ filter: "at_risk", teamId })).map((c) => c.id)).toEqual([convs[2]!]);
    const seen: DomainEvent[] = [];
    const off = bus.on((e) => {
      seen.push(e);
    });
    const r = await caller.supervisor.reassign({ conversationId: convs[0]!, assigneeId: agent.userId });
    off();
    expect(r.changed).toBe(true);
    expect((await db.conversation.findUniqueOrThrow({ where: { id: convs[0]! } })).assigneeId).toBe(agent.userId);
    const ev = await db.timelineEvent.findFirstOrThrow({ where: { conversationId: convs[0]!, name: "assignee" } });
    expect(ev.text).toBe("Assigned to Sam by Sue");
    expect(ev.actorUserId).toBe(supervisor.userId);
    expect(seen.some((e) => e.type === "conversation.updated" && e.conversationId === convs[0] && e.changes.assigneeId === agent.userId)).toBe(true);
    expect(seen.some((e) => e.type === "timeline.created" && e.eventId === ev.id)).toBe(true);
    expect((await caller.supervisor.conversations({ filter: "unassigned" })).map((c) => c.id)).toEqual([convs[2]!]);
    expect(await code(caller.supervisor.reassign({ conversationId: convs[0]!, assigneeId: "0190a0a0-0000-7000-8000-000000000000" }))).toBe("BAD_REQUEST");
  });
});
