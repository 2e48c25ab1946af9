// The supervisor's view in a real browser against the real server and seeded
// data: the live board moves when a new email conversation arrives and when an
// agent takes it (no reload, no polling); the journey map, the funnel and the
// metrics render real data; a CSAT link records one answer. Screenshots go to
// tests/e2e/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { signIn, startAppServer, TEST_SECRETS, type AppServer } from "../helpers/app-server";
import { launchBrowser, SCREENSHOT_DIR, settled } from "../helpers/browser";

let t: TestDatabase;
let app: AppServer;
let browser: Browser;
let supervisor: BrowserContext;

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url, env: { PUBLIC_URL: "http://localhost:1" } });
  browser = await launchBrowser();
  supervisor = await loggedIn("supervisor@throughline.test");
});
afterAll(async () => {
  await supervisor?.close();
  await browser?.close();
  await app?.stop();
  await t?.drop();
});

async function loggedIn(email: string, viewport = { width: 1440, height: 1200 }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${app.url}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("throughline");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
  await page.close();
  return context;
}

// Console pages scroll inside <main>: a viewport shot; public pages: the full page.
const shot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: path.join(SCREENSHOT_DIR, name), fullPage });
const num = async (page: Page, selector: string) => Number((await page.locator(selector).first().textContent())?.trim() ?? "NaN");

function rawEmail(tag: string) {
  return [
    `From: Board Tester <${tag}@example.com>`,
    "To: support@throughline.test",
    `Subject: Deploy stuck (${tag})`,
    `Message-ID: <${tag}@example.com>`,
    `Date: ${new Date().toUTCString()}`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Hello, my deploy has been stuck for an hour. Can someone help?",
    "",
  ].join("\r\n");
}

describe("live queue board", () => {
  it("updates live when a new conversation arrives and when an agent takes it", async () => {
    const page = await supervisor.newPage();
    await page.goto(`${app.url}/supervisor`);
    await page.getByRole("heading", { name: "Live queue board" }).waitFor();
    const inbox = await t.prisma.inbox.findUniqueOrThrow({ where: { publicId: "support@throughline.test" } });
    const row = `[data-testid="queue-row-${inbox.id}"]`;
    await page.locator(row).waitFor();
    await expect.poll(() => page.getByText("Live", { exact: true }).count()).toBeGreaterThan(0);
    const before = {
      open: await num(page, `${row} [data-metric="open"]`),
      unassigned: await num(page, `${row} [data-metric="unassigned"]`),
      total: await num(page, '[data-testid="total-unassigned"]'),
    };
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "supervisor-board-before.png") });

    // A new email conversation arrives (HTTP inbound, the same path as a mail relay).
    const tag = `board-e2e-${randomBytes(4).toString("hex")}`;
    const res = await fetch(`${app.url}/api/inbound/email`, {
      method: "POST",
      headers: { "content-type": "message/rfc822", authorization: `Bearer ${TEST_SECRETS.DEMO_INBOX_TOKEN}` },
      body: rawEmail(tag),
    });
    expect(res.status).toBe(202);
    const { conversationId } = (await res.json()) as { conversationId: string };
    // Pushed to the open page: no reload.
    await expect.poll(() => num(page, `${row} [data-metric="open"]`), { timeout: 15_000 }).toBe(before.open + 1);
    await expect.poll(() => num(page, `${row} [data-metric="unassigned"]`)).toBe(before.unassigned + 1);
    await expect.poll(() => num(page, '[data-testid="total-unassigned"]')).toBe(before.total + 1);
    expect(await page.getByTestId("board-updated").textContent()).toMatch(/updated (just now|\d+s ago)/);
    // Its due times were set by the SLA listener.
    await expect.poll(async () => (await t.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } })).firstResponseDueAt).not.toBeNull();
    await shot(page, "supervisor-board.png");

    // The agent takes it from their own session (tRPC with the agent's cookie): the board follows.
    const agentUser = await t.prisma.user.findUniqueOrThrow({ where: { email: "agent@throughline.test" } });
    const agentLoad = page.locator(`[data-testid="agent-agent@throughline.test"] [data-testid="agent-load"]`);
    const loadBefore = Number((await agentLoad.textContent())!.split("/")[0]!.trim());
    const agent = await signIn(app.url, "agent@throughline.test");
    const take = await fetch(`${app.url}/api/trpc/conversation.update`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: agent.cookie, "x-throughline-csrf": "1" },
      body: JSON.stringify({ json: { id: conversationId, changes: { assigneeId: agentUser.id } } }),
    });
    expect(take.status).toBe(200);
    await expect.poll(() => num(page, `${row} [data-metric="unassigned"]`), { timeout: 15_000 }).toBe(before.unassigned);
    await expect.poll(async () => Number((await agentLoad.textContent())!.split("/")[0]!.trim())).toBe(loadBefore + 1);

    // The agent may not use the supervisor procedures.
    const forbidden = await fetch(`${app.url}/api/trpc/supervisor.board`, { headers: { cookie: agent.cookie } });
    expect(forbidden.status).toBe(403);

    // Drill down into the open conversations of the inbox and reassign one from the board.
    await page.locator(`${row} [data-metric="open"]`).click();
    const panel = page.getByTestId("drill-panel");
    await panel.waitFor();
    const mine = panel.getByTestId("drill-row").filter({ hasText: tag });
    await mine.waitFor();
    const aiko = await mine.locator("option", { hasText: "Aiko Tanaka" }).getAttribute("value");
    await mine.getByTestId("reassign-select").selectOption(aiko!);
    await expect.poll(async () => (await t.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId }, include: { assignee: true } })).assignee?.name).toBe("Aiko Tanaka");
    await expect.poll(() => mine.getByTestId("reassign-select").inputValue()).not.toBe(agentUser.id);
    const ev = await t.prisma.timelineEvent.findFirst({ where: { conversationId, name: "assignee", text: { contains: "by Daniel Okafor" } } });
    expect(ev?.text).toBe("Reassigned from Sam Rivera to Aiko Tanaka by Daniel Okafor");
    await shot(page, "supervisor-drilldown.png");
    await page.keyboard.press("Escape");
    await page.close();
  });

  it("tells agents the board is for supervisors", async () => {
    const context = await loggedIn("agent@throughline.test");
    const page = await context.newPage();
    await page.goto(`${app.url}/supervisor`);
    await expect.poll(() => page.getByText("Supervisors only").count()).toBeGreaterThan(0);
    await context.close();
  });
});

