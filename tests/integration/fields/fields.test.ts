// Custom conversation fields: admins define them (key, type, options, required
// inboxes; bad definitions refused with nothing stored, every change audited),
// agents set values on conversations they can see (validated against the
// field's type, all or nothing), each change is a ticket event on the timeline
// published on the bus, the queue filters by a value (jsonb containment), a
// required field blocks resolving until filled, and the REST API reads and
// writes the values through the real app server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { startAppServer, type AppServer } from "../../helpers/app-server";
import { callerAs, outcomeOf } from "../../helpers/trpc";
import { db, disconnectDb } from "@/server/db";
import { bus, type DomainEvent } from "@/server/events/bus";
import { createApiKey } from "@/server/api-keys/keys";
import { viewerOfUser, type Viewer } from "@/server/auth/viewer";

let t: TestDatabase;
let app: AppServer;
let admin: Viewer;
let sam: Viewer; // agent in Support
let kim: Viewer; // agent in Billing
let supportInbox: string;
let billingInbox: string;
let customerId: string;
const conv = {} as Record<"c1" | "c2" | "c3" | "billing", string>;
const fieldId = {} as Record<"orderId" | "reason" | "amount" | "purchasedOn", string>;
let allKey: string;
let readKey: string;

beforeAll(async () => {
  t = await useTestDatabase();
  const user = (email: string, name: string, role: "admin" | "agent") => db.user.create({ data: { email, name, passwordHash: "x", role } });
  const a = await user("ada@example.test", "Ada Admin", "admin");
  const s = await user("sam@example.test", "Sam Agent", "agent");
  const k = await user("kim@example.test", "Kim Agent", "agent");
  const support = (await db.team.create({ data: { name: "Support", members: { create: [{ userId: s.id }] } } })).id;
  const billing = (await db.team.create({ data: { name: "Billing", members: { create: [{ userId: k.id }] } } })).id;
  admin = (await viewerOfUser(a.id))!;
  sam = (await viewerOfUser(s.id))!;
  kim = (await viewerOfUser(k.id))!;
  supportInbox = (await db.inbox.create({ data: { name: "Support", channel: "email", publicId: "support@example.test", teams: { create: [{ teamId: support }] } } })).id;
  billingInbox = (await db.inbox.create({ data: { name: "Billing", channel: "email", publicId: "billing@example.test", teams: { create: [{ teamId: billing }] } } })).id;
  customerId = (await db.customer.create({ data: { name: "Dr. Ana Ruiz" } })).id;
  const open = async (inboxId: string, subject: string) => (await db.conversation.create({ data: { inboxId, customerId, originCustomerId: customerId, channel: "email", subject } })).id;
  conv.c1 = await open(supportInbox, "Refund please");
  conv.c2 = await open(supportInbox, "Wrong size");
  conv.c3 = await open(supportInbox, "Where is my parcel");
  conv.billing = await open(billingInbox, "Invoice copy");
  allKey = (await createApiKey({ name: "integration", scopes: ["*"] })).key;
  readKey = (await createApiKey({ name: "reader", scopes: ["customers:read"] })).key;
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await disconnectDb();
  await t.drop();
});

const fieldEvents = (conversationId: string) =>
  db.timelineEvent.findMany({ where: { conversationId, kind: "ticket_event", name: "custom_field" }, orderBy: [{ occurredAt: "asc" }, { id: "asc" }] });
const stored = async (conversationId: string) => (await db.conversation.findUniqueOrThrow({ where: { id: conversationId }, select: { customFields: true } })).customFields;

