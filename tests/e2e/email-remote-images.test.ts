// A tracking pixel in an email stays silent until an agent asks for images,
// and even then the sender's host sees only our server: no cookie, no
// Referer, our User-Agent. The "remote host" is a local stand-in the guarded
// client may reach because OUTBOUND_ALLOWLIST names 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { signIn, startAppServer, TEST_SECRETS, type AppServer } from "../helpers/app-server";
import { launchBrowser, SCREENSHOT_DIR, signInInBrowser } from "../helpers/browser";

// A real 1×1 PNG, so the browser can decode what the proxy hands back.
const PIXEL = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>');

type Seen = { path: string; headers: http.IncomingHttpHeaders };
let tracker: http.Server;
let trackerPort: number;
const seen: Seen[] = [];

let t: TestDatabase;
let app: AppServer;
let browser: Browser;
let first: { conversationId: string; customerId: string } | undefined;

beforeAll(async () => {
  tracker = http.createServer((req, res) => {
    seen.push({ path: req.url ?? "", headers: req.headers });
    if (req.url?.startsWith("/pixel.png")) res.writeHead(200, { "content-type": "image/png" }).end(PIXEL);
    else if (req.url?.startsWith("/logo.svg")) res.writeHead(200, { "content-type": "image/svg+xml" }).end(SVG);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => tracker.listen(0, "127.0.0.1", resolve));
  trackerPort = (tracker.address() as AddressInfo).port;
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url, env: { OUTBOUND_ALLOWLIST: "127.0.0.1/32" } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await t?.drop();
  await new Promise((resolve) => tracker?.close(resolve));
});

async function ingest(messageId: string, html: string) {
  const raw = [
    `From: "Newsletter" <news@shop.example>`,
    `To: support@throughline.test`,
    `Subject: Spring sale ${messageId}`,
    `Message-ID: <${messageId}@shop.example>`,
    `Date: ${new Date().toUTCString()}`,
    `MIME-Version: 1.0`,
    `Content-Type: text/html; charset=utf-8`,
    ``,
    html,
    ``,
  ].join("\r\n");
  const res = await fetch(`${app.url}/api/inbound/email`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_SECRETS.DEMO_INBOX_TOKEN}`, "content-type": "message/rfc822" },
    body: raw,
  });
  expect(res.status).toBe(202);
  return (await res.json()) as { conversationId: string; customerId: string };
}

/** The signed proxy link the console got for the first blocked image of a customer's newest email. */
async function proxyLinkOf(customerId: string): Promise<string> {
  const res = await fetch(`${app.url}/api/v1/customers/${customerId}/timeline?kind=message&limit=1`, { headers: { authorization: `Bearer ${TEST_SECRETS.DEMO_API_KEY}` } });
  const { items } = (await res.json()) as { items: { bodyHtml?: string }[] };
  const link = /data-proxy-src="([^"]+)"/.exec(items[0]?.bodyHtml ?? "")?.[1];
  expect(link, items[0]?.bodyHtml).toBeTruthy();
  return link!.replace(/&amp;/g, "&");
}

describe("remote images in email", () => {
  it("load nothing until 'Load images', then only through our proxy", async () => {
    first = await ingest("pixel-1", `<p>Spring sale: 20% off</p><img src="http://localhost:${trackerPort}/pixel.png" alt="">`);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const browserRequests: string[] = [];
    page.on("request", (r) => browserRequests.push(r.url()));
    await signInInBrowser(page, app.url, "agent@throughline.test");

    await page.goto(`${app.url}/conversations/${first.conversationId}`);
    const email = page.locator(".email-body", { hasText: "Spring sale: 20% off" });
    await email.waitFor();
    await page.waitForLoadState("networkidle");
    expect(seen, "the tracker heard nothing while the email was shown").toEqual([]);
    const notice = page.getByText("Remote images blocked");
    await expect.poll(() => notice.isVisible()).toBe(true);
    const image = email.locator("img");
    expect(await image.getAttribute("src")).toBeNull();
    expect(await image.getAttribute("data-remote-src")).toBe(`http://localhost:${trackerPort}/pixel.png`);

    await email.locator("..").screenshot({ path: path.join(SCREENSHOT_DIR, "email-remote-images-blocked.png") });

    // Keyboard: focus the button and press Enter.
    const load = page.getByRole("button", { name: "Load images" });
    await load.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await image.getAttribute("src")).toMatch(/^\/api\/image-proxy\?url=/);
    expect(await page.getByText("Remote images loaded through").isVisible()).toBe(true);

    expect(seen.map((s) => s.path)).toEqual(["/pixel.png"]);
    const [hit] = seen;
    expect(hit!.headers.cookie).toBeUndefined();
    expect(hit!.headers.referer).toBeUndefined();
    expect(hit!.headers["user-agent"]).toBe("Throughline-ImageProxy/1.0");
    expect(browserRequests.filter((u) => new URL(u).port === String(trackerPort)), "the browser never called the remote host").toEqual([]);
    await context.close();
  });

  it("serves the image privately and refuses unsigned, tampered, signed-out and SVG requests", async () => {
    const agent = await signIn(app.url, "agent@throughline.test");
    expect(agent.ok).toBe(true);
    const pixel = await proxyLinkOf(first!.customerId);

    const ok = await fetch(`${app.url}${pixel}`, { headers: { cookie: agent.cookie } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("image/png");
    expect(ok.headers.get("cache-control")).toMatch(/^private, max-age=\d+$/);
    expect(ok.headers.get("x-content-type-options")).toBe("nosniff");
    expect(ok.headers.get("content-security-policy")).toBe("default-src 'none'");
    expect(ok.headers.get("referrer-policy")).toBe("no-referrer");
    expect(Buffer.from(await ok.arrayBuffer()).equals(PIXEL)).toBe(true);

    expect((await fetch(`${app.url}${pixel}`)).status, "signed out").toBe(401);
    const other = `${app.url}/api/image-proxy?url=${encodeURIComponent(`http://localhost:${trackerPort}/other.png`)}&sig=${new URL(pixel, app.url).searchParams.get("sig")}`;
    expect((await fetch(other, { headers: { cookie: agent.cookie } })).status, "a signature for another URL").toBe(403);
    expect((await fetch(`${app.url}/api/image-proxy?url=${encodeURIComponent(`http://localhost:${trackerPort}/pixel.png`)}`, { headers: { cookie: agent.cookie } })).status, "unsigned").toBe(400);

    const before = seen.length;
    const { customerId } = await ingest("svg-1", `<p>Logo</p><img src="http://localhost:${trackerPort}/logo.svg">`);
    const svg = await fetch(`${app.url}${await proxyLinkOf(customerId)}`, { headers: { cookie: agent.cookie } });
    expect(svg.status).toBe(415);
    expect(svg.headers.get("content-type")).toMatch(/json/);
    expect(seen.slice(before).map((s) => s.path)).toEqual(["/logo.svg"]);
  });
});
