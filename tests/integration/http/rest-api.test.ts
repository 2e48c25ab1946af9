import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { createApiKey, revokeApiKey } from "@/server/api-keys/keys";
import { recordTouchpoint, recordTouchpoints } from "@/server/ingest/record";
import { api } from "../../helpers/lean-api";
const { GET: listCustomers } = api;
const { GET: getCustomer } = api;
const { GET: getTimeline } = api;

let t: TestDatabase;
let key: string;
let customerId: string;
let emailInbox: string;

const BASE = "http://localhost:3000";
const auth = (k = key) => ({ authorization: `Bearer ${k}` });
const params = (id: string) => ({ params: Promise.resolve({ id }) });
async function call(res: Promise<Response>) {
  const r = await res;
  return { status: r.status, body: (await r.json()) as Record<string, any>, headers: r.headers };
}
const lookup = (query: string, headers: Record<string, string> = auth()) => call(listCustomers(new Request(`${BASE}/api/v1/customers?${query}`, { headers })));
const timeline = (id: string, query = "", headers: Record<string, string> = auth()) =>
  call(getTimeline(new Request(`${BASE}/api/v1/customers/${id}/timeline${query ? `?${query}` : ""}`, { headers }), params(id)));

beforeAll(async () => {
  t = await useTestDatabase();
  key = (await createApiKey({ name: "test", scopes: ["*"] })).key;
  emailInbox = (await db.inbox.create({ data: { name: "Email", channel: "email", publicId: "support@example.test" } })).id;
  const first = await recordTouchpoint({
    identities: [
      { kind: "email", value: "Rest@Example.com", verified: true, source: "email_from" },
    ],
    customerName: "Rest Person",
    channel: "email",
    kind: "message",
    actor: "customer",
    occurredAt: new Date("2026-02-01T09:00:00Z"),
    text: "Hello over email",
    conversation: { inboxId: emailInbox, externalThreadKey: "<r1>", subject: "Hi" },
    message: { direction: "inbound", bodyText: "Hello over email", platformMessageId: "r1", subject: "Hi" },
  });
  customerId = first.customerId;
  const kinds = [
    ["phone", "+14155550123"],
    ["external_id", "user-42"],
    ["widget_visitor", "vis-1"],
    ["messenger_psid", "psid-9"],
    ["instagram_id", "ig-9"],
    ["whatsapp_wa_id", "14155550123"],
    ["telegram_user_id", "777"],
    ["x_user_id", "x-9"],
  ] as const;
  for (const [kind, value] of kinds) {
    await db.customerIdentity.create({ data: { customerId, originCustomerId: customerId, kind, value, verified: true, source: "test" } });
  }
  // 120 product events, some sharing a timestamp, for paging.
  await recordTouchpoints(
    Array.from({ length: 120 }, (_, i) => ({
      customerId,
      channel: "api" as const,
      kind: "product_event" as const,
      actor: "customer" as const,
      name: "page_view",
      occurredAt: new Date(Date.parse("2026-01-01T00:00:00Z") + Math.floor(i / 2) * 60_000),
      text: `Viewed /p/${i}`,
      payload: { path: `/p/${i}` },
    })),
  );
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

describe("GET /api/v1/customers", () => {
  it("finds a customer by each identity kind", async () => {
    const cases = [
      "email=REST%40example.com",
      "phone=%2B1%20415%20555%200123",
      "externalId=user-42",
      "identity=email:rest@example.com",
      "identity=phone:%2B14155550123",
      "identity=external_id:user-42",
      "identity=widget_visitor:vis-1",
      "identity=messenger_psid:psid-9",
      "identity=instagram_id:ig-9",
      "identity=whatsapp_wa_id:14155550123",
      "identity=telegram_user_id:777",
      "identity=x_user_id:x-9",
    ];
    for (const q of cases) {
      const r = await lookup(q);
      expect(r.status, q).toBe(200);
      expect(r.body.items.map((c: { id: string }) => c.id), q).toEqual([customerId]);
    }
    const c = (await lookup("email=rest@example.com")).body.items[0];
    expect(c).toMatchObject({ id: customerId, name: "Rest Person", attributes: {}, journeyStage: null, lifetimeValue: 0, mergedIntoId: null });
    expect(c.identities).toHaveLength(9);
    expect(c.identities).toContainEqual({ kind: "email", value: "rest@example.com", verified: true });
    expect(typeof c.createdAt).toBe("string");
    expect(r(await lookup("email=nobody@example.com"))).toEqual({ status: 200, items: [] });
  });

  it("explains bad filters with a 400", async () => {
    for (const q of ["", "name=x", "email=a@b.co&phone=%2B14155550123", "identity=nokind:1", "identity=email", "email=not-an-email", "phone=12", "externalId="]) {
      const res = await lookup(q);
      expect(res.status, q).toBe(400);
      expect(res.body.error.code, q).toMatch(/^invalid_/);
      expect(res.body.error.message.length, q).toBeGreaterThan(5);
    }
  });

  it("needs a valid, unrevoked key with the right scope", async () => {
    const none = await lookup("email=rest@example.com", {});
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await lookup("email=rest@example.com", { authorization: "Bearer wrong" })).status).toBe(401);
    expect((await lookup("email=rest@example.com", { authorization: "Basic abc" })).status).toBe(401);
    const other = await createApiKey({ name: "revoked", scopes: ["*"] });
    expect((await lookup("email=rest@example.com", auth(other.key))).status).toBe(200);
    await revokeApiKey(other.id);
    expect((await lookup("email=rest@example.com", auth(other.key))).status).toBe(401);
    const eventsOnly = await createApiKey({ name: "events", scopes: ["events:write"] });
    const forbidden = await lookup("email=rest@example.com", auth(eventsOnly.key));
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe("forbidden");
    const reader = await createApiKey({ name: "reader", scopes: ["customers:read"] });
    expect((await lookup("email=rest@example.com", auth(reader.key))).status).toBe(200);
  });

  it("records lastUsedAt at most once a minute", async () => {
    const k = await createApiKey({ name: "usage", scopes: ["*"] });
    await lookup("email=rest@example.com", auth(k.key));
    const first = (await db.apiKey.findUniqueOrThrow({ where: { id: k.id } })).lastUsedAt;
    expect(first).not.toBeNull();
    await lookup("email=rest@example.com", auth(k.key));
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: k.id } })).lastUsedAt?.getTime()).toBe(first!.getTime());
  });
});

