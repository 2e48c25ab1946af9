// The widget answer bot end to end, in headless Chromium against the built
// app: a visitor on another website asks a question the help center answers
// and gets the bot's answer, marked "Bot"; they ask for a human and get the
// handover message; the agent console shows the conversation with the
// "Handed over to a human" event, the assistant's summary (labelled as the
// local fallback: no provider here) after the timeline, and a suggested reply
// that fills the editor without sending anything. Also prints how long the
// summary takes after the timeline on the seeded demo's busiest customer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/app-server";
import { launchBrowser, SCREENSHOT_DIR, signedInContext } from "../helpers/browser";
import { freePort } from "../../src/server/db/embedded.ts";

let t: TestDatabase;
let app: AppServer;
let browser: Browser;
let host: http.Server;
let hostUrl: string;

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url });
  // Opt the demo widget inbox in (Settings → Assistant does the same through setAnswerBot).
  const inbox = await t.prisma.inbox.findUniqueOrThrow({ where: { publicId: "demo-widget" } });
  await t.prisma.inbox.update({ where: { id: inbox.id }, data: { settings: { ...(inbox.settings as Record<string, unknown>), answerBot: true } } });
  browser = await launchBrowser();
  const port = await freePort();
  host = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme Shop</title></head><body><h1>Acme Shop</h1>
<script src="${app.url}/widget.js" data-inbox="demo-widget" async></script></body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(port, "127.0.0.1", resolve));
  hostUrl = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => host?.close(r));
  await app?.stop();
  await t?.drop();
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOT_DIR, `widget-bot-${name}.png`), animations: "disabled" });

function agentContext(): Promise<BrowserContext> {
  return signedInContext(browser, app.url, "agent@throughline.test", { viewport: { width: 1400, height: 900 } });
}

