// The website widget's chat over the "/widget" socket.io namespace, against
// the real server (child process) on a seeded test database: messages are
// stored exactly once however often the widget resends them, history survives
// reconnects, a visitor can only ever see their own conversation, internal
// notes never reach a visitor, typing and read receipts flow both ways.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as connect, type Socket } from "socket.io-client";
import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "../../../helpers/db";
import { signIn, startAppServer, type AppServer, connected } from "../../../helpers/app-server";
import { collect, connectVisitor, nextEvent, request, TINY_PNG, type Visitor } from "../../../fixtures/widget/visitor";

let t: TestDatabase;
let app: AppServer;
let inboxId: string;
const open: { close: () => void }[] = [];

async function visitor(auth: Partial<Parameters<typeof connectVisitor>[1]> = {}): Promise<Visitor> {
  const v = await connectVisitor(app.url, { inbox: "demo-widget", ...auth });
  open.push(v);
  return v;
}

async function send(v: Visitor, text: string, clientId: string = randomUUID(), extra: Record<string, unknown> = {}) {
  return request(v, "message:send", { clientId, text, ...extra });
}

async function customerOfVisitor(visitorId: string) {
  const identity = await t.prisma.customerIdentity.findUnique({ where: { kind_value: { kind: "widget_visitor", value: visitorId } } });
  return identity?.customerId ?? null;
}

async function agentSocket(email = "admin@throughline.test"): Promise<Socket> {
  const { cookie } = await signIn(app.url, email);
  const socket = connect(app.url, { transports: ["websocket"], extraHeaders: { cookie }, forceNew: true });
  await connected(socket);
  open.push(socket);
  return socket;
}

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url });
  inboxId = (await t.prisma.inbox.findUniqueOrThrow({ where: { publicId: "demo-widget" } })).id;
});
afterAll(async () => {
  for (const s of open) s.close();
  const { disconnectDb } = await import("@/server/db");
  await disconnectDb();
  await app?.stop();
  await t?.drop();
});

