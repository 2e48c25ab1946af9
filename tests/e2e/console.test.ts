// The agent console end to end, in headless Chromium against a real seeded
// server with a local SMTP sink as the relay: inbox → conversation with the
// customer's whole timeline → filters → email reply with delivery status →
// note with an @mention → ticket changes → a second agent sees presence and
// the reply live → global search → accessibility (axe-core) → screenshots →
// time to first timeline items with 10,000 events.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/app-server";
import { launchBrowser, SCREENSHOT_DIR, seriousAxeViolations, signInInBrowser } from "../helpers/browser";
import { startSmtpSink, type SmtpSink } from "../fixtures/email/smtp-sink";

let t: TestDatabase;
let app: AppServer;
let browser: Browser;
let sink: SmtpSink;
let agentCtx: BrowserContext;
let supervisorCtx: BrowserContext;
let agentPage: Page;
let supervisorPage: Page;
let aaliyah: { id: string; name: string; phone: string };
let whatsappConv: { id: string; number: number };
let emailConv: { id: string; number: number };
const REPLY_WORD = "zephyrine";

const login = (page: Page, email: string, password?: string) => signInInBrowser(page, app.url, email, password);
const axeViolations = seriousAxeViolations;

async function timelineTimes(page: Page) {
  return page.getByTestId("timeline").locator(":scope > li time").evaluateAll((els) => els.map((e) => e.getAttribute("datetime")!));
}

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  sink = await startSmtpSink();
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url, env: { SMTP_RELAY_URL: sink.url } });
  browser = await launchBrowser();
  const [c] = await t.prisma.$queryRaw<{ id: string; name: string; phone: string }[]>`
    SELECT c.id, c.name, i.value AS phone FROM customers c JOIN customer_identities i ON i.customer_id = c.id AND i.kind = 'phone'
    WHERE c.name = 'Aaliyah Mensah' LIMIT 1`;
  aaliyah = c!;
  const agent = await t.prisma.user.findUniqueOrThrow({ where: { email: "agent@throughline.test" } });
  whatsappConv = await t.prisma.conversation.findFirstOrThrow({ where: { customerId: aaliyah.id, channel: "whatsapp", assigneeId: agent.id, status: { in: ["open", "pending"] } }, select: { id: true, number: true } });
  const support = await t.prisma.inbox.findUniqueOrThrow({ where: { publicId: "support@throughline.test" } });
  emailConv = await t.prisma.conversation.findFirstOrThrow({ where: { customerId: aaliyah.id, inboxId: support.id }, orderBy: { lastMessageAt: "desc" }, select: { id: true, number: true } });
  agentCtx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  supervisorCtx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  agentPage = await agentCtx.newPage();
  supervisorPage = await supervisorCtx.newPage();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await sink?.stop();
  await t?.drop();
});

