// The console runs under a strict, per-request nonce Content Security Policy
// (src/proxy.ts): no inline script without the nonce, no remote images, and no
// page of the console, help center or survey trips over it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { signIn, startAppServer, TEST_SECRETS, type AppServer } from "../helpers/app-server";
import { launchBrowser, SCREENSHOT_DIR, signInInBrowser } from "../helpers/browser";

let t: TestDatabase;
let app: AppServer;
let browser: Browser;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await t?.drop();
});

function directives(policy: string | null): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of (policy ?? "").split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name, values);
  }
  return map;
}

/** Checks a page's policy and that every script in its HTML carries the policy's nonce. */
async function expectNoncedPage(url: string, cookie?: string) {
  const res = await fetch(url, { headers: cookie ? { cookie } : {}, redirect: "manual" });
  expect(res.status, url).toBe(200);
  const policy = res.headers.get("content-security-policy");
  const csp = directives(policy);
  const script = csp.get("script-src") ?? [];
  const nonce = script.find((v) => v.startsWith("'nonce-"))?.slice(7, -1);
  expect(nonce, `${url}: ${policy}`).toMatch(/^[A-Za-z0-9+/]{16,}={0,2}$/);
  expect(script).toContain("'strict-dynamic'");
  expect(script).not.toContain("'unsafe-inline'");
  // The console loads no remote image (email images go through our proxy); the public help center shows its articles' https images.
  const helpCenter = /\/help(\/|$)/.test(new URL(url).pathname);
  expect(csp.get("img-src")).toEqual(helpCenter ? ["'self'", "data:", "blob:", "https:"] : ["'self'", "data:", "blob:"]);
  expect(csp.get("object-src")).toEqual(["'none'"]);
  expect(csp.get("base-uri")).toEqual(["'self'"]);
  expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
  expect(csp.get("form-action")).toEqual(["'self'"]);
  expect(csp.get("connect-src")?.[0]).toBe("'self'");
  // The other security headers stay.
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  const html = await res.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]);
  expect(scripts.length, url).toBeGreaterThan(0);
  const inline = scripts.filter((s) => !/\ssrc=/i.test(s));
  expect(inline.length, `${url}: Next's inline bootstrap scripts`).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag, url).toContain(`nonce="${nonce}"`);
  return nonce!;
}

type Violation = { page: string; text: string };

function watchCsp(page: Page, violations: Violation[]) {
  page.on("console", (m) => {
    if (/Refused to|Content Security Policy/i.test(m.text())) violations.push({ page: page.url(), text: m.text() });
  });
  page.on("pageerror", (e) => violations.push({ page: page.url(), text: `pageerror: ${e.message}` }));
}

