// Widget identity and self-service against the real server: verified identity
// (userHash) links a visitor to the existing customer and their whole
// history; a forged hash is refused and never links; verified mode refuses
// anonymous visitors; pre-chat answers are unverified claims; the public
// config, help-center search, article views and page views.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "../../../helpers/db";
import { startAppServer, TEST_SECRETS, type AppServer } from "../../../helpers/app-server";
import { connectVisitor, request, userHash, type Visitor } from "../../../fixtures/widget/visitor";

let t: TestDatabase;
let app: AppServer;
let seeded: { customerId: string; email: string; name: string | null };
const open: { close: () => void }[] = [];
const SECRET = TEST_SECRETS.WIDGET_IDENTITY_SECRET;

async function visitor(auth: Partial<Parameters<typeof connectVisitor>[1]> = {}, inbox = "demo-widget"): Promise<Visitor> {
  const v = await connectVisitor(app.url, { inbox, ...auth });
  open.push(v);
  return v;
}
const send = (v: Visitor, text: string) => request(v, "message:send", { clientId: randomUUID(), text });
const api = (path: string, init: RequestInit = {}) => fetch(`${app.url}${path}`, init);

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url });
  // A seeded customer with an email and a history on other channels.
  const rows = await t.prisma.$queryRaw<{ customer_id: string; value: string; name: string | null }[]>`
    SELECT i.customer_id, i.value, c.name FROM customer_identities i JOIN customers c ON c.id = i.customer_id
    WHERE i.kind = 'email' AND c.merged_into_id IS NULL
      AND EXISTS (SELECT 1 FROM timeline_events e WHERE e.customer_id = i.customer_id AND e.channel = 'email')
    ORDER BY i.value LIMIT 1`;
  seeded = { customerId: rows[0]!.customer_id, email: rows[0]!.value, name: rows[0]!.name };
});
afterAll(async () => {
  for (const s of open) s.close();
  await app?.stop();
  await t?.drop();
});

