// Custom conversation fields in headless Chromium: an admin creates a select
// field required in the Support inbox (Settings → Fields); a Support agent
// opens a Support conversation, is refused resolving while it is empty, picks
// a value (saved on change, on the timeline at once), and resolves. axe-core
// checks both pages; both are screenshotted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/app-server";
import { launchBrowser, SCREENSHOT_DIR, seriousAxeViolations, signInInBrowser } from "../helpers/browser";

let t: TestDatabase;
let app: AppServer;
let browser: Browser;
let admin: Page;
let agent: Page;

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url });
  browser = await launchBrowser();
  admin = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  agent = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await t?.drop();
});

describe("settings: conversation fields", () => {
  it("a required select field blocks resolving until the agent picks a value, which shows on the timeline", async () => {
    await signInInBrowser(admin, app.url, "admin@throughline.test");
    await admin.goto(`${app.url}/settings/fields`);
    await admin.getByText("No fields yet").waitFor();

    await admin.getByRole("button", { name: "New field" }).click();
    const form = admin.getByRole("form", { name: "New field" });
    await form.getByLabel("Label", { exact: true }).fill("Contact reason");
    // The key is suggested from the label.
    expect(await form.getByLabel("Key", { exact: true }).inputValue()).toBe("contact_reason");
    await form.getByLabel("Type", { exact: true }).selectOption("select");
    // A select without options is refused by the server, and nothing is stored.
    await form.getByRole("button", { name: "Create field" }).click();
    await form.getByRole("alert").filter({ hasText: "A select field needs at least one option." }).waitFor();
    expect(await t.prisma.conversationField.count()).toBe(0);
    await form.getByLabel("Options", { exact: true }).fill("Refund\nExchange\nQuestion");
    await form.getByRole("checkbox", { name: "Support email", exact: true }).check();
    await admin.screenshot({ path: path.join(SCREENSHOT_DIR, "settings-fields-dialog.png") });
    await form.getByRole("button", { name: "Create field" }).click();
    await admin.getByText("Field Contact reason created.").waitFor();

    const row = admin.getByTestId("field-table").locator('tr[data-field="contact_reason"]');
    await row.waitFor();
    expect(await row.textContent()).toContain("Support email");
    expect(await row.textContent()).toContain("Refund, Exchange, Question");
    const field = await t.prisma.conversationField.findUniqueOrThrow({ where: { key: "contact_reason" }, include: { requiredIn: { include: { inbox: true } } } });
    expect([field.type, field.options, field.requiredIn.map((r) => r.inbox.publicId)]).toEqual(["select", ["Refund", "Exchange", "Question"], ["support@throughline.test"]]);
    expect(await seriousAxeViolations(admin, "settings-fields")).toEqual([]);
    await admin.screenshot({ path: path.join(SCREENSHOT_DIR, "settings-fields.png"), fullPage: true });

    // Sam (Support) opens an open Support conversation.
    const support = await t.prisma.inbox.findUniqueOrThrow({ where: { publicId: "support@throughline.test" } });
    const conv = await t.prisma.conversation.findFirstOrThrow({ where: { inboxId: support.id, status: { in: ["open", "pending"] } }, orderBy: { lastMessageAt: "desc" }, select: { id: true } });
    await signInInBrowser(agent, app.url, "agent@throughline.test");
    await agent.goto(`${app.url}/conversations/${conv.id}`);
    const fields = agent.getByTestId("conversation-fields");
    await fields.waitFor({ timeout: 60_000 });
    const select = fields.getByLabel(/^Contact reason/);
    expect(await select.getAttribute("aria-required")).toBe("true");
    await fields.getByText("1 required field is empty").waitFor();

    // Resolving now is refused, naming the field.
    await agent.getByRole("button", { name: "Resolve", exact: true }).click();
    await agent.getByRole("alert").filter({ hasText: "This inbox requires the field Contact reason: fill it in before resolving." }).waitFor();
    expect((await t.prisma.conversation.findUniqueOrThrow({ where: { id: conv.id } })).status).not.toBe("resolved");

    // Picking a value saves it and puts the change on the timeline.
    await select.selectOption("Refund");
    await agent.getByText("Contact reason set to “Refund”").first().waitFor({ timeout: 20_000 });
    await expect.poll(async () => (await t.prisma.conversation.findUniqueOrThrow({ where: { id: conv.id } })).customFields).toEqual({ contact_reason: "Refund" });
    await expect.poll(() => fields.getByTestId("fields-missing").count()).toBe(0);
    // The refusal named the field that is now filled: it no longer stands.
    await expect.poll(() => agent.getByTestId("ticket-error").count()).toBe(0);
    expect(await seriousAxeViolations(agent, "conversation-fields")).toEqual([]);
    await agent.screenshot({ path: path.join(SCREENSHOT_DIR, "conversation-fields.png"), fullPage: true });

    await agent.getByRole("button", { name: "Resolve", exact: true }).click();
    await expect.poll(async () => (await t.prisma.conversation.findUniqueOrThrow({ where: { id: conv.id } })).status, { timeout: 20_000 }).toBe("resolved");
    await expect.poll(() => agent.getByTestId("ticket-error").count()).toBe(0);

    // Archive, after confirming.
    await admin.getByRole("button", { name: "Archive Contact reason" }).click();
    await admin.getByRole("dialog", { name: "Archive Contact reason?" }).getByRole("button", { name: "Archive field" }).click();
    await admin.getByText("Field Contact reason archived.").waitFor();
    expect((await t.prisma.conversationField.findUniqueOrThrow({ where: { key: "contact_reason" } })).archivedAt).not.toBeNull();
  });
});