describe("journey map, funnel and metrics", () => {
  it("renders the showcase customer's journey map from seeded data", async () => {
    const customer = await t.prisma.customer.findFirstOrThrow({ where: { name: "Aaliyah Mensah" } });
    const page = await supervisor.newPage();
    await page.goto(`${app.url}/customers/${customer.id}/journey`);
    const map = page.getByTestId("journey-map");
    await map.waitFor();
    await expect.poll(() => map.locator('[data-kind="message"]').count()).toBeGreaterThan(10);
    expect(await map.locator('[data-kind="survey_response"]').count()).toBeGreaterThan(0);
    expect(await map.locator('[data-kind="product_event"]').count()).toBeGreaterThan(10);
    expect(await page.getByTestId("stage-history").locator("li").count()).toBeGreaterThan(3);
    // The emotion curve through the customer's scored messages and survey answers, points coloured by label.
    await map.getByTestId("emotion-curve").waitFor();
    expect(await map.locator('[data-kind="emotion"]').count()).toBeGreaterThan(3);
    expect(await map.locator('[data-kind="emotion"][data-label="negative"]').count()).toBeGreaterThan(0);
    await page.getByRole("heading", { name: /Journey of Aaliyah Mensah/ }).waitFor();
    await shot(page, "journey-map.png");
    // Hovering a touchpoint explains it.
    await map.locator('[data-kind="survey_response"]').first().hover();
    await page.getByRole("tooltip").waitFor();
    await page.getByRole("button", { name: "12 months" }).click();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "journey-map-12-months.png") });
    await page.close();
  });

  it("renders the journey funnel", async () => {
    const page = await supervisor.newPage();
    await page.goto(`${app.url}/supervisor/funnel`);
    const funnel = page.getByTestId("funnel");
    await funnel.waitFor();
    expect(await funnel.locator("li[data-stage]").count()).toBe(6);
    const awareness = Number((await funnel.locator('li[data-stage="awareness"]').textContent())!.match(/Awareness\s*([\d,]+)/)?.[1]?.replace(/,/g, ""));
    expect(awareness).toBeGreaterThan(100);
    await page.getByTestId("contacts-by-stage").waitFor();
    await shot(page, "journey-funnel.png");
    await page.close();
  });

  it("renders the metrics with charts and exports CSV", async () => {
    const page = await supervisor.newPage();
    await page.goto(`${app.url}/supervisor/metrics`);
    await page.getByTestId("metrics").waitFor();
    await expect.poll(() => page.locator(".recharts-surface").count()).toBeGreaterThanOrEqual(3);
    await page.getByRole("button", { name: "90 days" }).click();
    await expect.poll(() => page.getByText(/\d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2}/).textContent()).toMatch(/–/);
    await settled(page.getByTestId("metrics"));
    await shot(page, "supervisor-metrics.png");
    const cookies = (await supervisor.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const csv = await fetch(`${app.url}/api/metrics/export?from=2020-01-01&to=2020-12-31`, { headers: { cookie: cookies } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    expect((await csv.text()).split("\r\n")[0]).toBe("section,date,dimension,metric,value");
    await page.close();
  });
});

