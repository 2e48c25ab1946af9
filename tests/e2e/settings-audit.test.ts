// Settings → Audit log in headless Chromium: an admin's own change appears at
// the top, the action filter narrows the list, the CSV export downloads the
// filtered entries; axe-core checks the page and it is screenshotted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/app-server";
import { launchBrowser, SCREENSHOT_DIR, seriousAxeViolations, signInInBrowser } from "../helpers/browser";

let t: TestDatabase;
let app: AppServer;
let browser: Browser;
let admin: Page;

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url });
  browser = await launchBrowser();
  admin = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true })).newPage();
  admin.on("dialog", (d) => void d.accept());
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await t?.drop();
});

describe("settings: audit log", () => {
  it("shows an admin's change at the top, filters by action and exports the filtered entries as CSV", async () => {
    await signInInBrowser(admin, app.url, "admin@throughline.test");
    // Something to audit: an API key, created through the settings page.
    await admin.goto(`${app.url}/settings/api-keys`);
    await admin.getByRole("button", { name: "New key" }).click();
    const form = admin.getByRole("form", { name: "New API key" });
    await form.getByLabel("Name").fill("Audit probe");
    await form.getByRole("checkbox").first().check();
    await form.getByRole("button", { name: "Create key" }).click();
    await admin.getByTestId("new-api-key").waitFor();

    await admin.goto(`${app.url}/settings/audit`);
    const table = admin.getByTestId("audit-table");
    await table.waitFor();
    const first = table.locator("tbody tr").first();
    await expect.poll(() => first.textContent()).toMatch(/api_key\.created/);
    expect(await first.textContent()).toContain("admin@throughline.test");
    expect(await seriousAxeViolations(admin, "settings-audit")).toEqual([]);
    await admin.screenshot({ path: path.join(SCREENSHOT_DIR, "settings-audit-1440.png"), fullPage: true });

    await admin.getByLabel("Action").fill("api_key.");
    await admin.getByRole("button", { name: "Apply" }).click();
    await expect.poll(async () => (await table.locator("tbody tr code").allTextContents()).every((a) => a.startsWith("api_key."))).toBe(true);

    const download = admin.waitForEvent("download");
    await admin.getByRole("button", { name: "Export CSV" }).click();
    const file = await (await download).path();
    const csv = readFileSync(file!, "utf8");
    expect(csv.split("\n")[0]).toBe("time,actor_type,actor_name,actor_email,action,target_type,target_id,data");
    expect(csv).toContain("api_key.created");
    expect(csv.split("\n").filter((l) => /^\d{4}-/.test(l)).every((l) => l.includes(",api_key."))).toBe(true);
    await admin.getByText(/Exported \d+ entr/).waitFor();
  });
});
