// The foundation, as a person would use it: sign in as the demo agent, open a
// customer, see their timeline from the database, across channels, live.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { startAppServer, TEST_SECRETS, type AppServer } from "../helpers/app-server";
import { launchBrowser, SCREENSHOT_DIR } from "../helpers/browser";

let t: TestDatabase;
let app: AppServer;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await t?.drop();
});

describe("signed-in agent", () => {
  it("logs in, opens a customer and sees their timeline newest first across channels", async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/customers`);
    await page.waitForURL(/\/login/);
    await page.getByLabel("Email").fill("agent@throughline.test");
    await page.getByLabel("Password").fill("throughline");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/customers$/);

    // The customer with the most channels (a rich single view).
    const richest = await t.prisma.$queryRaw<{ customer_id: string; name: string }[]>`
      SELECT e.customer_id, c.name FROM timeline_events e JOIN customers c ON c.id = e.customer_id
      WHERE e.inbox_id IS NULL OR e.inbox_id IN (
        SELECT ti.inbox_id FROM team_inboxes ti JOIN team_members tm ON tm.team_id = ti.team_id JOIN users u ON u.id = tm.user_id WHERE u.email = 'agent@throughline.test')
      GROUP BY e.customer_id, c.name ORDER BY count(DISTINCT e.channel) DESC, count(*) DESC LIMIT 1`;
    const target = richest[0]!;
    await page.getByLabel("Search customers").fill(target.name);
    await page.getByRole("link", { name: new RegExp(target.name) }).first().click();
    await page.waitForURL(new RegExp(`/customers/${target.customer_id}`));
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(target.name);

    const timeline = page.getByTestId("timeline");
    await timeline.waitFor();
    const entries = timeline.locator(":scope > li");
    await expect.poll(() => entries.count()).toBeGreaterThan(5);
    const times = await timeline.locator(":scope > li time").evaluateAll((els) => els.map((e) => e.getAttribute("datetime")!));
    expect(times.length).toBeGreaterThan(5);
    expect([...times].sort().reverse()).toEqual(times);
    const channels = new Set(await entries.evaluateAll((els) => els.map((e) => e.getAttribute("data-channel"))));
    expect(channels.size).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "customer-1440.png") });

    // Filter to one channel: only that channel remains.
    const email = page.getByRole("button", { name: "Email", exact: true });
    if (await email.count()) {
      await email.click();
      await expect.poll(async () => new Set(await entries.evaluateAll((els) => els.map((e) => e.getAttribute("data-channel"))))).toEqual(new Set(["email"]));
    }
    await page.goto(`${app.url}/inbox`);
    await page.getByRole("list", { name: "Conversations" }).or(page.getByText("All caught up")).first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "inbox-1440.png") });
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.goto(`${app.url}/customers/${target.customer_id}`);
    await timeline.waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "customer-1024.png") });

    // A customer who has only written to Billing (not the agent's team): the page says there is no such customer.
    const raw = ["From: Hidden Person <hidden-person@example.test>", "To: billing@throughline.test", "Subject: Invoice", "Message-ID: <hidden-person-1@example.test>", "", "About my invoice."].join("\r\n");
    const stored = await fetch(`${app.url}/api/inbound/email`, { method: "POST", headers: { authorization: `Bearer ${TEST_SECRETS.DEMO_INBOX_TOKEN}`, "content-type": "message/rfc822" }, body: raw });
    expect(stored.status).toBe(202);
    const hidden = { id: ((await stored.json()) as { customerId: string }).customerId, name: "Hidden Person" };
    await page.goto(`${app.url}/customers/${hidden.id}`);
    await expect.poll(() => page.getByText("No such customer.").count()).toBeGreaterThan(0);
    expect(await page.getByRole("status").filter({ hasText: "Not found" }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Try again" }).count()).toBe(0);
    expect(await page.getByTestId("timeline").count()).toBe(0);
    expect(await page.getByText(hidden.name).count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "customer-not-found-1024.png") });
    await context.close();
  });

  it("shows a clear error for a wrong password", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${app.url}/login`);
    await page.getByLabel("Email").fill("agent@throughline.test");
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").filter({ hasText: /\S/ }).first().textContent()).toMatch(/wrong email or password/i);
    expect(page.url()).toMatch(/\/login/);
    await context.close();
  });
});
