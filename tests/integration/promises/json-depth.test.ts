// Deeply nested JSON from outside, against the real app server (seeded demo
// data): every entry point that parses JSON — the events API, the platform
// webhooks, a widget HTTP route, tRPC, the console's and the widget's
// socket.io events and handshakes — refuses a 5,000-level document with a
// 400-class answer naming the limit, stores nothing, and keeps serving (it
// used to end in a 500 from code recursing over the document). A legitimate
// large batch still goes through.
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as connect, type Socket } from "socket.io-client";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";
import { connected, signIn, startAppServer, TEST_SECRETS, type AppServer } from "../../helpers/app-server";
import { connectVisitor, request, type Visitor } from "../../fixtures/widget/visitor";

const TOO_DEEP = "JSON nests deeper than 32 levels.";
const DEPTH = 5000;

/** DEPTH levels of objects and arrays around a leaf: {"k":[{"k":[…]}]}, as text (JSON.stringify cannot). */
function deepJson(depth = DEPTH, leaf = "1"): string {
  const half = Math.floor(depth / 2);
  return `${'{"k":['.repeat(half)}${leaf}${"]}".repeat(half)}`;
}

let t: TestDatabase;
let app: AppServer;
let adminCookie: string;
const open: { close: () => void }[] = [];

/** What a refused request must leave untouched: everything customers sent, the rules, the webhook-visible rows. */
async function counts() {
  const [row] = await t.prisma.$queryRawUnsafe<Record<string, bigint>[]>(`
    SELECT
      (SELECT count(*) FROM timeline_events WHERE kind = 'product_event') AS product_events,
      (SELECT count(*) FROM timeline_events WHERE kind = 'article_view') AS article_views,
      (SELECT count(*) FROM messages WHERE direction = 'inbound') AS inbound_messages,
      (SELECT count(*) FROM customers) AS customers,
      (SELECT count(*) FROM automation_rules) AS rules`);
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
}

async function expectHealthy() {
  const res = await fetch(`${app.url}/api/health`);
  expect(res.status).toBe(200);
  expect(app.logs()).not.toMatch(/Maximum call stack|RangeError/);
}

async function postJson(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${app.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* asserted by the caller */
  }
  return { status: res.status, json, text };
}

