// Settings → Macros in headless Chromium: an admin creates a macro shared with
// the Support team (the live preview fills its placeholders), edits it, and
// after a Support agent inserts it from the composer the admin sees its usage
// count rise; axe-core checks the page and it is screenshotted.
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

const NAME = "Refund follow-up";

describe("settings: macros", () => {
  it("creates a macro shared with a team, edits it, and counts the agent's use", async () => {
    await signInInBrowser(admin, app.url, "admin@throughline.test");
    await admin.goto(`${app.url}/settings/macros`);
    const table = admin.getByTestId("macro-table");
    await table.waitFor();

    await admin.getByRole("button", { name: "New macro" }).click();
    const form = admin.getByRole("form", { name: "New macro" });
    await form.getByLabel("Name", { exact: true }).fill(NAME);
    await form.getByLabel("Text", { exact: true }).fill("Hi {{customer.first_name}}, ");
    await form.getByRole("button", { name: "Add the placeholder {{conversation.number}}" }).click();
    // The live preview fills the placeholders with the sample conversation.
    await expect.poll(() => form.getByTestId("macro-preview").textContent()).toBe("Hi Ana, 1042");
    // "Teams" without a team is refused by the server, and nothing is stored.
    await form.getByRole("radio", { name: /^Teams/ }).check();
    await form.getByRole("button", { name: "Create macro" }).click();
    await form.getByRole("alert").filter({ hasText: "Choose at least one team" }).waitFor();
    expect(await t.prisma.macro.count({ where: { name: NAME } })).toBe(0);
    await form.getByRole("checkbox", { name: "Support", exact: true }).check();
    await form.getByRole("button", { name: "Create macro" }).click();
    await admin.getByText(`Created the macro ${NAME}.`).waitFor();

    const row = table.locator(`tr[data-macro="${NAME}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain("Support");
    expect(await row.getByTestId("macro-uses").textContent()).toBe("0");
    expect(await row.textContent()).toContain("Never");

    // Edit: the text changes, the sharing stays.
    await admin.getByRole("button", { name: `Edit the macro ${NAME}` }).click();
    const edit = admin.getByRole("form", { name: `Edit the macro ${NAME}` });
    expect(await edit.getByRole("checkbox", { name: "Support", exact: true }).isChecked()).toBe(true);
    await edit.getByLabel("Text", { exact: true }).fill("Hi {{customer.first_name}}, your refund for #{{conversation.number}} is on its way.");
    await expect.poll(() => edit.getByTestId("macro-preview").textContent()).toBe("Hi Ana, your refund for #1042 is on its way.");
    await admin.screenshot({ path: path.join(SCREENSHOT_DIR, "settings-macros-dialog.png") });
    await edit.getByRole("button", { name: "Save changes" }).click();
    await admin.getByText(`Saved the macro ${NAME}.`).waitFor();
    const stored = await t.prisma.macro.findFirstOrThrow({ where: { name: NAME }, include: { teams: { include: { team: true } } } });
    expect(stored.body).toBe("Hi {{customer.first_name}}, your refund for #{{conversation.number}} is on its way.");
    expect(stored.teams.map((x) => x.team.name)).toEqual(["Support"]);
    expect(await t.prisma.auditLog.count({ where: { targetType: "macro", targetId: stored.id } })).toBe(2);

    // Sam (Support) inserts it from the composer of a Support conversation.
    const support = await t.prisma.inbox.findUniqueOrThrow({ where: { publicId: "support@throughline.test" } });
    const conv = await t.prisma.conversation.findFirstOrThrow({ where: { inboxId: support.id }, orderBy: { lastMessageAt: "desc" }, select: { id: true, number: true } });
    await signInInBrowser(agent, app.url, "agent@throughline.test");
    await agent.goto(`${app.url}/conversations/${conv.id}`);
    const menu = agent.getByLabel("Insert a macro");
    // The conversation page can take a while on a busy machine; the menu is enabled once the macros are in.
    await menu.waitFor({ timeout: 60_000 });
    await expect.poll(() => menu.isEnabled(), { timeout: 30_000 }).toBe(true);
    await menu.selectOption({ label: NAME });
    const reply = agent.getByTestId("composer").locator("textarea").first();
    await expect.poll(() => reply.inputValue()).toContain(`your refund for #${conv.number} is on its way.`);

    await admin.reload();
    await expect.poll(() => table.locator(`tr[data-macro="${NAME}"]`).getByTestId("macro-uses").textContent()).toBe("1");
    expect(await table.locator(`tr[data-macro="${NAME}"]`).textContent()).not.toContain("Never");
    expect(await seriousAxeViolations(admin, "settings-macros")).toEqual([]);
    await admin.screenshot({ path: path.join(SCREENSHOT_DIR, "settings-macros.png"), fullPage: true });

    // Delete, after confirming.
    await admin.getByRole("button", { name: `Delete the macro ${NAME}` }).click();
    await admin.getByRole("dialog", { name: `Delete the macro ${NAME}?` }).getByRole("button", { name: "Delete macro" }).click();
    await admin.getByText(`Deleted the macro ${NAME}.`).waitFor();
    expect(await t.prisma.macro.count({ where: { name: NAME } })).toBe(0);
  });
});
