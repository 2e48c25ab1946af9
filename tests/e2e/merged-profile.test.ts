// In a real browser against the seeded server: a long-standing customer merged
// into a fresh duplicate shows the old "customer since", the stage of the
// merged timeline and the attribute conflict; the funnel never shows a
// conversion above 100 % and never grows down the steps. Screenshots go to
// tests/e2e/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/app-server";
import { launchBrowser, SCREENSHOT_DIR, signInInBrowser } from "../helpers/browser";

let t: TestDatabase;
let app: AppServer;
let browser: Browser;
let supervisor: BrowserContext;

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url, env: { PUBLIC_URL: "http://localhost:1" } });
  // The services below write to the same database the server reads.
  process.env.DATABASE_URL = t.url;
  browser = await launchBrowser();
  supervisor = await browser.newContext({ viewport: { width: 1440, height: 1100 } });
  await signInInBrowser(await supervisor.newPage(), app.url, "supervisor@throughline.test");
});
afterAll(async () => {
  await supervisor?.close();
  await browser?.close();
  await app?.stop();
  const { disconnectDb } = await import("@/server/db");
  await disconnectDb();
  await t?.drop();
});

const day = (d: Date) => d.toLocaleString("en-GB", { day: "numeric", month: "short", year: "numeric" });

describe("merged profile and funnel", () => {
  it("shows the survivor's earliest first-seen, the merged stage and the attribute conflict", async () => {
    const { recordTouchpoint } = await import("@/server/ingest/record");
    const { evaluateCustomer } = await import("@/server/journey/service");
    const { mergeCustomers } = await import("@/server/customers/merge");
    const old = await t.prisma.customer.findFirstOrThrow({ where: { journeyStage: "retention", mergedIntoId: null, erasedAt: null }, orderBy: { createdAt: "asc" } });
    await t.prisma.customer.update({ where: { id: old.id }, data: { attributes: { ...(old.attributes as object), plan: "Pro" } } });
    const dup = await recordTouchpoint({
      identities: [{ kind: "email", value: "new-address@duplicate.example", verified: true, source: "test" }],
      channel: "api",
      kind: "product_event",
      actor: "customer",
      name: "page_view",
      text: "Viewed /blog",
      payload: { url: "https://acme.test/blog" },
    });
    await t.prisma.customer.update({ where: { id: dup.customerId }, data: { name: old.name, attributes: { plan: "Trial", source: "newsletter" } } });
    expect((await evaluateCustomer(dup.customerId)).to).toBe("awareness");
    await mergeCustomers({ sourceId: old.id, targetId: dup.customerId });

    const page = await supervisor.newPage();
    await page.goto(`${app.url}/customers/${dup.customerId}`);
    const sidebar = page.getByTestId("customer-sidebar");
    await sidebar.getByText(`Customer since ${day(old.createdAt)}`).waitFor();
    await expect.poll(() => sidebar.locator("dt", { hasText: "Journey stage" }).locator("+ dd").textContent()).toBe("retention");
    const conflicts = page.getByTestId("attribute-conflicts");
    await conflicts.waitFor();
    expect(await conflicts.textContent()).toMatch(/plan: kept Trial \(this profile\); the merged profile had Pro/);
    const touchpoints = Number((await sidebar.locator("dt", { hasText: "Touchpoints" }).locator("+ dd").textContent())!.replace(/[,+]/g, ""));
    await page.getByTestId("timeline").waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "merged-profile.png") });

    // The journey map says the same: first seen, stage, touchpoints.
    await page.goto(`${app.url}/customers/${dup.customerId}/journey`);
    const header = page.getByText(/touchpoints · customer since/);
    await header.waitFor();
    expect(await header.textContent()).toContain(`${touchpoints.toLocaleString("en-US")} touchpoints · customer since ${day(old.createdAt)}`);
    await page.close();
  });

  it("renders a funnel that only narrows, with no rate above 100 %", async () => {
    const page = await supervisor.newPage();
    await page.goto(`${app.url}/supervisor/funnel`);
    const funnel = page.getByTestId("funnel");
    await funnel.waitFor();
    const steps = await funnel.locator("li[data-stage]").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-step"))));
    expect(steps).toHaveLength(6);
    expect(steps[0]).toBeGreaterThan(0);
    for (let i = 1; i < steps.length; i++) expect(steps[i]!).toBeLessThanOrEqual(steps[i - 1]!);
    const rates = [...((await funnel.textContent()) ?? "").matchAll(/([\d.]+)%/g)].map((m) => Number(m[1]));
    expect(rates.length).toBeGreaterThanOrEqual(5);
    for (const r of rates) expect(r).toBeLessThanOrEqual(100);
    await page.getByTestId("contacts-by-stage").waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "journey-funnel-steps.png") });
    await page.close();
  });
});
