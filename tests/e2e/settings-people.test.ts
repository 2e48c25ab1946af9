// Settings → People, Teams and API keys in headless Chromium: an admin adds an
// agent to a team; the agent signs in in a second browser and sees only that
// team's inboxes; deactivating them ends their open console session on the
// spot; the admin creates an API key and sees it exactly once. axe-core checks
// the new pages, and each is screenshotted at 1440×900.
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
let adminCtx: BrowserContext;
let agentCtx: BrowserContext;
let admin: Page;
let agent: Page;
const NEW_AGENT = { name: "Priya Natarajan", email: "priya.natarajan@throughline.test", password: "welcome-to-billing-42" };

const login = (page: Page, email: string, password?: string) => signInInBrowser(page, app.url, email, password);
const axeViolations = seriousAxeViolations;

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url });
  browser = await launchBrowser();
  adminCtx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  agentCtx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  admin = await adminCtx.newPage();
  agent = await agentCtx.newPage();
  admin.on("dialog", (d) => void d.accept());
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await t?.drop();
});

describe("settings: people, teams, API keys", () => {
  it("an admin adds an agent to the Billing team; the agent sees only Billing's inboxes", async () => {
    await login(admin, "admin@throughline.test");
    await admin.goto(`${app.url}/settings/people`);
    const table = admin.getByTestId("people-table");
    await table.waitFor();
    expect(await axeViolations(admin, "people")).toEqual([]);
    await admin.screenshot({ path: path.join(SCREENSHOT_DIR, "settings-people-1440.png"), fullPage: true });

    await admin.getByRole("button", { name: "Add person" }).first().click();
    const form = admin.getByRole("form", { name: "Add a person" });
    // The form opens with the focus in its first field.
    await expect.poll(() => admin.evaluate(() => (document.activeElement as HTMLInputElement | null)?.closest("label")?.textContent?.trim())).toBe("Name");
    await form.getByLabel("Name", { exact: true }).fill(NEW_AGENT.name);
    await form.getByLabel("Email", { exact: true }).fill(NEW_AGENT.email);
    await form.getByLabel("Role", { exact: true }).selectOption("agent");
    await form.getByRole("checkbox", { name: /^Billing/ }).check();
    await form.getByLabel("Initial password", { exact: true }).fill("too-short");
    await form.getByRole("button", { name: "Add person" }).click();
    await expect.poll(() => form.getByRole("alert").textContent()).toBe("Use at least 10 characters for the password.");
    expect(await axeViolations(admin, "people form")).toEqual([]);
    await admin.screenshot({ path: path.join(SCREENSHOT_DIR, "settings-people-form-1440.png"), fullPage: true });
    await form.getByLabel("Initial password", { exact: true }).fill(NEW_AGENT.password);
    await form.getByRole("button", { name: "Add person" }).click();
    await table.getByText(NEW_AGENT.email).waitFor();
    await expect.poll(() => table.locator("tr", { hasText: NEW_AGENT.email }).textContent()).toMatch(/Billing/);

    const billing = await t.prisma.team.findUniqueOrThrow({ where: { name: "Billing" }, include: { inboxes: { include: { inbox: true } } } });
    const expected = billing.inboxes.map((i) => i.inbox.name).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(await t.prisma.inbox.count()).toBeGreaterThan(expected.length);

    await login(agent, NEW_AGENT.email, NEW_AGENT.password);
    await agent.goto(`${app.url}/inbox`);
    const select = agent.getByLabel("Inbox", { exact: true });
    await expect.poll(() => select.locator("option").count()).toBe(expected.length + 1);
    const names = (await select.locator("option").allTextContents())
      .filter((o) => o !== "All my inboxes")
      .map((o) => o.replace(/ \(\d+\)$/, "")) // "Billing email (3)": open conversations
      .sort();
    expect(names).toEqual(expected);
  });

  it("teams page: lists teams with their inboxes and members", async () => {
    await admin.goto(`${app.url}/settings/teams`);
    const list = admin.getByTestId("team-list");
    await list.waitFor();
    await expect.poll(() => list.locator("li", { hasText: "Billing" }).first().textContent()).toContain(NEW_AGENT.name);
    await admin.getByRole("button", { name: "Edit the team Billing" }).click();
    await admin.getByRole("form", { name: "Edit team" }).waitFor();
    expect(await axeViolations(admin, "teams")).toEqual([]);
    await admin.screenshot({ path: path.join(SCREENSHOT_DIR, "settings-teams-1440.png"), fullPage: true });
    await admin.getByRole("button", { name: "Cancel" }).click();
  });

  it("an admin sees the agent's console session (device, address) and ends it: the agent's open tab says its session ended", async () => {
    await agent.goto(`${app.url}/inbox`);
    await expect.poll(() => agent.getByLabel("Inbox", { exact: true }).locator("option").count()).toBeGreaterThan(1);
    await admin.goto(`${app.url}/settings/people`);
    await admin.getByRole("button", { name: `Sessions of ${NEW_AGENT.name}` }).click();
    const sessions = admin.getByTestId("sessions-table");
    await sessions.waitFor();
    await expect.poll(() => sessions.locator("tbody tr").count()).toBe(1);
    expect(await sessions.textContent()).toMatch(/Chrome on Linux/);
    expect(await sessions.textContent()).toMatch(/127\.0\.0\.1|::1/);
    expect(await axeViolations(admin, "sessions")).toEqual([]);
    await admin.screenshot({ path: path.join(SCREENSHOT_DIR, "settings-sessions-1440.png") });
    await sessions.getByRole("button", { name: /^End session on Chrome on Linux/ }).click();
    await admin.getByText("Not signed in anywhere").waitFor();
    // Ended on the server: the agent's live tab learns it at once.
    await agent.getByRole("alert").filter({ hasText: "Your session ended" }).waitFor({ timeout: 15_000 });
    await admin.getByRole("button", { name: "Close" }).click();
    await login(agent, NEW_AGENT.email, NEW_AGENT.password);
  });

  it("deactivating the agent ends their open console session: “Your session ended” with a sign-in link", async () => {
    await agent.goto(`${app.url}/inbox`);
    // The console is live (its inbox list loaded over tRPC, its socket connected).
    await expect.poll(() => agent.getByLabel("Inbox", { exact: true }).locator("option").count()).toBeGreaterThan(1);
    await admin.goto(`${app.url}/settings/people`);
    await admin.getByRole("button", { name: `Deactivate ${NEW_AGENT.name}` }).click();
    await admin.getByRole("button", { name: `Reactivate ${NEW_AGENT.name}` }).waitFor();
    const banner = agent.getByRole("alert").filter({ hasText: "Your session ended" });
    await banner.waitFor({ timeout: 15_000 });
    const link = banner.getByRole("link", { name: "Sign in again" });
    expect(await link.getAttribute("href")).toBe(`/login?callbackUrl=${encodeURIComponent("/inbox")}`);
    await agent.screenshot({ path: path.join(SCREENSHOT_DIR, "settings-session-ended-1440.png") });
  });

  it("an admin creates an API key and sees it exactly once", async () => {
    await admin.goto(`${app.url}/settings/api-keys`);
    await admin.getByTestId("api-key-table").waitFor();
    expect(await axeViolations(admin, "api keys")).toEqual([]);
    await admin.getByRole("button", { name: "New key" }).click();
    const form = admin.getByRole("form", { name: "New API key" });
    await form.getByLabel("Name", { exact: true }).fill("Warehouse sync");
    await form.getByRole("checkbox", { name: /events:write/ }).check();
    await form.getByRole("button", { name: "Create key" }).click();
    const shown = admin.getByTestId("new-api-key");
    await shown.waitFor();
    const key = await shown.getByLabel("New API key").inputValue();
    expect(key).toMatch(/^tl_[A-Za-z0-9_-]{32}$/);
    expect(await axeViolations(admin, "api key shown")).toEqual([]);
    await admin.screenshot({ path: path.join(SCREENSHOT_DIR, "settings-api-keys-1440.png"), fullPage: true });
    // It works...
    const res = await fetch(`${app.url}/api/v1/events`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ customer: { email: "wh@customer.test" }, name: "stock_low" }) });
    expect(res.status).toBe(202);
    // ...and is never shown again: the list keeps only its prefix.
    await admin.reload();
    const table = admin.getByTestId("api-key-table");
    await table.waitFor();
    await expect.poll(() => table.locator("tr", { hasText: "Warehouse sync" }).textContent()).toContain(`${key.slice(0, 10)}…`);
    expect(await admin.content()).not.toContain(key.slice(10));
    await admin.getByRole("button", { name: "Revoke Warehouse sync" }).click();
    await expect.poll(() => table.locator("tr", { hasText: "Warehouse sync" }).textContent()).toContain("Revoked");
  });
});