/** Sends an event packet as raw text on the socket's connection (socket.io-client cannot serialise 5,000 levels) and resolves with its ack. */
function rawEmit(socket: Socket, nsp: string, event: string, payloadJson: string, withAck = true): Promise<unknown> {
  const engine = socket.io.engine;
  const prefix = nsp === "/" ? "" : `${nsp},`;
  const ackId = 90_000 + Math.floor(Math.random() * 9_000);
  const packet = `2${prefix}${withAck ? ackId : ""}${JSON.stringify([event]).slice(0, -1)},${payloadJson}]`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to raw ${event}`)), 15_000);
    const done = (value: unknown) => {
      clearTimeout(timer);
      engine.off("packet", onPacket);
      socket.off("error", onError);
      resolve(value);
    };
    const onPacket = (p: { type: string; data?: unknown }) => {
      const head = `3${prefix}${ackId}`;
      if (withAck && p.type === "message" && typeof p.data === "string" && p.data.startsWith(head)) done((JSON.parse(p.data.slice(head.length)) as unknown[])[0]);
    };
    const onError = (e: unknown) => !withAck && done(e);
    engine.on("packet", onPacket);
    socket.on("error", onError);
    engine.send(packet);
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url });
  adminCookie = (await signIn(app.url, "admin@throughline.test")).cookie;
});
afterAll(async () => {
  for (const s of open) s.close();
  await app?.stop();
  await t?.drop();
});

describe("5,000-level JSON over HTTP", () => {
  it("POST /api/v1/events: 400 json_too_deep in the REST error shape, nothing stored", async () => {
    const before = await counts();
    const body = `{"customer":{"email":"deep@example.com"},"name":"deep","properties":{"nested":${deepJson()}}}`;
    expect(body.length).toBeGreaterThan(15_000);
    const res = await postJson("/api/v1/events", body, { authorization: `Bearer ${TEST_SECRETS.DEMO_API_KEY}` });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: { code: "json_too_deep", message: TOO_DEEP } });
    // A batch of them too.
    const batch = await postJson("/api/v1/events", `[${body},${body}]`, { authorization: `Bearer ${TEST_SECRETS.DEMO_API_KEY}` });
    expect(batch.json).toEqual({ error: { code: "json_too_deep", message: TOO_DEEP } });
    expect(await counts()).toEqual(before);
    await expectHealthy();
  });

  it("POST /api/v1/events: more keys and elements than a batch may have → 400 json_too_large", async () => {
    const before = await counts();
    const elements = new Array(100_001).fill(0).join(",");
    const res = await postJson("/api/v1/events", `{"customer":{"email":"wide@example.com"},"name":"wide","properties":{"list":[${elements}]}}`, {
      authorization: `Bearer ${TEST_SECRETS.DEMO_API_KEY}`,
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: { code: "json_too_large", message: "JSON has more than 100000 keys and elements." } });
    expect(await counts()).toEqual(before);
  });

  it("a legitimate 100-event batch with nested attributes is still accepted", async () => {
    const before = await counts();
    const events = Array.from({ length: 100 }, (_, i) => ({
      customer: { email: `batch-${i}@example.com`, externalId: `deep-ok-${i}`, name: `Batch ${i}` },
      name: "purchase",
      idempotencyKey: `json-depth-${i}`,
      properties: {
        amount: 10 + i,
        currency: "eur",
        items: [{ sku: "a", qty: 1 }, { sku: "b", qty: 2 }],
        attributes: { company: { name: "Acme", address: { city: "Berlin", geo: { lat: 52.5, lng: 13.4 } } }, tags: ["vip", "beta"] },
      },
    }));
    const res = await postJson("/api/v1/events", JSON.stringify(events), { authorization: `Bearer ${TEST_SECRETS.DEMO_API_KEY}` });
    expect(res.status).toBe(202);
    expect(res.json.errors).toEqual([]);
    expect(res.json.items.filter((i: { status: string }) => i.status === "created")).toHaveLength(100);
    expect((await counts()).product_events).toBe(before.product_events! + 100);
    const stored = await t.prisma.timelineEvent.findFirstOrThrow({ where: { kind: "product_event", customer: { identities: { some: { value: "deep-ok-7" } } } } });
    expect(stored.payload).toMatchObject({ attributes: { company: { address: { geo: { lat: 52.5 } } } } });
  });

  it("POST /api/inbound/email takes raw RFC 5322 only: a JSON body is refused with a 4xx, nothing stored", async () => {
    const before = await counts();
    const headers = { authorization: `Bearer ${TEST_SECRETS.DEMO_INBOX_TOKEN}` };
    const asJson = await postJson("/api/inbound/email", deepJson(), headers);
    expect(asJson.status).toBe(415);
    expect(asJson.json.error.code).toBe("unsupported_media_type");
    const asMessage = await postJson("/api/inbound/email", deepJson(), { ...headers, "content-type": "message/rfc822" });
    expect(asMessage.status).toBeGreaterThanOrEqual(400);
    expect(asMessage.status).toBeLessThan(500);
    expect(asMessage.json.error.message).toEqual(expect.any(String));
    expect(await counts()).toEqual(before);
    await expectHealthy();
  });

  it("a correctly signed Meta webhook: 400 malformed_payload naming the limit, nothing stored", async () => {
    const before = await counts();
    const body = `{"object":"page","entry":[{"id":"100000000000001","time":1735732900000,"messaging":[${deepJson()}]}]}`;
    const signature = `sha256=${createHmac("sha256", TEST_SECRETS.META_APP_SECRET).update(body).digest("hex")}`;
    const res = await postJson("/api/webhooks/meta", body, { "x-hub-signature-256": signature });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: { code: "malformed_payload", message: `malformed payload: ${TOO_DEEP}` } });
    expect(await counts()).toEqual(before);
    await expectHealthy();
  });

  it("a Telegram webhook with the right secret: 400 malformed_payload naming the limit, nothing stored", async () => {
    const before = await counts();
    const body = `{"update_id":1,"message":{"message_id":1,"chat":{"id":1,"type":"private"},"from":{"id":1},"date":1735732900,"text":"hi","entities":[${deepJson()}]}}`;
    const res = await postJson("/api/webhooks/telegram", body, { "x-telegram-bot-api-secret-token": TEST_SECRETS.TELEGRAM_WEBHOOK_SECRET });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: { code: "malformed_payload", message: `malformed payload: ${TOO_DEEP}` } });
    expect(await counts()).toEqual(before);
    await expectHealthy();
  });

  it("a widget HTTP route (article view): 400 json_too_deep in the widget's error shape, nothing recorded", async () => {
    const v = await connectVisitor(app.url, { inbox: "demo-widget" });
    open.push(v);
    const article = await t.prisma.article.findFirstOrThrow({ where: { status: "published" } });
    const before = await counts();
    // [[[…]]] 5,000 deep is exactly the route's 10,000-character limit.
    const body = `${"[".repeat(DEPTH)}${"]".repeat(DEPTH)}`;
    const res = await postJson(`/api/widget/articles/${article.id}/view`, body, { authorization: `Bearer ${v.session.visitorId}.${v.session.visitorToken}` });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: "json_too_deep", message: TOO_DEEP });
    expect(await counts()).toEqual(before);
    await expectHealthy();
  });

  it("a survey answer (JSON, not a form): 400 json_too_deep, nothing recorded", async () => {
    const before = await counts();
    const res = await postJson("/api/surveys/any-token", `${"[".repeat(DEPTH)}${"]".repeat(DEPTH)}`);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: { code: "json_too_deep", message: TOO_DEEP } });
    expect(await counts()).toEqual(before);
  });

  it("tRPC (rules.create, single and batched; a query over GET): 400 BAD_REQUEST naming the limit, nothing stored", async () => {
    const before = await counts();
    const headers = { cookie: adminCookie, "x-throughline-csrf": "1" };
    const input = `{"json":{"name":"deep","trigger":{"kind":"message"},"conditions":[{"field":"payload.x","op":"eq","value":${deepJson()}}],"actions":[{"type":"add_tags","tags":["x"]}]}}`;
    const single = await postJson("/api/trpc/rules.create", input, headers);
    expect(single.status).toBe(400);
    expect(single.json.error.json).toMatchObject({ message: TOO_DEEP, data: { code: "BAD_REQUEST", httpStatus: 400 } });
    const batch = await postJson("/api/trpc/rules.create?batch=1", `{"0":${input}}`, headers);
    expect(batch.status).toBe(400);
    expect(batch.json[0].error.json).toMatchObject({ message: TOO_DEEP, data: { code: "BAD_REQUEST" } });
    expect(await counts()).toEqual(before);
    // Queries carry their input in the URL (1,000 levels fit in its length limit).
    const query = await fetch(`${app.url}/api/trpc/rules.runs?input=${encodeURIComponent(`{"json":${deepJson(1000)}}`)}`, { headers: { cookie: adminCookie } });
    expect(query.status).toBe(400);
    expect(((await query.json()) as any).error.json).toMatchObject({ message: TOO_DEEP, data: { code: "BAD_REQUEST" } });
    // A legitimate input still works.
    const ok = await postJson("/api/trpc/rules.create", JSON.stringify({ json: { name: "shallow", trigger: { kind: "message" }, conditions: [{ field: "payload.x", op: "eq", value: { a: [1] } }], actions: [{ type: "add_tags", tags: ["x"] }] } }), headers);
    expect(ok.status).toBe(200);
    expect((await counts()).rules).toBe(before.rules! + 1);
    await expectHealthy();
  });
});

describe("5,000-level JSON over socket.io", () => {
  let visitor: Visitor;
  beforeAll(async () => {
    visitor = await connectVisitor(app.url, { inbox: "demo-widget" });
    open.push(visitor);
  });

  it("a widget event is refused on its ack in the widget's shape; nothing stored; the socket stays connected and usable", async () => {
    const before = await counts();
    const ack = await rawEmit(visitor.socket, "/widget", "message:send", `{"clientId":"deep-payload-1","text":"hi","page":${deepJson()}}`);
    expect(ack).toEqual({ ok: false, error: "json_too_deep", message: TOO_DEEP });
    expect(await counts()).toEqual(before);
    expect(visitor.socket.connected).toBe(true);
    const history = await request(visitor, "history", {});
    expect(history.ok).toBe(true);
    const sent = await request(visitor, "message:send", { clientId: "shallow-payload-1", text: "still here" });
    expect(sent.ok).toBe(true);
    expect((await counts()).inbound_messages).toBe(before.inbound_messages! + 1);
  });

  it("without an ack, the refusal arrives as an error event", async () => {
    const before = await counts();
    const error = await rawEmit(visitor.socket, "/widget", "message:send", deepJson(), false);
    expect(error).toEqual({ ok: false, error: "json_too_deep", message: TOO_DEEP, event: "message:send" });
    expect(visitor.socket.connected).toBe(true);
    expect(await counts()).toEqual(before);
  });

  it("a widget handshake with a deep auth object is refused as connect_error json_too_deep", async () => {
    let inner: unknown = 1;
    for (let i = 0; i < 40; i++) inner = { k: inner };
    await expect(connectVisitor(app.url, { inbox: "demo-widget", identity: inner as never })).rejects.toMatchObject({ message: "json_too_deep", data: { code: "json_too_deep", message: TOO_DEEP } });
  });

  it("a console event is refused on its ack the same way; the agent's socket stays connected", async () => {
    const socket = connect(app.url, { transports: ["websocket"], extraHeaders: { cookie: adminCookie }, forceNew: true });
    open.push(socket);
    await connected(socket);
    const ack = await rawEmit(socket, "/", "subscribe", deepJson());
    expect(ack).toEqual({ ok: false, error: "json_too_deep", message: TOO_DEEP });
    expect(socket.connected).toBe(true);
    const ok = (await socket.timeout(10_000).emitWithAck("subscribe", { allInboxes: true })) as { ok: boolean };
    expect(ok).toEqual({ ok: true });
    await expectHealthy();
  });
});
