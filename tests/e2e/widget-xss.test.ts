// Untrusted content renders inert in the website widget too: in Chromium, a
// visitor on another origin sends the XSS corpus, an agent replies with it
// (HTML and markdown links with javascript:/data: targets), and a help-center
// article with hostile markdown is suggested and opened. No script runs, the
// widget's shadow DOM holds no event-handler attributes, scripts, frames or
// script/data links, and the hostile text shows as text.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type { Browser, Page } from "playwright-core";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { signIn, startAppServer, type AppServer } from "../helpers/app-server";
import { imagesDone, launchBrowser, settled } from "../helpers/browser";
import { freePort } from "../../src/server/db/embedded.ts";

const CORPUS = [
  `<script>window.__xss=1</script>`,
  `<img src=x onerror="window.__xss=2">`,
  `<svg onload="window.__xss=3"><circle r=5 /></svg>`,
  `[click me](javascript:window.__xss=4)`,
  `[encoded](JaVaScRiPt:window.__xss=5)`,
  `[data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9Njwvc2NyaXB0Pg==)`,
  `![pic](javascript:window.__xss=7)`,
  `<iframe src="javascript:window.__xss=8"></iframe>`,
  `<a href="javascript:window.__xss=9">html link</a>`,
  `**bold <img src=x onerror=window.__xss=10>**`,
  "`<img src=x onerror=window.__xss=11>`",
  `<details open ontoggle="window.__xss=12">x</details>`,
].join("\n");

let t: TestDatabase;
let app: AppServer;
let browser: Browser;
let host: http.Server;
let hostUrl: string;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url });
  browser = await launchBrowser();
  await t.prisma.article.create({
    data: {
      slug: "refund-policy-hostile",
      title: `Refund policy <img src=x onerror="window.__xss=20">`,
      category: "Billing",
      status: "published",
      body: `## Refunds <script>window.__xss=21</script>\n\nRead the [terms](javascript:window.__xss=22) or the [other terms](data:text/html,<script>window.__xss=23</script>).\n\n<img src=x onerror="window.__xss=24">\n\n${CORPUS}`,
    },
  });
  const port = await freePort();
  host = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body><h1>Shop</h1>
<script src="${app.url}/widget.js" data-inbox="demo-widget" async></script></body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(port, "127.0.0.1", resolve));
  hostUrl = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => host?.close(r));
  await app?.stop();
  await t?.drop();
});

/** What in the widget's shadow DOM could run script. */
async function dangerousNodes(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const root = document.querySelector("#throughline-widget")?.shadowRoot;
    if (!root) return ["no widget"];
    const found: string[] = [];
    for (const el of root.querySelectorAll("*")) {
      for (const attr of el.getAttributeNames()) if (/^on/i.test(attr)) found.push(`${el.tagName} ${attr}`);
      if (["SCRIPT", "IFRAME", "OBJECT", "EMBED"].includes(el.tagName)) found.push(el.tagName);
      for (const a of ["href", "src", "action", "formaction"]) {
        const v = (el.getAttribute(a) ?? "").replace(/\s+/g, "").toLowerCase();
        if (v.startsWith("javascript:") || v.startsWith("data:text") || v.startsWith("vbscript:")) found.push(`${el.tagName} ${a}=${v.slice(0, 30)}`);
      }
    }
    return found;
  });
}

describe("the widget renders untrusted content inert", () => {
  it("visitor text, agent replies and a hostile help article run no script", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(hostUrl);
    const widget = page.locator("#throughline-widget");
    await widget.getByRole("button", { name: /open chat/i }).click();
    const dialog = widget.getByRole("dialog");
    await dialog.waitFor();
    // The pre-chat form comes with the session's config; until then the composer shows.
    const name = dialog.getByLabel("Name");
    const message = dialog.getByLabel("Message", { exact: true });
    const ready = async () => (await name.isVisible()) || (await message.isVisible());
    await expect.poll(ready, { timeout: 30_000 }).toBe(true);
    // The session's config (which may bring the pre-chat form) has been applied.
    await settled(dialog);
    if (await name.isVisible()) {
      await name.fill(`<img src=x onerror="window.__xss=30">Eve`);
      await dialog.getByLabel("Email").fill("eve.visitor@example.test");
      await dialog.getByRole("button", { name: "Start the chat" }).click();
    }

    // A hostile article is suggested and opened.
    await message.fill("refund policy");
    const suggestions = dialog.getByRole("list", { name: "Suggested articles" }).getByRole("button");
    await expect.poll(() => suggestions.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await suggestions.first().click();
    const reader = dialog.getByRole("document", { name: "Help article" });
    await expect.poll(() => reader.locator(".md").textContent()).toContain("Refunds");
    expect(await dangerousNodes(page)).toEqual([]);
    await reader.getByRole("button", { name: "Chat with us" }).click();

    // The visitor sends the corpus.
    await message.fill(CORPUS);
    await message.press("Enter");
    const log = dialog.getByRole("log");
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toContain("window.__xss=1");

    // An agent replies with it through the console's reply procedure.
    const stored = () => t.prisma.message.findFirst({ where: { bodyText: { contains: "window.__xss=4" }, direction: "inbound" } });
    await expect.poll(stored, { timeout: 10_000 }).toBeTruthy();
    const row = (await stored())!;
    const { cookie } = await signIn(app.url, "admin@throughline.test");
    const res = await fetch(`${app.url}/api/trpc/conversation.reply`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, "x-throughline-csrf": "1" },
      body: JSON.stringify({ json: { id: row.conversationId, body: `Agent says:\n${CORPUS}` } }),
    });
    expect(res.status).toBe(200);
    await expect.poll(() => log.textContent(), { timeout: 15_000 }).toContain("Agent says:");
    // The hostile markdown shows as text; its links are not links.
    expect(await log.textContent()).toContain("click me");
    // Every image has loaded or failed, so an onerror would have run by now.
    await settled(log);
    await imagesDone(page);

    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await dangerousNodes(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
