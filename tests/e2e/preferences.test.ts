// The agent's preferences page in headless Chromium: the notification matrix
// saves each checkbox as the agent's own choice, the page never asks for
// notification permission on its own (only the "Enable push" button does),
// and choosing a language saves User.locale, sets NEXT_LOCALE and reloads
// the console in it. axe-core checks the page.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/app-server";
import { launchBrowser, seriousAxeViolations, signInInBrowser } from "../helpers/browser";

let t: TestDatabase;
let app: AppServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url });
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await t?.drop();
});

describe("preferences page", () => {
  it("saves the notification matrix, asks for push permission only on click, and switches the language", async () => {
    await signInInBrowser(page, app.url, "agent@throughline.test");
    const agent = await t.prisma.user.findUniqueOrThrow({ where: { email: "agent@throughline.test" } });
    await page.goto(`${app.url}/preferences`);
    await page.getByRole("heading", { name: "Preferences" }).waitFor();

    const mentionEmail = page.getByRole("checkbox", { name: "Mentions by Email" });
    await mentionEmail.waitFor();
    expect(await mentionEmail.isChecked()).toBe(false);
    expect(await page.getByRole("checkbox", { name: "Mentions by In app" }).isChecked()).toBe(true);
    await mentionEmail.check();
    await expect.poll(async () => (await t.prisma.notificationPreference.findUnique({ where: { userId_kind: { userId: agent.id, kind: "mention" } } }))?.email ?? false).toBe(true);
    await page.reload();
    await page.getByRole("checkbox", { name: "Mentions by Email" }).waitFor();
    expect(await page.getByRole("checkbox", { name: "Mentions by Email" }).isChecked()).toBe(true);

    // Nothing asked on load: the permission is still undecided until the button is clicked.
    expect(await page.evaluate(() => Notification.permission)).toBe("default");
    await page.getByRole("button", { name: "Enable push on this device" }).waitFor();
    expect(await seriousAxeViolations(page, "preferences")).toEqual([]);

    await page.getByRole("combobox", { name: "Console language" }).selectOption("de");
    await page.getByRole("heading", { name: "Einstellungen" }).waitFor();
    expect((await context.cookies()).find((c) => c.name === "NEXT_LOCALE")?.value).toBe("de");
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: agent.id } })).locale).toBe("de");
  });
});