describe("verified identity", () => {
  it("refuses a forged userHash and never links the visitor to that customer", async () => {
    const before = await t.prisma.customerIdentity.findMany({ where: { customerId: seeded.customerId } });
    const forged = userHash(seeded.email, "not-the-secret");
    await expect(connectVisitor(app.url, { inbox: "demo-widget", identity: { email: seeded.email, userHash: forged } })).rejects.toThrow("identity_rejected");
    // Right hash, wrong value (a hash of another email) and non-hex junk too.
    await expect(connectVisitor(app.url, { inbox: "demo-widget", identity: { email: seeded.email, userHash: userHash("someone@else.test", SECRET) } })).rejects.toThrow(
      "identity_rejected",
    );
    await expect(connectVisitor(app.url, { inbox: "demo-widget", identity: { userId: "u-1", userHash: "zz" } })).rejects.toThrow("identity_rejected");
    // A brand-new email with a forged hash creates nothing either.
    const fresh = `forged-${randomUUID().slice(0, 8)}@example.test`;
    await expect(connectVisitor(app.url, { inbox: "demo-widget", identity: { email: fresh, userHash: userHash(fresh, "wrong") } })).rejects.toThrow("identity_rejected");
    expect(await t.prisma.customerIdentity.count({ where: { kind: "email", value: fresh } })).toBe(0);
    expect(await t.prisma.customerIdentity.findMany({ where: { customerId: seeded.customerId } })).toEqual(before);
  });

  it("links a visitor with a correct userHash to the existing customer: one timeline with their history", async () => {
    const v = await visitor({ identity: { email: seeded.email, name: "Should not rename", userHash: userHash(seeded.email, SECRET) } });
    expect(v.session.verified).toBe(true);
    expect(v.session.email).toBe(seeded.email);
    const a = await send(v, "Hi, it's me, logged in on your website");
    expect(a.ok).toBe(true);
    const msg = await t.prisma.message.findUniqueOrThrow({ where: { id: a.id as string }, include: { conversation: true } });
    expect(msg.conversation.customerId).toBe(seeded.customerId);
    const visitorIdentity = await t.prisma.customerIdentity.findUniqueOrThrow({ where: { kind_value: { kind: "widget_visitor", value: v.session.visitorId } } });
    expect(visitorIdentity.customerId).toBe(seeded.customerId);
    const email = await t.prisma.customerIdentity.findUniqueOrThrow({ where: { kind_value: { kind: "email", value: seeded.email } } });
    expect(email.verified).toBe(true);

    // Agents see the chat on the same timeline as the customer's email history.
    const res = await api(`/api/v1/customers/${seeded.customerId}/timeline?limit=200`, { headers: { authorization: `Bearer ${TEST_SECRETS.DEMO_API_KEY}` } });
    expect(res.status).toBe(200);
    const items = ((await res.json()) as { items: { channel: string; text: string }[] }).items;
    expect(items.some((i) => i.channel === "chat" && i.text === "Hi, it's me, logged in on your website")).toBe(true);
    expect(items.some((i) => i.channel === "email")).toBe(true);

    // Another device of the same verified user sees the same conversation.
    const phone = await visitor({ identity: { email: seeded.email, userHash: userHash(seeded.email, SECRET) } });
    expect(phone.session.visitorId).not.toBe(v.session.visitorId);
    const h = await request(phone, "history", {});
    expect((h.messages as { text: string }[]).map((m) => m.text)).toContain("Hi, it's me, logged in on your website");
  });

  it("a userHash signs the userId; an email beside it stays an unverified claim", async () => {
    const userId = `user-${randomUUID().slice(0, 8)}`;
    const v = await visitor({ identity: { userId, email: seeded.email, userHash: userHash(userId, SECRET) } });
    expect(v.session.verified).toBe(true);
    const a = await send(v, "signed by user id");
    const msg = await t.prisma.message.findUniqueOrThrow({ where: { id: a.id as string }, include: { conversation: true } });
    // Not pulled onto the seeded customer by the unsigned email.
    expect(msg.conversation.customerId).not.toBe(seeded.customerId);
    const ext = await t.prisma.customerIdentity.findUniqueOrThrow({ where: { kind_value: { kind: "external_id", value: userId } } });
    expect(ext).toMatchObject({ verified: true, customerId: msg.conversation.customerId });
    // Nor can it read the seeded customer's widget conversation.
    const h = await request(v, "history", {});
    expect((h.messages as { text: string }[]).map((m) => m.text)).toEqual(["signed by user id"]);
  });

  it("gives an anonymous browser a fresh visitor instead of continuing a verified user's", async () => {
    const v = await visitor({ identity: { email: seeded.email, userHash: userHash(seeded.email, SECRET) } });
    expect((await send(v, "verified only")).ok).toBe(true);
    // Same stored visitor id and token, but no identity (signed out, shared computer).
    const anon = await visitor({ visitorId: v.session.visitorId, visitorToken: v.session.visitorToken });
    expect(anon.session.visitorId).not.toBe(v.session.visitorId);
    expect(anon.session.issued).toBe(true);
    expect((await request(anon, "history", {})).messages).toEqual([]);
  });

  it("verified mode refuses anonymous visitors and unsigned identities", async () => {
    const inbox = await t.prisma.inbox.create({
      data: { name: "Verified widget", channel: "chat", publicId: "verified-widget", settings: { requireVerifiedIdentity: true, color: "#0f766e" } },
    });
    await expect(connectVisitor(app.url, { inbox: inbox.publicId })).rejects.toThrow("verification_required");
    await expect(connectVisitor(app.url, { inbox: inbox.publicId, identity: { email: seeded.email } })).rejects.toThrow("verification_required");
    const v = await visitor({ identity: { email: seeded.email, userHash: userHash(seeded.email, SECRET) } }, inbox.publicId);
    expect(v.session.verified).toBe(true);
    expect((await send(v, "verified mode works")).ok).toBe(true);
    const config = (await (await api("/api/widget/config?inbox=verified-widget")).json()) as { requireVerifiedIdentity: boolean; color: string };
    expect(config).toMatchObject({ requireVerifiedIdentity: true, color: "#0f766e" });
  });
});

describe("pre-chat form", () => {
  it("attaches the name and an unverified email; an email of someone else never moves the visitor onto them", async () => {
    const v = await visitor();
    const fresh = `prechat-${randomUUID().slice(0, 8)}@example.test`;
    expect(await request(v, "prechat", { name: "Pat Visitor", email: fresh })).toMatchObject({ ok: true, email: fresh, name: "Pat Visitor" });
    const customerId = (await t.prisma.customerIdentity.findUniqueOrThrow({ where: { kind_value: { kind: "widget_visitor", value: v.session.visitorId } } })).customerId;
    const email = await t.prisma.customerIdentity.findUniqueOrThrow({ where: { kind_value: { kind: "email", value: fresh } } });
    expect(email).toMatchObject({ customerId, verified: false, source: "widget_prechat" });
    expect((await t.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })).name).toBe("Pat Visitor");

    const impostor = await visitor();
    expect((await request(impostor, "prechat", { name: "Impostor", email: seeded.email })).ok).toBe(true);
    const a = await send(impostor, "what did I order?");
    const conv = await t.prisma.message.findUniqueOrThrow({ where: { id: a.id as string }, include: { conversation: true } });
    expect(conv.conversation.customerId).not.toBe(seeded.customerId);
    expect(await request(impostor, "prechat", { email: "not an email" })).toMatchObject({ ok: false, error: "invalid_payload" });
  });
});

