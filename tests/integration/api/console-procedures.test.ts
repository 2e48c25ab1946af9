// The console's tRPC procedures against a real (seeded) database, called the
// way the route handler calls them: permissions (another team's conversation is
// NOT_FOUND), ticket changes as timeline events, mentions as notifications,
// merge and undo, queues, search, new conversations, macros, uploads, retries.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { callerAs, outcomeOf, viewerByEmail } from "../../helpers/trpc";
import { db, disconnectDb } from "@/server/db";
import { bus, type DomainEvent } from "@/server/events/bus";
import type { Viewer } from "@/server/auth/viewer";
import { seedDemo, SHOWCASE_CUSTOMER_NAME } from "@/server/seed/demo";

let t: TestDatabase;
let agent: Viewer;
let supervisor: Viewer;
let aiko: Viewer;
let billingConv: { id: string; number: number };
let supportConv: { id: string; number: number; customerId: string };
// In an inbox Billing (Mateo's only team) is not granted.
let whatsappConv: { id: string };
const events: DomainEvent[] = [];
let off: () => void;

const viewer = viewerByEmail;
const as = callerAs;
const codeOf = (p: Promise<unknown>) => outcomeOf(p);

beforeAll(async () => {
  t = await useTestDatabase();
  await seedDemo(t.prisma, { customers: 40, events: 3000 });
  agent = await viewer("agent@throughline.test");
  supervisor = await viewer("supervisor@throughline.test");
  aiko = await viewer("aiko.tanaka@throughline.test");
  const billing = await db.inbox.findUniqueOrThrow({ where: { publicId: "billing@throughline.test" } });
  billingConv = await db.conversation.findFirstOrThrow({ where: { inboxId: billing.id }, select: { id: true, number: true } });
  const support = await db.inbox.findUniqueOrThrow({ where: { publicId: "support@throughline.test" } });
  supportConv = await db.conversation.findFirstOrThrow({ where: { inboxId: support.id }, orderBy: { lastMessageAt: "desc" }, select: { id: true, number: true, customerId: true } });
  // A small seed may have finished every email conversation: start from an open one.
  await db.conversation.update({ where: { id: supportConv.id }, data: { status: "open", resolvedAt: null, snoozedUntil: null } });
  const whatsapp = await db.inbox.findUniqueOrThrow({ where: { publicId: "100000000000002" } });
  whatsappConv = await db.conversation.findFirstOrThrow({ where: { inboxId: whatsapp.id }, select: { id: true } });
  off = bus.on((e) => void events.push(e));
}, 120_000);

afterAll(async () => {
  off?.();
  await disconnectDb();
  await t?.drop();
});

