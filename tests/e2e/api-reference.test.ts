// Settings → API keys → API reference in headless Chromium: the admin follows
// the link from the API keys page, the OpenAPI document renders (every
// operation listed) under the console's strict nonce CSP with no violation,
// and nothing is fetched from another origin (no CDN, no fonts, no telemetry:
// the deployment may be offline). Screenshot at 1440×900.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/app-server";
import { launchBrowser, SCREENSHOT_DIR, settled, signInInBrowser } from "../helpers/browser";

let t: TestDatabase;
let app: AppServer;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url });
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await t?.drop();
});

type Problem = { page: string; text: string };

/** CSP violations and page errors (as tests/e2e/csp.test.ts collects them), and requests leaving our origin. */
function watch(page: Page, origin: string, problems: Problem[], foreign: string[]) {
  page.on("console", (m) => {
    if (/Refused to|Content Security Policy/i.test(m.text())) problems.push({ page: page.url(), text: m.text() });
  });
  page.on("pageerror", (e) => problems.push({ page: page.url(), text: `pageerror: ${e.message}` }));
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (/^(https?|wss?):$/.test(url.protocol) && url.origin !== origin) foreign.push(r.url());
  });
}

/** A signed-in admin's page at 1440×900, watched from its first request. */
async function adminPage() {
  const problems: Problem[] = [];
  const foreign: string[] = [];
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  watch(page, new URL(app.url).origin, problems, foreign);
  await signInInBrowser(page, app.url, "admin@throughline.test");
  return { context, page, problems, foreign };
}

// The operations of the document (src/server/http/openapi/document.ts), by summary.
const OPERATIONS = ["Find a customer by identity", "Get a customer", "Read a customer's timeline", "Send product events", "This OpenAPI document"];

describe("the API reference page", () => {
  it("renders every operation from our own origin with no CSP violation", async () => {
    const { context, page, problems, foreign } = await adminPage();

    await page.goto(`${app.url}/settings/api-keys`);
    await page.getByTestId("api-key-table").waitFor();
    await page.getByRole("link", { name: "API reference" }).click();
    await page.waitForURL((u) => u.pathname === "/settings/api-keys/reference");

    // The page itself carries the console's nonce policy.
    const res = await fetch(`${app.url}/settings/api-keys/reference`, { headers: { cookie: (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ") }, redirect: "manual" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);

    // Rendered by Scalar in the browser: the operation list comes from the document.
    const reference = page.getByTestId("api-reference");
    for (const summary of OPERATIONS) await reference.getByText(summary, { exact: true }).first().waitFor({ timeout: 30_000 });
    await expect.poll(() => reference.getByText("/api/v1/customers/{id}", { exact: true }).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.waitForLoadState("networkidle");
    await settled(reference);
    expect(await page.getByText("The API reference could not be shown").count()).toBe(0);

    expect(problems).toEqual([]);
    expect(foreign, "requests to other origins").toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "settings-api-reference.png") });
    await context.close();
  });

  it("renders when opened directly too (a bookmark, a reload)", async () => {
    const { context, page, problems, foreign } = await adminPage();
    await page.goto(`${app.url}/settings/api-keys/reference`);
    await page.getByTestId("api-reference").getByText("Send product events", { exact: true }).first().waitFor({ timeout: 30_000 });
    await page.waitForLoadState("networkidle");
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
    await context.close();
  });
});