describe("the widget answer bot", () => {
  it("answers from the help center as Bot, hands over on request, and the agent sees the handover", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await ctx.newPage();
    // Seen only when something goes wrong: the widget's own warnings and script errors.
    page.on("console", (m) => void (m.type() === "warning" || m.type() === "error" ? console.log(`widget console ${m.type()}: ${m.text()}`) : undefined));
    page.on("pageerror", (e) => console.log(`widget page error: ${e.message}`));
    await page.goto(hostUrl);
    const widget = page.locator("#throughline-widget");
    await widget.getByRole("button", { name: /open chat/i }).click();
    const dialog = widget.getByRole("dialog");
    await dialog.waitFor();
    await dialog.getByLabel("Name").fill("Bea Visitor");
    await dialog.getByLabel("Email").fill("bea.visitor@example.test");
    await dialog.getByRole("button", { name: "Start the chat" }).click();

    const message = dialog.getByLabel("Message", { exact: true });
    await message.fill("How do I connect GitHub for automatic deploys?");
    await message.press("Enter");
    const log = dialog.getByRole("log");
    await expect.poll(() => log.textContent(), { timeout: 30_000 }).toContain("Bot: From our help center");
    expect(await log.textContent()).toContain("Connecting GitHub for automatic deploys");
    expect(await log.locator(".name", { hasText: "Bot" }).count()).toBeGreaterThan(0);
    await shot(page, "answer");

    await message.fill("Thanks, but can I talk to a human?");
    await message.press("Enter");
    await expect.poll(() => log.textContent(), { timeout: 30_000 }).toContain("I'm handing you over to a member of our team");
    await shot(page, "handover");

    const visitorMsg = await t.prisma.message.findFirstOrThrow({ where: { bodyText: "Thanks, but can I talk to a human?" } });
    const conversationId = visitorMsg.conversationId;
    const botTurns = await t.prisma.timelineEvent.findMany({ where: { conversationId, kind: "message", actor: "system" } });
    expect(botTurns.map((e) => (e.payload as { bot?: boolean }).bot)).toEqual([true, true]);

    // The agent's console: the conversation with the handover event, the summary after the timeline, a suggested reply.
    const agentCtx = await agentContext();
    const agent = await agentCtx.newPage();
    await agent.goto(`${app.url}/conversations/${conversationId}`);
    const timeline = agent.getByTestId("timeline");
    await timeline.waitFor();
    await expect.poll(() => timeline.textContent(), { timeout: 15_000 }).toContain("Handed over to a human");
    expect(await timeline.textContent()).toContain("From our help center");
    const summary = agent.getByTestId("assistant-summary");
    await expect.poll(() => summary.getByTestId("assistant-summary-label").textContent(), { timeout: 15_000 }).toBe("local, no AI provider");
    await expect.poll(() => summary.getByTestId("assistant-claim").count()).toBeGreaterThan(0);
    // A claim's source opens from its citation.
    await summary.getByTestId("assistant-claim").first().locator("button[data-event-ref]").first().click();
    await summary.getByTestId("assistant-claim-source").first().waitFor();

    const before = await t.prisma.message.count({ where: { conversationId } });
    await agent.getByRole("button", { name: "Suggest reply" }).click();
    const editor = agent.getByLabel(/^Reply to /);
    await expect.poll(() => editor.inputValue(), { timeout: 15_000 }).toContain("Thanks for reaching out.");
    expect(await agent.getByTestId("suggest-reply-sources").textContent()).toContain("Template draft (local, no AI provider)");
    await shot(agent, "console");
    expect(await t.prisma.message.count({ where: { conversationId } })).toBe(before);
    await agentCtx.close();
    await ctx.close();
  });

  it("measures how long the summary takes after the timeline on the busiest demo customer (reported, not asserted)", async () => {
    const [busiest] = await t.prisma.$queryRaw<{ customer_id: string; n: bigint }[]>`SELECT customer_id, count(*) AS n FROM timeline_events GROUP BY customer_id ORDER BY n DESC LIMIT 1`;
    const agentCtx = await signedInContext(browser, app.url, "admin@throughline.test", { viewport: { width: 1400, height: 900 } });
    const page = await agentCtx.newPage();
    const started = Date.now();
    await page.goto(`${app.url}/customers/${busiest!.customer_id}`);
    await page.getByTestId("timeline").locator("li").first().waitFor();
    const timelineAt = Date.now();
    await page.getByTestId("assistant-summary-label").waitFor({ timeout: 30_000 });
    const summaryAt = Date.now();
    const logged = await t.prisma.assistantRequest.findFirstOrThrow({ where: { customerId: busiest!.customer_id }, orderBy: { createdAt: "desc" } });
    // The browser's own timing of the two tRPC requests (batched URLs name their procedures).
    const timings = await page.evaluate(() =>
      performance
        .getEntriesByType("resource")
        .filter((e) => e.name.includes("/api/trpc/"))
        .map((e) => ({ name: decodeURIComponent(new URL(e.name).pathname.split("/api/trpc/")[1] ?? ""), start: Math.round(e.startTime), end: Math.round((e as PerformanceResourceTiming).responseEnd) })),
    );
    const timelineReq = timings.find((r) => r.name.includes("customer.timeline"));
    const summaryReq = timings.find((r) => r.name.includes("assistant.summary"));
    console.log(
      `[assistant latency] customer with ${busiest!.n} events: timeline painted ${timelineAt - started} ms after navigation, summary label ${summaryAt - timelineAt} ms after that; ` +
        `timeline request ${timelineReq ? `${timelineReq.start}→${timelineReq.end} ms` : "not seen (server-rendered)"}, summary request ${summaryReq ? `${summaryReq.start}→${summaryReq.end} ms (${summaryReq.end - summaryReq.start} ms)` : "not seen"}; ` +
        `server-side summary ${logged.latencyMs} ms (${logged.source})`,
    );
    expect(logged).toMatchObject({ feature: "summary_customer", source: "fallback", outcome: "ok" });

    // Settings → Assistant: the provider status, the switches, the bot inboxes, the request log with its prompt.
    await page.goto(`${app.url}/settings/assistant`);
    await expect.poll(() => page.getByTestId("assistant-provider").textContent(), { timeout: 15_000 }).toContain("No AI provider is configured");
    expect(await page.getByLabel(/^Summary in the customer sidebar/).isChecked()).toBe(true);
    expect(await page.locator("label", { hasText: "demo-widget" }).locator("input").isChecked()).toBe(true);
    const rows = page.getByTestId("assistant-log").locator("tbody tr");
    await expect.poll(() => rows.count()).toBeGreaterThan(2);
    expect(await page.getByTestId("assistant-log").textContent()).toContain("local fallback");
    await page.getByRole("button", { name: "Prompt" }).first().click();
    await page.getByRole("button", { name: "Hide" }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "widget-bot-settings.png"), animations: "disabled" });
    await agentCtx.close();
  });
});