describe("permissions", () => {
  it("an agent acting on another team's conversation gets NOT_FOUND everywhere", async () => {
    const api = as(agent);
    const billingMessage = await db.message.findFirstOrThrow({ where: { conversationId: billingConv.id } });
    const macro = await db.macro.findFirstOrThrow();
    const calls: [string, () => Promise<unknown>][] = [
      ["get", () => api.conversation.get({ id: billingConv.id })],
      ["latestOutbound", () => api.conversation.latestOutbound({ id: billingConv.id })],
      ["sendWindow", () => api.conversation.sendWindow({ id: billingConv.id })],
      ["update", () => api.conversation.update({ id: billingConv.id, changes: { status: "resolved" } })],
      ["reply", () => api.conversation.reply({ id: billingConv.id, body: "hello" })],
      ["note", () => api.conversation.note({ id: billingConv.id, body: "secret" })],
      ["retryDelivery", () => api.conversation.retryDelivery({ messageId: billingMessage.id })],
      ["macro.render", () => api.macro.render({ macroId: macro.id, conversationId: billingConv.id })],
    ];
    for (const [name, call] of calls) expect(await codeOf(call()), name).toBe("NOT_FOUND");
    // Nothing was changed or written.
    const after = await db.conversation.findUniqueOrThrow({ where: { id: billingConv.id } });
    expect(after.status).not.toBe("resolved");
    expect(await db.message.count({ where: { conversationId: billingConv.id, bodyText: { in: ["hello", "secret"] } } })).toBe(0);
    // The supervisor sees it.
    expect(await codeOf(as(supervisor).conversation.get({ id: billingConv.id }))).toBe("OK");
  });

  it("bulk actions skip conversations outside the agent's inboxes", async () => {
    const r = await as(agent).conversation.bulkUpdate({ ids: [billingConv.id], changes: { priority: "urgent" } });
    expect(r.updated).toEqual([]);
    expect(r.failed.map((f) => f.id)).toEqual([billingConv.id]);
  });

  it("queues and search never show another team's inbox", async () => {
    const billing = await db.inbox.findUniqueOrThrow({ where: { publicId: "billing@throughline.test" } });
    const q = await as(agent).conversation.queue({ view: "all", statuses: ["open", "pending", "snoozed", "resolved", "closed"], limit: 100 });
    expect(q.items.length).toBeGreaterThan(0);
    expect(q.items.every((i) => i.inbox.id !== billing.id)).toBe(true);
    const hit = await as(agent).search.global({ query: `#${billingConv.number}` });
    expect(hit.conversations).toEqual([]);
    expect(await codeOf(as(agent).conversation.queue({ view: "all", inboxId: billing.id }))).toBe("OK");
    expect((await as(agent).conversation.queue({ view: "all", inboxId: billing.id })).items).toEqual([]);
  });
});