describe("field definitions", () => {
  it("refuses a bad key, a select without options, duplicate options and a bad label, storing nothing", async () => {
    const api = callerAs(admin);
    const refusals = [
      [api.field.manage.create({ key: "Order ID", label: "Order ID", type: "text" }), /^BAD_REQUEST: The key must be lower snake_case/],
      [api.field.manage.create({ key: "order__id", label: "Order ID", type: "text" }), /^BAD_REQUEST: The key must be lower snake_case/],
      [api.field.manage.create({ key: "1st", label: "First", type: "text" }), /^BAD_REQUEST: The key must be lower snake_case/],
      [api.field.manage.create({ key: "reason", label: "Reason", type: "select" }), /^BAD_REQUEST: A select field needs at least one option\.$/],
      [api.field.manage.create({ key: "reason", label: "Reason", type: "select", options: ["  ", ""] }), /^BAD_REQUEST: A select field needs at least one option\.$/],
      [api.field.manage.create({ key: "reason", label: "Reason", type: "select", options: ["Refund", "refund"] }), /^BAD_REQUEST: The option “refund” is listed twice/],
      [api.field.manage.create({ key: "reason", label: "   ", type: "select", options: ["Refund"] }), /^BAD_REQUEST: The label must be 1 to 80 characters\.$/],
      [api.field.manage.create({ key: "reason", label: "x".repeat(81), type: "select", options: ["Refund"] }), /^BAD_REQUEST: The label must be 1 to 80 characters\.$/],
      [api.field.manage.create({ key: "order_id", label: "Order ID", type: "text", options: ["A"] }), /^BAD_REQUEST: Only a select field has options\.$/],
      [api.field.manage.create({ key: "reason", label: "Reason", type: "select", options: ["Refund"], requiredInboxIds: [randomUUID()] }), /^BAD_REQUEST: No such inbox: /],
    ] as const;
    for (const [call, expected] of refusals) expect(await outcomeOf(call, true)).toMatch(expected);
    expect(await db.conversationField.count()).toBe(0);
    expect(await db.conversationFieldInbox.count()).toBe(0);
    expect(await db.auditLog.count({ where: { targetType: "conversation_field" } })).toBe(0);
  });

  it("creates fields in order, with required inboxes, auditing each; a key is never reused", async () => {
    const api = callerAs(admin);
    const order = await api.field.manage.create({ key: "order_id", label: "  Order   ID ", type: "text" });
    expect(order).toMatchObject({ key: "order_id", label: "Order ID", type: "text", options: [], position: 0, archivedAt: null, requiredInboxIds: [] });
    const reason = await api.field.manage.create({ key: "reason", label: "Reason", type: "select", options: [" Refund ", "Exchange", ""], requiredInboxIds: [supportInbox, supportInbox] });
    expect(reason).toMatchObject({ options: ["Refund", "Exchange"], position: 1, requiredInboxIds: [supportInbox] });
    const amount = await api.field.manage.create({ key: "amount", label: "Amount", type: "number" });
    const purchasedOn = await api.field.manage.create({ key: "purchased_on", label: "Purchased on", type: "date" });
    Object.assign(fieldId, { orderId: order.id, reason: reason.id, amount: amount.id, purchasedOn: purchasedOn.id });

    expect(await outcomeOf(api.field.manage.create({ key: "reason", label: "Another", type: "text" }), true)).toBe("CONFLICT: A field with the key reason already exists; keys are never reused, choose another.");
    expect(await db.conversationField.count()).toBe(4);

    const audit = await db.auditLog.findMany({ where: { targetType: "conversation_field", action: "conversation_field.created" }, orderBy: { createdAt: "asc" } });
    expect(audit.map((e) => [e.targetId, e.actorUserId])).toEqual([order.id, reason.id, amount.id, purchasedOn.id].map((id) => [id, admin.userId]));
    expect(audit[1]!.data).toMatchObject({ key: "reason", type: "select", options: ["Refund", "Exchange"], requiredInboxIds: [supportInbox] });
  });

  it("updates label and options but never key or type; refusals change nothing", async () => {
    const api = callerAs(admin);
    expect(await outcomeOf(api.field.manage.update({ id: fieldId.reason, options: [] }), true)).toBe("BAD_REQUEST: A select field needs at least one option.");
    // key and type are not part of an update at all.
    expect(await outcomeOf(api.field.manage.update({ id: fieldId.reason, key: "why" } as never))).toBe("BAD_REQUEST");
    expect(await outcomeOf(api.field.manage.update({ id: fieldId.amount, type: "text" } as never))).toBe("BAD_REQUEST");
    expect(await outcomeOf(api.field.manage.update({ id: randomUUID(), label: "x" }), true)).toBe("NOT_FOUND: No such field.");
    expect(await db.conversationField.findUniqueOrThrow({ where: { id: fieldId.reason } })).toMatchObject({ key: "reason", options: ["Refund", "Exchange"] });

    const updated = await api.field.manage.update({ id: fieldId.reason, label: "Contact reason", options: ["Refund", "Exchange", "Other"] });
    expect(updated).toMatchObject({ key: "reason", type: "select", label: "Contact reason", options: ["Refund", "Exchange", "Other"], requiredInboxIds: [supportInbox] });
    const log = await db.auditLog.findFirstOrThrow({ where: { targetId: fieldId.reason, action: "conversation_field.updated" } });
    expect(log.data).toMatchObject({ key: "reason", before: { label: "Reason", options: ["Refund", "Exchange"] }, after: { label: "Contact reason", options: ["Refund", "Exchange", "Other"] } });
  });

  it("is managed by admins only; every agent may list the fields in use", async () => {
    const api = callerAs(sam);
    expect(await outcomeOf(api.field.manage.list())).toBe("FORBIDDEN");
    expect(await outcomeOf(api.field.manage.create({ key: "sneaky", label: "Sneaky", type: "text" }))).toBe("FORBIDDEN");
    expect(await outcomeOf(api.field.manage.update({ id: fieldId.reason, requiredInboxIds: [] }))).toBe("FORBIDDEN");
    expect(await outcomeOf(api.field.manage.archive({ id: fieldId.orderId }))).toBe("FORBIDDEN");
    expect(await db.conversationField.count({ where: { key: "sneaky" } })).toBe(0);
    expect(await db.conversationFieldInbox.count({ where: { fieldId: fieldId.reason } })).toBe(1);
    expect((await db.conversationField.findUniqueOrThrow({ where: { id: fieldId.orderId } })).archivedAt).toBeNull();

    const list = await api.field.list();
    expect(list.map((f) => [f.key, f.type, f.requiredInboxIds])).toEqual([
      ["order_id", "text", []],
      ["reason", "select", [supportInbox]],
      ["amount", "number", []],
      ["purchased_on", "date", []],
    ]);
  });
});