describe("widget handshake", () => {
  it("issues a new visitor an id and a token that is the server's signature of it", async () => {
    const v = await visitor();
    expect(v.session.visitorId).toMatch(/^[0-9a-f]{32}$/);
    expect(v.session.visitorToken.length).toBeGreaterThan(20);
    expect(v.session.issued).toBe(true);
    expect(v.session.verified).toBe(false);
    expect(v.session.config.color).toMatch(/^#/);
    // The same visitor comes back with id + token: same id, not re-issued.
    const again = await visitor({ visitorId: v.session.visitorId, visitorToken: v.session.visitorToken });
    expect(again.session.visitorId).toBe(v.session.visitorId);
    expect(again.session.issued).toBe(false);
  });

  it("refuses an unknown inbox and a malformed handshake", async () => {
    await expect(connectVisitor(app.url, { inbox: "no-such-inbox" })).rejects.toThrow("unknown_inbox");
    await expect(connectVisitor(app.url, { inbox: "demo-widget", visitorId: "not-hex" })).rejects.toThrow("invalid_handshake");
  });
});

describe("sending messages", () => {
  it("acknowledges after commit and stores a message once when the widget resends it after a reconnect", async () => {
    const first = await visitor();
    const { visitorId, visitorToken } = first.session;
    const clientId = randomUUID();
    const a = await send(first, "Hello, is anyone there?", clientId);
    expect(a).toMatchObject({ ok: true, clientId, duplicate: false });
    expect(typeof a.id).toBe("string");
    // Acked means committed: the row is there now.
    const stored = await t.prisma.message.findUnique({ where: { id: a.id as string } });
    expect(stored).toMatchObject({ direction: "inbound", bodyText: "Hello, is anyone there?", inboxId });

    // The connection drops before the widget saw the ack; after reconnecting it resends.
    first.close();
    const second = await visitor({ visitorId, visitorToken });
    const b = await send(second, "Hello, is anyone there?", clientId);
    expect(b).toMatchObject({ ok: true, id: a.id, duplicate: true });
    // And a resend racing the first attempt (two tabs flushing one outbox) also stores once.
    const [c, d] = await Promise.all([send(second, "Twice at once", "race-" + clientId), send(second, "Twice at once", "race-" + clientId)]);
    expect(c.ok && d.ok).toBe(true);
    expect(c.id).toBe(d.id);

    const count = await t.prisma.message.count({ where: { inboxId, platformMessageId: `${visitorId}:${clientId}` } });
    expect(count).toBe(1);
    expect(await t.prisma.message.count({ where: { inboxId, platformMessageId: `${visitorId}:race-${clientId}` } })).toBe(1);
    const customerId = await customerOfVisitor(visitorId);
    expect(customerId).toBeTruthy();
    const events = await t.prisma.timelineEvent.count({ where: { customerId: customerId!, kind: "message", text: "Hello, is anyone there?" } });
    expect(events).toBe(1);
  });

  it("reloads the history after a reconnect, oldest first, paged", async () => {
    const v = await visitor();
    const texts = Array.from({ length: 7 }, (_, i) => `history message ${i + 1}`);
    for (const text of texts) expect((await send(v, text)).ok).toBe(true);
    v.close();
    const back = await visitor({ visitorId: v.session.visitorId, visitorToken: v.session.visitorToken });
    const page = await request(back, "history", {});
    expect(page.ok).toBe(true);
    const messages = page.messages as { text: string; from: string; status: string; clientId: string }[];
    expect(messages.map((m) => m.text)).toEqual(texts);
    expect(messages.every((m) => m.from === "visitor" && m.status === "delivered" && m.clientId)).toBe(true);
    expect(page.nextCursor).toBeNull();

    const p1 = await request(back, "history", { limit: 4 });
    expect((p1.messages as { text: string }[]).map((m) => m.text)).toEqual(texts.slice(3));
    const p2 = await request(back, "history", { limit: 4, before: p1.nextCursor });
    expect((p2.messages as { text: string }[]).map((m) => m.text)).toEqual(texts.slice(0, 3));
    expect(p2.nextCursor).toBeNull();
  });

  it("refuses invalid payloads and rate-limits a flood", async () => {
    const v = await visitor();
    expect(await request(v, "message:send", { clientId: "x", text: "hi" })).toMatchObject({ ok: false, error: "invalid_payload" });
    expect(await request(v, "message:send", { clientId: randomUUID(), text: "x".repeat(10_001) })).toMatchObject({ ok: false, error: "invalid_payload" });
    expect(await request(v, "message:send", { clientId: randomUUID(), text: "   " })).toMatchObject({ ok: false, error: "empty_message" });
    // Text PostgreSQL cannot store is the visitor's error (not "server_error", which the widget would resend for ever).
    expect(await request(v, "message:send", { clientId: randomUUID(), text: "hello\u0000there" })).toMatchObject({ ok: false, error: "invalid_payload" });
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => send(v, `flood ${i}`)));
    const limited = results.filter((r) => r.error === "rate_limited");
    expect(limited.length).toBeGreaterThanOrEqual(5);
    expect(limited[0]!.retryAfter).toBeGreaterThan(0);
    const stored = await t.prisma.message.count({ where: { inboxId, platformMessageId: { startsWith: `${v.session.visitorId}:` } } });
    expect(stored).toBeLessThanOrEqual(20);
  });
});