describe("agent console", () => {
  it("opens the inbox and a conversation with the customer's timeline across channels, in time order", async () => {
    const page = agentPage;
    await login(page, "agent@throughline.test");
    await page.goto(`${app.url}/inbox`);
    const list = page.getByRole("list", { name: "Conversations" });
    await list.waitFor();
    // Live counts per view.
    await expect.poll(() => page.getByTestId("count-mine").textContent()).toMatch(/^\d+$/);
    const row = list.locator(`li[data-conversation-id="${whatsappConv.id}"] a`);
    await row.waitFor();
    expect(await axeViolations(page, "inbox")).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "console-inbox-1440.png") });

    await row.click();
    await page.waitForURL(new RegExp(`/conversations/${whatsappConv.id}`));
    const timeline = page.getByTestId("timeline");
    await timeline.waitFor();
    const entries = timeline.locator(":scope > li");
    await expect.poll(() => entries.count()).toBeGreaterThan(20);
    // Scroll into the past until at least four channels show.
    for (let i = 0; i < 8; i++) {
      const channels = new Set(await entries.evaluateAll((els) => els.map((e) => e.getAttribute("data-channel"))));
      if ([...channels].filter((c) => c && !["api", "system"].includes(c)).length >= 4) break;
      const before = await entries.count();
      await page.mouse.wheel(0, 20_000);
      // The next page arrived, or there is none.
      await expect.poll(async () => (await entries.count()) > before || (await page.getByText("Beginning of this customer’s history").isVisible())).toBe(true);
    }
    const channels = new Set(await entries.evaluateAll((els) => els.map((e) => e.getAttribute("data-channel"))));
    const conversational = [...channels].filter((c) => c && !["api", "system"].includes(c));
    expect(conversational.length, `channels: ${[...channels].join(", ")}`).toBeGreaterThanOrEqual(4);
    const times = await timelineTimes(page);
    expect([...times].sort().reverse()).toEqual(times);
    // This conversation's items are highlighted.
    expect(await timeline.locator(`:scope > li[data-highlight="true"]`).count()).toBeGreaterThan(0);
    expect(await timeline.locator(`:scope > li[data-highlight="true"]`).evaluateAll((els) => els.every((e) => e.getAttribute("data-conversation") === els[0]!.getAttribute("data-conversation")))).toBe(true);
    // The customer sidebar.
    const sidebar = page.getByTestId("customer-sidebar");
    await expect.poll(() => sidebar.textContent()).toContain("Aaliyah Mensah");
    await expect.poll(() => sidebar.textContent()).toContain("aaliyah@brightlane.io");
    await page.evaluate(() => window.scrollTo(0, 0));
    expect(await axeViolations(page, "conversation")).toEqual([]);

    // Filter to email only.
    await page.getByRole("group", { name: "Filter by channel" }).getByRole("button", { name: "Email", exact: true }).click();
    await expect.poll(async () => new Set(await entries.evaluateAll((els) => els.map((e) => e.getAttribute("data-channel"))))).toEqual(new Set(["email"]));
    await page.getByRole("button", { name: "Clear filters" }).click();
  });

  it("a second agent sees presence and typing live", async () => {
    await login(supervisorPage, "supervisor@throughline.test");
    await supervisorPage.goto(`${app.url}/conversations/${emailConv.id}`);
    await supervisorPage.getByTestId("timeline").waitFor();
    await agentPage.goto(`${app.url}/conversations/${emailConv.id}`);
    await agentPage.getByTestId("timeline").waitFor();
    // Each sees the other in the header.
    await expect.poll(() => supervisorPage.getByTestId("presence").getAttribute("aria-label"), { timeout: 10_000 }).toContain("Sam Rivera");
    await expect.poll(() => agentPage.getByTestId("presence").getAttribute("aria-label"), { timeout: 10_000 }).toContain("Daniel Okafor");
    // Typing shows up on the other side.
    await agentPage.getByRole("textbox", { name: /Reply to/ }).click();
    await agentPage.keyboard.type("Hi Aaliyah");
    await expect.poll(() => supervisorPage.getByTestId("presence-typing").textContent(), { timeout: 10_000 }).toContain("Sam");
  });

  it("replies by email: on the timeline with its delivery status, queued then sent; the other agent sees it live", async () => {
    const page = agentPage;
    // The relay defers the first attempt (451): the reply stays queued until the retry is accepted.
    sink.answer = (n) => (n === 1 ? { code: 451, message: "Try again later" } : null);
    const box = page.getByRole("textbox", { name: /Reply to/ });
    await box.fill(`Hi Aaliyah, the ${REPLY_WORD} fix for your webhook signatures is live. Best, Sam`);
    await page.getByLabel("Cc").fill("ops@brightlane.io");
    await box.press("Control+Enter");
    const mine = page.getByTestId("timeline").locator(":scope > li", { hasText: REPLY_WORD });
    await mine.first().waitFor({ timeout: 10_000 });
    const status = mine.first().getByTestId("delivery-status");
    await expect.poll(() => status.getAttribute("data-status"), { timeout: 10_000 }).toBe("queued");
    await expect.poll(() => status.getAttribute("data-status"), { timeout: 30_000 }).toBe("sent");
    const sent = await sink.waitFor(1);
    expect(sent[0]!.rcptTo).toEqual(expect.arrayContaining(["aaliyah@brightlane.io", "ops@brightlane.io"]));
    expect(sent[0]!.parsed.text).toContain(REPLY_WORD);
    // The supervisor sees the reply and its status without reloading.
    const theirs = supervisorPage.getByTestId("timeline").locator(":scope > li", { hasText: REPLY_WORD });
    await theirs.first().waitFor({ timeout: 10_000 });
    await expect.poll(() => theirs.first().getByTestId("delivery-status").getAttribute("data-status"), { timeout: 15_000 }).toBe("sent");
    // The draft is gone after sending.
    expect(await box.inputValue()).toBe("");
  });

  it("adds an internal note mentioning the supervisor, who is notified", async () => {
    const page = agentPage;
    const bell = supervisorPage.getByTestId("notification-count");
    const before = (await bell.count()) ? Number(await bell.textContent()) : 0;
    await page.getByRole("button", { name: "Internal note" }).click();
    const note = page.getByRole("textbox", { name: /Internal note/ });
    await note.click();
    await note.pressSequentially("Can you approve the credit? @Dan");
    const option = page.getByRole("listbox", { name: "Mention an agent" }).getByRole("option", { name: /Daniel Okafor/ });
    await option.waitFor();
    await note.press("Enter");
    expect(await note.inputValue()).toContain("@Daniel Okafor ");
    await page.getByRole("button", { name: "Add note" }).click();
    await page.getByTestId("timeline").locator(':scope > li[data-kind="note"]', { hasText: "approve the credit" }).first().waitFor();
    const daniel = await t.prisma.user.findUniqueOrThrow({ where: { email: "supervisor@throughline.test" } });
    await expect.poll(() => t.prisma.notification.count({ where: { userId: daniel.id, kind: "mention" } })).toBe(1);
    // The bell of the supervisor updates live.
    await expect.poll(async () => Number(await bell.textContent()), { timeout: 10_000 }).toBe(before + 1);
  });

  it("changes status and assignee; both become ticket events on the timeline, live for the other agent", async () => {
    const page = agentPage;
    const controls = page.getByTestId("ticket-controls");
    await controls.getByLabel("Status").selectOption("pending");
    const timeline = page.getByTestId("timeline");
    await timeline.locator(':scope > li[data-kind="ticket_event"]', { hasText: "to pending" }).first().waitFor({ timeout: 10_000 });
    await controls.getByLabel("Assignee").selectOption({ label: "Aiko Tanaka" });
    await timeline.locator(':scope > li[data-kind="ticket_event"]', { hasText: "Aiko Tanaka" }).first().waitFor({ timeout: 10_000 });
    // The controls show the new state (re-read after the change).
    await expect.poll(() => controls.getByLabel("Assignee").evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.textContent), { timeout: 10_000 }).toBe("Aiko Tanaka");
    await expect.poll(() => controls.getByLabel("Status").inputValue()).toBe("pending");
    const conv = await t.prisma.conversation.findUniqueOrThrow({ where: { id: emailConv.id }, include: { assignee: true } });
    expect(conv.status).toBe("pending");
    expect(conv.assignee?.name).toBe("Aiko Tanaka");
    // Pushed to the supervisor's open page.
    await supervisorPage.getByTestId("timeline").locator(':scope > li[data-kind="ticket_event"]', { hasText: "Aiko Tanaka" }).first().waitFor({ timeout: 10_000 });
    await expect.poll(() => supervisorPage.getByTestId("ticket-controls").getByLabel("Status").inputValue()).toBe("pending");
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "console-conversation-1440.png") });
  });

  it("global search finds a customer by an identity value and a conversation by a word in a message", async () => {
    const page = agentPage;
    await page.keyboard.press("Escape");
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("Control+k");
    const input = page.getByRole("combobox", { name: /Search customers/ });
    await input.waitFor();
    await input.fill(aaliyah.phone.slice(1, 10));
    await page.getByRole("option", { name: /Aaliyah Mensah/ }).first().waitFor({ timeout: 10_000 });
    await input.fill(REPLY_WORD);
    const hit = page.getByRole("group", { name: "Messages" }).getByRole("option").first();
    await hit.waitFor({ timeout: 10_000 });
    expect(await hit.textContent()).toContain(REPLY_WORD);
    // Keyboard: Enter opens the selected result.
    await page.goto(`${app.url}/inbox`);
    await page.getByRole("list", { name: "Conversations" }).waitFor();
    await page.keyboard.press("/");
    await page.getByRole("combobox", { name: /Search customers/ }).fill(REPLY_WORD);
    await page.getByRole("group", { name: "Messages" }).getByRole("option").first().waitFor({ timeout: 10_000 });
    await page.keyboard.press("Enter");
    await page.waitForURL(new RegExp(`/conversations/${emailConv.id}`));
  });

  it("keyboard shortcuts: j/Enter open from the inbox, n/r focus the composer, ? opens the help, g c goes to customers", async () => {
    const page = agentPage;
    await page.goto(`${app.url}/inbox`);
    await page.getByRole("list", { name: "Conversations" }).waitFor();
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("j");
    await page.keyboard.press("j");
    const second = await page.getByRole("list", { name: "Conversations" }).locator(":scope > li").nth(1).getAttribute("data-conversation-id");
    await page.keyboard.press("Enter");
    await page.waitForURL(new RegExp(`/conversations/${second}`));
    await page.getByTestId("timeline").waitFor();
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("n");
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("placeholder") ?? "")).toMatch(/note/i);
    await page.keyboard.press("Escape");
    await page.keyboard.press("r");
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("placeholder") ?? "")).toMatch(/reply/i);
    await page.keyboard.press("Escape");
    // k goes back to the previous conversation of the queue.
    await page.keyboard.press("k");
    await page.waitForURL((u) => !u.pathname.endsWith(second!));
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("Shift+?");
    await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
    await page.keyboard.press("Escape");
    await page.keyboard.press("g");
    await page.keyboard.press("c");
    await page.waitForURL(/\/customers$/);
  });

  it("merges a suggested duplicate from the sidebar and undoes it, live for another agent", async () => {
    const joses = await t.prisma.customer.findMany({ where: { name: "José García" }, include: { identities: true } });
    const target = joses.find((j) => j.identities.some((i) => i.kind === "email"))!;
    const source = joses.find((j) => j.id !== target.id)!;
    await supervisorPage.goto(`${app.url}/customers/${target.id}`);
    await supervisorPage.getByTestId("customer-sidebar").getByText("Possible duplicates").waitFor();
    const page = agentPage;
    await page.goto(`${app.url}/customers/${target.id}`);
    const duplicates = page.getByTestId("duplicates");
    await duplicates.waitFor();
    await duplicates.getByRole("button", { name: /^Merge/ }).first().click();
    const dialog = page.getByRole("dialog", { name: "Merge customers?" });
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Merge", exact: true }).click();
    await expect.poll(async () => (await t.prisma.customer.findUniqueOrThrow({ where: { id: source.id } })).mergedIntoId).toBe(target.id);
    const history = page.getByTestId("merge-history");
    await history.getByRole("button", { name: "Undo" }).waitFor();
    // Pushed to the other agent's open profile.
    await supervisorPage.getByTestId("merge-history").getByRole("button", { name: "Undo" }).waitFor({ timeout: 10_000 });
    await history.getByRole("button", { name: "Undo" }).click();
    const undo = page.getByRole("dialog", { name: "Undo merge?" });
    await undo.getByRole("button", { name: "Undo merge" }).click();
    await expect.poll(async () => (await t.prisma.customer.findUniqueOrThrow({ where: { id: source.id } })).mergedIntoId).toBeNull();
    await expect.poll(() => history.textContent()).toContain("undone");
    await expect.poll(() => supervisorPage.getByTestId("merge-history").textContent(), { timeout: 10_000 }).toContain("undone");
  });

  it("takes screenshots of inbox, conversation and customer pages at 1440×900 and 1024×768", async () => {
    const page = agentPage;
    await page.goto(`${app.url}/customers/${aaliyah.id}`);
    await page.getByTestId("timeline").waitFor();
    await page.getByTestId("customer-sidebar").getByText("Friction").waitFor();
    expect(await axeViolations(page, "customer")).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "console-customer-1440.png") });
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.reload();
    await page.getByTestId("timeline").waitFor();
    await page.getByTestId("customer-sidebar").getByText("Friction").waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "console-customer-1024.png") });
    await page.goto(`${app.url}/conversations/${whatsappConv.id}`);
    await page.getByTestId("timeline").waitFor();
    await page.getByTestId("customer-sidebar").getByText("Friction").waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "console-conversation-1024.png") });
    await page.goto(`${app.url}/inbox`);
    await page.getByRole("list", { name: "Conversations" }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "console-inbox-1024.png") });
  });

  it("measures time to first timeline items for a customer with 10,000 events", async () => {
    const inbox = await t.prisma.inbox.findUniqueOrThrow({ where: { publicId: "demo-widget" } });
    const customer = await t.prisma.customer.create({ data: { name: "Volume Test Customer" } });
    const conv = await t.prisma.conversation.create({ data: { customerId: customer.id, originCustomerId: customer.id, inboxId: inbox.id, channel: "chat", subject: "Ten thousand events" } });
    await t.prisma.$executeRaw`
      INSERT INTO timeline_events (id, customer_id, origin_customer_id, occurred_at, kind, channel, actor, conversation_id, inbox_id, name, text, payload, created_at)
      SELECT gen_random_uuid(), ${customer.id}::uuid, ${customer.id}::uuid, now() - make_interval(mins => g),
             CASE WHEN g % 3 = 0 THEN 'ticket_event'::"TimelineKind" ELSE 'product_event'::"TimelineKind" END,
             CASE WHEN g % 3 = 0 THEN 'chat'::"ChannelKind" ELSE 'api'::"ChannelKind" END,
             'system'::"Actor",
             CASE WHEN g % 3 = 0 THEN ${conv.id}::uuid ELSE NULL END,
             CASE WHEN g % 3 = 0 THEN ${inbox.id}::uuid ELSE NULL END,
             'page_view', 'Viewed page ' || g, '{}'::jsonb, now()
      FROM generate_series(1, 10000) AS g`;
    expect(await t.prisma.timelineEvent.count({ where: { customerId: customer.id } })).toBe(10_000);
    const page = agentPage;
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${app.url}/inbox`);
    await page.getByRole("list", { name: "Conversations" }).waitFor();
    const started = Date.now();
    await page.goto(`${app.url}/conversations/${conv.id}`);
    await page.getByTestId("timeline").locator(":scope > li").first().waitFor({ timeout: 30_000 });
    const ms = Date.now() - started;
    const mark = await page.evaluate(() => performance.getEntriesByName("throughline:timeline-first-items")[0]?.startTime ?? null);
    console.log(`time to first timeline items (10,000 events): ${ms} ms from navigation start to first item rendered${mark !== null ? ` (in-page mark at ${Math.round(mark)} ms after page start)` : ""}`);
    expect(await page.getByTestId("timeline").locator(":scope > li").count()).toBe(50);
  });
});