describe("field values", () => {
  it("refuses invalid values naming the field, and stores none of the call's values", async () => {
    const api = callerAs(sam);
    const cases: [Record<string, string | number | null>, RegExp][] = [
      [{ order_id: "A-1042", amount: "twelve" }, /^BAD_REQUEST: Amount \(amount\): must be a finite number\.$/],
      [{ order_id: "A-1042", reason: "Because" }, /^BAD_REQUEST: Contact reason \(reason\): must be one of “Refund”, “Exchange”, “Other”\.$/],
      [{ order_id: "A-1042", purchased_on: "2026-02-30" }, /^BAD_REQUEST: Purchased on \(purchased_on\): must be a date as YYYY-MM-DD/],
      [{ order_id: "A-1042", purchased_on: "31/01/2026" }, /must be a date as YYYY-MM-DD/],
      [{ order_id: "x".repeat(501) }, /^BAD_REQUEST: Order ID \(order_id\): must be at most 500 characters\.$/],
      [{ order_id: 42 }, /^BAD_REQUEST: Order ID \(order_id\): must be text\.$/],
      [{ order_id: "A-1042", colour: "red" }, /^BAD_REQUEST: No such field: colour\.$/],
    ];
    for (const [values, expected] of cases) expect(await outcomeOf(api.field.setValues({ conversationId: conv.c1, values }), true)).toMatch(expected);
    expect(await stored(conv.c1)).toEqual({});
    expect(await fieldEvents(conv.c1)).toEqual([]);
  });

  it("stores valid values, one timeline entry per change, published on the bus", async () => {
    const seen: DomainEvent[] = [];
    const off = bus.on((e) => void seen.push(e));
    try {
      const api = callerAs(sam);
      const r = await api.field.setValues({ conversationId: conv.c1, values: { reason: "Refund", amount: 12.5, order_id: "  A-1042 ", purchased_on: "2026-01-31" } });
      expect(r.customFields).toEqual({ reason: "Refund", amount: 12.5, order_id: "A-1042", purchased_on: "2026-01-31" });
      expect(r.changed).toEqual(["order_id", "reason", "amount", "purchased_on"]);
      expect(await stored(conv.c1)).toEqual({ reason: "Refund", amount: 12.5, order_id: "A-1042", purchased_on: "2026-01-31" });

      let events = await fieldEvents(conv.c1);
      expect(events.map((e) => e.text)).toEqual(["Order ID set to “A-1042”", "Contact reason set to “Refund”", "Amount set to 12.5", "Purchased on set to “2026-01-31”"]);
      expect(events.every((e) => e.actor === "agent" && e.actorUserId === sam.userId && e.customerId === customerId && e.inboxId === supportInbox)).toBe(true);
      expect(events[1]!.payload).toMatchObject({ key: "reason", from: null, to: "Refund" });

      // The same values again: nothing changes, nothing is recorded.
      await api.field.setValues({ conversationId: conv.c1, values: { reason: "Refund", amount: 12.5 } });
      expect(await fieldEvents(conv.c1)).toHaveLength(4);

      // A change and a clear: two entries; the cleared key is gone.
      await api.field.setValues({ conversationId: conv.c1, values: { reason: "Exchange", amount: null } });
      expect(await stored(conv.c1)).toEqual({ reason: "Exchange", order_id: "A-1042", purchased_on: "2026-01-31" });
      events = await fieldEvents(conv.c1);
      expect(events.slice(4).map((e) => e.text)).toEqual(["Contact reason changed from “Refund” to “Exchange”", "Amount cleared (was 12.5)"]);
      await api.field.setValues({ conversationId: conv.c1, values: { reason: "Refund", amount: 12.5 } });

      const published = new Set(seen.flatMap((e) => (e.type === "timeline.created" ? [e.eventId] : [])));
      for (const e of await fieldEvents(conv.c1)) expect(published.has(e.id)).toBe(true);
      const updates = seen.filter((e) => e.type === "conversation.updated" && e.conversationId === conv.c1);
      expect(updates).toHaveLength(3);
      expect(updates[0]).toMatchObject({ inboxId: supportInbox, customerId, changes: { byUserId: sam.userId, customFieldKeys: ["order_id", "reason", "amount", "purchased_on"] } });
    } finally {
      off();
    }
  });

  it("the conversation page gets the values with the conversation", async () => {
    const c = await callerAs(sam).conversation.get({ id: conv.c1 });
    expect(c.customFields).toEqual({ reason: "Refund", amount: 12.5, order_id: "A-1042", purchased_on: "2026-01-31" });
  });

  it("an agent cannot set values on a conversation of an inbox outside their teams", async () => {
    expect(await outcomeOf(callerAs(kim).field.setValues({ conversationId: conv.c1, values: { reason: "Other" } }), true)).toBe("NOT_FOUND: No such conversation.");
    expect(await outcomeOf(callerAs(sam).field.setValues({ conversationId: conv.billing, values: { order_id: "B-1" } }), true)).toBe("NOT_FOUND: No such conversation.");
    expect(await outcomeOf(callerAs(sam).field.setValues({ conversationId: randomUUID(), values: { order_id: "B-1" } }), true)).toBe("NOT_FOUND: No such conversation.");
    expect((await stored(conv.c1)) as Record<string, unknown>).toMatchObject({ reason: "Refund" });
    expect(await stored(conv.billing)).toEqual({});
    expect(await fieldEvents(conv.billing)).toEqual([]);
  });
});

