// Data rights: export everything held about a customer; erase it on request
// (including customers merged into them), audited, others untouched.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { disconnectDb } from "@/server/db";
import { recordTouchpoint } from "@/server/ingest/record";
import { mergeCustomers } from "@/server/customers/merge";
import { eraseCustomer, exportCustomerData, DataRightsError } from "@/server/customers/data-rights";

let t: TestDatabase;
let inboxId: string;
beforeAll(async () => {
  t = await useTestDatabase();
  inboxId = (await t.prisma.inbox.create({ data: { name: "Support email", channel: "email", publicId: "support@rights.test" } })).id;
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

async function emailFrom(email: string, text: string, key: string, withFile = false) {
  return recordTouchpoint({
    identities: [{ kind: "email", value: email, verified: true, source: "email_from" }],
    customerName: "Erin Example",
    channel: "email",
    kind: "message",
    actor: "customer",
    text,
    conversation: { inboxId, externalThreadKey: `<${key}@mail>`, subject: "Please delete my data" },
    message: {
      direction: "inbound",
      bodyText: text,
      platformMessageId: `<${key}@mail>`,
      attachments: withFile ? [{ filename: "passport.pdf", contentType: "application/pdf", size: 4, data: Buffer.from("%PDF") }] : undefined,
    },
  });
}

describe("data rights", () => {
  it("exports everything, then erases the customer and everyone merged into them", async () => {
    const a = await emailFrom("erin@example.com", "My order 1234 never arrived", "m1", true);
    const b = await emailFrom("erin.private@example.com", "Also this address is mine", "m2");
    await recordTouchpoint({ customerId: a.customerId, channel: "api", kind: "product_event", actor: "customer", name: "purchase", text: "Purchased Pro", payload: { amount: 99 } });
    await mergeCustomers({ sourceId: b.customerId, targetId: a.customerId });
    const bystander = await emailFrom("someone.else@example.com", "Unrelated", "m3");

    const data = await exportCustomerData(a.customerId, null);
    expect(data.identities.map((i) => i.value).sort()).toEqual(["erin.private@example.com", "erin@example.com"]);
    expect(data.conversations).toHaveLength(2);
    expect(data.conversations.flatMap((c) => c.messages.map((m) => m.bodyText))).toEqual(expect.arrayContaining(["My order 1234 never arrived", "Also this address is mine"]));
    expect(data.conversations.flatMap((c) => c.messages.flatMap((m) => m.attachments.map((x) => x.filename)))).toEqual(["passport.pdf"]);
    expect(data.timeline.map((e) => e.text)).toEqual(expect.arrayContaining(["Purchased Pro"]));
    expect(JSON.parse(JSON.stringify(data)).customer.id).toBe(a.customerId);

    const counts = await eraseCustomer(a.customerId, null, "GDPR art. 17 request");
    expect(counts).toMatchObject({ identities: 2, conversations: 2, messages: 2, attachments: 1, customers: 2 });
    const ids = [a.customerId, b.customerId];
    expect(await t.prisma.timelineEvent.count({ where: { customerId: { in: ids } } })).toBe(0);
    expect(await t.prisma.customerIdentity.count({ where: { customerId: { in: ids } } })).toBe(0);
    expect(await t.prisma.message.count({ where: { bodyText: { contains: "1234" } } })).toBe(0);
    expect(await t.prisma.attachment.count()).toBe(0);
    const tomb = await t.prisma.customer.findUniqueOrThrow({ where: { id: a.customerId } });
    expect(tomb.name).toBeNull();
    expect(tomb.erasedAt).not.toBeNull();
    expect(Number(tomb.lifetimeValue)).toBe(0);
    // Audited, without the personal data itself.
    const audit = await t.prisma.auditLog.findMany({ where: { targetId: a.customerId, action: { in: ["customer.export", "customer.erase"] } } });
    expect(audit.map((x) => x.action).sort()).toEqual(["customer.erase", "customer.export"]);
    expect(JSON.stringify(audit)).not.toContain("erin@example.com");
    const merges = await t.prisma.customerMerge.findMany({ where: { targetId: a.customerId } });
    expect(merges.map((m) => m.snapshot)).toEqual([{}]);
    // Others untouched.
    expect(await t.prisma.timelineEvent.count({ where: { customerId: bystander.customerId } })).toBeGreaterThan(0);
    // The address is free again: a new message makes a new customer.
    const again = await emailFrom("erin@example.com", "Hello again", "m4");
    expect(ids).not.toContain(again.customerId);
    await expect(eraseCustomer(a.customerId, null)).rejects.toBeInstanceOf(DataRightsError);
  });
});
