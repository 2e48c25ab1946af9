// The public pages speak the visitor's language (Accept-Language, no account):
// a German browser gets the help center, an article, the login page and a
// survey in German, with German dates; an Arabic browser gets the help center
// right-to-left, its search box mirrored. An English browser still gets
// today's English words. Screenshots: help-de.png, login-de.png, help-ar.png.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { startAppServer, TEST_SECRETS, type AppServer } from "../helpers/app-server";
import { launchBrowser, SCREENSHOT_DIR } from "../helpers/browser";

let t: TestDatabase;
let app: AppServer;
let browser: Browser;
let german: BrowserContext;
let arabic: BrowserContext;
let english: BrowserContext;
let article: { id: string; slug: string; title: string; updatedAt: Date };
let surveyToken: string;
let surveyExpires: Date;

const VIEWPORT = { width: 1280, height: 800 };

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url });
  browser = await launchBrowser();
  german = await browser.newContext({ locale: "de-DE", viewport: VIEWPORT });
  arabic = await browser.newContext({ locale: "ar", viewport: VIEWPORT });
  english = await browser.newContext({ locale: "en-US", viewport: VIEWPORT });
  article = await t.prisma.article.findFirstOrThrow({ where: { status: "published", locale: "en" }, orderBy: { slug: "asc" } });
  const conv = await t.prisma.conversation.findFirstOrThrow({ where: { channel: "email" }, orderBy: { createdAt: "desc" } });
  process.env.DATABASE_URL = t.url;
  process.env.NEXTAUTH_SECRET = TEST_SECRETS.NEXTAUTH_SECRET;
  const { createSurvey } = await import("@/server/surveys/service");
  const survey = await createSurvey({ kind: "csat", customerId: conv.customerId, conversationId: conv.id, channel: "email" });
  surveyToken = survey.token;
  surveyExpires = survey.expiresAt;
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await t?.drop();
});

async function open(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  const res = await page.goto(`${app.url}${url}`);
  expect(res?.status()).toBe(200);
  return page;
}

describe("a German browser (Accept-Language de)", () => {
  it("sees the help center home in German", async () => {
    const page = await open(german, "/help");
    expect(await page.locator("html").getAttribute("lang")).toBe("de");
    expect(await page.locator("html").getAttribute("dir")).toBe("ltr");
    await page.getByRole("heading", { level: 1, name: "Wie können wir helfen?" }).waitFor();
    await page.getByText("Anleitungen und Antworten vom Support-Team.").waitFor();
    await page.getByRole("button", { name: "Suchen", exact: true }).waitFor();
    expect(await page.getByLabel("Hilfe-Center durchsuchen").getAttribute("placeholder")).toMatch(/^Antworten suchen/);
    expect(await page.title()).toContain("Hilfe-Center");
    // The header and footer every help page shares, too.
    await page.getByRole("navigation", { name: "Hilfe-Center" }).getByRole("link", { name: "Alle Artikel" }).waitFor();
    await page.getByText(/^Nicht gefunden, was Sie suchen\?/).waitFor();
    expect(await page.locator("body").innerText()).not.toMatch(/All articles|Can’t find what you need/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "help-de.png"), fullPage: true });
    await page.close();
  });

  it("searches in German: no results, with a link back to all articles", async () => {
    const page = await open(german, "/help?q=xyzzyquux");
    await page.getByRole("heading", { name: "Keine Ergebnisse für „xyzzyquux“" }).waitFor();
    await page.getByRole("link", { name: "durchsuchen Sie alle Artikel" }).waitFor();
    await page.close();
  });

  it("sees an article page in German, with a German date, and thanks in German", async () => {
    const page = await open(german, `/help/${article.slug}`);
    await page.getByRole("heading", { level: 1, name: article.title }).waitFor();
    await page.getByRole("navigation", { name: "Brotkrumennavigation" }).getByRole("link", { name: "Hilfe-Center" }).waitFor();
    const month = new Intl.DateTimeFormat("de", { month: "long", timeZone: "UTC" }).format(article.updatedAt);
    const updated = await page.getByText(/^Aktualisiert am /).textContent();
    expect(updated).toContain(month);
    expect(updated).toContain(String(article.updatedAt.getUTCFullYear()));
    await page.getByRole("heading", { name: "War das hilfreich?" }).waitFor();
    await page.getByRole("button", { name: "Ja", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Schön, dass es geholfen hat" }).waitFor();
    await page.close();
  });

  it("sees the login page in German and a German refusal", async () => {
    const page = await open(german, "/login");
    await page.getByRole("heading", { level: 1, name: "Bei Throughline anmelden" }).waitFor();
    await page.getByLabel("E-Mail").fill("agent@throughline.test");
    await page.getByLabel("Passwort").fill("not-the-password");
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "login-de.png"), fullPage: true });
    await page.getByRole("button", { name: "Anmelden", exact: true }).click();
    // (Next.js keeps an empty role="alert" route announcer on every page.)
    await page.getByRole("alert").filter({ hasText: "E-Mail-Adresse oder Passwort ist falsch." }).waitFor({ timeout: 10_000 });
    await page.close();
  });

  it("sees a survey in German, sends an answer and is thanked in German", async () => {
    const page = await open(german, `/survey/${surveyToken}`);
    await page.getByRole("heading", { level: 1, name: /Wie zufrieden sind Sie mit der Hilfe/ }).waitFor();
    await page.getByText("Sehr unzufrieden").waitFor();
    const month = new Intl.DateTimeFormat("de", { month: "long", timeZone: "UTC" }).format(surveyExpires);
    expect(await page.getByText(/^Eine Antwort pro Umfrage/).textContent()).toContain(`läuft am ${surveyExpires.getUTCDate()}. ${month} ab`);
    await page.locator("label", { hasText: /^4$/ }).click();
    await page.getByLabel(/Möchten Sie noch etwas ergänzen/).fill("Schnell und freundlich");
    await page.getByRole("button", { name: "Meine Antwort senden" }).click();
    await page.getByRole("heading", { name: "Vielen Dank für Ihre Rückmeldung!" }).waitFor({ timeout: 10_000 });
    expect(await page.getByRole("status").textContent()).toContain("Sie haben mit 4 von 5 geantwortet – „Schnell und freundlich“. Das geht direkt an das Team.");
    await page.close();
  });
});

