import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { bus } from "@/server/events/bus";
import {
  recordTouchpoint,
  recordTouchpoints,
  publishTimelineCreated,
  TouchpointError,
  type TouchpointInput,
} from "@/server/ingest/record";
import { inboundEmailTo, captureBus } from "../../helpers/touchpoints";
import { runTransaction } from "@/server/db/tx";

let t: TestDatabase;
let emailInbox: string;
let chatInbox: string;

beforeAll(async () => {
  t = await useTestDatabase();
  emailInbox = (await db.inbox.create({ data: { name: "Email", channel: "email", publicId: "support@example.test" } })).id;
  chatInbox = (await db.inbox.create({ data: { name: "Widget", channel: "chat", publicId: "w-1" } })).id;
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

const inboundEmail = (from: string, pmid: string, over: Partial<TouchpointInput> = {}) => inboundEmailTo(emailInbox, from, pmid, over);
const capture = captureBus;

describe("recordTouchpoint", () => {
  it("stores customer, conversation, message and event in one go and publishes after commit", async () => {
    const visibleAtPublish: boolean[] = [];
    const off = bus.on(async (e) => {
      if (e.type === "timeline.created") visibleAtPublish.push((await db.timelineEvent.count({ where: { id: e.eventId } })) === 1);
    });
    const { seen, off: off2 } = capture();
    const r = await recordTouchpoint(inboundEmail("Ada@Example.com", "m-1@x"));
    off2();
    await new Promise((res) => setTimeout(res, 50));
    off();
    expect(r.created).toBe(true);
    expect(r.conversationId).toBeTruthy();
    expect(r.messageId).toBeTruthy();
    const ident = await db.customerIdentity.findUnique({ where: { kind_value: { kind: "email", value: "ada@example.com" } } });
    expect(ident?.customerId).toBe(r.customerId);
    expect(ident?.verified).toBe(true);
    expect(ident?.source).toBe("email_from");
    const ev = await db.timelineEvent.findUniqueOrThrow({ where: { id: r.eventId } });
    expect(ev.inboxId).toBe(emailInbox);
    expect(ev.originCustomerId).toBe(r.customerId);
    expect(ev.dedupeKey).toBe(`msg:${emailInbox}:m-1@x`);
    const conv = await db.conversation.findUniqueOrThrow({ where: { id: r.conversationId! } });
    expect(conv.waitingSince).not.toBeNull();
    expect(conv.lastMessagePreview).toBe("hello from m-1@x");
    expect(conv.subject).toBe("Help");
    const created = seen.find((e) => e.type === "timeline.created");
    expect(created).toMatchObject({ type: "timeline.created", customerId: r.customerId, eventId: r.eventId, conversationId: r.conversationId, inboxId: emailInbox });
    expect((created as { item: { text: string; direction: string } }).item).toMatchObject({ text: "hello from m-1@x", direction: "inbound", kind: "message" });
    expect(visibleAtPublish).toEqual([true]);
    expect((await db.customer.findUniqueOrThrow({ where: { id: r.customerId } })).name).toBe("Mail Person");
  });

  it("stores the same dedupeKey once", async () => {
    const input: TouchpointInput = {
      identities: [{ kind: "external_id", value: "user-1", verified: true, source: "api" }],
      channel: "api",
      kind: "product_event",
      actor: "customer",
      name: "page_view",
      text: "Viewed /pricing",
      dedupeKey: "test:dedupe-1",
    };
    const a = await recordTouchpoint(input);
    const b = await recordTouchpoint({ ...input, text: "changed" });
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.eventId).toBe(a.eventId);
    expect(b.customerId).toBe(a.customerId);
    expect(b.occurredAt.toISOString()).toBe(a.occurredAt.toISOString());
    expect(await db.timelineEvent.count({ where: { dedupeKey: "test:dedupe-1" } })).toBe(1);
  });

  it("stores the same platform message id once, whatever the dedupeKey", async () => {
    const a = await recordTouchpoint(inboundEmail("bob@example.com", "dup-1@x"));
    const b = await recordTouchpoint(inboundEmail("bob@example.com", "dup-1@x"));
    const c = await recordTouchpoint(inboundEmail("bob@example.com", "dup-1@x", { dedupeKey: "another-key" }));
    expect([a.created, b.created, c.created]).toEqual([true, false, false]);
    expect(new Set([a.eventId, b.eventId, c.eventId]).size).toBe(1);
    expect(c.messageId).toBe(a.messageId);
    expect(await db.message.count({ where: { platformMessageId: "dup-1@x" } })).toBe(1);
    expect(await db.timelineEvent.count({ where: { messageId: a.messageId } })).toBe(1);
  });

  it("two (and more) concurrent identical deliveries store one of everything", async () => {
    const input = inboundEmail("race@example.com", "race-1@x");
    const results = await Promise.all(Array.from({ length: 5 }, () => recordTouchpoint(input)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.eventId)).size).toBe(1);
    expect(new Set(results.map((r) => r.customerId)).size).toBe(1);
    expect(await db.message.count({ where: { platformMessageId: "race-1@x" } })).toBe(1);
    expect(await db.timelineEvent.count({ where: { dedupeKey: `msg:${emailInbox}:race-1@x` } })).toBe(1);
    expect(await db.conversation.count({ where: { externalThreadKey: "<root-race-1@x@x>" } })).toBe(1);
    expect(await db.customerIdentity.count({ where: { value: "race@example.com" } })).toBe(1);
  });

  it("concurrent different messages introducing the same new identity end with one customer", async () => {
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        recordTouchpoint({
          identities: [{ kind: "email", value: "newbie@example.com", verified: true, source: "email_from" }],
          channel: "api",
          kind: "product_event",
          actor: "customer",
          name: "page_view",
          text: `view ${i}`,
        }),
      ),
    );
    expect(results.every((r) => r.created)).toBe(true);
    expect(new Set(results.map((r) => r.customerId)).size).toBe(1);
    const customers = await db.customer.findMany({ where: { identities: { some: { value: "newbie@example.com" } } } });
    expect(customers).toHaveLength(1);
    expect(await db.timelineEvent.count({ where: { customerId: customers[0]!.id } })).toBe(4);
  });

  it("stores attachments and shows them on the item", async () => {
    const { seen, off } = capture();
    const r = await recordTouchpoint(
      inboundEmail("files@example.com", "f-1@x", {
        text: "",
        message: {
          direction: "inbound",
          bodyText: "",
          platformMessageId: "f-1@x",
          attachments: [{ filename: "invoice.pdf", contentType: "application/pdf", size: 3, data: Buffer.from("pdf") }],
        },
      }),
    );
    off();
    const att = await db.attachment.findMany({ where: { messageId: r.messageId! } });
    expect(att.map((a) => [a.filename, Buffer.from(a.data!).toString()])).toEqual([["invoice.pdf", "pdf"]]);
    const item = (seen.find((e) => e.type === "timeline.created") as { item: { text: string; attachments: { filename: string }[] } }).item;
    expect(item.attachments.map((a) => a.filename)).toEqual(["invoice.pdf"]);
    expect(item.text).toBe("Attachment: invoice.pdf");
  });

  it("batches: duplicates inside the batch and against stored rows, one transaction", async () => {
    const ev = (key: string, email: string): TouchpointInput => ({
      identities: [{ kind: "email", value: email, verified: true, source: "api" }],
      channel: "api",
      kind: "product_event",
      actor: "customer",
      name: "signup",
      text: "Signed up",
      dedupeKey: key,
    });
    const before = await recordTouchpoint(ev("batch:0", "b0@example.com"));
    const results = await recordTouchpoints([ev("batch:0", "b0@example.com"), ev("batch:1", "b1@example.com"), ev("batch:1", "b1@example.com"), ev("batch:2", "b1@example.com")]);
    expect(results.map((r) => r.created)).toEqual([false, true, false, true]);
    expect(results[0]!.eventId).toBe(before.eventId);
    expect(results[2]!.eventId).toBe(results[1]!.eventId);
    expect(results[3]!.customerId).toBe(results[1]!.customerId);
    expect(await db.customerIdentity.count({ where: { value: "b1@example.com" } })).toBe(1);
  });

  it("rejects bad input and stores nothing", async () => {
    const count = await db.timelineEvent.count();
    await expect(recordTouchpoint(inboundEmail("x@example.com", "bad-1", { conversation: { inboxId: "00000000-0000-7000-8000-000000000000" } }))).rejects.toMatchObject({ code: "not_found" });
    await expect(recordTouchpoint(inboundEmail("not-an-email", "bad-2"))).rejects.toBeInstanceOf(TouchpointError);
    await expect(recordTouchpoint({ channel: "api", kind: "product_event", actor: "customer", text: "x" })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(
      recordTouchpoints([
        { identities: [{ kind: "email", value: "ok-batch@example.com", verified: true, source: "api" }], channel: "api", kind: "product_event", actor: "customer", text: "ok" },
        { customerId: "00000000-0000-7000-8000-000000000001", channel: "api", kind: "product_event", actor: "customer", text: "no such customer" },
      ]),
    ).rejects.toMatchObject({ code: "not_found" });
    expect(await db.timelineEvent.count()).toBe(count);
    expect(await db.customerIdentity.count({ where: { value: { in: ["x@example.com", "ok-batch@example.com"] } } })).toBe(0);
  });

  it("refuses what PostgreSQL cannot store as the caller's error, naming the field, for every caller", async () => {
    const count = await db.timelineEvent.count();
    const nul = inboundEmail("nul@example.com", "bad-nul", { message: { direction: "inbound", bodyText: "before\u0000after", platformMessageId: "bad-nul" } });
    await expect(recordTouchpoint(nul)).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/^message\.bodyText contains a NUL/) });
    const surrogate = { identities: [{ kind: "email" as const, value: "sur@example.com", verified: true, source: "api" }], channel: "api" as const, kind: "product_event" as const, actor: "customer" as const, text: "ok", payload: { note: "\ud800 alone" } };
    await expect(recordTouchpoint(surrogate)).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/^payload\.note contains/) });
    const ancient = { ...surrogate, payload: {}, occurredAt: new Date("0000-06-01T00:00:00Z") };
    await expect(recordTouchpoint(ancient)).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/years 1 and 9999/) });
    // A valid emoji (a surrogate pair) is fine.
    await expect(recordTouchpoint({ ...surrogate, payload: { note: "thanks 🙏" } })).resolves.toMatchObject({ created: true });
    expect(await db.timelineEvent.count()).toBe(count + 1);
  });

  it("purchases raise lifetime value in the same transaction; duplicates do not", async () => {
    const purchase: TouchpointInput = {
      identities: [{ kind: "email", value: "buyer@example.com", verified: true, source: "api" }],
      channel: "api",
      kind: "product_event",
      actor: "customer",
      name: "purchase",
      text: "Purchased Pro plan — 99.00 USD",
      payload: { amount: 99, currency: "USD" },
      dedupeKey: "buy-1",
    };
    const r = await recordTouchpoint(purchase);
    await recordTouchpoint(purchase);
    await recordTouchpoint({ ...purchase, dedupeKey: "buy-2", payload: { amount: 0.5 } });
    const c = await db.customer.findUniqueOrThrow({ where: { id: r.customerId } });
    expect(c.lifetimeValue.toString()).toBe("99.5");
    expect(c.lastSeenAt).not.toBeNull();
  });

});
