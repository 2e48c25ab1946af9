import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { recordTouchpoint, type TouchpointInput } from "@/server/ingest/record";
import { searchTimeline } from "@/server/timeline/query";

let t: TestDatabase;
let emailInbox: string;
let chatInbox: string;
let ann: string;
let ben: string;
const ids: Record<string, string> = {};

function msg(email: string, name: string, inboxId: string, key: string, text: string, at: string): TouchpointInput {
  return {
    identities: [{ kind: "email", value: email, verified: true, source: "email_from" }],
    customerName: name,
    channel: inboxId === emailInbox ? "email" : "chat",
    kind: "message",
    actor: "customer",
    occurredAt: new Date(at),
    text,
    conversation: { inboxId, externalThreadKey: `<${key}>` },
    message: { direction: "inbound", bodyText: text, platformMessageId: key },
  };
}

beforeAll(async () => {
  t = await useTestDatabase();
  emailInbox = (await db.inbox.create({ data: { name: "Email", channel: "email", publicId: "support@example.test" } })).id;
  chatInbox = (await db.inbox.create({ data: { name: "Chat", channel: "chat", publicId: "w" } })).id;
  const a1 = await recordTouchpoint(msg("ann@example.com", "Ann Able", emailInbox, "a1", "My invoice for March is wrong", "2026-03-01T10:00:00Z"));
  ann = a1.customerId;
  ids.a1 = a1.eventId;
  ids.a2 = (await recordTouchpoint(msg("ann@example.com", "Ann Able", chatInbox, "a2", "Invoice invoice invoice: still wrong, refund please", "2026-03-02T10:00:00Z"))).eventId;
  ids.a3 = (await recordTouchpoint(msg("ann@example.com", "Ann Able", emailInbox, "a3", "Thanks, all good now", "2026-03-03T10:00:00Z"))).eventId;
  ids.aEvent = (await recordTouchpoint({ customerId: ann, channel: "api", kind: "product_event", actor: "customer", name: "invoice_viewed", text: "Viewed invoice 42" })).eventId;
  const b1 = await recordTouchpoint(msg("ben@example.com", "Ben Baker", emailInbox, "b1", "Where is my invoice?", "2026-03-04T10:00:00Z"));
  ben = b1.customerId;
  ids.b1 = b1.eventId;
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

describe("searchTimeline", () => {
  it("finds a message by a word in its body within one customer's timeline, best match first", async () => {
    const hits = await searchTimeline({ customerId: ann, query: "invoice", limit: 10 });
    expect(hits).toHaveLength(3);
    expect(hits.map((h) => h.id)).toEqual(expect.arrayContaining([ids.a2, ids.a1, ids.aEvent]));
    // Three mentions outrank one.
    expect(hits[0]!.id).toBe(ids.a2);
    expect(hits.every((h) => h.customerId === ann && h.customerName === "Ann Able")).toBe(true);
    expect(hits.find((h) => h.id === ids.a1)).toMatchObject({ kind: "message", channel: "email", direction: "inbound", text: "My invoice for March is wrong" });
    expect(hits.map((h) => h.id)).not.toContain(ids.b1);
  });

  it("searches every customer's messages (not product events) globally", async () => {
    const hits = await searchTimeline({ query: "invoice", limit: 10 });
    const found = hits.map((h) => h.id);
    expect(found).toEqual(expect.arrayContaining([ids.a1, ids.a2, ids.b1]));
    expect(found).not.toContain(ids.aEvent);
    expect(hits.find((h) => h.id === ids.b1)).toMatchObject({ customerId: ben, customerName: "Ben Baker" });
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.rank).toBeGreaterThanOrEqual(hits[i]!.rank);
  });

  it("understands web-search syntax and is case-insensitive", async () => {
    expect((await searchTimeline({ customerId: ann, query: "INVOICE -refund" })).map((h) => h.id).sort()).toEqual([ids.a1, ids.aEvent].sort());
    expect((await searchTimeline({ query: '"still wrong"' })).map((h) => h.id)).toEqual([ids.a2]);
    expect((await searchTimeline({ query: "march or good" })).map((h) => h.id).sort()).toEqual([ids.a1, ids.a3].sort());
    expect(await searchTimeline({ query: "   " })).toEqual([]);
    expect(await searchTimeline({ query: "zebra" })).toEqual([]);
    // Punctuation and operators alone are harmless.
    expect(await searchTimeline({ query: "\"' & | ! ( ) :*" })).toEqual([]);
  });

  it("respects the viewer's inboxes", async () => {
    const hits = await searchTimeline({ query: "invoice", inboxScope: [emailInbox] });
    expect(hits.map((h) => h.id).sort()).toEqual([ids.a1, ids.b1].sort());
    expect(await searchTimeline({ query: "invoice", inboxScope: [] })).toEqual([]);
    // Inbox-less events stay visible on a customer's own timeline.
    expect((await searchTimeline({ customerId: ann, query: "invoice", inboxScope: [] })).map((h) => h.id)).toEqual([ids.aEvent]);
  });

  it("limits results", async () => {
    expect(await searchTimeline({ query: "invoice", limit: 1 })).toHaveLength(1);
  });
});