function r(res: { status: number; body: Record<string, unknown> }) {
  return { status: res.status, items: res.body.items };
}

describe("GET /api/v1/customers/:id", () => {
  it("returns the customer or 404", async () => {
    const res = await call(getCustomer(new Request(`${BASE}/api/v1/customers/${customerId}`, { headers: auth() }), params(customerId)));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: customerId, name: "Rest Person" });
    for (const id of ["00000000-0000-7000-8000-000000000000", "not-a-uuid"]) {
      const missing = await call(getCustomer(new Request(`${BASE}/api/v1/customers/${id}`, { headers: auth() }), params(id)));
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe("not_found");
    }
    expect((await call(getCustomer(new Request(`${BASE}/api/v1/customers/${customerId}`), params(customerId)))).status).toBe(401);
  });
});

describe("GET /api/v1/customers/:id/timeline", () => {
  it("follows the timeline page contract", async () => {
    const res = await timeline(customerId, "limit=5");
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(["items", "nextCursor"]);
    expect(res.body.items).toHaveLength(5);
    expect(typeof res.body.nextCursor).toBe("string");
    for (const item of res.body.items) {
      expect(item).toMatchObject({ id: expect.any(String), occurredAt: expect.any(String), kind: expect.any(String), channel: expect.any(String), actor: expect.any(String), text: expect.any(String) });
      expect(new Date(item.occurredAt).toISOString()).toBe(item.occurredAt);
    }
    const mail = await timeline(customerId, "channel=email&kind=message");
    expect(mail.body.items).toHaveLength(1);
    expect(mail.body.items[0]).toMatchObject({ kind: "message", channel: "email", actor: "customer", text: "Hello over email", direction: "inbound", subject: "Hi", conversationId: expect.any(String) });
    expect(mail.body.nextCursor).toBeNull();
    const product = (await timeline(customerId, "kind=product_event&limit=1")).body.items[0];
    expect(product).toMatchObject({ kind: "product_event", channel: "api", name: "page_view", payload: { path: expect.any(String) } });
    expect(product).not.toHaveProperty("conversationId");
    expect(product).not.toHaveProperty("direction");
  });

  it("pages newest first by (occurredAt, id) without skipping or repeating", async () => {
    const all: { id: string; occurredAt: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await timeline(customerId, `limit=25${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(res.status).toBe(200);
      all.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages++;
      // Something new arrives while the client pages.
      if (pages === 2) await recordTouchpoint({ customerId, channel: "api", kind: "product_event", actor: "customer", name: "x", text: "Event x" });
    } while (cursor);
    expect(pages).toBe(5);
    expect(all).toHaveLength(121);
    expect(new Set(all.map((i) => i.id)).size).toBe(121);
    for (let i = 1; i < all.length; i++) {
      const a = all[i - 1]!;
      const b = all[i]!;
      expect(a.occurredAt > b.occurredAt || (a.occurredAt === b.occurredAt && a.id > b.id)).toBe(true);
    }
  });

  it("filters by conversation and time range", async () => {
    const conv = await db.conversation.findFirstOrThrow({ where: { customerId } });
    const byConv = await timeline(customerId, `conversationId=${conv.id}`);
    expect(byConv.body.items.map((i: { text: string }) => i.text)).toEqual(["Hello over email"]);
    const range = await timeline(customerId, "from=2026-01-01T00:00:00Z&to=2026-01-01T00:01:00Z");
    expect(range.body.items).toHaveLength(4);
  });

  it("rejects bad parameters with a clear 400", async () => {
    const bad = [
      ["cursor=garbage", "invalid_cursor"],
      ["limit=0", "invalid_parameter"],
      ["limit=201", "invalid_parameter"],
      ["limit=abc", "invalid_parameter"],
      ["channel=email,fax", "invalid_parameter"],
      ["channel=", "invalid_parameter"],
      ["kind=message,shout", "invalid_parameter"],
      ["conversationId=nope", "invalid_parameter"],
      ["from=yesterday", "invalid_parameter"],
      ["from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "invalid_parameter"],
    ] as const;
    for (const [q, code] of bad) {
      const res = await timeline(customerId, q);
      expect(res.status, q).toBe(400);
      expect(res.body.error.code, q).toBe(code);
    }
    expect((await timeline(customerId, "channel=fax")).body.error.message).toMatch(/channel.*email.*fax/);
    expect((await timeline("00000000-0000-7000-8000-000000000000")).status).toBe(404);
    expect((await timeline(customerId, "", {})).status).toBe(401);
  });
});

// The hot reads run as prepared statements over pg (customer by id, by
// identity through the merge chain; the page with the customer's existence in
// the same statement): the answers these edge cases need.
describe("the prepared customer reads", () => {
  it("tells an unknown or erased customer (404) from one without events (200, no items), on first and next pages", async () => {
    const quiet = await db.customer.create({ data: { name: "No Events Yet" } });
    const empty = await timeline(quiet.id);
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ items: [], nextCursor: null });
    const cursor = (await timeline(customerId, "limit=2")).body.nextCursor as string;
    expect((await timeline(quiet.id, `cursor=${cursor}`)).body).toEqual({ items: [], nextCursor: null });
    const erased = await db.customer.create({ data: { name: null, erasedAt: new Date() } });
    for (const id of [erased.id, "00000000-0000-7000-8000-000000000000"]) {
      expect((await timeline(id)).status, id).toBe(404);
      expect((await timeline(id, `cursor=${cursor}`)).status, id).toBe(404);
      expect((await timeline(id, "kind=message")).status, id).toBe(404);
    }
    expect((await call(getCustomer(new Request(`${BASE}/api/v1/customers/${erased.id}`, { headers: auth() }), params(erased.id)))).status).toBe(404);
  });

  it("finds a merged-away identity's survivor, with the survivor's identities in order", async () => {
    const survivor = await db.customer.create({ data: { name: "Survivor", lifetimeValue: "120.50", attributes: { plan: "pro" } } });
    const middle = await db.customer.create({ data: { name: "Middle", mergedIntoId: survivor.id } });
    const oldest = await db.customer.create({ data: { name: "Oldest", mergedIntoId: middle.id } });
    // A half-finished history: the identity still points at the first merged-away customer.
    await db.customerIdentity.create({ data: { customerId: oldest.id, originCustomerId: oldest.id, kind: "email", value: "chain@example.com", source: "test" } });
    await db.customerIdentity.create({ data: { customerId: survivor.id, originCustomerId: survivor.id, kind: "phone", value: "+14155550999", verified: true, source: "test", createdAt: new Date("2026-01-01T00:00:00Z") } });
    await db.customerIdentity.create({ data: { customerId: survivor.id, originCustomerId: survivor.id, kind: "external_id", value: "chain-1", source: "test", createdAt: new Date("2026-01-02T00:00:00Z") } });
    const res = await lookup("email=chain@example.com");
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({
      id: survivor.id,
      name: "Survivor",
      lifetimeValue: 120.5,
      attributes: { plan: "pro" },
      mergedIntoId: null,
      identities: [
        { kind: "phone", value: "+14155550999", verified: true },
        { kind: "external_id", value: "chain-1", verified: false },
      ],
    });
    const merged = await call(getCustomer(new Request(`${BASE}/api/v1/customers/${middle.id}`, { headers: auth() }), params(middle.id)));
    expect(merged.body).toMatchObject({ id: middle.id, mergedIntoId: survivor.id, identities: [] });
  });
});