describe("the queue's field filter", () => {
  it("returns only the conversations with that value", async () => {
    await callerAs(sam).field.setValues({ conversationId: conv.c2, values: { reason: "Exchange", amount: 40 } });
    const api = callerAs(sam);
    const ids = async (field?: { key: string; value: string | number }) => (await api.conversation.queue({ view: "all", field })).items.map((i) => i.id).sort();
    expect(await ids()).toEqual([conv.c1, conv.c2, conv.c3].sort());
    expect(await ids({ key: "reason", value: "Refund" })).toEqual([conv.c1]);
    expect(await ids({ key: "reason", value: "Exchange" })).toEqual([conv.c2]);
    expect(await ids({ key: "amount", value: 40 })).toEqual([conv.c2]);
    // A number is not its text: the filter is typed like the stored value.
    expect(await ids({ key: "amount", value: "40" })).toEqual([]);
    expect(await ids({ key: "reason", value: "Other" })).toEqual([]);
    // Still scoped: Kim sees no Support conversation, whatever the filter.
    expect((await callerAs(kim).conversation.queue({ view: "all", field: { key: "reason", value: "Refund" } })).items).toEqual([]);
    // Keys are validated (no injection into the JSON either way).
    expect(await outcomeOf(api.conversation.queue({ view: "all", field: { key: 'x"}', value: "1" } }))).toBe("BAD_REQUEST");
  });
});