describe("ticket changes", () => {
  it("each change writes a ticket event in the same transaction and publishes conversation.updated", async () => {
    const api = as(agent);
    const before = await db.timelineEvent.count({ where: { conversationId: supportConv.id, kind: "ticket_event" } });
    events.length = 0;
    const r = await api.conversation.update({
      id: supportConv.id,
      changes: { status: "resolved", priority: "high", assigneeId: aiko.userId, addTags: ["refund", "vip-check"], subject: "Refund for double charge" },
    });
    expect(Object.keys(r.changes)).toEqual(expect.arrayContaining(["status", "priority", "assigneeId", "tags", "subject", "resolvedAt"]));
    const conv = await db.conversation.findUniqueOrThrow({ where: { id: supportConv.id } });
    expect(conv.status).toBe("resolved");
    expect(conv.resolvedAt).not.toBeNull();
    expect(conv.priority).toBe("high");
    expect(conv.assigneeId).toBe(aiko.userId);
    expect(conv.tags).toEqual(expect.arrayContaining(["refund", "vip-check"]));
    expect(conv.subject).toBe("Refund for double charge");
    const ticketEvents = await db.timelineEvent.findMany({ where: { conversationId: supportConv.id, kind: "ticket_event" }, orderBy: [{ occurredAt: "desc" }, { id: "desc" }], take: 5 });
    expect(await db.timelineEvent.count({ where: { conversationId: supportConv.id, kind: "ticket_event" } })).toBe(before + 5);
    expect(ticketEvents.map((e) => e.name).sort()).toEqual(["assignee", "priority", "status", "subject", "tags"]);
    expect(ticketEvents.every((e) => e.actorUserId === agent.userId && e.actor === "agent" && e.customerId === supportConv.customerId)).toBe(true);
    expect(ticketEvents.find((e) => e.name === "status")!.text).toMatch(/^Status changed from (open|pending) to resolved$/);
    expect(ticketEvents.find((e) => e.name === "assignee")!.text).toMatch(/Aiko Tanaka/);
    await expect.poll(() => events.filter((e) => e.type === "timeline.created" && e.conversationId === supportConv.id).length).toBe(5);
    const updated = events.find((e) => e.type === "conversation.updated" && e.conversationId === supportConv.id);
    expect(updated).toBeDefined();
    expect((updated as { changes: Record<string, unknown> }).changes.status).toBe("resolved");
  });

  it("reopening clears resolvedAt and counts the reopen; unchanged values write nothing", async () => {
    const api = as(supervisor);
    const before = await db.conversation.findUniqueOrThrow({ where: { id: supportConv.id } });
    await api.conversation.update({ id: supportConv.id, changes: { status: "open" } });
    const after = await db.conversation.findUniqueOrThrow({ where: { id: supportConv.id } });
    expect(after.status).toBe("open");
    expect(after.resolvedAt).toBeNull();
    expect(after.reopenCount).toBe(before.reopenCount + 1);
    const n = await db.timelineEvent.count({ where: { conversationId: supportConv.id, kind: "ticket_event" } });
    const same = await api.conversation.update({ id: supportConv.id, changes: { status: "open", priority: "high" } });
    expect(same.changes).toEqual({});
    expect(await db.timelineEvent.count({ where: { conversationId: supportConv.id, kind: "ticket_event" } })).toBe(n);
  });

  it("snooze needs a future time; tags can be removed; an assignee must see the inbox", async () => {
    const api = as(agent);
    expect(await codeOf(api.conversation.update({ id: supportConv.id, changes: { status: "snoozed" } }))).toBe("BAD_REQUEST");
    expect(await codeOf(api.conversation.update({ id: supportConv.id, changes: { status: "snoozed", snoozedUntil: new Date(Date.now() - 1000) } }))).toBe("BAD_REQUEST");
    const until = new Date(Date.now() + 3 * 3_600_000);
    await api.conversation.update({ id: supportConv.id, changes: { status: "snoozed", snoozedUntil: until, removeTags: ["vip-check"] } });
    const conv = await db.conversation.findUniqueOrThrow({ where: { id: supportConv.id } });
    expect(conv.status).toBe("snoozed");
    expect(conv.snoozedUntil?.getTime()).toBe(until.getTime());
    expect(conv.tags).not.toContain("vip-check");
    const snoozeEvent = await db.timelineEvent.findFirstOrThrow({ where: { conversationId: supportConv.id, name: "status" }, orderBy: [{ occurredAt: "desc" }, { id: "desc" }] });
    expect(snoozeEvent.text).toMatch(/^Snoozed until/);
    // Mateo is in Billing only: he cannot be assigned a WhatsApp conversation.
    const mateo = await db.user.findUniqueOrThrow({ where: { email: "mateo.fernandez@throughline.test" } });
    expect(await codeOf(api.conversation.update({ id: whatsappConv.id, changes: { assigneeId: mateo.id } }))).toBe("BAD_REQUEST");
    // Assign to me, then to a team.
    await api.conversation.update({ id: supportConv.id, changes: { status: "open", assigneeId: agent.userId, teamId: agent.teamIds[0]! } });
    const mine = await db.conversation.findUniqueOrThrow({ where: { id: supportConv.id } });
    expect(mine.assigneeId).toBe(agent.userId);
    expect(mine.snoozedUntil).toBeNull();
  });

  it("a snooze that has run out shows in the open queue again", async () => {
    const api = as(supervisor);
    await api.conversation.update({ id: whatsappConv.id, changes: { status: "snoozed", snoozedUntil: new Date(Date.now() + 3_600_000) } });
    const ids = async () => (await api.conversation.queue({ view: "all", limit: 100, statuses: ["open"] })).items.map((i) => i.id);
    expect(await ids()).not.toContain(whatsappConv.id);
    await db.conversation.update({ where: { id: whatsappConv.id }, data: { snoozedUntil: new Date(Date.now() - 1000) } });
    expect(await ids()).toContain(whatsappConv.id);
    await api.conversation.update({ id: whatsappConv.id, changes: { status: "open" } });
  });

  it("bulk actions apply to each conversation with its own events", async () => {
    const q = await as(agent).conversation.queue({ view: "all", limit: 3 });
    const ids = q.items.map((i) => i.id);
    const r = await as(agent).conversation.bulkUpdate({ ids, changes: { addTags: ["bulk-tagged"] } });
    expect(r.updated.sort()).toEqual([...ids].sort());
    for (const id of ids) {
      expect((await db.conversation.findUniqueOrThrow({ where: { id } })).tags).toContain("bulk-tagged");
      expect(await db.timelineEvent.count({ where: { conversationId: id, name: "tags", text: { contains: "bulk-tagged" } } })).toBe(1);
    }
    const tagged = await as(agent).conversation.queue({ view: "all", tag: "bulk-tagged" });
    expect(tagged.items.map((i) => i.id).sort()).toEqual([...ids].sort());
  });
});

