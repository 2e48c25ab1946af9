// Proactive rules: fire once per triggering event, never on their own
// actions, stop at depth 3, audit every action and put it on the timeline.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import { createHmac } from "node:crypto";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { recordTouchpoint } from "@/server/ingest/record";
import { recordTicketEvent } from "@/server/conversations/ticket-events";
import { checkTimerRules, processTimelineEvent, startRulesListener } from "@/server/rules/engine";
import { createRule } from "@/server/rules/admin";

let t: TestDatabase;
let supervisorId: string;
let adminId: string;
let chatInbox: string;

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = "test-nextauth-secret-0123456789";
  t = await useTestDatabase();
  supervisorId = (await db.user.create({ data: { email: "sup@example.test", name: "Sue Pervisor", passwordHash: "x", role: "supervisor" } })).id;
  adminId = (await db.user.create({ data: { email: "admin@example.test", name: "Ada Admin", passwordHash: "x", role: "admin" } })).id;
  chatInbox = (await db.inbox.create({ data: { name: "Chat", channel: "chat", publicId: "rules-widget" } })).id;
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

const purchase = (email: string, amount: number, key: string) =>
  recordTouchpoint({
    identities: [{ kind: "email", value: email, verified: true, source: "test" }],
    customerName: "Grace Hopper",
    channel: "api",
    kind: "product_event",
    actor: "customer",
    name: "purchase",
    text: `Purchased Business plan — ${amount.toFixed(2)} USD`,
    payload: { amount, plan: "Business" },
    dedupeKey: key,
  });

async function chat(customerEmail: string, text: string, thread: string) {
  return recordTouchpoint({
    identities: [{ kind: "email", value: customerEmail, verified: true, source: "test" }],
    customerName: "Linus Chat",
    channel: "chat",
    kind: "message",
    actor: "customer",
    text,
    conversation: { inboxId: chatInbox, externalThreadKey: thread },
    message: { direction: "inbound", bodyText: text },
  });
}

async function settle(ms = 400) {
  await new Promise((r) => setTimeout(r, ms));
}