describe("resolving with required fields", () => {
  it("is refused, naming the missing field, until it is filled", async () => {
    const api = callerAs(sam);
    const refused = await outcomeOf(api.conversation.update({ id: conv.c3, changes: { status: "resolved" } }), true);
    expect(refused).toBe("BAD_REQUEST: This inbox requires the field Contact reason: fill it in before resolving.");
    const c3 = await db.conversation.findUniqueOrThrow({ where: { id: conv.c3 } });
    expect([c3.status, c3.resolvedAt]).toEqual(["open", null]);
    expect(await db.timelineEvent.count({ where: { conversationId: conv.c3, name: "status" } })).toBe(0);

    // Bulk: the one with a value resolves, the other is reported.
    const bulk = await api.conversation.bulkUpdate({ ids: [conv.c2, conv.c3], changes: { status: "resolved" } });
    expect(bulk.updated).toEqual([conv.c2]);
    expect(bulk.failed).toEqual([{ id: conv.c3, reason: "This inbox requires the field Contact reason: fill it in before resolving." }]);

    // Other statuses are not guarded; an inbox that requires nothing resolves freely.
    await api.conversation.update({ id: conv.c3, changes: { status: "pending" } });
    await callerAs(kim).conversation.update({ id: conv.billing, changes: { status: "resolved" } });
    expect((await db.conversation.findUniqueOrThrow({ where: { id: conv.billing } })).status).toBe("resolved");

    await api.field.setValues({ conversationId: conv.c3, values: { reason: "Other" } });
    const done = await api.conversation.update({ id: conv.c3, changes: { status: "resolved" } });
    expect(done.changes.status).toBe("resolved");
    expect((await db.conversation.findUniqueOrThrow({ where: { id: conv.c3 } })).status).toBe("resolved");
  });

  it("an archived field is hidden, cannot be set and no longer blocks resolving", async () => {
    const admins = callerAs(admin);
    await admins.conversation.update({ id: conv.c3, changes: { status: "open" } });
    await admins.field.setValues({ conversationId: conv.c3, values: { reason: null } });
    expect(await outcomeOf(admins.conversation.update({ id: conv.c3, changes: { status: "resolved" } }))).toBe("BAD_REQUEST");

    const archived = await admins.field.manage.archive({ id: fieldId.reason });
    expect(archived.archivedAt).toBeInstanceOf(Date);
    expect((await callerAs(sam).field.list()).map((f) => f.key)).toEqual(["order_id", "amount", "purchased_on"]);
    expect((await admins.field.manage.list()).map((f) => f.key)).toContain("reason");
    expect(await outcomeOf(callerAs(sam).field.setValues({ conversationId: conv.c3, values: { reason: "Refund" } }), true)).toBe("BAD_REQUEST: No such field: reason.");
    expect(await outcomeOf(admins.conversation.update({ id: conv.c3, changes: { status: "resolved" } }))).toBe("OK");
    // Values already set stay; archiving is audited once.
    expect((await stored(conv.c1)) as Record<string, unknown>).toMatchObject({ reason: "Refund" });
    await admins.field.manage.archive({ id: fieldId.reason });
    expect(await db.auditLog.count({ where: { targetId: fieldId.reason, action: "conversation_field.archived", actorUserId: admin.userId } })).toBe(1);
  });
});

