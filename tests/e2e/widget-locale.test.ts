// The widget speaks the visitor's language and follows the host page's colour
// scheme: a German browser gets German words, an Arabic one a right-to-left
// panel whose inside mirrors (the launcher stays in the page's corner), and
// a page in dark mode a dark panel that passes axe, switching back live when
// the page goes light. Real app server, real Chromium, a host page on another origin.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/app-server";
import { launchBrowser, SCREENSHOT_DIR, seriousAxeViolations, settled } from "../helpers/browser";
import { freePort } from "../../src/server/db/embedded.ts";

let t: TestDatabase;
let app: AppServer;
let browser: Browser;
let host: http.Server;
let hostUrl: string;

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url });
  browser = await launchBrowser();
  const port = await freePort();
  // A plain host page that itself follows the colour scheme, as a real site would.
  host = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Shop</title>
<style>
  :root { color-scheme: light dark; }
  body { font: 16px system-ui, sans-serif; margin: 0; padding: 24px; background: #f8fafc; color: #0f172a; min-height: 100vh; }
  @media (prefers-color-scheme: dark) { body { background: #020617; color: #e2e8f0; } }
</style></head><body>
<main><h1>Acme Shop</h1><p>Plans from $29 a month.</p></main>
<script src="${app.url}/widget.js" data-inbox="demo-widget" async></script>
</body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(port, "127.0.0.1", resolve));
  hostUrl = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => host?.close(r));
  const { disconnectDb } = await import("@/server/db");
  await disconnectDb();
  await app?.stop();
  await t?.drop();
});

const widget = (page: Page) => page.locator("#throughline-widget");
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOT_DIR, `widget-${name}.png`), animations: "disabled" });
/** A computed style of the first element matching `selector` inside the widget's shadow root. */
const styleOf = (page: Page, selector: string, prop: string) =>
  widget(page).evaluate((el, [sel, p]) => getComputedStyle(el.shadowRoot!.querySelector(sel!)!).getPropertyValue(p!), [selector, prop] as const);

async function visit(options: BrowserContextOptions) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, ...options });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(hostUrl);
  return { ctx, page, errors };
}