describe("content security policy", () => {
  it("gives every page a fresh nonce that all its scripts carry, and no unsafe-inline", async () => {
    const first = await expectNoncedPage(`${app.url}/login`);
    const second = await expectNoncedPage(`${app.url}/login`);
    expect(second).not.toBe(first);
    await expectNoncedPage(`${app.url}/help`);
    const admin = await signIn(app.url, "admin@throughline.test");
    await expectNoncedPage(`${app.url}/inbox`, admin.cookie);
    await expectNoncedPage(`${app.url}/supervisor`, admin.cookie);
  });

  it("leaves API answers, the widget script and attachments to their own policies", async () => {
    const api = await fetch(`${app.url}/api/v1/customers?email=nobody@example.test`, { headers: { authorization: `Bearer ${TEST_SECRETS.DEMO_API_KEY}` } });
    expect(api.status).toBe(200);
    expect(api.headers.get("content-security-policy")).toMatch(/^default-src 'none'/);
    expect(api.headers.get("content-security-policy")).not.toMatch(/nonce-/);
    const widget = await fetch(`${app.url}/widget.js`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get("content-security-policy")).toBeNull();
    expect(widget.headers.get("x-frame-options")).toBeNull();
  });

  it("reports no violation anywhere in the console, help center and survey pages", async () => {
    const violations: Violation[] = [];
    const conv = await t.prisma.conversation.findFirstOrThrow({ where: { channel: "email" }, orderBy: { createdAt: "desc" } });
    const article = await t.prisma.article.findFirstOrThrow({ where: { status: "published", locale: "en" } });
    process.env.DATABASE_URL = t.url;
    process.env.NEXTAUTH_SECRET = TEST_SECRETS.NEXTAUTH_SECRET;
    const { createSurvey } = await import("@/server/surveys/service");
    const survey = await createSurvey({ kind: "csat", customerId: conv.customerId, conversationId: conv.id, channel: "email" });

    // Service workers blocked: the console registers one, and requests it makes are not seen by page.route (the injection below).
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, serviceWorkers: "block" });
    const page = await context.newPage();
    watchCsp(page, violations);
    await page.goto(`${app.url}/login`);
    await page.getByLabel("Email").waitFor();
    await signInInBrowser(page, app.url, "admin@throughline.test");

    const visit = async (pathname: string, ready: () => Promise<unknown>) => {
      await page.goto(`${app.url}${pathname}`);
      await ready();
      await page.waitForLoadState("networkidle");
    };
    // Each page waits for something only client-side JavaScript renders or does.
    await visit("/inbox", () => expect.poll(() => page.getByTestId("count-mine").textContent(), { timeout: 20_000 }).toMatch(/^\d+$/));
    const timelineShown = () => page.getByTestId("timeline").locator("li").first().waitFor({ timeout: 30_000 });
    await visit(`/conversations/${conv.id}`, timelineShown);
    // socket.io got through connect-src: the timeline reports itself live.
    await page.getByText("Live", { exact: true }).waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "csp-conversation.png") });
    await visit(`/customers/${conv.customerId}`, timelineShown);
    await visit("/supervisor", () => page.getByRole("heading").first().waitFor());
    await visit("/settings", () => page.getByRole("heading").first().waitFor());
    // A WebSocket to this host is allowed (the transport socket.io upgrades to).
    const live = await page.evaluate(() => new Promise<boolean>((resolve) => {
      const ws = new WebSocket(`${location.origin.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`);
      ws.onopen = () => (ws.close(), resolve(true));
      ws.onerror = () => resolve(false);
    }));
    expect(live, "a same-origin WebSocket may connect").toBe(true);
    await visit("/help", () => page.getByRole("heading", { name: "How can we help?" }).waitFor());
    await visit(`/help/${article.slug}`, () => page.getByRole("heading", { level: 1 }).waitFor());
    await visit(`/survey/${survey.token}`, () => page.getByText("How satisfied are you").waitFor());
    await page.locator('label:has(input[value="4"])').click();
    await page.getByRole("button", { name: "Send my answer" }).click();
    await page.getByText("Thank you for your feedback!").waitFor();

    expect(violations).toEqual([]);

    // Enforced, not just sent: an inline script without the nonce, as if it
    // had slipped into the HTML, does not run and is reported.
    await page.route(`${app.url}/help`, async (route) => {
      const res = await route.fetch();
      const html = (await res.text()).replace("</body>", "<script>window.__injected = 1</script></body>");
      await route.fulfill({ response: res, body: html });
    });
    await page.goto(`${app.url}/help`);
    await page.getByRole("heading", { name: "How can we help?" }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();
    await expect.poll(() => violations.map((v) => v.text).join("\n")).toMatch(/Refused to execute inline script|Executing inline script violates/);
    await context.close();
  });
});

describe("first-run setup under the same policy", () => {
  it("renders /setup with a nonce and no violation", async () => {
    const fresh = await createTestDatabase();
    const empty = await startAppServer({ databaseUrl: fresh.url, seed: false });
    try {
      await expectNoncedPage(`${empty.url}/setup`);
      const violations: Violation[] = [];
      const context = await browser.newContext();
      const page = await context.newPage();
      watchCsp(page, violations);
      await page.goto(`${empty.url}/setup`);
      await page.getByRole("heading", { name: "Welcome to Throughline" }).waitFor();
      await page.waitForLoadState("networkidle");
      // Next's runtime ran (it sets window.next as it boots).
      expect(await page.evaluate(() => Boolean((window as unknown as { next?: unknown }).next))).toBe(true);
      expect(violations).toEqual([]);
      await context.close();
    } finally {
      await empty.stop();
      await fresh.drop();
    }
  });
});
