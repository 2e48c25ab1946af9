// Settings → Webhooks in headless Chromium: an admin subscribes a local
// receiver, copies the secret shown once, sends a test event and sees it
// delivered in the log; a customer's chat message then reaches the receiver
// signed with that secret; a failing receiver's delivery is shown with its
// answer and replayed. axe-core checks the page; it is screenshotted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { Webhook } from "standardwebhooks";
import type { Browser, Page } from "playwright-core";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/app-server";
import { launchBrowser, SCREENSHOT_DIR, seriousAxeViolations, signInInBrowser } from "../helpers/browser";

type Hit = { headers: http.IncomingHttpHeaders; body: string };

let t: TestDatabase;
let app: AppServer;
let browser: Browser;
let admin: Page;
let receiver: http.Server;
let receiverUrl: string;
let answer = 200;
const hits: Hit[] = [];

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      hits.push({ headers: req.headers, body });
      res.writeHead(answer).end(answer >= 400 ? "maintenance" : "ok");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/throughline`;
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url, env: { OUTBOUND_ALLOWLIST: "127.0.0.1" } });
  browser = await launchBrowser();
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  admin = await ctx.newPage();
  admin.on("dialog", (d) => void d.accept());
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await t?.drop();
  await new Promise<void>((r) => receiver?.close(() => r()));
});

const bodies = () => hits.map((h) => JSON.parse(h.body) as { id: string; type: string; data: Record<string, unknown> });

describe("settings: webhooks", () => {
  it("an admin subscribes a receiver, sends a test event and sees it delivered; customer messages arrive signed", async () => {
    await signInInBrowser(admin, app.url, "admin@throughline.test");
    await admin.goto(`${app.url}/settings/webhooks`);
    await admin.getByText("No webhook endpoints yet").waitFor();

    await admin.getByRole("button", { name: "New endpoint" }).click();
    const form = admin.getByRole("form", { name: "Create endpoint" });
    await form.getByLabel("URL").fill("ftp://example.com/hooks");
    await form.getByRole("checkbox", { name: /message\.created/ }).check();
    await form.getByRole("checkbox", { name: /conversation\.created/ }).check();
    // The browser's own URL check lets ftp:// through type=url; the server refuses it with a clear message.
    await form.getByRole("button", { name: "Create endpoint" }).click();
    await expect.poll(() => form.getByRole("alert").textContent()).toMatch(/full http:\/\/ or https:\/\/ URL/);

    await form.getByLabel("URL").fill(receiverUrl);
    await form.getByLabel("Description (optional)").fill("CRM sync");
    await form.getByRole("button", { name: "Create endpoint" }).click();
    const secretBox = admin.getByTestId("webhook-secret");
    await secretBox.waitFor();
    const secret = await secretBox.getByLabel("Signing secret").inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    await secretBox.getByRole("button", { name: "Done" }).click();

    const table = admin.getByTestId("webhook-table");
    await expect.poll(() => table.textContent()).toContain(receiverUrl);
    expect(await table.textContent()).toContain("CRM sync");

    await admin.getByRole("button", { name: `Send test event to ${receiverUrl}` }).click();
    const log = admin.getByTestId("webhook-deliveries");
    await expect.poll(() => log.textContent(), { timeout: 15_000 }).toMatch(/ping.*delivered/s);
    expect(bodies().map((b) => b.type)).toEqual(["ping"]);
    expect(await seriousAxeViolations(admin, "settings-webhooks")).toEqual([]);
    await admin.screenshot({ path: path.join(SCREENSHOT_DIR, "settings-webhooks-1440.png"), fullPage: true });

    // A customer emails the seeded support inbox through the app's own SMTP server: a new conversation with its first message.
    const { createTransport } = await import("nodemailer");
    const inbox = await t.prisma.inbox.findFirstOrThrow({ where: { channel: "email" }, select: { publicId: true } });
    await createTransport({ host: "127.0.0.1", port: app.smtpPort, secure: false, ignoreTLS: true }).sendMail({
      from: "Grace Hopper <grace.hopper@customer.test>",
      to: inbox.publicId,
      subject: "Invoice question",
      text: "Why was I charged twice?",
    });
    // (Seeded automation may answer it too: an outbound message.created after the inbound one.)
    const inbound = () => bodies().find((b) => b.type === "message.created" && (b.data.message as { direction: string }).direction === "inbound");
    await expect.poll(() => !!inbound(), { timeout: 20_000 }).toBe(true);
    const types = bodies().map((b) => b.type);
    expect(types.slice(0, 3)).toEqual(["ping", "conversation.created", "message.created"]);
    const wh = new Webhook(secret);
    for (const h of hits) {
      expect(() => wh.verify(h.body, { "webhook-id": String(h.headers["webhook-id"]), "webhook-timestamp": String(h.headers["webhook-timestamp"]), "webhook-signature": String(h.headers["webhook-signature"]) })).not.toThrow();
    }
    const message = inbound()!.data as { message: { text: string; direction: string; channel: string }; customer: { email: string } };
    expect(message.message).toMatchObject({ direction: "inbound", channel: "email" });
    expect(message.message.text).toContain("Why was I charged twice?");
    expect(message.customer.email).toBe("grace.hopper@customer.test");
  });

  it("shows a failed attempt with the receiver's answer, and replays a delivery with the same event id", async () => {
    answer = 503;
    const before = hits.length;
    await admin.getByRole("button", { name: `Send test event to ${receiverUrl}` }).click();
    const log = admin.getByTestId("webhook-deliveries");
    await expect.poll(() => log.textContent(), { timeout: 15_000 }).toContain("HTTP 503: maintenance");
    expect(hits.length).toBeGreaterThan(before);
    answer = 200;

    const firstPing = bodies()[0]!;
    await admin.getByRole("button", { name: `Replay ping ${firstPing.id}` }).click();
    await expect.poll(() => bodies().filter((b) => b.id === firstPing.id).length, { timeout: 15_000 }).toBe(2);
    // The endpoint table shows the last day's outcomes.
    await admin.reload();
    await expect.poll(() => admin.getByTestId("webhook-table").textContent()).toMatch(/24 h: \d+ delivered/);
  });
});

