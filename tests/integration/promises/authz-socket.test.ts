// Authorization of every socket.io event, generated from the source: each
// event handler registered in src/server (socket.on("…") and the widget's
// handle(socket, "…")) must be declared in EVENTS, so a new event without a
// decision — or a stale entry — fails here. Then, on one real app server:
// agents need a live session and see nothing outside their teams' inboxes
// (acks identical to a random id, no pushes), visitors only ever reach their
// own conversation, and neither namespace answers the other's events.
import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as connect, type Socket } from "socket.io-client";
import { encode } from "next-auth/jwt";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";
import { signIn, startAppServer, TEST_SECRETS, type AppServer, connected } from "../../helpers/app-server";
import { connectVisitor, handMadeVisitorToken, nextEvent, request, TINY_PNG, type Visitor } from "../../fixtures/widget/visitor";
import { signAttachment } from "@/server/channels/widget/identity";
import { deriveSecret } from "@/server/security/secrets";

// "inter-server": not a client event; only other app processes (serverSideEmit over the Redis adapter) or socket.io itself emit it.
type Ns = "/" | "/widget" | "inter-server";
// Every event a client may emit, keyed "<file under src/server> <registration>".
const EVENTS: Record<string, { ns: Ns; event: string; guard: string }> = {
  "realtime/server.ts socket.on(subscribe)": { ns: "/", event: "subscribe", guard: "session; a conversation, inbox or customer outside the agent's teams acks like a random id; customers join only visible inbox slices" },
  "realtime/server.ts socket.on(unsubscribe)": { ns: "/", event: "unsubscribe", guard: "session; leaves only the caller's own rooms" },
  "presence/socket.ts socket.on(presence.view)": { ns: "/", event: "presence.view", guard: "session; another team's conversation or customer acks like a random id" },
  "presence/socket.ts socket.on(presence.typing)": { ns: "/", event: "presence.typing", guard: "session; only the caller's own (authorized) view" },
  "realtime/server.ts io.on(api_key.revoked)": { ns: "inter-server", event: "api_key.revoked", guard: "no client can send it (io.on hears other servers only); it only drops a key from this process's verified-key cache" },
  "realtime/payload-limits.ts io.on(new_namespace)": { ns: "inter-server", event: "new_namespace", guard: "socket.io's own server event when a namespace is created (no client can send it); it only installs the payload-size check" },
  "presence/socket.ts socket.on(presence.leave)": { ns: "/", event: "presence.leave", guard: "session; only the caller's own entry" },
  "channels/widget/namespace.ts socket.on(typing)": { ns: "/", event: "typing", guard: "session; relayed to a visitor only for a conversation in the agent's inboxes" },
  "channels/widget/namespace.ts handle(history)": { ns: "/widget", event: "history", guard: "visitor token; the visitor's own customer's conversations only" },
  "channels/widget/namespace.ts handle(message:send)": { ns: "/widget", event: "message:send", guard: "visitor token; attachments only from the visitor's own staged uploads" },
  "channels/widget/namespace.ts handle(typing)": { ns: "/widget", event: "typing", guard: "visitor token; pushed to the visitor's own customer's rooms" },
  "channels/widget/namespace.ts handle(read)": { ns: "/widget", event: "read", guard: "visitor token; marks only the visitor's own conversations read" },
  "channels/widget/namespace.ts handle(prechat)": { ns: "/widget", event: "prechat", guard: "visitor token; an unverified email never links to its customer" },
  "channels/widget/namespace.ts handle(pageview)": { ns: "/widget", event: "pageview", guard: "visitor token; recorded on the visitor's own timeline" },
  "channels/widget/namespace.ts handle(article:view)": { ns: "/widget", event: "article:view", guard: "visitor token; published articles only" },
  "channels/widget/namespace.ts handle(attachment:chunk)": { ns: "/widget", event: "attachment:chunk", guard: "visitor token; upload buffers are per socket" },
};

