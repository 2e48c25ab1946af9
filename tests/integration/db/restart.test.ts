// PostgreSQL restarted while chats, emails, webhooks and API events arrive.
// The app runs on its own embedded PostgreSQL (not the suite's shared one),
// which the test stops and starts again under it. While it is down: SMTP
// answers 451 (the sender retries), webhooks and the events API answer 503
// (platforms retry), the widget gets a server_error ack (it resends), health
// says 503 — and the process stays up. After the restart every retried
// message is stored exactly once, and what was acknowledged before survived.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import nodemailer from "nodemailer";
import { io as connect } from "socket.io-client";
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedDatabase } from "../../../src/server/db/embedded";
import { createPrisma, type PrismaClient } from "../../../src/server/db";
import { signIn, startAppServer, TEST_SECRETS, type AppServer } from "../../helpers/app-server";
import { connectVisitor, request, type Visitor } from "../../fixtures/widget/visitor";
import { fixture } from "../../fixtures/social/load";

let dir: string;
let pg: EmbeddedDatabase;
let app: AppServer;
let prisma: PrismaClient;
let visitor: Visitor;

const health = async () => (await fetch(`${app.url}/api/health`)).status;

function mail(messageId: string, text: string) {
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port: app.smtpPort, secure: false, ignoreTLS: true });
  return transport
    .sendMail({ from: "Ravi Patel <ravi@customer.test>", to: "support@throughline.test", subject: "Invoice question", text, messageId })
    .then(() => 250)
    .catch((error: { responseCode?: number }) => error.responseCode ?? 0);
}

function telegram(updateId: number, messageId: number, text: string) {
  const update = fixture("telegram-text");
  update.update_id = updateId;
  update.message.message_id = messageId;
  update.message.text = text;
  return fetch(`${app.url}/api/webhooks/telegram`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": TEST_SECRETS.TELEGRAM_WEBHOOK_SECRET },
    body: JSON.stringify(update),
  }).then((r) => r.status);
}

function event(key: string) {
  return fetch(`${app.url}/api/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_SECRETS.DEMO_API_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ customer: { email: "ravi@customer.test" }, name: "purchase", properties: { plan: "pro" }, idempotencyKey: key }),
  }).then((r) => r.status);
}

const chat = (clientId: string, text: string) => request(visitor, "message:send", { clientId, text }, 20_000);

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "throughline-restart-"));
  // Persistent: the data must outlive the stop.
  pg = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg") });
  await ensureDatabase(pg, "throughline");
  const url = pg.url("throughline");
  app = await startAppServer({ databaseUrl: url });
  prisma = createPrisma(url, 2);
  visitor = await connectVisitor(app.url, { inbox: "demo-widget" });
});
afterAll(async () => {
  visitor?.close();
  await prisma?.$disconnect();
  await app?.stop();
  await pg?.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe("PostgreSQL restarted under load", () => {
  it("refuses with retryable answers while it is down and stores every retry exactly once after", async () => {
    // Acknowledged before the outage.
    const before = await chat(randomUUID(), "Before the restart");
    expect(before.ok).toBe(true);
    expect(await mail("<restart-0@customer.test>", "Sent before the restart")).toBe(250);
    expect(await telegram(900000001, 9001, "Telegram before the restart")).toBe(200);

    const agent = await signIn(app.url, "agent@throughline.test");
    const unread = () => fetch(`${app.url}/api/trpc/notification.unreadCount`, { headers: { cookie: agent.cookie } });
    expect((await unread()).status).toBe(200);

    await pg.stop();
    await expect.poll(health, { timeout: 15_000 }).toBe(503);

    // Down: every channel answers so that its sender retries, and nothing is half-done.
    const chatId = randomUUID();
    const down = await chat(chatId, "Sent while the database restarts");
    expect(down).toMatchObject({ ok: false, error: "server_error" });
    expect(await mail("<restart-1@customer.test>", "Sent while the database restarts")).toBe(451);
    expect(await telegram(900000002, 9002, "Telegram while the database restarts")).toBe(503);
    expect(await event("restart-purchase-1")).toBe(503);
    // A console socket is told "unavailable" (retry), not "unauthorized" (sign in again).
    const socket = connect(app.url, { transports: ["websocket"], extraHeaders: { cookie: agent.cookie }, forceNew: true, reconnection: false });
    const refusal = await new Promise<string>((resolve) => {
      socket.once("connect", () => resolve("connected"));
      socket.once("connect_error", (e) => resolve(e.message));
    });
    socket.close();
    expect(refusal).toBe("unavailable");
    // The console is told to retry, not shown an internal error.
    const consoleAnswer = await unread();
    expect(consoleAnswer.status).toBe(503);
    expect(JSON.stringify(await consoleAnswer.json())).toMatch(/SERVICE_UNAVAILABLE.*|briefly unavailable/);
    expect(app.child.exitCode).toBeNull();
    expect(visitor.socket.connected).toBe(true);

    await pg.instance.start();
    await expect.poll(health, { timeout: 30_000 }).toBe(200);

    // Senders retry — twice each, as platforms do when an answer is lost.
    const retried = [await chat(chatId, "Sent while the database restarts"), await chat(chatId, "Sent while the database restarts")];
    expect(retried.every((r) => r.ok)).toBe(true);
    expect(retried[1]!.id).toBe(retried[0]!.id);
    expect(retried[1]!.duplicate).toBe(true);
    expect([await mail("<restart-1@customer.test>", "Sent while the database restarts"), await mail("<restart-1@customer.test>", "Sent while the database restarts")]).toEqual([250, 250]);
    expect([await telegram(900000002, 9002, "Telegram while the database restarts"), await telegram(900000002, 9002, "Telegram while the database restarts")]).toEqual([200, 200]);
    expect([await event("restart-purchase-1"), await event("restart-purchase-1")]).toEqual([202, 202]);

    // Exactly once each, and the acknowledged messages from before survived.
    const count = (platformMessageId: string) => prisma.message.count({ where: { platformMessageId } });
    expect(await count(`${visitor.session.visitorId}:${chatId}`)).toBe(1);
    expect(await prisma.message.count({ where: { id: before.id as string } })).toBe(1);
    expect(await count("<restart-0@customer.test>")).toBe(1);
    expect(await count("<restart-1@customer.test>")).toBe(1);
    expect(await count("5000000001:9001")).toBe(1);
    expect(await count("5000000001:9002")).toBe(1);
    const purchases = await prisma.timelineEvent.count({ where: { dedupeKey: { endsWith: ":restart-purchase-1" } } });
    expect(purchases).toBe(1);
    // Each stored message has its timeline event (no message without its touchpoint).
    const messages = await prisma.message.findMany({ where: { platformMessageId: { in: [`${visitor.session.visitorId}:${chatId}`, "<restart-1@customer.test>", "5000000001:9002"] } }, select: { id: true } });
    expect(await prisma.timelineEvent.count({ where: { messageId: { in: messages.map((m) => m.id) } } })).toBe(3);
  });
});