describe("the REST API (real app server)", () => {
  beforeAll(async () => {
    app = await startAppServer({ databaseUrl: t.url, seed: false });
  }, 120_000);

  const rest = (path: string, init: RequestInit & { key?: string | null } = {}) => {
    const { key = allKey, ...rest } = init;
    return fetch(`${app.url}${path}`, { ...rest, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), "content-type": "application/json", ...(rest.headers ?? {}) } });
  };

  it("returns a conversation's customFields and the required ones still missing", async () => {
    await callerAs(admin).field.manage.update({ id: fieldId.amount, requiredInboxIds: [supportInbox] });
    const res = await rest(`/api/v1/conversations/${conv.c3}/fields`);
    expect(res.status).toBe(200);
    const body = await res.json();
    const number = (await db.conversation.findUniqueOrThrow({ where: { id: conv.c3 } })).number;
    expect(body).toEqual({ id: conv.c3, number, inboxId: supportInbox, customFields: {}, missingRequired: [{ key: "amount", label: "Amount" }] });
    expect((await (await rest(`/api/v1/conversations/${conv.c1}/fields`)).json()).customFields).toEqual({ reason: "Refund", amount: 12.5, order_id: "A-1042", purchased_on: "2026-01-31" });

    expect((await rest(`/api/v1/conversations/${randomUUID()}/fields`)).status).toBe(404);
    expect((await rest(`/api/v1/conversations/not-a-uuid/fields`)).status).toBe(404);
    expect((await rest(`/api/v1/conversations/${conv.c3}/fields`, { key: null })).status).toBe(401);
  });

  it("accepts customFields on PATCH through the same validation: a bad value is 400 with a message, nothing stored", async () => {
    const patch = (id: string, body: unknown, key?: string) => rest(`/api/v1/conversations/${id}/fields`, { method: "PATCH", body: JSON.stringify(body), key });

    const bad = await patch(conv.c2, { customFields: { order_id: "C-9", amount: "forty" } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { code: "invalid_value", message: "Amount (amount): must be a finite number." } });
    const unknown = await patch(conv.c2, { customFields: { colour: "red" } });
    expect([unknown.status, (await unknown.json()).error.code]).toEqual([400, "unknown_field"]);
    const malformed = await patch(conv.c2, { fields: { order_id: "C-9" } });
    expect([malformed.status, (await malformed.json()).error.code]).toEqual([400, "invalid_request"]);
    expect(await stored(conv.c2)).toEqual({ reason: "Exchange", amount: 40 });

    expect((await patch(conv.c2, { customFields: { order_id: "C-9" } }, readKey)).status).toBe(403);
    expect((await patch(randomUUID(), { customFields: { order_id: "C-9" } })).status).toBe(404);

    const ok = await patch(conv.c2, { customFields: { order_id: "C-9", amount: 41, purchased_on: null } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ id: conv.c2, customFields: { reason: "Exchange", amount: 41, order_id: "C-9" }, missingRequired: [] });
    expect(await stored(conv.c2)).toEqual({ reason: "Exchange", amount: 41, order_id: "C-9" });
    const events = (await fieldEvents(conv.c2)).slice(-2);
    expect(events.map((e) => [e.text, e.actor])).toEqual([
      ["Order ID set to “C-9”", "system"],
      ["Amount changed from 40 to 41", "system"],
    ]);
    expect(events[0]!.payload).toMatchObject({ via: "api" });
  });

  it("is in the OpenAPI document", async () => {
    const doc = await (await fetch(`${app.url}/api/v1/openapi.json`)).json();
    expect(Object.keys(doc.paths["/api/v1/conversations/{id}/fields"]).sort()).toEqual(["get", "patch"]);
    expect(doc.components.schemas.ConversationFields.properties.customFields).toBeDefined();
  });
});