// Every client event's payload ids, keyed like EVENTS (none: {}), with what each names. An
// event's entry here is what the generic hidden-vs-random check below probes; a new event
// without one fails, so nobody adds an id to a payload without it being probed.
type IdKind = "customer" | "conversation" | "inbox" | "article" | "attachment";
const EVENT_IDS: Record<string, { fields: Record<string, IdKind>; acks: boolean }> = {
  "realtime/server.ts socket.on(subscribe)": { fields: { customerId: "customer", conversationId: "conversation", inboxId: "inbox" }, acks: true },
  "realtime/server.ts socket.on(unsubscribe)": { fields: { customerId: "customer", conversationId: "conversation", inboxId: "inbox" }, acks: false },
  "presence/socket.ts socket.on(presence.view)": { fields: { conversationId: "conversation", customerId: "customer" }, acks: true },
  "presence/socket.ts socket.on(presence.typing)": { fields: {}, acks: false },
  "realtime/server.ts io.on(api_key.revoked)": { fields: {}, acks: false },
  "realtime/payload-limits.ts io.on(new_namespace)": { fields: {}, acks: false },
  "presence/socket.ts socket.on(presence.leave)": { fields: {}, acks: false },
  "channels/widget/namespace.ts socket.on(typing)": { fields: { conversationId: "conversation" }, acks: false },
  "channels/widget/namespace.ts handle(history)": { fields: {}, acks: true },
  // `attachments` is a list of ids: probed as one.
  "channels/widget/namespace.ts handle(message:send)": { fields: { attachments: "attachment" }, acks: true },
  "channels/widget/namespace.ts handle(typing)": { fields: {}, acks: true },
  "channels/widget/namespace.ts handle(read)": { fields: {}, acks: true },
  "channels/widget/namespace.ts handle(prechat)": { fields: {}, acks: true },
  "channels/widget/namespace.ts handle(pageview)": { fields: {}, acks: true },
  "channels/widget/namespace.ts handle(article:view)": { fields: { articleId: "article" }, acks: true },
  "channels/widget/namespace.ts handle(attachment:chunk)": { fields: {}, acks: true },
};

// ---- the events that exist, read from the source ---------------------------------------------

const SERVER = path.resolve(import.meta.dirname, "../../../src/server");
// Socket and emitter lifecycle, not client messages.
const LIFECYCLE = new Set(["connection", "connect", "disconnect", "disconnecting", "error", "ready", "end", "close", "reconnect", "data"]);

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith(".ts") ? [p] : [];
  });
}

