// Headless Chromium (Debian's package) driven by playwright-core, which gives
// every launch a fresh temporary profile.
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from "playwright-core";
import path from "node:path";
import { signIn } from "./app-server";

export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export const SCREENSHOT_DIR = path.resolve("tests/e2e/screenshots");

/** Signs in through the console's login form and waits until it has left /login. */
export async function signInInBrowser(page: Page, baseUrl: string, email: string, password = "throughline") {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
}

/**
 * A browser context already signed in as `email` (the HTTP sign-in, no form), its session cookies set for
 * `baseUrl`, plus any `cookies` given (e.g. NEXT_LOCALE, as the Preferences screen sets it).
 */
export async function signedInContext(
  browser: Browser,
  baseUrl: string,
  email: string,
  options: BrowserContextOptions & { cookies?: Record<string, string> } = {},
): Promise<BrowserContext> {
  const { cookies = {}, ...contextOptions } = options;
  const { cookie, ok, error } = await signIn(baseUrl, email);
  if (!ok) throw new Error(`sign-in as ${email} failed: ${error ?? "no session"}`);
  const ctx = await browser.newContext(contextOptions);
  const session = cookie.split("; ").map((pair) => {
    const i = pair.indexOf("=");
    return { name: pair.slice(0, i), value: pair.slice(i + 1), url: baseUrl };
  });
  await ctx.addCookies([...session, ...Object.entries(cookies).map(([name, value]) => ({ name, value, url: baseUrl }))]);
  return ctx;
}

const AXE = path.resolve("node_modules/axe-core/axe.min.js");

/** axe-core on the current page: the ids of serious or critical violations (details are printed). */
export async function seriousAxeViolations(page: Page, label: string): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const result = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<unknown> } }).axe;
    return axe.run(document, { resultTypes: ["violations"] });
  })) as { violations: { id: string; impact: string; help: string; nodes: { target: string[]; failureSummary: string }[] }[] };
  const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (serious.length) {
    console.log(`axe (${label}):\n${serious.map((v) => `- [${v.impact}] ${v.id}: ${v.help}\n  ${v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")} — ${n.failureSummary.replace(/\s+/g, " ")}`).join("\n  ")}`).join("\n")}`);
  }
  return serious.map((v) => v.id);
}

/**
 * Waits until what a locator renders has stopped changing (the same HTML on
 * two polls in a row): charts done animating, a late-arriving config applied.
 * A condition to wait for, not a fixed sleep; fails after `timeout` ms of change.
 */
export async function settled(locator: Locator, timeout = 10_000): Promise<void> {
  let last: string | null = null;
  const deadline = Date.now() + timeout;
  for (;;) {
    const now = await locator.evaluate((el) => (el as Element).innerHTML);
    if (now === last) return;
    if (Date.now() > deadline) throw new Error(`still changing after ${timeout} ms`);
    last = now;
    await locator.page().waitForTimeout(150);
  }
}

/** Waits until every image in the document and in open shadow roots has loaded or failed (so onerror would have run). */
export async function imagesDone(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const roots: (Document | ShadowRoot)[] = [document];
    for (const el of document.querySelectorAll("*")) if (el.shadowRoot) roots.push(el.shadowRoot);
    return roots.every((r) => [...r.querySelectorAll("img")].every((img) => img.complete));
  });
}
