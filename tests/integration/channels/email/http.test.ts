// Email over HTTP and attachment downloads through the real server (seeded
// demo data: the email inboxes support@ and billing@throughline.test share the
// DEMO_INBOX_TOKEN; the demo agent is in Support and cannot see Billing's
// inbox). Also: the running server's outbox worker sends a reply through the
// relay given as SMTP_RELAY_URL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import nodemailer from "nodemailer";
import { useTestDatabase, type TestDatabase } from "../../../helpers/db";
import { signIn, startAppServer, TEST_SECRETS, type AppServer } from "../../../helpers/app-server";
import { startSmtpSink, type SmtpSink } from "../../../fixtures/email/smtp-sink";

const MAX = 300_000;
let t: TestDatabase;
let app: AppServer;
let sink: SmtpSink;

beforeAll(async () => {
  t = await useTestDatabase();
  sink = await startSmtpSink();
  app = await startAppServer({ databaseUrl: t.url, env: { EMAIL_MAX_BYTES: String(MAX), SMTP_RELAY_URL: sink.url } });
});

afterAll(async () => {
  await app?.stop();
  await sink?.stop();
  await t?.drop();
});

const fixture = (name: string, replace: [string, string][] = []) => {
  let text = readFileSync(path.join(import.meta.dirname, "../../../fixtures/email", name)).toString("latin1");
  for (const [a, b] of replace) text = text.replace(a, b);
  return Buffer.from(text, "latin1");
};

function post(body: Buffer | string, token = TEST_SECRETS.DEMO_INBOX_TOKEN) {
  return fetch(`${app.url}/api/inbound/email`, {
    method: "POST",
    headers: { "content-type": "message/rfc822", authorization: `Bearer ${token}` },
    body: typeof body === "string" ? body : new Uint8Array(body),
  });
}

type Accepted = { id: string; eventId: string; conversationId: string; customerId: string; duplicate: boolean };

describe("POST /api/inbound/email", () => {
  it("401 with a wrong token, nothing stored", async () => {
    const res = await post(fixture("plain.eml", [["<plain-1@", "<http-401@"]]), "definitely-not-the-token");
    expect(res.status).toBe(401);
    expect(await t.prisma.message.count({ where: { platformMessageId: "<http-401@customer.test>" } })).toBe(0);
  });

  it("202 stored, and the same message again is a duplicate stored once", async () => {
    const raw = fixture("html-attachment.eml", [["<html-1@", "<http-1@"]]);
    const res = await post(raw);
    expect(res.status).toBe(202);
    const first = (await res.json()) as Accepted;
    expect(first.duplicate).toBe(false);
    const m = await t.prisma.message.findUniqueOrThrow({ where: { id: first.id }, include: { inbox: true } });
    expect(m.inbox.publicId).toBe("support@throughline.test");
    const again = await post(raw);
    expect(again.status).toBe(202);
    expect((await again.json()) as Accepted).toMatchObject({ id: first.id, conversationId: first.conversationId, duplicate: true });
    expect(await t.prisma.message.count({ where: { platformMessageId: "<http-1@customer.test>" } })).toBe(1);
  });

  it("files mail for billing@ in the Billing inbox (same token, picked by recipient)", async () => {
    const raw = fixture("html-attachment.eml", [["<html-1@", "<http-billing@"], ["To: support@throughline.test", "To: billing@throughline.test"]]);
    const res = await post(raw);
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as Accepted;
    expect((await t.prisma.message.findUniqueOrThrow({ where: { id }, include: { inbox: true } })).inbox.publicId).toBe("billing@throughline.test");
  });

  it("413 over EMAIL_MAX_BYTES", async () => {
    const res = await post(`From: a@x.test\r\nSubject: big\r\n\r\n${"y".repeat(MAX + 1)}`);
    expect(res.status).toBe(413);
  });
});