describe("isolation", () => {
  it("refuses a visitor id without its token, or with another visitor's token", async () => {
    const victim = await visitor();
    expect((await send(victim, "my private order number is 4711")).ok).toBe(true);
    const other = await visitor();
    await expect(connectVisitor(app.url, { inbox: "demo-widget", visitorId: victim.session.visitorId })).rejects.toThrow("invalid_visitor");
    await expect(connectVisitor(app.url, { inbox: "demo-widget", visitorId: victim.session.visitorId, visitorToken: other.session.visitorToken })).rejects.toThrow(
      "invalid_visitor",
    );
    await expect(connectVisitor(app.url, { inbox: "demo-widget", visitorId: victim.session.visitorId, visitorToken: "A".repeat(43) })).rejects.toThrow("invalid_visitor");
    // The other visitor's history and pushes never contain the victim's messages.
    const pushed = collect<{ text: string }>(other.socket, "message");
    expect((await send(victim, "another private message")).ok).toBe(true);
    const page = await request(other, "history", {});
    expect(page.messages).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(pushed.items).toEqual([]);
  });

  it("derives the conversation from the session only: client-supplied ids are refused or ignored", async () => {
    const victim = await visitor();
    const a = await send(victim, "victim text");
    const victimConv = (await t.prisma.message.findUniqueOrThrow({ where: { id: a.id as string } })).conversationId;
    const attacker = await visitor();
    // Extra keys naming someone else's conversation or customer change nothing.
    const r = await request(attacker, "message:send", { clientId: randomUUID(), text: "attacker text", conversationId: victimConv, customerId: "x" });
    expect(r.ok).toBe(true);
    const stored = await t.prisma.message.findUniqueOrThrow({ where: { id: r.id as string } });
    expect(stored.conversationId).not.toBe(victimConv);
    const h = await request(attacker, "history", { conversationId: victimConv });
    expect((h.messages as { text: string }[]).map((m) => m.text)).toEqual(["attacker text"]);
  });
});

describe("agent side", () => {
  it("shows agent messages in the history but never internal notes, and marks agent messages read", async () => {
    const v = await visitor();
    const a = await send(v, "I need help with billing");
    const msg = await t.prisma.message.findUniqueOrThrow({ where: { id: a.id as string }, include: { conversation: true } });
    const agent = await t.prisma.user.findUniqueOrThrow({ where: { email: "agent@throughline.test" } });
    // Written straight to the database (as the console would store them).
    const base = { conversationId: msg.conversationId, inboxId, authorId: agent.id, direction: "outbound" as const };
    const reply = await t.prisma.message.create({ data: { ...base, bodyText: "Happy to help! What is your invoice number?", deliveryStatus: "sent" } });
    await t.prisma.message.create({ data: { ...base, bodyText: "SECRET internal note: customer is a VIP", isNote: true } });

    const page = await request(v, "history", {});
    const texts = (page.messages as { text: string }[]).map((m) => m.text);
    expect(texts).toEqual(["I need help with billing", "Happy to help! What is your invoice number?"]);
    expect(JSON.stringify(page)).not.toContain("SECRET");
    expect(page.unread).toBe(1);
    const agentMsg = (page.messages as { from: string; agent: { name: string } }[])[1]!;
    expect(agentMsg.from).toBe("agent");
    expect(agentMsg.agent.name).toBe(agent.name.split(/\s+/)[0]);
    // Loading the history delivered it (the visitor has it now).
    await expect.poll(async () => (await t.prisma.message.findUniqueOrThrow({ where: { id: reply.id } })).deliveryStatus).toBe("delivered");

    const read = await request(v, "read", {});
    expect(read).toMatchObject({ ok: true, count: 1 });
    const after = await t.prisma.message.findUniqueOrThrow({ where: { id: reply.id } });
    expect(after.readAt).not.toBeNull();
    expect(after.deliveryStatus).toBe("read");
    expect((await request(v, "history", {})).unread).toBe(0);
  });

  it("tells agents looking at the customer that the visitor is typing, and the visitor when an agent types", async () => {
    const v = await visitor();
    expect((await send(v, "typing test")).ok).toBe(true);
    const customerId = (await customerOfVisitor(v.session.visitorId))!;
    const conversationId = (await t.prisma.conversation.findFirstOrThrow({ where: { customerId, inboxId } })).id;
    const agent = await agentSocket();
    expect(((await agent.emitWithAck("subscribe", { customerId })) as { ok: boolean }).ok).toBe(true);
    const typing = nextEvent<{ customerId: string; conversationId: string; typing: boolean }>(agent, "visitor.typing");
    expect((await request(v, "typing", { typing: true })).ok).toBe(true);
    expect(await typing).toMatchObject({ customerId, conversationId, typing: true, inboxId });

    const agentTyping = nextEvent<{ typing: boolean; agent: { name: string } }>(v.socket, "typing");
    agent.emit("typing", { conversationId, typing: true });
    expect(await agentTyping).toMatchObject({ typing: true, agent: { name: expect.any(String) } });
  });

  it("reports agents online to visitors (any agent socket connected)", async () => {
    const agent = await agentSocket("agent@throughline.test");
    const v = await visitor();
    expect(v.session.config.online).toBe(true);
    const res = await fetch(`${app.url}/api/widget/config?inbox=demo-widget`);
    expect(((await res.json()) as { online: boolean }).online).toBe(true);
    agent.close();
  });
});

