// Headless Chromium (Debian's package) driven by playwright-core, which gives
// every launch a fresh temporary profile.
import { chromium, type Browser } from "playwright-core";
import path from "node:path";

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
