// Dark mode in headless Chromium against a real seeded server: with a dark
// system setting the inbox, a conversation and the help center render dark and
// pass axe (colour contrast included), as they do with a light one; the theme
// switch changes the scheme at once, without a reload, and the tl-theme cookie
// it sets makes the server render the chosen scheme on the next request.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/app-server";
import { launchBrowser, SCREENSHOT_DIR, seriousAxeViolations, signInInBrowser } from "../helpers/browser";

let t: TestDatabase;
let app: AppServer;
let browser: Browser;
let conversationId: string;

/** Relative luminance (0 black … 1 white) of the body's painted background, whatever colour syntax the CSS used. */
async function bodyLuminance(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext("2d")!;
    ctx.fillStyle = getComputedStyle(document.body).backgroundColor;
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b] = [...ctx.getImageData(0, 0, 1, 1).data].slice(0, 3).map((c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  });
}
const htmlTheme = (page: Page) => page.evaluate(() => document.documentElement.dataset.theme);

async function openInbox(page: Page) {
  await page.goto(`${app.url}/inbox`);
  await page.getByRole("list", { name: "Conversations" }).locator("li").first().waitFor();
}
async function openConversation(page: Page) {
  await page.goto(`${app.url}/conversations/${conversationId}`);
  await page.getByTestId("timeline").locator(":scope > li").first().waitFor();
  await page.getByTestId("customer-sidebar").waitFor();
}
async function openHelp(page: Page) {
  await page.goto(`${app.url}/help`);
  await page.getByRole("link", { name: "Help center" }).waitFor();
}

async function signedInContext(colorScheme: "dark" | "light"): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme });
  const page = await ctx.newPage();
  await signInInBrowser(page, app.url, "agent@throughline.test");
  return { ctx, page };
}

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

describe("dark mode", () => {
  it("follows a dark system setting: inbox, conversation and help center are dark and pass axe", async () => {
    const { ctx, page } = await signedInContext("dark");
    const pages = [
      { name: "inbox", open: openInbox },
      { name: "conversation", open: openConversation },
      { name: "help", open: openHelp },
    ];
    for (const { name, open } of pages) {
      await open(page);
      expect(await htmlTheme(page)).toBe("system");
      expect(await bodyLuminance(page), name).toBeLessThan(0.05);
      expect(await seriousAxeViolations(page, `dark ${name}`), name).toEqual([]);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `dark-${name}.png`) });
    }
    await ctx.close();
  });

  it("stays light, and passes axe, with a light system setting", async () => {
    const { ctx, page } = await signedInContext("light");
    for (const [name, open] of [["inbox", openInbox], ["conversation", openConversation], ["help", openHelp]] as const) {
      await open(page);
      expect(await bodyLuminance(page), name).toBeGreaterThan(0.85);
      expect(await seriousAxeViolations(page, `light ${name}`), name).toEqual([]);
    }
    await ctx.close();
  });

  it("pins Light under a dark system at once, and the server honours the cookie after a reload", async () => {
    const { ctx, page } = await signedInContext("dark");
    await openInbox(page);
    const themes = page.getByRole("group", { name: "Theme" });
    expect(await themes.getByRole("radio", { name: "System" }).isChecked()).toBe(true);
    expect(await bodyLuminance(page)).toBeLessThan(0.05);

    // A marker on window survives only if the page is not reloaded.
    await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
    await themes.getByTitle("Light").click();
    expect(await htmlTheme(page)).toBe("light");
    expect(await bodyLuminance(page)).toBeGreaterThan(0.85);
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    const cookie = (await ctx.cookies(app.url)).find((c) => c.name === "tl-theme");
    expect(cookie).toMatchObject({ value: "light", path: "/", sameSite: "Lax" });
    expect(cookie!.expires * 1000 - Date.now()).toBeGreaterThan(360 * 24 * 3600 * 1000);

    // The server stamps the cookie's theme into the HTML it sends.
    const html = await (await ctx.request.get(`${app.url}/help`)).text();
    expect(html).toMatch(/<html[^>]*data-theme="light"/);

    await page.reload();
    await page.getByRole("list", { name: "Conversations" }).waitFor();
    expect(await htmlTheme(page)).toBe("light");
    expect(await bodyLuminance(page)).toBeGreaterThan(0.85);
    expect(await page.getByRole("group", { name: "Theme" }).getByRole("radio", { name: "Light" }).isChecked()).toBe(true);
    expect(await seriousAxeViolations(page, "light pinned inbox")).toEqual([]);
    await ctx.close();
  });

  it("pins Dark under a light system from the help center, and the switch fits the phone-sized console rail", async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: "light" });
    const page = await ctx.newPage();
    await openHelp(page);
    expect(await bodyLuminance(page)).toBeGreaterThan(0.85);
    await page.getByRole("group", { name: "Theme" }).getByTitle("Dark").click();
    expect(await htmlTheme(page)).toBe("dark");
    expect(await bodyLuminance(page)).toBeLessThan(0.05);
    await page.reload();
    await page.getByRole("link", { name: "Help center" }).waitFor();
    expect(await htmlTheme(page)).toBe("dark");
    expect(await bodyLuminance(page)).toBeLessThan(0.05);
    expect(await seriousAxeViolations(page, "dark pinned help")).toEqual([]);

    await signInInBrowser(page, app.url, "agent@throughline.test");
    await openInbox(page);
    expect(await bodyLuminance(page)).toBeLessThan(0.05);
    const rail = await page.getByRole("navigation", { name: "Main" }).boundingBox();
    for (const option of ["System", "Light", "Dark"]) {
      const box = (await page.getByRole("group", { name: "Theme" }).getByTitle(option).boundingBox())!;
      expect(box.width, option).toBeGreaterThanOrEqual(24);
      expect(box.x, option).toBeGreaterThanOrEqual(rail!.x);
      expect(box.x + box.width, option).toBeLessThanOrEqual(rail!.x + rail!.width);
    }
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "dark-inbox-390.png") });
    await ctx.close();
  });
});