describe("public config and self-service", () => {
  it("serves the inbox's public settings cross-origin", async () => {
    const res = await api("/api/widget/config?inbox=demo-widget", { headers: { origin: "https://shop.example" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const config = (await res.json()) as Record<string, unknown>;
    expect(config).toMatchObject({ inbox: "demo-widget", color: expect.stringMatching(/^#/), greeting: expect.any(String), preChatForm: expect.any(Boolean), trackPageViews: true });
    expect(JSON.stringify(config)).not.toMatch(/secret|WIDGET_IDENTITY/i);
    expect((await api("/api/widget/config?inbox=nope")).status).toBe(404);
  });

  it("searches published help-center articles, best match first, and records article views", async () => {
    const published = await t.prisma.article.findFirstOrThrow({ where: { status: "published" }, orderBy: { slug: "asc" } });
    const draft = await t.prisma.article.create({ data: { slug: `draft-${randomUUID().slice(0, 6)}`, title: "Zymurgy secret draft", body: "zymurgy", category: "x", status: "draft" } });
    const res = await api(`/api/widget/articles?inbox=demo-widget&q=${encodeURIComponent(published.title)}`);
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: { id: string; title: string; excerpt: string; url: string }[] };
    expect(items.length).toBeGreaterThan(0);
    expect(items.length).toBeLessThanOrEqual(3);
    expect(items[0]!.id).toBe(published.id);
    expect(items[0]!.url).toContain(`/help/${published.slug}`);
    const none = (await (await api("/api/widget/articles?inbox=demo-widget&q=zymurgy")).json()) as { items: unknown[] };
    expect(none.items).toEqual([]);
    expect((await api(`/api/widget/articles/${draft.id}`)).status).toBe(404);
    const full = (await (await api(`/api/widget/articles/${published.id}`)).json()) as { body: string };
    expect(full.body).toBe(published.body);

    // Over the socket: the ack carries the article; the view lands on the visitor's timeline.
    const v = await visitor();
    const viewed = await request(v, "article:view", { articleId: published.id });
    expect(viewed).toMatchObject({ ok: true, article: { id: published.id, title: published.title } });
    const customerId = (await t.prisma.customerIdentity.findUniqueOrThrow({ where: { kind_value: { kind: "widget_visitor", value: v.session.visitorId } } })).customerId;
    const ev = await t.prisma.timelineEvent.findFirstOrThrow({ where: { customerId, kind: "article_view" } });
    expect(ev).toMatchObject({ channel: "chat", actor: "customer", name: published.slug });
    expect(ev.payload).toMatchObject({ articleId: published.id });
    expect(await request(v, "article:view", { articleId: draft.id })).toMatchObject({ ok: false, error: "not_found" });

    // Over HTTP: needs the visitor's token.
    const other = await t.prisma.article.findFirstOrThrow({ where: { status: "published", id: { not: published.id } } });
    const url = `/api/widget/articles/${other.id}/view`;
    const body = JSON.stringify({ inbox: "demo-widget" });
    expect((await api(url, { method: "POST", body, headers: { "content-type": "application/json" } })).status).toBe(401);
    expect((await api(url, { method: "POST", body, headers: { authorization: `Bearer ${v.session.visitorId}.forged` } })).status).toBe(401);
    const ok = await api(url, { method: "POST", body, headers: { authorization: `Bearer ${v.session.visitorId}.${v.session.visitorToken}`, "content-type": "application/json" } });
    expect(ok.status).toBe(202);
    expect(await t.prisma.timelineEvent.count({ where: { customerId, kind: "article_view" } })).toBe(2);
    const preflight = await api(url, { method: "OPTIONS", headers: { origin: "https://shop.example", "access-control-request-method": "POST" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("authorization");
  });

  it("records page views as product events on the visitor's timeline", async () => {
    const v = await visitor();
    expect(await request(v, "pageview", { url: "https://shop.example/pricing?plan=pro", title: "Pricing — Shop" })).toMatchObject({ ok: true });
    expect(await request(v, "pageview", { url: "javascript:alert(1)", title: "x" })).toMatchObject({ ok: false, error: "invalid_payload" });
    const customerId = (await t.prisma.customerIdentity.findUniqueOrThrow({ where: { kind_value: { kind: "widget_visitor", value: v.session.visitorId } } })).customerId;
    const ev = await t.prisma.timelineEvent.findFirstOrThrow({ where: { customerId, kind: "product_event", name: "page_view" } });
    expect(ev).toMatchObject({ channel: "chat", text: "Viewed /pricing?plan=pro" });
    expect(ev.payload).toMatchObject({ url: "https://shop.example/pricing?plan=pro", title: "Pricing — Shop" });

    // trackPageViews: false → nothing stored.
    await t.prisma.inbox.create({ data: { name: "Quiet widget", channel: "chat", publicId: "quiet-widget", settings: { trackPageViews: false } } });
    const quiet = await visitor({}, "quiet-widget");
    expect(await request(quiet, "pageview", { url: "https://shop.example/", title: "Home" })).toMatchObject({ ok: true, skipped: true });
    expect(await t.prisma.customerIdentity.count({ where: { kind: "widget_visitor", value: quiet.session.visitorId } })).toBe(0);
  });
});