export function registrations(rel: string, src: string): string[] {
  const out: string[] = [];
  for (const m of src.matchAll(/\b(\w+)\.(?:on|once)\(\s*["'`]([^"'`]+)["'`]/g)) if (!LIFECYCLE.has(m[2]!)) out.push(`${rel} ${m[1]}.on(${m[2]})`);
  // Helpers that register on a socket: handle(socket, "event", …).
  for (const m of src.matchAll(/\b(\w+)\(\s*socket\s*,\s*["'`]([^"'`]+)["'`]/g)) out.push(`${rel} ${m[1]}(${m[2]})`);
  return out;
}

function registeredEvents(): string[] {
  const out: string[] = [];
  for (const file of tsFiles(SERVER)) {
    const src = fs.readFileSync(file, "utf8");
    // Only files that deal with socket.io (the event bus, SMTP and Redis clients have their own .on()).
    if (!/from "socket\.io"|AgentSocket|addSocketHandler|addNamespace|SocketHandlerContext/.test(src)) continue;
    out.push(...registrations(path.relative(SERVER, file).split(path.sep).join("/"), src));
  }
  return [...new Set(out)].sort();
}

const agentEvents = Object.values(EVENTS).filter((e) => e.ns === "/");
const widgetEvents = Object.values(EVENTS).filter((e) => e.ns === "/widget");
const widgetNames = new Set(widgetEvents.map((e) => e.event));

describe("the event table matches the source", () => {
  it("finds both registration styles", () => {
    expect(registrations("x.ts", `socket.on("a", f); handle(socket, "b", "b", s, f); client.on("error", f)`)).toEqual(["x.ts socket.on(a)", "x.ts handle(b)"]);
  });

  it("every event handler registered in src/server is declared", () => {
    const missing = registeredEvents().filter((e) => !(e in EVENTS));
    expect(missing, `new socket event(s) without a guard decision — add them to EVENTS: ${missing.join(", ")}`).toEqual([]);
  });

  it("every declared event says which ids its payload takes", () => {
    expect(Object.keys(EVENTS).filter((k) => !EVENT_IDS[k])).toEqual([]);
    expect(Object.keys(EVENT_IDS).filter((k) => !EVENTS[k])).toEqual([]);
  });

  it("every declared event is still registered", () => {
    const present = new Set(registeredEvents());
    const stale = Object.keys(EVENTS).filter((e) => !present.has(e));
    expect(stale, `EVENTS entries no longer registered: ${stale.join(", ")}`).toEqual([]);
  });
});

// ---- the running app --------------------------------------------------------------------------

type Logged = Socket & { log: { event: string; payload: any }[] };
let t: TestDatabase;
let app: AppServer;
const open: { close: () => void }[] = [];
const cookies = new Map<string, string>();
let customer: { id: string; email: string };
// Only ever wrote to Billing: a customer the demo agent (Support) may not see.
let billingOnlyCustomer: string;
let supportConv: string;
let billingConv: string;
let billingInbox: string;
let supportInbox: string;

async function cookieOf(email: string) {
  if (!cookies.has(email)) {
    const s = await signIn(app.url, email);
    expect(s.ok, `${email} signs in`).toBe(true);
    cookies.set(email, s.cookie);
  }
  return cookies.get(email)!;
}

function rawSocket(cookie?: string): Socket {
  const s = connect(app.url, { transports: ["websocket"], reconnection: false, forceNew: true, extraHeaders: cookie ? { cookie } : undefined });
  open.push(s);
  return s;
}

async function agent(email: string): Promise<Logged> {
  const s = rawSocket(await cookieOf(email)) as Logged;
  s.log = [];
  s.onAny((event: string, payload: unknown) => s.log.push({ event, payload }));
  await connected(s);
  return s;
}

function refusedWith(s: Socket): Promise<string> {
  return new Promise((resolve) => {
    s.once("connect_error", (e) => resolve(e.message));
    s.once("connect", () => resolve("connected"));
  });
}

const ack = (s: Socket, event: string, payload: unknown) => s.timeout(10_000).emitWithAck(event, payload) as Promise<Record<string, unknown>>;
/** Resolves "no answer" when no handler acknowledges within the window (nothing registered for it there). */
async function unanswered(s: Socket, event: string, payload: unknown): Promise<string> {
  try {
    return JSON.stringify(await s.timeout(1_000).emitWithAck(event, payload));
  } catch {
    return "no answer";
  }
}

async function visitor(inbox = "demo-widget", auth: Record<string, string> = {}): Promise<Visitor & { log: { event: string; payload: any }[] }> {
  const v = await connectVisitor(app.url, { inbox, ...auth });
  open.push(v);
  const log: { event: string; payload: any }[] = [];
  v.socket.onAny((event: string, payload: unknown) => log.push({ event, payload }));
  return Object.assign(v, { log });
}

async function trpcMutation(cookie: string, procedure: string, input: unknown) {
  const res = await fetch(`${app.url}/api/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-throughline-csrf": "1", cookie },
    body: JSON.stringify({ json: input }),
  });
  expect(res.status, `${procedure}: ${await res.clone().text()}`).toBe(200);
  return res.json();
}
const setPriority = async (conversationId: string, priority: "low" | "normal" | "high" | "urgent") =>
  trpcMutation(await cookieOf("admin@throughline.test"), "conversation.update", { id: conversationId, changes: { priority } });

async function email(to: string, from: string, subject: string) {
  const raw = [`From: ${from}`, `To: ${to}`, `Subject: ${subject}`, `Message-ID: <${randomUUID()}@example.test>`, "", `About ${subject}.`].join("\r\n");
  const res = await fetch(`${app.url}/api/inbound/email`, { method: "POST", headers: { authorization: `Bearer ${TEST_SECRETS.DEMO_INBOX_TOKEN}`, "content-type": "message/rfc822" }, body: raw });
  expect(res.status).toBe(202);
  return (await res.json()) as { conversationId: string; customerId: string; eventId: string };
}

const UUID = () => randomUUID();

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url });
  supportInbox = (await t.prisma.inbox.findUniqueOrThrow({ where: { publicId: "support@throughline.test" } })).id;
  billingInbox = (await t.prisma.inbox.findUniqueOrThrow({ where: { publicId: "billing@throughline.test" } })).id;
  // One customer with a conversation in each: Support (the demo agent's team) and Billing (not).
  const address = `authz-${randomUUID().slice(0, 8)}@example.test`;
  const s = await email("support@throughline.test", address, "Support question");
  const b = await email("billing@throughline.test", address, "Invoice question");
  expect(b.customerId).toBe(s.customerId);
  customer = { id: s.customerId, email: address };
  supportConv = s.conversationId;
  billingConv = b.conversationId;
  billingOnlyCustomer = (await email("billing@throughline.test", `authz-billing-${randomUUID().slice(0, 8)}@example.test`, "Billing only")).customerId;
});

afterAll(async () => {
  for (const s of open) s.close();
  await app?.stop();
  await t?.drop();
});

describe("agents' namespace: connecting", () => {
  it("refuses a connection without a session, with a forged one, and for a deactivated user", async () => {
    expect(await refusedWith(rawSocket())).toBe("unauthorized");
    const admin = await t.prisma.user.findUniqueOrThrow({ where: { email: "admin@throughline.test" } });
    const forged = await encode({ token: { sub: admin.id, uid: admin.id, role: "admin" }, secret: "not-the-server-secret" });
    expect(await refusedWith(rawSocket(`next-auth.session-token=${forged}`))).toBe("unauthorized");
    const cookie = await cookieOf("jonas.becker@throughline.test");
    await t.prisma.user.update({ where: { email: "jonas.becker@throughline.test" }, data: { deactivatedAt: new Date() } });
    try {
      expect(await refusedWith(rawSocket(cookie))).toBe("unauthorized");
    } finally {
      await t.prisma.user.update({ where: { email: "jonas.becker@throughline.test" }, data: { deactivatedAt: null } });
    }
    expect(await refusedWith(rawSocket(cookie))).toBe("connected");
  });
});

describe("agents' namespace: subscribe / unsubscribe", () => {
  it("another team's conversation, inbox or customer acks exactly like a random id", async () => {
    const sam = await agent("agent@throughline.test");
    const random = await ack(sam, "subscribe", { conversationId: UUID() });
    expect(random).toEqual({ ok: false, error: "not found" });
    expect(await ack(sam, "subscribe", { conversationId: billingConv })).toEqual(random);
    expect(await ack(sam, "subscribe", { inboxId: billingInbox })).toEqual(await ack(sam, "subscribe", { inboxId: UUID() }));
    expect(await ack(sam, "subscribe", { customerId: customer.id, conversationId: billingConv })).toEqual(random);
    expect(await ack(sam, "subscribe", { customerId: billingOnlyCustomer })).toEqual(random);
    expect(await ack(sam, "subscribe", { customerId: UUID() })).toEqual(random);
    expect(await ack(await agent("admin@throughline.test"), "subscribe", { customerId: billingOnlyCustomer })).toEqual({ ok: true });
    // Their own team's are fine.
    expect(await ack(sam, "subscribe", { conversationId: supportConv })).toEqual({ ok: true });
    expect(await ack(sam, "subscribe", { inboxId: supportInbox })).toEqual({ ok: true });
  });

  it("a customer's pushes reach an agent only for the inboxes of their teams", async () => {
    const sam = await agent("agent@throughline.test");
    const maya = await agent("admin@throughline.test");
    for (const s of [sam, maya]) expect(await ack(s, "subscribe", { customerId: customer.id })).toEqual({ ok: true });
    // Ingested into Billing: the admin sees it, the agent must not.
    const billing = await email("billing@throughline.test", customer.email, "Second invoice question");
    await expect.poll(() => maya.log.some((e) => e.event === "timeline.created" && e.payload.eventId === billing.eventId)).toBe(true);
    await setPriority(billingConv, "high");
    await expect.poll(() => maya.log.some((e) => e.event === "conversation.updated" && e.payload.conversationId === billingConv)).toBe(true);
    // Then into Support: the agent's control event. It arrives after the Billing ones would have.
    const support = await email("support@throughline.test", customer.email, "Follow-up");
    await expect.poll(() => sam.log.some((e) => e.event === "timeline.created" && e.payload.eventId === support.eventId)).toBe(true);
    await setPriority(supportConv, "high");
    await expect.poll(() => sam.log.some((e) => e.event === "conversation.updated" && e.payload.conversationId === supportConv)).toBe(true);
    const leaked = sam.log.filter((e) => e.payload?.inboxId === billingInbox || e.payload?.conversationId === billingConv || e.payload?.eventId === billing.eventId);
    expect(leaked).toEqual([]);

    // unsubscribe leaves only the caller's rooms.
    sam.emit("unsubscribe", { customerId: customer.id });
    const after = await email("support@throughline.test", customer.email, "After unsubscribe");
    await expect.poll(() => maya.log.some((e) => e.event === "timeline.created" && e.payload.eventId === after.eventId)).toBe(true);
    // The agent's own Support inbox room: the control that the agent is still live.
    expect(await ack(sam, "subscribe", { inboxId: supportInbox })).toEqual({ ok: true });
    await setPriority(supportConv, "urgent");
    await expect.poll(() => sam.log.some((e) => e.event === "conversation.updated" && e.payload.changes?.priority === "urgent")).toBe(true);
    expect(sam.log.some((e) => e.payload?.eventId === after.eventId)).toBe(false);
  });

  it("allInboxes joins only the agent's inboxes: no queue pushes from Billing", async () => {
    const sam = await agent("agent@throughline.test");
    expect(await ack(sam, "subscribe", { allInboxes: true })).toEqual({ ok: true });
    await setPriority(billingConv, "low");
    await setPriority(supportConv, "low");
    await expect.poll(() => sam.log.some((e) => e.event === "conversation.updated" && e.payload.conversationId === supportConv && e.payload.changes?.priority === "low")).toBe(true);
    expect(sam.log.filter((e) => e.payload?.inboxId === billingInbox)).toEqual([]);
    // Supervisor-only queue signals never reach an agent.
    expect(sam.log.filter((e) => e.event === "queue.changed")).toEqual([]);
  });

  it("a team removed while connected applies at the next subscribe, and the rooms are left", async () => {
    const nia = await t.prisma.user.findUniqueOrThrow({ where: { email: "nia.adeyemi@throughline.test" }, include: { teams: true } });
    const s = await agent("nia.adeyemi@throughline.test");
    const maya = await agent("admin@throughline.test");
    expect(await ack(s, "subscribe", { conversationId: supportConv })).toEqual({ ok: true });
    expect(await ack(maya, "subscribe", { conversationId: supportConv })).toEqual({ ok: true });
    await t.prisma.teamMember.deleteMany({ where: { userId: nia.id } });
    try {
      expect(await ack(s, "subscribe", { conversationId: supportConv })).toEqual({ ok: false, error: "not found" });
      await setPriority(supportConv, "normal");
      await expect.poll(() => maya.log.some((e) => e.event === "conversation.updated" && e.payload.changes?.priority === "normal")).toBe(true);
      expect(s.log.filter((e) => e.payload?.conversationId === supportConv)).toEqual([]);
    } finally {
      await t.prisma.teamMember.createMany({ data: nia.teams.map((m) => ({ teamId: m.teamId, userId: nia.id })) });
    }
  });

  it("a user deactivated while connected is refused and disconnected at the next subscribe", async () => {
    const s = await agent("jonas.becker@throughline.test");
    const gone = new Promise<string>((resolve) => s.once("disconnect", (reason) => resolve(reason)));
    await t.prisma.user.update({ where: { email: "jonas.becker@throughline.test" }, data: { deactivatedAt: new Date() } });
    try {
      expect(await ack(s, "subscribe", { conversationId: supportConv })).toEqual({ ok: false, error: "unauthorized" });
      expect(await gone).toBe("io server disconnect");
    } finally {
      await t.prisma.user.update({ where: { email: "jonas.becker@throughline.test" }, data: { deactivatedAt: null } });
    }
  });
});

describe("agents' namespace: presence", () => {
  it("presence.view of another team's conversation or customer acks exactly like a random id", async () => {
    const sam = await agent("agent@throughline.test");
    const random = await ack(sam, "presence.view", { conversationId: UUID() });
    expect(random).toEqual({ ok: false, error: "not found" });
    expect(await ack(sam, "presence.view", { conversationId: billingConv })).toEqual(random);
    expect(await ack(sam, "presence.view", { customerId: billingOnlyCustomer })).toEqual(random);
    expect(await ack(sam, "presence.view", { customerId: UUID() })).toEqual(random);
  });

  it("typing and leaving touch only the caller's own, authorized entry; another team's conversation stays hidden", async () => {
    const sam = await agent("agent@throughline.test");
    const maya = await agent("admin@throughline.test");
    const daniel = await agent("supervisor@throughline.test");
    const samId = (await t.prisma.user.findUniqueOrThrow({ where: { email: "agent@throughline.test" } })).id;
    expect((await ack(maya, "presence.view", { conversationId: billingConv })).ok).toBe(true);
    // Sam tries to join Billing's conversation, then types there: nothing reaches its viewers.
    await ack(sam, "presence.view", { conversationId: billingConv });
    sam.emit("presence.typing", { typing: true });
    // Control: a supervisor joining does reach the admin.
    expect((await ack(daniel, "presence.view", { conversationId: billingConv })).ok).toBe(true);
    await expect.poll(() => maya.log.some((e) => e.event === "presence.changed" && e.payload.viewers.some((v: { name: string }) => v.name === "Daniel Okafor"))).toBe(true);
    expect(maya.log.filter((e) => e.event === "presence.changed" && e.payload.viewers.some((v: { userId: string }) => v.userId === samId))).toEqual([]);

    // Sam may view the customer, but not learn which Billing conversation colleagues are in.
    const view = (await ack(sam, "presence.view", { customerId: customer.id })) as { ok: boolean; customer: { viewers: { name: string; conversationId: string | null; conversationNumber: number | null }[] } };
    expect(view.ok).toBe(true);
    const mayaThere = view.customer.viewers.find((v) => v.name === "Maya Lindqvist");
    expect(mayaThere).toMatchObject({ conversationId: null, conversationNumber: null });
    const pushed = sam.log.filter((e) => e.event === "presence.changed").flatMap((e) => e.payload.viewers as { conversationId: string | null }[]);
    expect(pushed.filter((v) => v.conversationId === billingConv)).toEqual([]);

    // Sam's leave removes Sam, not the admin.
    sam.emit("presence.leave");
    const check = (await ack(daniel, "presence.view", { conversationId: billingConv })) as { conversation: { viewers: { name: string }[] } };
    expect(check.conversation.viewers.map((v) => v.name).sort()).toEqual(["Daniel Okafor", "Maya Lindqvist"]);
  });

  it("agent typing reaches a visitor only from agents who may see that inbox", async () => {
    const billingTeam = await t.prisma.team.findFirstOrThrow({ where: { name: "Billing" } });
    const publicId = `billing-widget-${randomUUID().slice(0, 8)}`;
    const inbox = await t.prisma.inbox.create({ data: { name: "Billing chat", channel: "chat", publicId, settings: {} } });
    await t.prisma.teamInbox.create({ data: { teamId: billingTeam.id, inboxId: inbox.id } });
    const v = await visitor(publicId);
    const sent = await request(v, "message:send", { clientId: randomUUID(), text: "Billing chat question" });
    expect(sent.ok).toBe(true);
    const conv = await t.prisma.conversation.findFirstOrThrow({ where: { inboxId: inbox.id } });
    const sam = await agent("agent@throughline.test");
    const maya = await agent("admin@throughline.test");
    expect(await ack(sam, "subscribe", { inboxId: inbox.id })).toEqual({ ok: false, error: "not found" });
    sam.emit("typing", { conversationId: conv.id, typing: true });
    maya.emit("typing", { conversationId: conv.id, typing: true });
    await nextEvent(v.socket, "typing", (p: { agent?: { name: string } }) => p.agent?.name === "Maya");
    expect(v.log.filter((e) => e.event === "typing").map((e) => e.payload.agent?.name)).toEqual(["Maya"]);
  });
});

describe("widget namespace: visitors reach only their own conversation", () => {
  it("another visitor's id is refused without its token, with a forged token, or with one's own token", async () => {
    const b = await visitor();
    const a = await visitor();
    const id = b.session.visitorId;
    await expect(connectVisitor(app.url, { inbox: "demo-widget", visitorId: id })).rejects.toThrow("invalid_visitor");
    await expect(connectVisitor(app.url, { inbox: "demo-widget", visitorId: id, visitorToken: handMadeVisitorToken(id, "not-the-server-secret") })).rejects.toThrow("invalid_visitor");
    await expect(connectVisitor(app.url, { inbox: "demo-widget", visitorId: id, visitorToken: a.session.visitorToken })).rejects.toThrow("invalid_visitor");
    // The genuine pair still works.
    const again = await visitor("demo-widget", { visitorId: id, visitorToken: b.session.visitorToken });
    expect(again.session.visitorId).toBe(id);
  });

  it("history, read and uploads never cross visitors; agents-only events are not answered on /widget", async () => {
    const a = await visitor();
    const b = await visitor();
    const secret = `B's private message ${randomUUID()}`;
    const own = `A's own message ${randomUUID()}`;

    // B stages an image and sends it with a message.
    const staged = await request(b, "attachment:chunk", { uploadId: `up-${randomUUID()}`, filename: "b.png", contentType: "image/png", size: TINY_PNG.length, offset: 0, data: TINY_PNG });
    expect(staged).toMatchObject({ ok: true, done: true });
    // A cannot send B's staged upload as its own.
    expect(await request(a, "message:send", { clientId: randomUUID(), text: "stolen", attachments: [staged.attachmentId] })).toMatchObject({ ok: false, error: "attachment_missing" });
    const bSent = await request(b, "message:send", { clientId: randomUUID(), text: secret, attachments: [staged.attachmentId] });
    expect(bSent.ok).toBe(true);
    expect((await request(a, "message:send", { clientId: randomUUID(), text: own })).ok).toBe(true);

    // A's history: A's message only, also with a cursor aimed past B's message.
    const bRow = await t.prisma.message.findUniqueOrThrow({ where: { id: bSent.id as string }, select: { id: true, createdAt: true, conversationId: true, conversation: { select: { customerId: true } } } });
    const cursor = Buffer.from(`${new Date(bRow.createdAt.getTime() + 60_000).toISOString()}|${bRow.id}`).toString("base64url");
    for (const page of [await request(a, "history", {}), await request(a, "history", { before: cursor })]) {
      expect(page.ok).toBe(true);
      const texts = (page.messages as { text: string }[]).map((m) => m.text);
      expect(texts).not.toContain(secret);
      expect(texts.every((x) => x === own)).toBe(true);
    }
    const bHistory = await request(b, "history", {});
    const bMessage = (bHistory.messages as { text: string; attachments: { id: string; url: string }[] }[]).find((m) => m.text === secret)!;
    expect(bMessage.attachments).toHaveLength(1);

    // The attachment: B's signed link works; a signature moved onto it from another id does not.
    const bAttachment = bMessage.attachments[0]!;
    expect((await fetch(`${app.url}${bAttachment.url}`)).status).toBe(200);
    const e = Math.floor(Date.now() / 1000) + 3600;
    const otherId = randomUUID();
    expect((await fetch(`${app.url}/api/widget/attachments/${bAttachment.id}?e=${e}&s=${signAttachment(otherId, e, deriveSecret(TEST_SECRETS.NEXTAUTH_SECRET, "attachment-links"))}`)).status).toBe(403);
    expect((await fetch(`${app.url}/api/widget/attachments/${bAttachment.id}`)).status).toBe(403);

    // An agent replies to B; A's "read" must not mark it.
    const reply = (await trpcMutation(await cookieOf("admin@throughline.test"), "conversation.reply", { id: bRow.conversationId, body: "Reply for B only" })) as unknown;
    expect(reply).toBeTruthy();
    await expect.poll(() => t.prisma.message.findFirst({ where: { conversationId: bRow.conversationId, direction: "outbound" } })).toBeTruthy();
    expect(await request(a, "read", {})).toMatchObject({ ok: true, count: 0 });
    expect((await t.prisma.message.findFirstOrThrow({ where: { conversationId: bRow.conversationId, direction: "outbound" } })).readAt).toBeNull();
    expect(((await request(b, "read", {})).count as number) >= 1).toBe(true);

    // A uploads half of a file, B tries to continue A's upload id on its own socket: per socket.
    const uploadId = `up-${randomUUID()}`;
    const half = Math.floor(TINY_PNG.length / 2);
    expect(await request(a, "attachment:chunk", { uploadId, filename: "a.png", contentType: "image/png", size: TINY_PNG.length, offset: 0, data: TINY_PNG.subarray(0, half) })).toMatchObject({ ok: true, received: half });
    expect(await request(b, "attachment:chunk", { uploadId, filename: "a.png", contentType: "image/png", size: TINY_PNG.length, offset: half, data: TINY_PNG.subarray(half) })).toMatchObject({ ok: false, error: "bad_offset", received: 0 });

    // Agents-only events on /widget: no handler answers, and no push follows.
    const maya = await agent("admin@throughline.test");
    expect(await ack(maya, "subscribe", { customerId: bRow.conversation.customerId })).toEqual({ ok: true });
    for (const { event } of agentEvents.filter((x) => !widgetNames.has(x.event))) {
      expect(await unanswered(a.socket, event, { customerId: bRow.conversation.customerId, conversationId: bRow.conversationId, allInboxes: true }), event).toBe("no answer");
    }
    // A's "typing" aimed at B's conversation is A's own typing (the payload names no target).
    expect(await request(a, "typing", { conversationId: bRow.conversationId, typing: true })).toMatchObject({ ok: true });
    const more = await request(b, "message:send", { clientId: randomUUID(), text: `B again ${randomUUID()}` });
    await expect.poll(() => maya.log.some((x) => x.event === "timeline.created" && x.payload.item?.messageId === more.id)).toBe(true);
    expect(maya.log.filter((x) => x.event === "visitor.typing" && x.payload.customerId === bRow.conversation.customerId && x.payload.typing === true)).toEqual([]);
    const seenByA = a.log.filter((x) => !["session", "presence", "message:status"].includes(x.event) && !(x.event === "message" && x.payload.text === own));
    expect(seenByA).toEqual([]);
  });

  it("an unverified email claim (pre-chat) never shows that customer's conversation", async () => {
    const conv = await t.prisma.conversation.findFirstOrThrow({
      where: { inbox: { publicId: "demo-widget" }, customer: { identities: { some: { kind: "email", verified: true } } }, messages: { some: { isNote: false } } },
      select: { customerId: true, customer: { select: { identities: { where: { kind: "email", verified: true }, select: { value: true } } } } },
    });
    const victimEmail = conv.customer.identities[0]!.value;
    const victimTexts = new Set((await t.prisma.message.findMany({ where: { conversation: { customerId: conv.customerId } }, select: { bodyText: true } })).map((m) => m.bodyText));
    const a = await visitor();
    expect((await request(a, "prechat", { name: "Not Them", email: victimEmail })).ok).toBe(true);
    expect((await request(a, "message:send", { clientId: randomUUID(), text: "who am I?" })).ok).toBe(true);
    const page = await request(a, "history", {});
    expect((page.messages as { text: string }[]).map((m) => m.text)).toEqual(["who am I?"]);
    expect((page.messages as { text: string }[]).filter((m) => victimTexts.has(m.text) && m.text !== "who am I?")).toEqual([]);
    const mine = await t.prisma.customerIdentity.findUniqueOrThrow({ where: { kind_value: { kind: "widget_visitor", value: a.session.visitorId } } });
    expect(mine.customerId).not.toBe(conv.customerId);
  });

  it("article:view and pageview record on the visitor's own timeline; drafts stay hidden", async () => {
    const a = await visitor();
    const draft = await t.prisma.article.create({ data: { slug: `draft-${randomUUID()}`, title: "Unreleased", category: "Billing", body: "draft body", status: "draft" } });
    const missing = await request(a, "article:view", { articleId: randomUUID() });
    expect(missing.ok).toBe(false);
    expect(await request(a, "article:view", { articleId: draft.id })).toEqual(missing);
    const page = await request(a, "pageview", { url: "https://shop.example/pricing", title: "Pricing" });
    expect(page.ok).toBe(true);
    const event = await t.prisma.timelineEvent.findUniqueOrThrow({ where: { id: page.id as string } });
    const mine = await t.prisma.customerIdentity.findUniqueOrThrow({ where: { kind_value: { kind: "widget_visitor", value: a.session.visitorId } } });
    expect(event.customerId).toBe(mine.customerId);
  });
});

describe("every event that takes an id: a hidden one answers exactly as a random one", () => {
  it("for the demo agent (Support) on the console namespace, and a visitor on /widget", async () => {
    const sam = await agent("agent@throughline.test");
    const a = await visitor();
    const b = await visitor();
    // Hidden from Sam: Billing's conversation, inbox and customer. Hidden from visitor A: a draft, B's staged upload.
    const draft = await t.prisma.article.create({ data: { slug: `draft-ids-${randomUUID()}`, title: "Unreleased", category: "Billing", body: "draft", status: "draft" } });
    const staged = await request(b, "attachment:chunk", { uploadId: `up-${randomUUID()}`, filename: "b.png", contentType: "image/png", size: TINY_PNG.length, offset: 0, data: TINY_PNG });
    expect(staged).toMatchObject({ ok: true, done: true });
    const hiddenOf: Record<IdKind, string> = { customer: billingOnlyCustomer, conversation: billingConv, inbox: billingInbox, article: draft.id, attachment: staged.attachmentId as string };
    // What else a payload needs to be valid.
    const base: Record<string, Record<string, unknown>> = { "message:send": { text: "" }, typing: { typing: true } };
    const checked: string[] = [];
    for (const [key, { fields, acks }] of Object.entries(EVENT_IDS)) {
      const { ns, event } = EVENTS[key]!;
      if (ns === "inter-server") continue;
      for (const [field, kind] of Object.entries(fields)) {
        const payload = (id: string) => ({ ...base[event], ...(event === "message:send" ? { clientId: randomUUID() } : {}), [field]: field === "attachments" ? [id] : id });
        const send = async (id: string) => {
          const before = sam.log.length;
          const answer = ns === "/widget" ? await request(a, event, payload(id)) : acks ? await ack(sam, event, payload(id)) : await unanswered(sam, event, payload(id));
          // What the call pushed back to the caller counts too (ids replaced).
          const pushed = ns === "/" ? sam.log.slice(before).map((e) => e.event) : [];
          return JSON.stringify({ answer, pushed }).split(id).join("<id>");
        };
        const random = await send(randomUUID());
        expect(await send(hiddenOf[kind]), `${event} ${field} (${kind})`).toBe(random);
        checked.push(`${event}.${field}`);
      }
    }
    expect(checked).toEqual(expect.arrayContaining(["subscribe.customerId", "subscribe.conversationId", "subscribe.inboxId", "presence.view.customerId", "presence.view.conversationId", "article:view.articleId", "message:send.attachments"]));
    // Not blind: Sam's own conversation does subscribe.
    expect(await ack(sam, "subscribe", { conversationId: supportConv })).toEqual({ ok: true });
  });
});

describe("neither namespace answers the other's events", () => {
  it.each(widgetEvents.map((e) => e.event))("%s emitted by an agent on the console namespace is not answered and stores nothing", async (event) => {
    const sam = await agent("agent@throughline.test");
    const before = await t.prisma.message.count();
    expect(await unanswered(sam, event, { clientId: randomUUID(), text: "from the console namespace", typing: true, url: "https://x.example/" })).toBe("no answer");
    expect(await t.prisma.message.count()).toBe(before);
  });

  it.each(agentEvents.filter((e) => !widgetNames.has(e.event)).map((e) => e.event))("%s emitted by a visitor on /widget is not answered", async (event) => {
    const v = await visitor();
    expect(await unanswered(v.socket, event, { customerId: customer.id, conversationId: billingConv, inboxId: billingInbox, allInboxes: true })).toBe("no answer");
  });
});

