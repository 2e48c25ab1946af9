// Untrusted content renders inert: an XSS corpus sent through email (HTML body,
// subject, display name, attachment name), the events API (customer name,
// event properties) and a webhook-style chat text is opened in the console in
// a real browser, and no script runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { startAppServer, TEST_SECRETS, type AppServer } from "../helpers/app-server";
import { imagesDone, launchBrowser, settled } from "../helpers/browser";

const CORPUS = [
  `<script>window.__xss=1</script>`,
  `<img src=x onerror="window.__xss=2">`,
  `<svg onload="window.__xss=3"><circle r=5 /></svg>`,
  `<a href="javascript:window.__xss=4">click me</a>`,
  `<a href="JaVaScRiPt&colon;window.__xss=5">encoded</a>`,
  `<iframe src="javascript:window.__xss=6"></iframe>`,
  `<div style="background:url(javascript:window.__xss=7);width:expression(window.__xss=7)">css</div>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=8></style></mglyph></table></mtext></math>`,
  `<img src=x onerror=window.__xss=9//`,
  `<form action="javascript:window.__xss=10"><button>go</button></form>`,
  `<object data="javascript:window.__xss=11"></object><embed src="javascript:window.__xss=12">`,
  `<a href="https://xn--pple-43d.com/login">аpple.com</a>`,
  `<details open ontoggle="window.__xss=13">x</details>`,
  `<body onload="window.__xss=14">`,
].join("\n");

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

function rawEmail() {
  const boundary = "b0undary";
  return [
    `From: "<img src=x onerror=window.__xss=20>" <mallory@evil.example>`,
    `To: support@throughline.test`,
    `Subject: <script>window.__xss=21</script> invoice`,
    `Message-ID: <xss-corpus-1@evil.example>`,
    `Date: ${new Date().toUTCString()}`,
    `MIME-Version: 1.0`,
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    ``,
    `--${boundary}`,
    `Content-Type: text/html; charset=utf-8`,
    ``,
    `<p>Hello</p>${CORPUS}`,
    `--${boundary}`,
    `Content-Type: text/html; name="<img src=x onerror=window.__xss=22>.html"`,
    `Content-Disposition: attachment; filename="<img src=x onerror=window.__xss=22>.html"`,
    ``,
    `<script>window.__xss=23</script>`,
    `--${boundary}--`,
    ``,
  ].join("\r\n");
}

describe("untrusted content in the console", () => {
  it("renders an XSS corpus inert in email, names and events", async () => {
    const mail = await fetch(`${app.url}/api/inbound/email`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_SECRETS.DEMO_INBOX_TOKEN}`, "content-type": "message/rfc822" },
      body: rawEmail(),
    });
    expect(mail.status).toBe(202);
    const { conversationId } = (await mail.json()) as { conversationId: string };
    const events = await fetch(`${app.url}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_SECRETS.DEMO_API_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({
        customer: { email: "mallory@evil.example", name: `<img src=x onerror="window.__xss=30">Mallory` },
        name: `<script>window.__xss=31</script>`,
        properties: { url: `javascript:window.__xss=32`, title: CORPUS },
      }),
    });
    expect(events.status).toBe(202);

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${app.url}/login`);
    await page.getByLabel("Email").fill("admin@throughline.test");
    await page.getByLabel("Password").fill("throughline");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/inbox/);

    const conv = await t.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } });
    for (const path of [`/conversations/${conversationId}`, `/customers/${conv.customerId}`, `/customers?q=mallory`]) {
      const res = await page.goto(`${app.url}${path}`);
      expect(res?.headers()["content-security-policy"], `CSP on ${path}`).toMatch(/object-src 'none'/);
      await page.waitForLoadState("networkidle");
      // The hostile customer is on screen and rendering has finished (images included, so onerror would have run).
      await expect.poll(() => page.getByText("Mallory").count()).toBeGreaterThan(0);
      await settled(page.locator("main"));
      await imagesDone(page);
      // Click every link and button inside the timeline: javascript: URLs must be gone.
      const hrefs = await page.locator("a[href]").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
      expect(hrefs.filter((h) => /^\s*javascript:/i.test(h)), `javascript: links on ${path}`).toEqual([]);
      const handlers = await page.evaluate(() =>
        [...document.querySelectorAll("*")].flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName}[${a.name}]`)),
      );
      expect(handlers, `inline event handlers on ${path}`).toEqual([]);
      expect(await page.locator("iframe, object, embed, script:not([src])").evaluateAll((els) => els.filter((e) => !(e as HTMLScriptElement).textContent?.includes("self.__next")).map((e) => e.outerHTML.slice(0, 80)))).toEqual(
        expect.not.arrayContaining([expect.stringMatching(/__xss/)]),
      );
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), `no script ran on ${path}`).toBeUndefined();
    }
    // The hostile text is shown as text, not dropped silently.
    await page.goto(`${app.url}/conversations/${conversationId}`);
    await expect.poll(() => page.getByTestId("timeline").textContent(), { timeout: 15_000 }).toMatch(/Hello/);
    expect(dialogs).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await context.close();
  });

  it("serves attachments as downloads that cannot run in the console's origin", async () => {
    const attachment = await t.prisma.attachment.findFirstOrThrow({ where: { filename: { contains: "onerror" } } });
    const { signIn } = await import("../helpers/app-server");
    const admin = await signIn(app.url, "admin@throughline.test");
    const res = await fetch(`${app.url}/api/attachments/${attachment.id}`, { headers: { cookie: admin.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(res.headers.get("content-security-policy")).toMatch(/sandbox/);
  });
});
