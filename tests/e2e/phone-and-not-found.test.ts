// Two things a support team hits first, in headless Chromium against a seeded server:
// 1. A malformed id in a URL (/conversations/not-a-uuid, …) shows the calm
//    "Not found" notice at once: no spinner, no retry loop, no query at all.
// 2. The console at phone size (390×844): inbox rows keep the customer name
//    and the subject, the inbox selector and the view tabs stay on screen, the
//    subject's Edit is not under Resolve, the macro menu stays inside the
//    composer; and the favicon exists. Screenshots of the phone inbox and
//    conversation are kept.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/app-server";
import { launchBrowser, SCREENSHOT_DIR, signInInBrowser } from "../helpers/browser";

let t: TestDatabase;
let app: AppServer;
let browser: Browser;
let desktop: BrowserContext;
let phone: BrowserContext;
let page: Page;
let phonePage: Page;

const PHONE = { width: 390, height: 844 };

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url });
  browser = await launchBrowser();
  desktop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  phone = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  page = await desktop.newPage();
  phonePage = await phone.newPage();
  await signInInBrowser(page, app.url, "admin@throughline.test");
  await signInInBrowser(phonePage, app.url, "agent@throughline.test");
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await t?.drop();
});

describe("a malformed id shows “Not found”", () => {
  // A uuid in shape but not a valid one (version 1, variant bits wrong): the API refuses it as BAD_REQUEST.
  const almostUuid = "12345678-1234-1234-1234-123456789abc";
  const never = "01890000-0000-7000-8000-000000000000";

  it.each([
    ["/conversations/not-a-uuid"],
    [`/conversations/${almostUuid}`],
    ["/customers/not-a-uuid"],
    ["/customers/%E2%9C%93"],
    ["/customers/not-a-uuid/journey"],
    [`/customers/${almostUuid}/journey`],
  ])("%s: the notice at once, no spinner, no query, no retry", async (url) => {
    const queried: string[] = [];
    const onRequest = (r: { url: () => string }) => {
      if (r.url().includes("/api/trpc/") && /not-a-uuid|12345678-1234|%E2%9C%93/i.test(r.url())) queried.push(r.url());
    };
    page.on("request", onRequest);
    try {
      const res = await page.goto(`${app.url}${url}`);
      expect(res?.status()).toBe(404);
      const notice = page.getByTestId("not-found");
      await notice.waitFor({ timeout: 10_000 });
      expect(await notice.textContent()).toMatch(/^Not found/);
      expect(await page.getByRole("status", { name: "Loading" }).count()).toBe(0);
      expect(await page.getByText("Something went wrong").count()).toBe(0);
      expect(await page.getByRole("button", { name: "Try again" }).count()).toBe(0);
      // Still inside the console (navigation works), and nothing asked the API about the bad id.
      expect(await page.getByRole("navigation", { name: "Main" }).count()).toBe(1);
      expect(queried).toEqual([]);
    } finally {
      page.off("request", onRequest);
    }
  });

  it.each([[`/conversations/${never}`], [`/customers/${never}`], [`/customers/${never}/journey`]])("%s (well-formed, unknown) still shows the notice", async (url) => {
    await page.goto(`${app.url}${url}`);
    const notice = page.getByTestId("not-found");
    await notice.waitFor({ timeout: 10_000 });
    expect(await notice.textContent()).toMatch(/^Not found/);
    expect(await page.getByRole("button", { name: "Try again" }).count()).toBe(0);
  });

  it.each([["/help/NOT%20a%20slug!"], ["/help/xx/yy/zz"], ["/help/no-such-article"]])("help center %s: “Not found”, not a bare 404 page", async (url) => {
    const res = await page.goto(`${app.url}${url}`);
    expect(res?.status()).toBe(404);
    const notice = page.getByTestId("not-found");
    await notice.waitFor({ timeout: 10_000 });
    expect(await notice.getByRole("heading").textContent()).toBe("Not found");
    expect(await page.getByRole("link", { name: "Browse all articles" }).count()).toBe(1);
  });

  it("survey link that is not a token: the calm “not valid” notice", async () => {
    await page.goto(`${app.url}/survey/not-a-token`);
    const status = page.getByRole("status");
    await status.waitFor({ timeout: 10_000 });
    expect(await status.getByRole("heading").textContent()).toBe("This survey link is not valid");
  });
});

type Box = { x: number; y: number; width: number; height: number };
async function box(l: Locator): Promise<Box> {
  const b = await l.boundingBox();
  expect(b, "element is rendered").not.toBeNull();
  return b!;
}
const inside = (b: Box, outer: Box) => b.x >= outer.x - 0.5 && b.y >= outer.y - 0.5 && b.x + b.width <= outer.x + outer.width + 0.5 && b.y + b.height <= outer.y + outer.height + 0.5;
const intersects = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const VIEWPORT: Box = { x: 0, y: 0, ...PHONE };
/** Horizontally within the viewport (vertical position depends on scrolling). */
const withinWidth = (b: Box) => b.x >= -0.5 && b.x + b.width <= PHONE.width + 0.5;

