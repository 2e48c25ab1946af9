// The website widget as a visitor meets it: embedded with one <script> tag on
// a page of ANOTHER origin whose CSS is hostile (`* { all: unset; font-size:
// 40px !important }`), in headless Chromium. The visitor fills the pre-chat
// form, gets help-center suggestions, reads an article, chats (with an
// image); an agent watching the customer in the console sees the messages
// arrive live; a reload keeps the conversation; a forged identity hash is
// refused; with no agent online the widget offers email follow-up.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { io as connectSocket } from "socket.io-client";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { signIn, startAppServer, TEST_SECRETS, type AppServer } from "../helpers/app-server";
import { launchBrowser, SCREENSHOT_DIR, settled, signedInContext } from "../helpers/browser";
import { freePort } from "../../src/server/db/embedded.ts";
import { userHash } from "../fixtures/widget/visitor";

let t: TestDatabase;
let app: AppServer;
let browser: Browser;
let host: http.Server;
let hostUrl: string;

function hostPage(settings?: Record<string, string>) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Shop — Pricing</title>
<style>
  * { all: unset; font-size: 40px !important; color: #b91c1c !important; font-family: "Comic Sans MS", cursive !important; }
  head { display: none !important; }
  div { display: block; position: relative; z-index: 99999; transform: rotate(0.5deg); }
  button, textarea, input { background: yellow !important; border: 5px dashed red !important; }
  body { display: block; background: repeating-linear-gradient(45deg, #fde68a, #fde68a 20px, #fef3c7 20px, #fef3c7 40px) !important; min-height: 100vh; padding: 24px; }
  h1 { display: block; }
  p { display: block; margin-top: 16px; }
</style>
${settings ? `<script>window.ThroughlineSettings = ${JSON.stringify(settings)};</script>` : ""}
</head><body>
<div><h1>Acme Shop</h1><p>Plans from $29 a month. This page's CSS is deliberately hostile.</p></div>
<script src="${app.url}/widget.js" data-inbox="demo-widget" async></script>
</body></html>`;
}

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url });
  browser = await launchBrowser();
  // Another origin: a tiny host site on its own port.
  const port = await freePort();
  host = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    let body: string;
    if (url.pathname === "/forged") body = hostPage({ email: "ceo@acme.test", name: "Mallory", userHash: userHash("ceo@acme.test", "guessed-secret") });
    else if (url.pathname === "/signed") body = hostPage({ email: url.searchParams.get("email")!, userHash: userHash(url.searchParams.get("email")!, TEST_SECRETS.WIDGET_IDENTITY_SECRET) });
    else body = hostPage();
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(body);
  });
  await new Promise<void>((resolve) => host.listen(port, "127.0.0.1", resolve));
  hostUrl = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => host?.close(r));
  const { disconnectDb } = await import("@/server/db");
  await disconnectDb();
  await app?.stop();
  await t?.drop();
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOT_DIR, `widget-${name}.png`), animations: "disabled" });

/** A small "screenshot of an error" drawn by the browser itself (PNG bytes). */
async function errorScreenshotPng(page: Page): Promise<Buffer> {
  const dataUrl = await page.evaluate(() => {
    const c = document.createElement("canvas");
    c.width = 320;
    c.height = 180;
    const g = c.getContext("2d")!;
    g.fillStyle = "#0f172a";
    g.fillRect(0, 0, 320, 180);
    g.fillStyle = "#1e293b";
    g.fillRect(0, 0, 320, 28);
    for (const [i, col] of ["#ef4444", "#f59e0b", "#22c55e"].entries()) {
      g.fillStyle = col;
      g.beginPath();
      g.arc(16 + i * 16, 14, 5, 0, Math.PI * 2);
      g.fill();
    }
    g.font = "13px monospace";
    g.fillStyle = "#f87171";
    g.fillText("Build failed: exit code 1", 14, 58);
    g.fillStyle = "#cbd5e1";
    g.fillText("npm ERR! missing script: build", 14, 84);
    g.fillText("  at /app/package.json", 14, 106);
    g.fillStyle = "#94a3b8";
    g.fillText("Deploy #412 · main · 3f9c2e1", 14, 150);
    return c.toDataURL("image/png");
  });
  return Buffer.from(dataUrl.split(",")[1]!, "base64");
}
const widget = (page: Page) => page.locator("#throughline-widget");

function agentContext(): Promise<BrowserContext> {
  return signedInContext(browser, app.url, "agent@throughline.test", { viewport: { width: 1280, height: 860 } });
}

async function visitorIdOf(page: Page): Promise<string> {
  const raw = await page.evaluate(() => localStorage.getItem("throughline:demo-widget:a:visitor"));
  return (JSON.parse(raw!) as { id: string }).id;
}

describe("the widget on another website", () => {
  it("lets a visitor chat while an agent watches live, and keeps the conversation across a reload", async () => {
    // The agent is signed in with the console open: agents are online.
    const agentCtx = await agentContext();
    const agent = await agentCtx.newPage();
    await agent.goto(`${app.url}/inbox`);

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(hostUrl);
    const launcher = widget(page).getByRole("button", { name: /open chat/i });
    await launcher.waitFor();
    // Host CSS cannot reach into the widget: the launcher keeps its own size and colour.
    const box = await launcher.boundingBox();
    expect(box!.width).toBeGreaterThan(50);
    expect(box!.width).toBeLessThan(70);
    expect(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(79, 70, 229)");
    await shot(page, "closed");

    await launcher.click();
    const dialog = widget(page).getByRole("dialog");
    await dialog.waitFor();
    // Pre-chat form (the demo inbox asks for it when the page gives no identity).
    await dialog.getByLabel("Name").fill("Robin Visitor");
    await dialog.getByLabel("Email").fill("robin.visitor@example.test");
    await shot(page, "prechat");
    await dialog.getByRole("button", { name: "Start the chat" }).click();

    // Typing the first message suggests help-center articles.
    const message = dialog.getByLabel("Message", { exact: true });
    await message.fill("How do I deploy my app from GitHub?");
    const suggestions = dialog.getByRole("list", { name: "Suggested articles" }).getByRole("button");
    await expect.poll(() => suggestions.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await suggestions.count()).toBeLessThanOrEqual(3);
    await shot(page, "suggestions");
    const title = (await suggestions.first().locator("b").textContent())!;
    await suggestions.first().click();
    const reader = dialog.getByRole("document", { name: "Help article" });
    await expect.poll(() => reader.getByRole("heading", { level: 2 }).textContent()).toBe(title);
    await expect.poll(() => reader.locator(".md").textContent()).not.toMatch(/Loading/);
    await shot(page, "article");
    await reader.getByRole("button", { name: "Chat with us" }).click();
    await expect.poll(() => dialog.getByText(`About: ${title}`).count()).toBeGreaterThan(0);

    // Enter sends; the message is delivered (acknowledged after commit).
    await message.fill("I read the article but the build still fails.");
    await message.press("Enter");
    const log = dialog.getByRole("log");
    await expect.poll(() => log.textContent()).toContain("I read the article but the build still fails.");
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toContain("Delivered");
    // The host's `font-size: 40px !important` did not leak in.
    const bubble = log.locator(".bubble").last();
    expect(await bubble.evaluate((el) => getComputedStyle(el).fontSize)).toBe("14px");
    expect(await bubble.evaluate((el) => getComputedStyle(el).fontFamily)).not.toContain("Comic");

    // The agent opens the customer: the chat, the article view and the page view are on the timeline.
    const visitorId = await visitorIdOf(page);
    const identity = await t.prisma.customerIdentity.findUniqueOrThrow({ where: { kind_value: { kind: "widget_visitor", value: visitorId } } });
    const customer = await t.prisma.customer.findUniqueOrThrow({ where: { id: identity.customerId } });
    expect(customer.name).toBe("Robin Visitor");
    await agent.goto(`${app.url}/customers/${identity.customerId}`);
    const timeline = agent.getByTestId("timeline");
    await timeline.waitFor();
    await expect.poll(() => timeline.textContent(), { timeout: 15_000 }).toContain("I read the article but the build still fails.");
    expect(await timeline.textContent()).toContain(title);
    await expect.poll(async () => (await t.prisma.timelineEvent.count({ where: { customerId: identity.customerId, name: "page_view" } })) > 0).toBe(true);
    const msgRow = await t.prisma.message.findFirstOrThrow({ where: { bodyText: "I read the article but the build still fails." } });
    expect(msgRow.meta).toMatchObject({ context: { title } });

    // The agent starts typing: the visitor sees it live.
    const { cookie } = await signIn(app.url, "agent@throughline.test");
    const agentSocket = connectSocket(app.url, { transports: ["websocket"], extraHeaders: { cookie }, forceNew: true });
    await new Promise<void>((resolve) => agentSocket.once("connect", () => resolve()));
    agentSocket.emit("typing", { conversationId: msgRow.conversationId, typing: true });
    await expect.poll(() => dialog.getByText(/is typing/).count(), { timeout: 10_000 }).toBe(1);
    await shot(page, "agent-typing");
    agentSocket.emit("typing", { conversationId: msgRow.conversationId, typing: false });
    await expect.poll(() => dialog.getByText(/is typing/).isVisible()).toBe(false);
    agentSocket.close();

    // A new message (with an image) reaches the agent live, without a reload.
    await page.bringToFront();
    await widget(page).locator('input[type="file"]').setInputFiles({ name: "error.png", mimeType: "image/png", buffer: await errorScreenshotPng(page) });
    await expect.poll(() => dialog.getByText(/error\.png/).count()).toBeGreaterThan(0);
    await message.fill("Here is a screenshot of the error.");
    await dialog.getByRole("button", { name: "Send message" }).click();
    await expect.poll(() => timeline.textContent(), { timeout: 15_000 }).toContain("Here is a screenshot of the error.");
    const img = log.locator("img").last();
    await expect.poll(() => img.getAttribute("src"), { timeout: 10_000 }).toContain("/api/widget/attachments/");
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(320);
    await agent.screenshot({ path: path.join(SCREENSHOT_DIR, "widget-agent-live.png") });
    await shot(page, "chat");

    // Keyboard: Esc closes and gives focus back to the launcher.
    await message.focus();
    await page.keyboard.press("Escape");
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await widget(page).evaluate((el) => el.shadowRoot!.activeElement?.getAttribute("aria-label"))).toMatch(/open chat/i);

    // While the panel is closed an agent answers. Stored as the console stores
    // replies (single write path + outbox); the server's outbox worker sends it
    // with the widget's chat sender, which pushes it to the visitor live.
    process.env.DATABASE_URL = t.url;
    const { recordTouchpoint } = await import("@/server/ingest/record");
    const { enqueueOutbound } = await import("@/server/outbox/outbox");
    const { db } = await import("@/server/db");
    const sam = await t.prisma.user.findUniqueOrThrow({ where: { email: "agent@throughline.test" } });
    const agentWrites = async (text: string, note: boolean) => {
      const r = await recordTouchpoint({
        conversation: { id: msgRow.conversationId, inboxId: msgRow.inboxId },
        channel: "chat",
        kind: note ? "note" : "message",
        actor: "agent",
        actorUserId: sam.id,
        text,
        message: { direction: "outbound", bodyText: text, authorId: sam.id, isNote: note, deliveryStatus: note ? "sent" : "queued" },
      });
      if (!note) await enqueueOutbound(db, { messageId: r.messageId!, channel: "chat" });
      return r.messageId!;
    };
    await agentWrites("SECRET: customer is on the Pro trial", true);
    const replyId = await agentWrites('Thanks Robin! Your package.json has no build script. Add one, e.g. "build": "next build", and push again.', false);
    const unreadLauncher = widget(page).getByRole("button", { name: /open chat, 1 unread message/i });
    await unreadLauncher.waitFor({ timeout: 15_000 });
    // The tab title flashes while the chat is closed.
    await expect.poll(() => page.title(), { timeout: 5_000 }).toMatch(/^\(1\) Sam/);
    await expect.poll(async () => (await t.prisma.message.findUniqueOrThrow({ where: { id: replyId } })).deliveryStatus, { timeout: 10_000 }).toBe("delivered");
    await shot(page, "unread");
    const reply = { id: replyId };

    // Reload: the conversation comes back from the server, still unread.
    await page.reload();
    await unreadLauncher.waitFor({ timeout: 15_000 });
    expect(await page.title()).toBe("Acme Shop — Pricing");
    await unreadLauncher.click();
    const log2 = widget(page).getByRole("log");
    await expect.poll(() => log2.textContent(), { timeout: 15_000 }).toContain("I read the article but the build still fails.");
    expect(await log2.textContent()).toContain("Here is a screenshot of the error.");
    expect(await log2.textContent()).toContain("Your package.json has no build script.");
    expect(await log2.textContent()).not.toContain("SECRET");
    expect(await widget(page).getByRole("heading", { level: 2 }).first().textContent()).toBe(sam.name.split(" ")[0]);
    await expect.poll(async () => (await t.prisma.message.findUniqueOrThrow({ where: { id: reply.id } })).readAt).not.toBeNull();
    expect(await visitorIdOf(page)).toBe(visitorId);
    // The pre-chat form is not asked again.
    expect(await widget(page).getByRole("button", { name: "Start the chat" }).count()).toBe(0);
    await shot(page, "after-reload");

    // Mobile: the panel takes the whole screen.
    await page.setViewportSize({ width: 390, height: 844 });
    const panel = await widget(page).getByRole("dialog").boundingBox();
    expect(panel).toMatchObject({ x: 0, y: 0, width: 390, height: 844 });
    await shot(page, "mobile");

    expect(errors).toEqual([]);
    await ctx.close();
    await agentCtx.close();
  });

  it("after Throughline.shutdown() (a sign-out), a reload starts a fresh visitor who can chat", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(hostUrl);
    await widget(page).getByRole("button", { name: /open chat/i }).waitFor();
    await expect.poll(() => page.evaluate(() => localStorage.getItem("throughline:demo-widget:a:visitor")), { timeout: 15_000 }).not.toBeNull();
    const before = await visitorIdOf(page);
    await page.evaluate(() => (window as unknown as { Throughline: { shutdown(): void } }).Throughline.shutdown());
    await page.reload();
    await widget(page).getByRole("button", { name: /open chat/i }).click();
    const dialog = widget(page).getByRole("dialog");
    await dialog.waitFor();
    const name = dialog.getByLabel("Name");
    const message = dialog.getByLabel("Message", { exact: true });
    await expect.poll(async () => (await name.isVisible()) || (await message.isVisible()), { timeout: 30_000 }).toBe(true);
    await settled(dialog);
    if (await name.isVisible()) {
      await name.fill("Sam Aftershutdown");
      await dialog.getByLabel("Email").fill("sam.after@example.test");
      await dialog.getByRole("button", { name: "Start the chat" }).click();
    }
    await message.fill("Hello again after signing out");
    await message.press("Enter");
    await expect.poll(() => t.prisma.message.count({ where: { bodyText: "Hello again after signing out", direction: "inbound" } }), { timeout: 15_000 }).toBe(1);
    expect(await visitorIdOf(page)).not.toBe(before);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it("refuses a forged identity hash and shows why", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await ctx.newPage();
    await page.goto(`${hostUrl}/forged`);
    await widget(page).getByRole("button", { name: /open chat/i }).click();
    const alert = widget(page).getByRole("alert").filter({ hasText: /verify/i });
    await expect.poll(() => alert.count(), { timeout: 10_000 }).toBe(1);
    expect(await alert.textContent()).toMatch(/could not verify your identity/i);
    // No composer: a refused visitor cannot chat as anyone.
    expect(await widget(page).getByLabel("Message", { exact: true }).isVisible()).toBe(false);
    expect(await t.prisma.customerIdentity.count({ where: { kind: "email", value: "ceo@acme.test" } })).toBe(0);
    await shot(page, "forged");
    await ctx.close();
  });

  it("with no agent online, says we'll reply by email and asks for an address", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await ctx.newPage();
    // A signed-in customer of the host site (no pre-chat form) while no agent is connected.
    const email = "offline.visitor@example.test";
    await page.goto(`${hostUrl}/signed?email=${encodeURIComponent(email)}`);
    await widget(page).getByRole("button", { name: /open chat/i }).click();
    const dialog = widget(page).getByRole("dialog");
    await expect.poll(() => dialog.getByRole("status").textContent(), { timeout: 10_000 }).toMatch(/reply by email/i);
    expect(await dialog.getByRole("status").textContent()).toContain(email);
    await dialog.getByLabel("Message", { exact: true }).fill("Are you there?");
    await dialog.getByLabel("Message", { exact: true }).press("Enter");
    await expect.poll(() => dialog.getByRole("log").textContent(), { timeout: 10_000 }).toContain("Delivered");
    await shot(page, "offline");
    await ctx.close();
  });
});