describe("notes and mentions", () => {
  it("a note mentioning the supervisor creates a mention notification and pushes it", async () => {
    events.length = 0;
    const daniel = await db.user.findUniqueOrThrow({ where: { email: "supervisor@throughline.test" } });
    const r = await as(agent).conversation.note({ id: supportConv.id, body: `@${daniel.name} can you approve this refund? Thanks` });
    expect(r.notified).toEqual([daniel.id]);
    const message = await db.message.findUniqueOrThrow({ where: { id: r.messageId } });
    expect(message.isNote).toBe(true);
    const rows = await db.notification.findMany({ where: { userId: daniel.id, kind: "mention" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.data).toMatchObject({ conversationId: supportConv.id, conversationNumber: supportConv.number, byUserId: agent.userId });
    expect(events.some((e) => e.type === "notification.created" && e.userId === daniel.id)).toBe(true);
    // The supervisor's bell.
    expect(await as(supervisor).notification.unreadCount()).toBe(1);
    const list = await as(supervisor).notification.list();
    expect(list[0]!.kind).toBe("mention");
    await as(supervisor).notification.markRead({ ids: [list[0]!.id] });
    expect(await as(supervisor).notification.unreadCount()).toBe(0);
    // Nobody else was notified.
    expect(await as(agent).notification.unreadCount()).toBe(0);
  });

  it("picked mentions count too; agents who cannot see the inbox are not notified", async () => {
    const mateo = await db.user.findUniqueOrThrow({ where: { email: "mateo.fernandez@throughline.test" } });
    const r = await as(agent).conversation.note({ id: whatsappConv.id, body: "FYI both of you", mentionUserIds: [aiko.userId, mateo.id] });
    expect(r.notified).toEqual([aiko.userId]);
    expect(await db.notification.count({ where: { userId: mateo.id } })).toBe(0);
  });
});

describe("replies, new conversations, macros, retries", () => {
  it("a reply with an attachment is stored, queued in the outbox and ten megabytes is the limit", async () => {
    const data = Buffer.from("hello attachment");
    const r = await as(agent).conversation.reply({ id: supportConv.id, body: "Here is the invoice", attachments: [{ filename: "invoice.txt", contentType: "text/plain", dataBase64: data.toString("base64") }] });
    const message = await db.message.findUniqueOrThrow({ where: { id: r.messageId }, include: { attachments: true, outbox: true } });
    expect(message.deliveryStatus).toBe("queued");
    expect(message.outbox?.status).toBe("pending");
    expect(message.attachments[0]!.filename).toBe("invoice.txt");
    expect(Buffer.from(message.attachments[0]!.data!).toString()).toBe("hello attachment");
    const latest = await as(agent).conversation.latestOutbound({ id: supportConv.id });
    expect(latest?.id).toBe(r.messageId);
    const big = Buffer.alloc(10 * 1024 * 1024 + 10).toString("base64");
    expect(await codeOf(as(agent).conversation.reply({ id: supportConv.id, body: "too big", attachments: [{ filename: "big.bin", contentType: "application/octet-stream", dataBase64: big }] }))).toBe("BAD_REQUEST");
  });

  it("a failed send can be retried", async () => {
    const r = await as(agent).conversation.reply({ id: supportConv.id, body: "Will fail first" });
    await db.$executeRaw`UPDATE outbox SET status = 'failed', last_error = '550 mailbox unavailable' WHERE message_id = ${r.messageId}::uuid`;
    await db.$executeRaw`UPDATE messages SET delivery_status = 'failed', delivery_error = '550 mailbox unavailable' WHERE id = ${r.messageId}::uuid`;
    expect((await as(agent).conversation.retryDelivery({ messageId: r.messageId })).retried).toBe(true);
    const m = await db.message.findUniqueOrThrow({ where: { id: r.messageId }, include: { outbox: true } });
    expect(m.deliveryStatus).toBe("queued");
    expect(m.outbox?.status).toBe("pending");
  });

  it("starts a new conversation for a customer: a ticket alone, or with a first message", async () => {
    const showcase = await db.customer.findFirstOrThrow({ where: { name: SHOWCASE_CUSTOMER_NAME } });
    const email = await db.inbox.findUniqueOrThrow({ where: { publicId: "support@throughline.test" } });
    const ticket = await as(agent).conversation.create({ customerId: showcase.id, inboxId: email.id, subject: "Follow-up on onboarding" });
    const conv = await db.conversation.findUniqueOrThrow({ where: { id: ticket.conversationId } });
    expect(conv).toMatchObject({ customerId: showcase.id, inboxId: email.id, channel: "email", status: "open", assigneeId: agent.userId, subject: "Follow-up on onboarding" });
    expect(await db.timelineEvent.count({ where: { conversationId: conv.id, kind: "ticket_event", name: "created" } })).toBe(1);
    expect(ticket.reply).toBeNull();
    const withMessage = await as(agent).conversation.create({ customerId: showcase.id, inboxId: email.id, subject: "Your renewal", body: "Hi Aaliyah, a quick note about your renewal." });
    expect(withMessage.reply).not.toBeNull();
    const m = await db.message.findUniqueOrThrow({ where: { id: withMessage.reply!.messageId }, include: { outbox: true } });
    expect(m.direction).toBe("outbound");
    expect(m.outbox).not.toBeNull();
    // Not on an inbox the agent cannot see.
    const billing = await db.inbox.findUniqueOrThrow({ where: { publicId: "billing@throughline.test" } });
    expect(await codeOf(as(agent).conversation.create({ customerId: showcase.id, inboxId: billing.id }))).toBe("NOT_FOUND");
  });

  it("renders a macro's placeholders for the conversation and agent", async () => {
    const macro = await db.macro.findFirstOrThrow({ where: { name: "Bug acknowledged" } });
    const conv = await db.conversation.findUniqueOrThrow({ where: { id: supportConv.id }, include: { customer: true } });
    const { text } = await as(agent).macro.render({ macroId: macro.id, conversationId: supportConv.id });
    // Seeded macros greet by first name ("Thanks Cooper —", not "Thanks Cooper Stewart —").
    expect(text).toContain(`Thanks ${conv.customer.name!.split(/\s+/)[0]} —`);
    expect(text).toContain(`#${conv.number}`);
    expect(text).toContain("Sam Rivera");
    expect(text).not.toMatch(/\{\{/);
    expect((await as(agent).macro.list()).length).toBeGreaterThan(3);
  });
});

describe("merge and undo through tRPC", () => {
  it("merges, shows the merge in the sidebar insights, and undoes it exactly", async () => {
    const [a, b] = await db.customer.findMany({ where: { mergedIntoId: null, name: { not: SHOWCASE_CUSTOMER_NAME } }, orderBy: { createdAt: "asc" }, take: 2, include: { identities: true } });
    events.length = 0;
    const merged = await as(agent).customer.merge({ sourceId: b!.id, targetId: a!.id });
    expect((await db.customer.findUniqueOrThrow({ where: { id: b!.id } })).mergedIntoId).toBe(a!.id);
    expect(await db.customerIdentity.count({ where: { customerId: a!.id } })).toBe(a!.identities.length + b!.identities.length);
    expect(events.some((e) => e.type === "customer.merged" && e.mergeId === merged.mergeId)).toBe(true);
    const insights = await as(agent).customer.insights({ id: a!.id });
    expect(insights.merges[0]).toMatchObject({ id: merged.mergeId, direction: "into_this", otherId: b!.id, undoneAt: null });
    expect(await codeOf(as(agent).customer.merge({ sourceId: b!.id, targetId: a!.id }))).toBe("CONFLICT");

    await as(agent).customer.undoMerge({ mergeId: merged.mergeId });
    expect((await db.customer.findUniqueOrThrow({ where: { id: b!.id } })).mergedIntoId).toBeNull();
    expect(await db.customerIdentity.count({ where: { customerId: a!.id } })).toBe(a!.identities.length);
    expect(events.some((e) => e.type === "customer.unmerged" && e.mergeId === merged.mergeId)).toBe(true);
    expect((await as(agent).customer.merges({ id: a!.id }))[0]!.undoneAt).not.toBeNull();
    expect(await codeOf(as(agent).customer.undoMerge({ mergeId: merged.mergeId }))).toBe("CONFLICT");
  });
});

describe("queues, insights and search", () => {
  it("sorts by waiting time, priority and SLA, and pages without repeats", async () => {
    for (const sort of ["activity", "waiting", "priority", "sla"] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Awaited<ReturnType<ReturnType<typeof as>["conversation"]["queue"]>> = await as(supervisor).conversation.queue({ view: "all", sort, limit: 7, cursor, statuses: ["open", "pending", "resolved"] });
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 50);
      expect(new Set(seen).size, sort).toBe(seen.length);
      const total = await db.conversation.count({ where: { status: { in: ["open", "pending", "resolved"] } } });
      expect(seen.length, sort).toBe(total);
    }
    const byPriority = await as(supervisor).conversation.queue({ view: "all", sort: "priority", limit: 100 });
    const rank = { urgent: 0, high: 1, normal: 2, low: 3 } as const;
    const ranks = byPriority.items.map((i) => rank[i.priority]);
    expect([...ranks].sort((x, y) => x - y)).toEqual(ranks);
    const counts = await as(agent).conversation.counts({});
    expect(counts.views.all).toBeGreaterThanOrEqual(counts.views.mine);
    expect(Object.values(counts.inboxes).reduce((s, n) => s + n, 0)).toBe(counts.views.all);
  });

  it("insights carry friction signals, survey history and recent product events of the showcase customer", async () => {
    const showcase = await db.customer.findFirstOrThrow({ where: { name: SHOWCASE_CUSTOMER_NAME } });
    const insights = await as(agent).customer.insights({ id: showcase.id });
    expect(insights.productEvents.length).toBeGreaterThan(0);
    expect(insights.openConversations.length).toBeGreaterThan(0);
    expect(Array.isArray(insights.friction)).toBe(true);
    expect(insights.surveys.every((s) => ["csat", "nps", "ces"].includes(s.kind))).toBe(true);
  });

  it("finds a customer by an identity value and a conversation by a word in a message", async () => {
    const showcase = await db.customer.findFirstOrThrow({ where: { name: SHOWCASE_CUSTOMER_NAME }, include: { identities: true } });
    const phone = showcase.identities.find((i) => i.kind === "phone")!.value;
    const byPhone = await as(agent).search.global({ query: phone.slice(1) });
    expect(byPhone.customers.map((c) => c.id)).toContain(showcase.id);
    await as(agent).conversation.reply({ id: supportConv.id, body: "The flamingo configuration has been applied" });
    const byWord = await as(agent).search.global({ query: "flamingo" });
    expect(byWord.messages.map((m) => m.conversationId)).toContain(supportConv.id);
    const byNumber = await as(agent).search.global({ query: `#${supportConv.number}` });
    expect(byNumber.conversations[0]!.id).toBe(supportConv.id);
  });
});