describe("phone-sized console (390×844)", () => {
  it("inbox rows keep the customer name and the subject; the inbox selector and view tabs stay on screen", async () => {
    await phonePage.goto(`${app.url}/inbox`);
    const rows = phonePage.getByRole("list", { name: "Conversations" }).locator("li");
    await rows.first().waitFor();
    await phonePage.screenshot({ path: path.join(SCREENSHOT_DIR, "phone-inbox-390.png") });
    // No sideways scrolling of the whole page.
    expect(await phonePage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    const n = Math.min(await rows.count(), 6);
    expect(n).toBeGreaterThan(2);
    for (let i = 0; i < n; i++) {
      const row = rows.nth(i);
      const name = row.getByTestId("row-customer");
      const nb = await box(name);
      expect(withinWidth(nb), `row ${i}: name inside the screen`).toBe(true);
      // The whole name shows (seeded names are ordinary lengths), not an ellipsis stub.
      const { full, shown } = await name.evaluate((el) => ({ full: el.scrollWidth, shown: el.clientWidth }));
      expect(shown, `row ${i}: name not cut`).toBeGreaterThanOrEqual(Math.min(full, 140) - 1);
      const subject = row.getByTestId("row-preview");
      const sb = await box(subject);
      expect(withinWidth(sb)).toBe(true);
      // Most of the row's width goes to the subject/preview.
      expect(sb.width, `row ${i}: subject width`).toBeGreaterThan(200);
    }
    const select = phonePage.getByLabel("Inbox", { exact: true });
    expect(inside(await box(select), VIEWPORT), "inbox selector on screen").toBe(true);
    const tabs = phonePage.getByRole("tab");
    const tabCount = await tabs.count();
    expect(tabCount).toBeGreaterThan(2);
    const tablist = await box(phonePage.getByRole("tablist", { name: "Views" }));
    expect(withinWidth(tablist), "tab strip inside the screen").toBe(true);
    for (let i = 0; i < tabCount; i++) {
      // Every tab is reachable (the strip scrolls sideways by itself, not the page).
      await tabs.nth(i).scrollIntoViewIfNeeded();
      const tb = await box(tabs.nth(i));
      expect(withinWidth(tb), `tab ${i} on screen`).toBe(true);
    }
  });

  it("conversation: the subject's Edit is not under Resolve, and the macro menu stays inside the composer", async () => {
    const agent = await t.prisma.user.findUniqueOrThrow({ where: { email: "agent@throughline.test" } });
    // Someone else's ticket: the header then also has "Assign to me" beside Resolve (the crowded case).
    const support = await t.prisma.inbox.findUniqueOrThrow({ where: { publicId: "support@throughline.test" } });
    const conv = await t.prisma.conversation.findFirstOrThrow({
      where: { inboxId: support.id, status: "open", subject: { not: null }, OR: [{ assigneeId: null }, { assigneeId: { not: agent.id } }] },
      orderBy: { lastMessageAt: "desc" },
    });
    await phonePage.goto(`${app.url}/conversations/${conv.id}`);
    const edit = phonePage.getByRole("button", { name: "Edit subject" });
    const resolve = phonePage.getByRole("button", { name: "Resolve" });
    await edit.waitFor();
    await resolve.waitFor();
    await phonePage.getByTestId("composer").waitFor();
    await phonePage.screenshot({ path: path.join(SCREENSHOT_DIR, "phone-conversation-390.png") });
    expect(await phonePage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    const eb = await box(edit);
    const rb = await box(resolve);
    expect(intersects(eb, rb), "Edit and Resolve do not overlap").toBe(false);
    expect(inside(eb, VIEWPORT) && inside(rb, VIEWPORT)).toBe(true);
    // Edit is the element actually hit at its centre (not covered by anything).
    const hit = await phonePage.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.getAttribute("aria-label"), { x: eb.x + eb.width / 2, y: eb.y + eb.height / 2 });
    expect(hit).toBe("Edit subject");
    expect(await phonePage.getByRole("button", { name: "Assign to me" }).count()).toBe(1);
    // The subject itself is readable, not squeezed to nothing.
    const subject = await box(phonePage.getByRole("heading", { level: 1 }).getByText(conv.subject!, { exact: true }));
    expect(subject.width).toBeGreaterThan(100);

    const composer = phonePage.getByTestId("composer");
    const macro = phonePage.getByLabel("Insert a macro");
    await composer.scrollIntoViewIfNeeded();
    await phonePage.screenshot({ path: path.join(SCREENSHOT_DIR, "phone-composer-390.png") });
    const cb = await box(composer);
    const mb = await box(macro);
    expect(withinWidth(cb), "composer inside the screen").toBe(true);
    expect(inside(mb, cb), "macro menu inside the composer").toBe(true);
    for (const name of [/^Reply/, "Internal note"]) {
      const tb = await box(composer.getByRole("button", { name }));
      expect(intersects(tb, mb), `${name} tab and the macro menu do not overlap`).toBe(false);
    }
  });

  it("has a favicon: the icon link answers 200 with an image", async () => {
    await page.goto(`${app.url}/inbox`);
    const href = await page.locator('link[rel="icon"]').first().getAttribute("href");
    expect(href).toBeTruthy();
    const res = await fetch(new URL(href!, app.url));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^image\//);
  });
});
