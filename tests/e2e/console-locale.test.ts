// The console in the agent's language, in headless Chromium against the built
// app and the seeded demo: an agent who chose German (NEXT_LOCALE, as the
// Preferences screen sets it) gets the navigation, the queue, a conversation
// (timeline, composer, ticket controls), Settings and the supervisor board in
// German, with German dates, and axe finds nothing serious; an Arabic agent
// gets the console right-to-left, the navigation rail on the right. The board
// is also looked at in German at phone size in dark mode. Screenshots:
// console-de-inbox.png, console-de-conversation.png, console-de-settings.png,
// console-de-board-phone-dark.png, console-de-metrics.png,
// console-de-notifications.png, console-ar-inbox.png.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/app-server";
import { launchBrowser, SCREENSHOT_DIR, seriousAxeViolations, signedInContext } from "../helpers/browser";

let t: TestDatabase;
let app: AppServer;
let browser: Browser;
let conversationId: string;

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url });
  browser = await launchBrowser();
  const agent = await t.prisma.user.findUniqueOrThrow({ where: { email: "agent@throughline.test" } });
  ({ id: conversationId } = await t.prisma.conversation.findFirstOrThrow({ where: { assigneeId: agent.id, status: { in: ["open", "pending"] } }, orderBy: { lastMessageAt: "desc" }, select: { id: true } }));
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await t?.drop();
});

/** A signed-in browser context whose agent chose `locale` (the NEXT_LOCALE cookie Preferences sets). */
async function consoleIn(locale: "de" | "ar", email: string, options: { viewport?: { width: number; height: number }; colorScheme?: "light" | "dark" } = {}): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await signedInContext(browser, app.url, email, {
    viewport: options.viewport ?? { width: 1400, height: 900 },
    colorScheme: options.colorScheme ?? "light",
    locale: locale === "de" ? "de-DE" : "ar",
    cookies: { NEXT_LOCALE: locale },
  });
  return { ctx, page: await ctx.newPage() };
}