describe("image attachments", () => {
  it("uploads an image in chunks over the socket and stores its bytes with the message", async () => {
    const v = await visitor();
    const uploadId = randomUUID().replace(/-/g, "");
    const meta = { uploadId, filename: "screenshot.png", contentType: "image/png", size: TINY_PNG.length };
    const half = Math.floor(TINY_PNG.length / 2);
    const r1 = await request(v, "attachment:chunk", { ...meta, offset: 0, data: TINY_PNG.subarray(0, half) });
    expect(r1).toMatchObject({ ok: true, received: half });
    // A chunk at the wrong offset is refused with where to resume.
    expect(await request(v, "attachment:chunk", { ...meta, offset: 1, data: TINY_PNG.subarray(1, 2) })).toMatchObject({ ok: false, error: "bad_offset", received: half });
    const r2 = await request(v, "attachment:chunk", { ...meta, offset: half, data: TINY_PNG.subarray(half) });
    expect(r2).toMatchObject({ ok: true, done: true });
    const attachmentId = r2.attachmentId as string;

    // Another visitor cannot use this upload.
    const other = await visitor();
    expect(await request(other, "message:send", { clientId: randomUUID(), text: "steal", attachments: [attachmentId] })).toMatchObject({ ok: false, error: "attachment_missing" });

    const clientId = randomUUID();
    const sent = await request(v, "message:send", { clientId, text: "", attachments: [attachmentId] });
    expect(sent.ok).toBe(true);
    const stored = await t.prisma.message.findUniqueOrThrow({ where: { id: sent.id as string }, include: { attachments: true } });
    expect(stored.attachments).toHaveLength(1);
    expect(stored.attachments[0]).toMatchObject({ filename: "screenshot.png", contentType: "image/png", size: TINY_PNG.length });
    expect(Buffer.from(stored.attachments[0]!.data!).equals(TINY_PNG)).toBe(true);
    // The staging row is gone; a resend of the same message is still stored once.
    expect(await t.prisma.attachment.count({ where: { id: attachmentId } })).toBe(0);
    expect(await request(v, "message:send", { clientId, text: "", attachments: [attachmentId] })).toMatchObject({ ok: true, id: sent.id, duplicate: true });

    // The history links the bytes with a signed URL that serves them.
    const page = await request(v, "history", {});
    const att = (page.messages as { attachments: { url: string }[] }[])[0]!.attachments[0]!;
    const img = await fetch(`${app.url}${att.url}`);
    expect(img.status).toBe(200);
    expect(img.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await img.arrayBuffer()).equals(TINY_PNG)).toBe(true);
    const forged = await fetch(`${app.url}${att.url.replace(/s=[^&]+/, "s=forged")}`);
    expect(forged.status).toBe(403);
  });

  it("refuses non-images, files posing as images and files over 5 MB", async () => {
    const v = await visitor();
    const base = { uploadId: randomUUID().replace(/-/g, ""), filename: "x", offset: 0 };
    expect(await request(v, "attachment:chunk", { ...base, contentType: "text/html", size: 5, data: Buffer.from("<b>x") })).toMatchObject({ ok: false, error: "unsupported_type" });
    expect(await request(v, "attachment:chunk", { ...base, contentType: "image/svg+xml", size: 5, data: Buffer.from("<svg>") })).toMatchObject({ ok: false, error: "unsupported_type" });
    const fake = Buffer.from("<script>alert(1)</script>");
    expect(await request(v, "attachment:chunk", { ...base, uploadId: randomUUID().replace(/-/g, ""), contentType: "image/png", size: fake.length, data: fake })).toMatchObject({
      ok: false,
      error: "unsupported_type",
    });
    expect(await request(v, "attachment:chunk", { ...base, contentType: "image/png", size: 5 * 1024 * 1024 + 1, data: TINY_PNG })).toMatchObject({ ok: false, error: "too_large" });
  });
});