describe("the widget's language and colour scheme", () => {
  it("speaks German to a German browser, and is dark on a dark page (switching live), with no serious axe violations", async () => {
    const { ctx, page, errors } = await visit({ locale: "de-DE", colorScheme: "dark" });
    const launcher = widget(page).getByRole("button", { name: "Chat öffnen" });
    await launcher.waitFor();
    expect(await widget(page).evaluate((el) => el.shadowRoot!.querySelector(".root")!.getAttribute("lang"))).toBe("de");
    await launcher.click();
    const dialog = widget(page).getByRole("dialog");
    await dialog.waitFor();
    // The pre-chat form, in German (formal).
    expect(await dialog.getByRole("form", { name: "Bevor wir beginnen" }).textContent()).toContain("Sagen Sie uns, wie wir Sie erreichen können");
    await dialog.getByLabel("Name").fill("Jonas Besucher");
    await dialog.getByLabel("E-Mail").fill("jonas.besucher@example.test");
    await dialog.getByRole("button", { name: "Chat starten" }).click();
    const message = dialog.getByLabel("Nachricht", { exact: true });
    await message.waitFor();
    expect(await dialog.getByRole("button", { name: "Nachricht senden" }).count()).toBe(1);
    expect(await dialog.textContent()).toContain("Eingabetaste zum Senden");
    expect(await widget(page).getByRole("button", { name: "Chat schließen" }).count()).toBeGreaterThan(0);
    await settled(dialog);

    // Dark: the panel, the conversation and the composer are dark, the text light.
    expect(await styleOf(page, ".panel", "background-color")).toBe("rgb(30, 41, 59)");
    expect(await styleOf(page, ".main", "background-color")).toBe("rgb(15, 23, 42)");
    expect(await styleOf(page, ".compose", "background-color")).toBe("rgb(30, 41, 59)");
    expect(await styleOf(page, ".root", "color")).toBe("rgb(241, 245, 249)");
    expect(await seriousAxeViolations(page, "widget, German, dark")).toEqual([]);
    await shot(page, "de-dark");

    // The page turns light: so does the widget, without a reload.
    await page.emulateMedia({ colorScheme: "light" });
    await expect.poll(() => styleOf(page, ".panel", "background-color")).toBe("rgb(255, 255, 255)");
    expect(await styleOf(page, ".root", "color")).toBe("rgb(15, 23, 42)");
    expect(await seriousAxeViolations(page, "widget, German, light")).toEqual([]);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it("is right-to-left in Arabic: text starts on the right and the composer mirrors, the launcher stays in its corner", async () => {
    const { ctx, page, errors } = await visit({ locale: "ar" });
    const launcher = widget(page).getByRole("button", { name: "فتح المحادثة" });
    await launcher.waitFor();
    const root = await widget(page).evaluate((el) => {
      const r = el.shadowRoot!.querySelector(".root")!;
      return { dir: r.getAttribute("dir"), lang: r.getAttribute("lang") };
    });
    expect(root).toEqual({ dir: "rtl", lang: "ar" });
    // The page put the launcher bottom right; Arabic does not move it.
    const box = (await launcher.boundingBox())!;
    expect(box.x + box.width).toBeGreaterThan(1280 - 30);

    await launcher.click();
    const dialog = widget(page).getByRole("dialog");
    await dialog.waitFor();
    await dialog.getByLabel("الاسم").fill("سارة");
    await dialog.getByLabel("البريد الإلكتروني").fill("sara@example.test");
    await dialog.getByRole("button", { name: "بدء المحادثة" }).click();
    const message = dialog.getByLabel("الرسالة", { exact: true });
    await message.waitFor();
    await settled(dialog);

    expect(await styleOf(page, ".compose", "direction")).toBe("rtl");
    expect(await styleOf(page, ".hint", "direction")).toBe("rtl");
    // The composer row mirrors: "attach" at the right, "send" at the left.
    const attach = (await dialog.getByRole("button", { name: "إرفاق صورة" }).boundingBox())!;
    const send = (await dialog.getByRole("button", { name: "إرسال الرسالة" }).boundingBox())!;
    expect(attach.x).toBeGreaterThan(send.x);
    // The team's greeting bubble sits at the right (the start side) of the conversation.
    const panel = (await dialog.boundingBox())!;
    const greeting = (await widget(page).locator(".m.greet .bubble").boundingBox())!;
    expect(greeting.x + greeting.width).toBeGreaterThan(panel.x + panel.width - 40);
    expect(greeting.x).toBeGreaterThan(panel.x + 20);

    // A message the visitor sends sits at the left (the end side).
    await message.fill("مرحبا، أحتاج مساعدة في الفاتورة");
    await message.press("Enter");
    const mine = widget(page).locator(".m.me .bubble").last();
    await mine.waitFor();
    const mineBox = (await mine.boundingBox())!;
    expect(mineBox.x).toBeLessThan(panel.x + 40);
    await expect.poll(() => t.prisma.message.count({ where: { bodyText: "مرحبا، أحتاج مساعدة في الفاتورة", direction: "inbound" } }), { timeout: 15_000 }).toBe(1);
    await settled(dialog);
    expect(await seriousAxeViolations(page, "widget, Arabic")).toEqual([]);
    await shot(page, "ar");
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it("stays English for a browser language Throughline does not ship", async () => {
    const { ctx, page } = await visit({ locale: "ja-JP" });
    await widget(page).getByRole("button", { name: "Open chat" }).waitFor();
    expect(await widget(page).evaluate((el) => el.shadowRoot!.querySelector(".root")!.getAttribute("dir"))).toBe("ltr");
    await ctx.close();
  });
});