describe("the console in German", () => {
  it("shows the navigation and the queue in German", async () => {
    const { ctx, page } = await consoleIn("de", "agent@throughline.test");
    await page.goto(`${app.url}/inbox`);
    expect(await page.locator("html").getAttribute("lang")).toBe("de");
    expect(await page.locator("html").getAttribute("dir")).toBe("ltr");
    await page.getByRole("list", { name: "Konversationen" }).locator("li").first().waitFor();
    const nav = page.locator("nav").first();
    await nav.getByRole("link", { name: "Posteingang" }).waitFor();
    await nav.getByRole("link", { name: "Kunden" }).waitFor();
    await nav.getByRole("link", { name: "Hilfe-Center" }).waitFor();
    await page.getByRole("combobox", { name: "Sortieren nach" }).waitFor();
    // No English left in the rail or the queue's controls.
    const text = (await page.locator("body").innerText()).replace(/\s+/g, " ");
    for (const english of ["Inbox", "Customers", "Sort by", "Load more", "Unassigned", "Sign out"]) expect(text).not.toContain(english);
    expect(await seriousAxeViolations(page, "console-de-inbox")).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "console-de-inbox.png") });
    // The bell's panel, the shortcuts overlay and the search palette in German too.
    await page.getByRole("button", { name: /^Benachrichtigungen/ }).click();
    const panel = page.getByTestId("notification-panel");
    await panel.getByRole("heading", { name: "Benachrichtigungen" }).waitFor();
    await panel.getByTestId("notification-line").first().or(panel.getByTestId("notification-empty")).first().waitFor();
    expect(await panel.innerText()).not.toMatch(/mentioned you|assigned you|Mark all as read|all caught up/);
    await panel.screenshot({ path: path.join(SCREENSHOT_DIR, "console-de-notifications.png") });
    await page.keyboard.press("Escape");
    await page.locator("body").press("?");
    const help = page.getByRole("dialog", { name: "Tastenkürzel" });
    await help.getByRole("region", { name: "Überall" }).waitFor();
    expect(await help.innerText()).toContain("Antworten");
    await page.keyboard.press("Escape");
    await help.waitFor({ state: "hidden" });
    await page.keyboard.press("Control+k");
    const palette = page.getByRole("dialog", { name: "Suchen" });
    await palette.getByText("Zum Suchen tippen.", { exact: false }).waitFor();
    await ctx.close();
  });

  it("shows a conversation's timeline, composer and ticket controls in German", async () => {
    const { ctx, page } = await consoleIn("de", "agent@throughline.test");
    await page.goto(`${app.url}/conversations/${conversationId}`);
    await page.getByTestId("timeline").locator(":scope > li").first().waitFor();
    await page.getByTestId("customer-sidebar").waitFor();
    await page.getByLabel("Priorität").first().waitFor();
    const editor = page.getByRole("textbox").filter({ has: page.locator("[placeholder]") }).or(page.locator("textarea[placeholder]")).first();
    expect(await editor.getAttribute("placeholder")).not.toMatch(/^Reply|^Write/);
    const text = (await page.locator("main").innerText()).replace(/\s+/g, " ");
    for (const german of ["Antworten", "Interne Notiz", "Zuständig", "Senden", "Kunde seit"]) expect(text).toContain(german);
    // The console's own words are German; what the server wrote on the timeline (ticket events) is still English.
    for (const english of ["Internal note", "Assignee", "Customer since", "Insert macro"]) expect(text).not.toContain(english);
    expect(await seriousAxeViolations(page, "console-de-conversation")).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "console-de-conversation.png"), fullPage: true });
    await ctx.close();
  });

  it("shows Settings (SLA, Teams) in German to an admin", async () => {
    const { ctx, page } = await consoleIn("de", "admin@throughline.test");
    await page.goto(`${app.url}/settings/sla`);
    await page.getByRole("heading", { name: "SLA-Richtlinien" }).first().waitFor();
    await page.getByRole("navigation", { name: "Einstellungsbereiche" }).getByRole("link", { name: "Audit-Protokoll" }).waitFor();
    // axe runs on the policies themselves, not on the page before they arrive.
    await page.locator("table tbody tr").first().waitFor();
    expect(await seriousAxeViolations(page, "console-de-sla")).toEqual([]);
    await page.goto(`${app.url}/settings/teams`);
    await page.getByRole("heading", { name: "Teams", exact: true }).first().waitFor();
    await page.getByRole("button", { name: "Neues Team" }).or(page.getByRole("link", { name: "Neues Team" })).first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "console-de-settings.png"), fullPage: true });
    await ctx.close();
  });

  it("shows the supervisor board in German at phone size in dark mode", async () => {
    const { ctx, page } = await consoleIn("de", "supervisor@throughline.test", { viewport: { width: 390, height: 844 }, colorScheme: "dark" });
    await page.goto(`${app.url}/supervisor`);
    await page.getByRole("navigation", { name: "Supervisor-Ansichten" }).getByRole("link", { name: "Live-Board" }).waitFor();
    await page.getByTestId("queue-table").waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390 + 1);
    expect(await seriousAxeViolations(page, "console-de-board-phone-dark")).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "console-de-board-phone-dark.png"), fullPage: true });
    await ctx.close();
  });

  it("shows the supervisor metrics and a customer's single view in German", async () => {
    const { ctx, page } = await consoleIn("de", "supervisor@throughline.test");
    await page.goto(`${app.url}/supervisor/metrics`);
    await page.getByRole("heading", { name: "Kennzahlen", exact: true }).waitFor();
    await page.getByTestId("metrics").waitFor();
    await page.getByRole("group", { name: "Zeitraum" }).getByRole("button", { name: "12 Monate" }).waitFor();
    await page.getByRole("link", { name: "CSV exportieren" }).waitFor();
    // innerText follows CSS (uppercase table headers): compared case-insensitively.
    const metrics = (await page.getByTestId("metrics").innerText()).replace(/\s+/g, " ").toLowerCase();
    for (const german of ["Volumen nach Kanal", "Kundenstimmung", "Pro Team", "Jetzt offen", "gelöst"]) expect(metrics).toContain(german.toLowerCase());
    for (const english of ["Volume by channel", "Customer feeling", "Per team", "Open now", "resolved", "answers"]) expect(metrics).not.toContain(english.toLowerCase());
    expect(await seriousAxeViolations(page, "console-de-metrics")).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "console-de-metrics.png"), fullPage: true });

    const customer = await t.prisma.customer.findFirstOrThrow({ where: { name: "Aaliyah Mensah" }, select: { id: true } });
    await page.goto(`${app.url}/customers/${customer.id}`);
    await page.getByRole("navigation", { name: "Kundenansichten" }).getByRole("link", { name: "Zeitleiste" }).waitFor();
    await page.getByRole("button", { name: "Neue Konversation" }).click();
    const dialog = page.getByRole("dialog", { name: "Neue Konversation mit Aaliyah Mensah" });
    await dialog.getByLabel("Posteingang").waitFor();
    await dialog.getByRole("button", { name: "Erstellen und senden" }).waitFor();
    expect(await seriousAxeViolations(page, "console-de-new-conversation")).toEqual([]);
    await ctx.close();
  });
});

describe("the console in Arabic", () => {
  it("lays the console out right to left, the navigation rail on the right", async () => {
    const { ctx, page } = await consoleIn("ar", "agent@throughline.test");
    await page.goto(`${app.url}/inbox`);
    expect(await page.locator("html").getAttribute("lang")).toBe("ar");
    expect(await page.locator("html").getAttribute("dir")).toBe("rtl");
    await page.getByRole("main").locator("li").first().waitFor();
    const nav = (await page.locator("nav").first().boundingBox())!;
    const main = (await page.getByRole("main").boundingBox())!;
    expect(nav.x).toBeGreaterThan(main.x);
    expect(Math.round(nav.x + nav.width)).toBe(1400);
    expect(await seriousAxeViolations(page, "console-ar-inbox")).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "console-ar-inbox.png") });
    await ctx.close();
  });
});