describe("rules engine", () => {
  it("purchase with amount > 500 → tag VIP and notify: fires once per event, not below the threshold", async () => {
    const rule = await createRule(
      {
        name: "VIP purchase",
        trigger: { kind: "product_event", name: "purchase" },
        conditions: [{ field: "payload.amount", op: "gt", value: 500 }],
        actions: [{ type: "add_tags", tags: ["VIP"] }, { type: "notify", role: "supervisor", message: "{{customer.name}} bought for ${{payload.amount}}" }],
      },
      adminId,
    );
    const big = await purchase("grace@example.test", 600, "p-1");
    const runs = await processTimelineEvent(big.eventId);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ ruleName: "VIP purchase", status: "ok" });
    // The same event again (a redelivery, another process): no second run.
    expect(await processTimelineEvent(big.eventId)).toHaveLength(0);
    expect(await Promise.all([processTimelineEvent(big.eventId), processTimelineEvent(big.eventId)])).toEqual([[], []]);
    expect(await db.ruleRun.count({ where: { ruleId: rule.id } })).toBe(1);

    const c = await db.customer.findUniqueOrThrow({ where: { id: big.customerId } });
    expect((c.attributes as { tags?: string[] }).tags).toEqual(["vip"]);
    const notes = await db.notification.findMany({ where: { userId: supervisorId, kind: "rule" } });
    expect(notes).toHaveLength(1);
    expect(notes[0]!.data).toMatchObject({ ruleName: "VIP purchase", text: "Grace Hopper bought for $600", customerId: big.customerId });
    const timeline = await db.timelineEvent.findMany({ where: { customerId: big.customerId, kind: "ticket_event" }, orderBy: { id: "asc" } });
    expect(timeline.map((e) => e.text)).toEqual(["Rule “VIP purchase” added tag vip", "Rule “VIP purchase” notified 1 supervisor"]);
    expect(timeline[0]!.payload).toMatchObject({ causedByRule: rule.id, ruleDepth: 1 });
    const audit = await db.auditLog.findMany({ where: { action: { startsWith: "rule." }, targetId: big.customerId } });
    expect(audit.map((a) => a.action).sort()).toEqual(["rule.add_tags", "rule.notify"]);

    const small = await purchase("grace@example.test", 100, "p-2");
    expect(await processTimelineEvent(small.eventId)).toHaveLength(0);
    // A second big purchase is a new trigger.
    const again = await purchase("grace@example.test", 900, "p-3");
    expect(await processTimelineEvent(again.eventId)).toHaveLength(1);
    expect(await db.ruleRun.count({ where: { ruleId: rule.id } })).toBe(2);
    // The rule's own timeline entries do not trigger anything.
    for (const e of timeline) expect(await processTimelineEvent(e.id)).toHaveLength(0);
    await db.automationRule.update({ where: { id: rule.id }, data: { enabled: false } });
  });

  it("changes tickets (tags, priority, message) and ignores the events it caused itself", async () => {
    const rule = await createRule(
      {
        name: "Refund requests",
        trigger: { kind: "message" },
        conditions: [{ field: "text", op: "contains", value: "refund" }],
        actions: [
          { type: "add_tags", tags: ["refund"] },
          { type: "set_priority", priority: "high" },
          { type: "send_message", body: "Hi {{customer.firstName}}, we got your refund request for #{{conversation.number}} — a person will reply shortly. (refund team)" },
        ],
      },
      adminId,
    );
    const off = startRulesListener();
    try {
      const m = await chat("linus@example.test", "I want a refund please", "refund-1");
      await expect.poll(() => db.ruleRun.count({ where: { ruleId: rule.id, status: { not: "running" } } }), { timeout: 5000 }).toBe(1);
      await settle();
      const conv = await db.conversation.findUniqueOrThrow({ where: { id: m.conversationId! } });
      expect(conv.tags).toEqual(["refund"]);
      expect(conv.priority).toBe("high");
      const out = await db.message.findMany({ where: { conversationId: conv.id, direction: "outbound" } });
      expect(out).toHaveLength(1);
      expect(out[0]!.bodyText).toBe(`Hi Linus, we got your refund request for #${conv.number} — a person will reply shortly. (refund team)`);
      // The rule's own outbound message also contains "refund" and is a message event: ignored.
      expect(await db.ruleRun.count({ where: { ruleId: rule.id } })).toBe(1);
      const events = await db.timelineEvent.findMany({ where: { conversationId: conv.id, kind: "ticket_event" }, orderBy: { id: "asc" } });
      expect(events.map((e) => e.text)).toEqual(["Rule “Refund requests” added tag refund", "Rule “Refund requests” set priority to high"]);
      const audit = await db.auditLog.findMany({ where: { targetId: conv.id, action: { startsWith: "rule." } } });
      expect(audit.map((a) => a.action).sort()).toEqual(["rule.add_tags", "rule.send_message", "rule.set_priority"]);
    } finally {
      off();
      await db.automationRule.update({ where: { id: rule.id }, data: { enabled: false } });
    }
  });

  it("a rule that snoozes sets a wake-up time, so the snooze waker reopens it", async () => {
    const rule = await createRule(
      { name: "Snooze thank-yous", trigger: { kind: "message" }, conditions: [{ field: "text", op: "contains", value: "thanks, all good" }], actions: [{ type: "set_status", status: "snoozed", snoozeHours: 2 }] },
      adminId,
    );
    const m = await chat("ada@example.test", "thanks, all good", "snooze-1");
    const before = Date.now();
    expect(await processTimelineEvent(m.eventId)).toHaveLength(1);
    const conv = await db.conversation.findUniqueOrThrow({ where: { id: m.conversationId! } });
    expect(conv.status).toBe("snoozed");
    expect(conv.snoozedUntil).not.toBeNull();
    const wakesIn = conv.snoozedUntil!.getTime() - before;
    expect(wakesIn).toBeGreaterThan(2 * 3_600_000 - 60_000);
    expect(wakesIn).toBeLessThan(2 * 3_600_000 + 60_000);
    await db.automationRule.update({ where: { id: rule.id }, data: { enabled: false } });
  });

  it("stops rule chains at depth 3", async () => {
    const ping = await createRule({ name: "Ping", trigger: { kind: "ticket_event" }, actions: [{ type: "notify", userIds: [supervisorId], message: "ping" }] }, adminId);
    const pong = await createRule({ name: "Pong", trigger: { kind: "ticket_event" }, actions: [{ type: "notify", userIds: [supervisorId], message: "pong" }] }, adminId);
    const m = await chat("chain@example.test", "hello", "chain-1");
    const off = startRulesListener();
    try {
      await recordTicketEvent(m.conversationId!, { name: "status", text: "Status changed by a person", actorUserId: adminId });
      await settle(1500);
      await expect.poll(() => db.ruleRun.count({ where: { ruleId: { in: [ping.id, pong.id] } } }), { timeout: 5000 }).toBe(6);
      await settle(800);
      // Depth 1: both fire on the human's event; depth 2: each on the other's; depth 3: again; then nothing.
      expect(await db.ruleRun.count({ where: { ruleId: ping.id } })).toBe(3);
      expect(await db.ruleRun.count({ where: { ruleId: pong.id } })).toBe(3);
      const depths = (await db.timelineEvent.findMany({ where: { conversationId: m.conversationId!, name: "rule_notify" } })).map((e) => (e.payload as { ruleDepth: number }).ruleDepth).sort();
      expect(depths).toEqual([1, 1, 2, 2, 3, 3]);
    } finally {
      off();
      await db.automationRule.updateMany({ where: { id: { in: [ping.id, pong.id] } }, data: { enabled: false } });
    }
  });

  it("runs timer rules once per wait and only when the conditions hold", async () => {
    const rule = await createRule(
      { name: "No reply to urgent", trigger: { timer: "no_reply", minutes: 60 }, conditions: [{ field: "priority", op: "in", value: ["high", "urgent"] }], actions: [{ type: "notify", role: "supervisor" }] },
      adminId,
    );
    const a = await chat("wait-a@example.test", "hello?", "wait-a");
    const b = await chat("wait-b@example.test", "hello?", "wait-b");
    const c = await chat("wait-c@example.test", "hello?", "wait-c");
    const ninetyMinutesAgo = new Date(Date.now() - 90 * 60_000);
    await db.conversation.update({ where: { id: a.conversationId! }, data: { waitingSince: ninetyMinutesAgo, priority: "urgent" } });
    await db.conversation.update({ where: { id: b.conversationId! }, data: { waitingSince: ninetyMinutesAgo, priority: "normal" } });
    // Crossed the 60-minute mark 4 hours ago: stale, not acted on.
    await db.conversation.update({ where: { id: c.conversationId! }, data: { waitingSince: new Date(Date.now() - 5 * 3_600_000), priority: "urgent" } });
    const runs = await checkTimerRules();
    expect(runs.map((r) => r.triggerKey)).toEqual([`no_reply:${a.conversationId}:${ninetyMinutesAgo.getTime()}`]);
    expect(await checkTimerRules()).toEqual([]);
    expect(await db.ruleRun.count({ where: { ruleId: rule.id, status: "ok" } })).toBe(1);
    expect(await db.ruleRun.count({ where: { ruleId: rule.id, status: "no_match" } })).toBe(1);
    expect(await db.ruleRun.count({ where: { ruleId: rule.id, status: "stale" } })).toBe(1);
    const note = await db.notification.findFirstOrThrow({ where: { kind: "rule", data: { path: ["ruleName"], equals: "No reply to urgent" } } });
    expect((note.data as { text: string }).text).toMatch(/has waited 9\d min/);
    await db.automationRule.update({ where: { id: rule.id }, data: { enabled: false } });
  });

  it("POSTs webhooks with an HMAC signature", async () => {
    const received: { body: string; sig: string | undefined }[] = [];
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        received.push({ body, sig: req.headers["x-throughline-signature"] as string | undefined });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    process.env.RULE_HOOK_SECRET = "hook-secret-123";
    // The local server stands in for a public target: the SSRF guard refuses loopback unless allowlisted.
    process.env.OUTBOUND_ALLOWLIST = "127.0.0.1/32";
    try {
      const rule = await createRule(
        { name: "Hook", trigger: { kind: "product_event", name: "signup" }, actions: [{ type: "webhook", url: `http://127.0.0.1:${port}/hook`, secretEnv: "RULE_HOOK_SECRET" }] },
        adminId,
      );
      const e = await recordTouchpoint({ identities: [{ kind: "email", value: "hook@example.test", verified: true, source: "t" }], channel: "api", kind: "product_event", actor: "customer", name: "signup", text: "Signed up" });
      const runs = await processTimelineEvent(e.eventId);
      expect(runs[0]?.status).toBe("ok");
      expect(received).toHaveLength(1);
      const expected = createHmac("sha256", "hook-secret-123").update(received[0]!.body).digest("hex");
      expect(received[0]!.sig).toBe(`sha256=${expected}`);
      expect(JSON.parse(received[0]!.body)).toMatchObject({ rule: { id: rule.id, name: "Hook" }, event: { id: e.eventId, name: "signup" } });
    } finally {
      delete process.env.OUTBOUND_ALLOWLIST;
      server.close();
    }
  });
});