describe("GET /api/attachments/:id", () => {
  async function attachmentOf(mid: string, filename: string) {
    const m = await t.prisma.message.findFirstOrThrow({ where: { platformMessageId: mid }, include: { attachments: true } });
    return m.attachments.find((a) => a.filename === filename)!.id;
  }

  it("401 without a session", async () => {
    const id = await attachmentOf("<http-1@customer.test>", "invoice-42.pdf");
    const res = await fetch(`${app.url}/api/attachments/${id}`);
    expect(res.status).toBe(401);
  });

  it("404 for an agent whose teams cannot see the inbox", async () => {
    const id = await attachmentOf("<http-billing@customer.test>", "invoice-42.pdf");
    const agent = await signIn(app.url, "agent@throughline.test");
    expect(agent.ok).toBe(true);
    expect((await fetch(`${app.url}/api/attachments/${id}`, { headers: { cookie: agent.cookie } })).status).toBe(404);
    const billing = await signIn(app.url, "mateo.fernandez@throughline.test");
    expect((await fetch(`${app.url}/api/attachments/${id}`, { headers: { cookie: billing.cookie } })).status).toBe(200);
  });

  it("serves the bytes to an authorized agent with nosniff, sandbox and attachment disposition", async () => {
    const id = await attachmentOf("<http-1@customer.test>", "invoice-42.pdf");
    const agent = await signIn(app.url, "agent@throughline.test");
    const res = await fetch(`${app.url}/api/attachments/${id}`, { headers: { cookie: agent.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toBe("sandbox");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; .*filename\*=UTF-8''invoice-42\.pdf$/);
    expect(Buffer.from(await res.arrayBuffer()).toString().startsWith("%PDF-1.4")).toBe(true);
  });
});

describe("the running server's outbox", () => {
  it("sends an agent's reply through SMTP_RELAY_URL with the thread's headers", async () => {
    // In by SMTP this time, to the server's own SMTP port.
    const raw = fixture("plain.eml", [["<plain-1@", "<http-thread@"], ["Subject: Cannot log in", "Subject: Export stuck"]]);
    const smtp = nodemailer.createTransport({ host: "127.0.0.1", port: app.smtpPort, secure: false, ignoreTLS: true });
    await smtp.sendMail({ envelope: { from: "ann@customer.test", to: ["support@throughline.test"] }, raw });
    const inbound = await t.prisma.message.findFirstOrThrow({ where: { platformMessageId: "<http-thread@customer.test>" } });
    const { sendReply } = await import("@/server/conversations/reply");
    const agent = await t.prisma.user.findUniqueOrThrow({ where: { email: "agent@throughline.test" } });
    const before = sink.messages.length;
    // Stored by this process; the server's worker (polling) sends it.
    const reply = await sendReply({ conversationId: inbound.conversationId, authorId: agent.id, bodyText: "Your export is running again." });
    const accepted = { conversationId: inbound.conversationId };
    const got = await sink.waitFor(before + 1, 20_000);
    const mail = got.find((m) => m.parsed.text?.includes("Your export is running again."))!;
    const conv = await t.prisma.conversation.findUniqueOrThrow({ where: { id: accepted.conversationId } });
    expect(mail.parsed.subject).toBe(`Re: Export stuck [#${conv.number}]`);
    expect(mail.parsed.inReplyTo).toBe("<http-thread@customer.test>");
    expect(mail.rcptTo).toEqual(["ann@customer.test"]);
    const stored = await t.prisma.message.findUniqueOrThrow({ where: { id: reply.messageId } });
    expect(mail.parsed.messageId).toBe(stored.platformMessageId);
    for (let i = 0; i < 50 && (await t.prisma.message.findUniqueOrThrow({ where: { id: reply.messageId } })).deliveryStatus !== "sent"; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await t.prisma.message.findUniqueOrThrow({ where: { id: reply.messageId } })).deliveryStatus).toBe("sent");
  });
});
