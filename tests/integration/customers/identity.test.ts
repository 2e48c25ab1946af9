import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { recordTouchpoint, type TouchpointInput } from "@/server/ingest/record";
import { findDuplicateSuggestions, resolveCustomer } from "@/server/customers/identity";
import { InvalidIdentityError } from "@/server/customers/normalize";
import { runTransaction } from "@/server/db/tx";

let t: TestDatabase;
const inbox: Record<string, string> = {};

beforeAll(async () => {
  t = await useTestDatabase();
  for (const [key, channel, publicId] of [
    ["email", "email", "support@example.test"],
    ["messenger", "messenger", "100000000000001"],
    ["chat", "chat", "demo-widget"],
  ] as const) {
    inbox[key] = (await db.inbox.create({ data: { name: key, channel, publicId } })).id;
  }
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

function message(channel: "email" | "messenger" | "chat", identities: TouchpointInput["identities"], pmid: string, name?: string): TouchpointInput {
  return {
    identities,
    customerName: name,
    channel,
    kind: "message",
    actor: "customer",
    text: `message ${pmid}`,
    conversation: { inboxId: inbox[channel]!, externalThreadKey: channel === "email" ? `<${pmid}>` : null },
    message: { direction: "inbound", bodyText: `message ${pmid}`, platformMessageId: pmid },
  };
}

const identitiesOf = async (customerId: string) =>
  (await db.customerIdentity.findMany({ where: { customerId }, orderBy: { kind: "asc" } })).map((i) => ({ kind: i.kind, value: i.value, verified: i.verified, source: i.source }));

describe("identity resolution", () => {
  it("links email → Messenger (verified email) → widget (verified email) to one customer with 3 identities", async () => {
    const a = await recordTouchpoint(message("email", [{ kind: "email", value: "Jane.Doe@Example.com", verified: true, source: "email_from" }], "e-1", "Jane Doe"));
    const b = await recordTouchpoint(
      message(
        "messenger",
        [
          { kind: "messenger_psid", value: "psid-1", verified: true, source: "meta" },
          { kind: "email", value: "jane.doe@example.com", verified: true, source: "meta_verified_email" },
        ],
        "mid-1",
      ),
    );
    const c = await recordTouchpoint(
      message(
        "chat",
        [
          { kind: "widget_visitor", value: "visitor-1", verified: true, source: "widget" },
          { kind: "email", value: " JANE.DOE@example.com ", verified: true, source: "widget_verified" },
        ],
        "w-1",
      ),
    );
    expect(b.customerId).toBe(a.customerId);
    expect(c.customerId).toBe(a.customerId);
    const ids = await identitiesOf(a.customerId);
    expect(ids).toHaveLength(3);
    expect(ids).toEqual(
      expect.arrayContaining([
        { kind: "email", value: "jane.doe@example.com", verified: true, source: "email_from" },
        { kind: "messenger_psid", value: "psid-1", verified: true, source: "meta" },
        { kind: "widget_visitor", value: "visitor-1", verified: true, source: "widget" },
      ]),
    );
    expect(await db.customer.count({ where: { identities: { some: { value: { in: ["psid-1", "visitor-1", "jane.doe@example.com"] } } } } })).toBe(1);
    expect(await db.timelineEvent.count({ where: { customerId: a.customerId } })).toBe(3);
    // Later the psid alone finds her.
    const d = await recordTouchpoint(message("messenger", [{ kind: "messenger_psid", value: "psid-1", verified: true, source: "meta" }], "mid-2"));
    expect(d.customerId).toBe(a.customerId);
  });

  it("never merges on an unverified claim that points at another customer", async () => {
    const owner = await recordTouchpoint(message("email", [{ kind: "email", value: "owner@example.com", verified: true, source: "email_from" }], "o-1", "Real Owner"));
    const visitor = await recordTouchpoint(message("chat", [{ kind: "widget_visitor", value: "visitor-2", verified: true, source: "widget" }], "v2-1"));
    expect(visitor.customerId).not.toBe(owner.customerId);

    // The visitor types the owner's email into the chat form.
    const claim = await recordTouchpoint(
      message(
        "chat",
        [
          { kind: "widget_visitor", value: "visitor-2", verified: true, source: "widget" },
          { kind: "email", value: "owner@example.com", verified: false, source: "widget_prechat" },
        ],
        "v2-2",
      ),
    );
    expect(claim.customerId).toBe(visitor.customerId);
    expect((await identitiesOf(owner.customerId)).map((i) => i.value)).toEqual(["owner@example.com"]);
    expect((await identitiesOf(visitor.customerId)).map((i) => i.value)).toEqual(["visitor-2"]);
    expect(await db.customer.count({ where: { mergedIntoId: { not: null } } })).toBe(0);

    // A brand-new visitor claiming it gets a customer of their own, not the owner.
    const fresh = await recordTouchpoint(
      message(
        "chat",
        [
          { kind: "widget_visitor", value: "visitor-3", verified: true, source: "widget" },
          { kind: "email", value: "owner@example.com", verified: false, source: "widget_prechat" },
        ],
        "v3-1",
      ),
    );
    expect(fresh.customerId).not.toBe(owner.customerId);
    expect(fresh.customerId).not.toBe(visitor.customerId);
    // Even when the visitor id itself is unproven.
    const shaky = await recordTouchpoint(
      message(
        "chat",
        [
          { kind: "widget_visitor", value: "visitor-5", verified: false, source: "widget" },
          { kind: "email", value: "owner@example.com", verified: false, source: "widget_prechat" },
        ],
        "v5-1",
      ),
    );
    expect(shaky.customerId).not.toBe(owner.customerId);
    expect((await identitiesOf(owner.customerId)).map((i) => i.value)).toEqual(["owner@example.com"]);
    // An unverified claim alone, linking nothing new, is attributed to its owner.
    const alone = await recordTouchpoint(message("chat", [{ kind: "email", value: "owner@example.com", verified: false, source: "widget_prechat" }], "o-2"));
    expect(alone.customerId).toBe(owner.customerId);

    // ...and an agent is told they may be the same person, both ways.
    const fromVisitor = await findDuplicateSuggestions(visitor.customerId);
    expect(fromVisitor.map((s) => s.customerId)).toContain(owner.customerId);
    expect(fromVisitor.find((s) => s.customerId === owner.customerId)!.reason).toMatch(/owner@example\.com.*unverified/);
    const fromOwner = await findDuplicateSuggestions(owner.customerId);
    expect(fromOwner.map((s) => s.customerId)).toEqual(expect.arrayContaining([visitor.customerId, fresh.customerId]));
    // Repeating the claim does not pile up suggestions.
    await recordTouchpoint(
      message(
        "chat",
        [
          { kind: "widget_visitor", value: "visitor-2", verified: true, source: "widget" },
          { kind: "email", value: "owner@example.com", verified: false, source: "widget_prechat" },
        ],
        "v2-3",
      ),
    );
    expect(await db.auditLog.count({ where: { action: "customer.duplicate_suspected", targetId: visitor.customerId } })).toBe(1);
  });

  it("when verified claims point at two customers, the strongest wins and nothing is merged", async () => {
    const byEmail = await recordTouchpoint(message("email", [{ kind: "email", value: "two@example.com", verified: true, source: "email_from" }], "two-1"));
    const byExt = await recordTouchpoint({
      identities: [{ kind: "external_id", value: "u-two", verified: true, source: "api" }],
      channel: "api",
      kind: "product_event",
      actor: "customer",
      name: "signup",
      text: "Signed up",
    });
    const both = await recordTouchpoint({
      identities: [
        { kind: "email", value: "two@example.com", verified: true, source: "api" },
        { kind: "external_id", value: "u-two", verified: true, source: "api" },
      ],
      channel: "api",
      kind: "product_event",
      actor: "customer",
      name: "login",
      text: "Event login",
    });
    expect(both.customerId).toBe(byExt.customerId);
    expect((await identitiesOf(byEmail.customerId)).map((i) => i.value)).toEqual(["two@example.com"]);
    expect((await findDuplicateSuggestions(byExt.customerId)).map((s) => s.customerId)).toContain(byEmail.customerId);
  });

  it("attaches unverified claims that belong to nobody, and upgrades them when proven", async () => {
    const r = await recordTouchpoint(
      message(
        "chat",
        [
          { kind: "widget_visitor", value: "visitor-4", verified: true, source: "widget" },
          { kind: "email", value: "maybe@example.com", verified: false, source: "widget_prechat" },
        ],
        "v4-1",
      ),
    );
    expect(await identitiesOf(r.customerId)).toEqual(
      expect.arrayContaining([{ kind: "email", value: "maybe@example.com", verified: false, source: "widget_prechat" }]),
    );
    const again = await recordTouchpoint(message("email", [{ kind: "email", value: "maybe@example.com", verified: true, source: "email_from" }], "m4-1"));
    expect(again.customerId).toBe(r.customerId);
    expect((await db.customerIdentity.findFirstOrThrow({ where: { value: "maybe@example.com" } })).verified).toBe(true);
  });

  it("fills an empty name but never overwrites one", async () => {
    const a = await recordTouchpoint(message("email", [{ kind: "email", value: "noname@example.com", verified: true, source: "email_from" }], "nn-1"));
    expect((await db.customer.findUniqueOrThrow({ where: { id: a.customerId } })).name).toBeNull();
    await recordTouchpoint(message("email", [{ kind: "email", value: "noname@example.com", verified: true, source: "email_from" }], "nn-2", "Now Named"));
    await recordTouchpoint(message("email", [{ kind: "email", value: "noname@example.com", verified: true, source: "email_from" }], "nn-3", "Other Name"));
    expect((await db.customer.findUniqueOrThrow({ where: { id: a.customerId } })).name).toBe("Now Named");
  });

  it("follows mergedIntoId chains and keeps the identity's origin", async () => {
    const a = await db.customer.create({ data: { name: "Gone" } });
    const b = await db.customer.create({ data: { name: "Middle" } });
    const c = await db.customer.create({ data: { name: "Survivor" } });
    await db.customerIdentity.create({ data: { customerId: a.id, originCustomerId: a.id, kind: "telegram_user_id", value: "tg-1", verified: true, source: "telegram" } });
    await db.customer.update({ where: { id: a.id }, data: { mergedIntoId: b.id } });
    await db.customer.update({ where: { id: b.id }, data: { mergedIntoId: c.id } });
    const r = await runTransaction((tx) => resolveCustomer(tx, [{ kind: "telegram_user_id", value: "tg-1", verified: true, source: "telegram" }]));
    expect(r).toMatchObject({ customerId: c.id, originCustomerId: a.id, created: false });
  });

  it("concurrent resolutions of one new identity create one customer", async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        runTransaction((tx) => resolveCustomer(tx, [{ kind: "x_user_id", value: "x-777", verified: true, source: "x" }], "Racer"))),
    );
    expect(new Set(results.map((r) => r.customerId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await db.customerIdentity.count({ where: { kind: "x_user_id", value: "x-777" } })).toBe(1);
    expect(await db.customer.count({ where: { name: "Racer" } })).toBe(1);
  });

  it("refuses invalid identity values", async () => {
    await expect(runTransaction((tx) => resolveCustomer(tx, [{ kind: "email", value: "nope", source: "api" }]))).rejects.toBeInstanceOf(InvalidIdentityError);
    await expect(runTransaction((tx) => resolveCustomer(tx, [{ kind: "phone", value: "12", source: "api" }]))).rejects.toBeInstanceOf(InvalidIdentityError);
    await expect(runTransaction((tx) => resolveCustomer(tx, []))).rejects.toBeInstanceOf(InvalidIdentityError);
  });

  it("suggests duplicates by phone/WhatsApp number and by name, skipping merged customers", async () => {
    const phone = await db.customer.create({ data: { name: "Pat Phone" } });
    await db.customerIdentity.create({ data: { customerId: phone.id, originCustomerId: phone.id, kind: "phone", value: "+4915112345678", source: "api" } });
    const wa = await db.customer.create({ data: { name: "WA user" } });
    await db.customerIdentity.create({ data: { customerId: wa.id, originCustomerId: wa.id, kind: "whatsapp_wa_id", value: "4915112345678", source: "whatsapp", verified: true } });
    const namesake = await db.customer.create({ data: { name: "PAT PHONE" } });
    const merged = await db.customer.create({ data: { name: "Pat Phone", mergedIntoId: wa.id } });

    const s = await findDuplicateSuggestions(phone.id);
    const ids = s.map((x) => x.customerId);
    expect(ids).toEqual(expect.arrayContaining([wa.id, namesake.id]));
    expect(ids).not.toContain(merged.id);
    expect(ids).not.toContain(phone.id);
    expect(s.find((x) => x.customerId === wa.id)!.reason).toMatch(/WhatsApp/);
    expect(s.find((x) => x.customerId === namesake.id)!.reason).toBe("same name");
    expect((await findDuplicateSuggestions(wa.id)).map((x) => x.customerId)).toContain(phone.id);
    expect(await findDuplicateSuggestions("00000000-0000-7000-8000-000000000000")).toEqual([]);
  });
});