describe("an Arabic browser (Accept-Language ar)", () => {
  it("gets the help center right-to-left, the search box mirrored", async () => {
    const page = await open(arabic, "/help");
    expect(await page.locator("html").getAttribute("dir")).toBe("rtl");
    expect(await page.locator("html").getAttribute("lang")).toBe("ar");
    await page.getByRole("heading", { level: 1, name: "كيف يمكننا مساعدتك؟" }).waitFor();
    const input = page.locator("#help-q");
    expect(await input.evaluate((el) => getComputedStyle(el).direction)).toBe("rtl");
    // Text starts on the right: the padding kept free for the button is on the left (the end).
    const pad = await input.evaluate((el) => ({ left: parseFloat(getComputedStyle(el).paddingLeft), right: parseFloat(getComputedStyle(el).paddingRight) }));
    expect(pad.left).toBeGreaterThan(pad.right);
    const box = (await input.boundingBox())!;
    const button = (await page.getByRole("button", { name: "بحث", exact: true }).boundingBox())!;
    expect(button.x + button.width / 2).toBeLessThan(box.x + box.width / 2);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "help-ar.png"), fullPage: true });
    await page.close();
  });

  it("and the German one the other way round (the button at the right end)", async () => {
    const page = await open(german, "/help");
    const input = page.locator("#help-q");
    expect(await input.evaluate((el) => getComputedStyle(el).direction)).toBe("ltr");
    const box = (await input.boundingBox())!;
    const button = (await page.getByRole("button", { name: "Suchen", exact: true }).boundingBox())!;
    expect(button.x + button.width / 2).toBeGreaterThan(box.x + box.width / 2);
    await page.close();
  });
});

describe("an English browser", () => {
  it("keeps today's English words", async () => {
    const page = await open(english, "/help");
    await page.getByRole("heading", { level: 1, name: "How can we help?" }).waitFor();
    await page.goto(`${app.url}/help/${article.slug}`);
    // Read again: the German visit's feedback touched the article.
    const { updatedAt } = await t.prisma.article.findUniqueOrThrow({ where: { id: article.id } });
    const month = new Intl.DateTimeFormat("en-GB", { month: "long", timeZone: "UTC" }).format(updatedAt);
    expect(await page.getByText(/^Updated /).textContent()).toBe(`Updated ${updatedAt.getUTCDate()} ${month} ${updatedAt.getUTCFullYear()}`);
    await page.goto(`${app.url}/login`);
    await page.getByLabel("Email").waitFor();
    await page.getByLabel("Password").waitFor();
    await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
    await page.close();
  });
});