describe("agent replies pushed live", () => {
  it("pushes an agent reply to the visitor through the outbox's chat sender, marks it delivered, and never pushes a note", async () => {
    // Replies are stored in this process as the console stores them (through
    // the single write path, queued in the outbox); the server's outbox
    // worker then "sends" them with the widget's chat sender, which pushes.
    process.env.DATABASE_URL = t.url;
    const { recordTouchpoint } = await import("@/server/ingest/record");
    const { enqueueOutbound } = await import("@/server/outbox/outbox");
    const { db } = await import("@/server/db");
    const v = await visitor();
    const other = await visitor();
    const a = await send(v, "please reply");
    const conv = (await t.prisma.message.findUniqueOrThrow({ where: { id: a.id as string } })).conversationId;
    const agent = await t.prisma.user.findUniqueOrThrow({ where: { email: "agent@throughline.test" } });
    const pushed = collect<{ id: string; text: string; from: string; agent: { name: string } }>(v.socket, "message");
    const leaked = collect<{ text: string }>(other.socket, "message");
    const store = async (text: string, note: boolean) => {
      const r = await recordTouchpoint({
        conversation: { id: conv, inboxId },
        channel: "chat",
        kind: note ? "note" : "message",
        actor: "agent",
        actorUserId: agent.id,
        text,
        message: { direction: "outbound", bodyText: text, authorId: agent.id, isNote: note, deliveryStatus: note ? "sent" : "queued" },
      });
      // Even a note wrongly queued for sending must not reach the visitor.
      await enqueueOutbound(db, { messageId: r.messageId!, channel: "chat" });
      return r.messageId!;
    };
    const noteId = await store("SECRET note: refund approved internally", true);
    const replyId = await store("Here is your answer", false);
    await expect.poll(() => pushed.items.map((m) => m.text), { timeout: 15_000 }).toContain("Here is your answer");
    const got = pushed.items.find((m) => m.text === "Here is your answer")!;
    expect(got).toMatchObject({ id: replyId, from: "agent", agent: { name: agent.name.split(/\s+/)[0] } });
    await expect.poll(async () => (await t.prisma.message.findUniqueOrThrow({ where: { id: replyId } })).deliveryStatus, { timeout: 15_000 }).toBe("delivered");
    await expect.poll(async () => (await t.prisma.outboxItem.findUniqueOrThrow({ where: { messageId: noteId } })).status, { timeout: 15_000 }).not.toBe("pending");
    expect(pushed.items.map((m) => m.text)).not.toContain("SECRET note: refund approved internally");
    expect(JSON.stringify((await request(v, "history", {})).messages)).not.toContain("SECRET");
    expect(leaked.items).toEqual([]);
  });
});