describe("CSAT link", () => {
  it("records one answer on the public page and refuses a second", async () => {
    process.env.DATABASE_URL = t.url;
    process.env.NEXTAUTH_SECRET = TEST_SECRETS.NEXTAUTH_SECRET;
    const { createSurvey } = await import("@/server/surveys/service");
    const conv = await t.prisma.conversation.findFirstOrThrow({ where: { status: "resolved", channel: "email" }, orderBy: { resolvedAt: "desc" } });
    const s = await createSurvey({ kind: "csat", customerId: conv.customerId, conversationId: conv.id, channel: "email" });
    const context = await browser.newContext({ viewport: { width: 800, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/survey/${s.token}`);
    await page.getByText("How satisfied are you").waitFor();
    await shot(page, "survey.png", true);
    await page.locator('label:has(input[value="5"])').click();
    await page.getByLabel(/Anything you want to add/).fill("Fast and friendly!");
    await page.getByRole("button", { name: "Send my answer" }).click();
    await page.getByText("Thank you for your feedback!").waitFor();
    const ev = await t.prisma.timelineEvent.findFirstOrThrow({ where: { conversationId: conv.id, kind: "survey_response", text: "Rated CSAT 5/5: Fast and friendly!" } });
    expect(ev.actor).toBe("customer");
    // A second answer (the same form again) is refused.
    const again = await fetch(`${app.url}/api/surveys/${s.token}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ score: 1 }) });
    expect(again.status).toBe(409);
    await page.goto(`${app.url}/survey/${s.token}?result=already`);
    await page.getByText("You have already answered this survey").waitFor();
    expect(await t.prisma.surveyResponse.count({ where: { surveyId: s.id } })).toBe(1);
    await context.close();
  });
});

describe("settings and help center", () => {
  it("renders the admin settings sections and the public help center", async () => {
    const admin = await loggedIn("admin@throughline.test");
    const page = await admin.newPage();
    for (const [url, name, ready] of [
      ["/settings/rules", "settings-rules.png", "rule-list"],
      ["/settings/sla", "settings-sla.png", null],
      ["/settings/surveys", "settings-surveys.png", null],
      ["/settings/help-center", "settings-help-center.png", "article-list"],
    ] as const) {
      await page.goto(`${app.url}${url}`);
      if (ready) await page.getByTestId(ready).waitFor();
      await page.waitForLoadState("networkidle");
      if (url === "/settings/help-center") {
        await page.getByTestId("article-list").locator("button").first().click();
        await page.getByRole("button", { name: "Save" }).waitFor();
        await settled(page.locator("main"));
      }
      await shot(page, name);
      if (url === "/settings/rules") {
        await page.getByTestId("rule-list").getByRole("button", { name: "Edit" }).first().click();
        await page.getByRole("button", { name: "Save rule" }).scrollIntoViewIfNeeded();
        await shot(page, "settings-rule-builder.png");
      }
    }
    await page.goto(`${app.url}/help`);
    await page.getByRole("heading", { name: "How can we help?" }).waitFor();
    await shot(page, "help-center.png", true);
    await page.goto(`${app.url}/help?q=invoice`);
    await page.getByTestId("help-results").locator("li").first().waitFor();
    await shot(page, "help-search.png", true);
    await page.getByTestId("help-results").locator("a").first().click();
    await page.getByText("Did this help?").waitFor();
    await shot(page, "help-article.png", true);
    await page.getByRole("button", { name: /Yes/ }).click();
    await page.getByText(/Glad it helped/).waitFor();
    await admin.close();
  });
});
