// What an agent is told, in headless Chromium against a real seeded server:
// the bell's readable lines (a mention made through the console procedure, a
// seeded rule's alert and an SLA breach found by the server's own watchers),
// opened by mouse and by keyboard; a website visitor typing (a real widget
// socket) shown in the open conversation and gone when they stop or go quiet;
// and the composer's "queued" notice, gone once the reply's delivery status
// arrives (the relay holds the mail until the test lets it through).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { signIn, startAppServer, type AppServer } from "../helpers/app-server";
import { launchBrowser, SCREENSHOT_DIR, seriousAxeViolations, signInInBrowser } from "../helpers/browser";
import { startSmtpSink, type SmtpSink } from "../fixtures/email/smtp-sink";
import { connectVisitor, request, type Visitor } from "../fixtures/widget/visitor";

let t: TestDatabase;
let app: AppServer;
let sink: SmtpSink;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
let agentCookie: string;
let conv: { id: string; number: number; subject: string | null; customerName: string | null };
const visitors: Visitor[] = [];

/** A tRPC mutation over HTTP with a session cookie, as the console sends it. */
async function mutate(cookie: string, name: string, input: unknown) {
  const res = await fetch(`${app.url}/api/trpc/${name}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-throughline-csrf": "1", cookie },
    body: JSON.stringify({ json: input }),
  });
  expect(res.status, `${name}: ${await res.clone().text()}`).toBe(200);
  return res.json();
}

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  sink = await startSmtpSink();
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url, env: { SMTP_RELAY_URL: sink.url } });
  browser = await launchBrowser();
  ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await ctx.newPage();
  agentCookie = (await signIn(app.url, "agent@throughline.test")).cookie;
  // An open, unanswered conversation in an inbox the agent (Sam) may see.
  const sam = await t.prisma.user.findUniqueOrThrow({ where: { email: "agent@throughline.test" }, include: { teams: { include: { team: { include: { inboxes: true } } } } } });
  const inboxIds = sam.teams.flatMap((m) => m.team.inboxes.map((i) => i.inboxId));
  const row = await t.prisma.conversation.findFirstOrThrow({
    where: { inboxId: { in: inboxIds }, status: "open", firstResponseAt: null, subject: { not: null }, customer: { name: { not: null } } },
    select: { id: true, number: true, subject: true, channel: true, customer: { select: { name: true } } },
  });
  conv = { id: row.id, number: row.number, subject: row.subject, customerName: row.customer.name };
  // Business hours must not decide when this test's SLA falls due: a 24/7 policy for its channel.
  await t.prisma.slaPolicy.create({ data: { name: "Urgent 24/7", priority: "urgent", channel: row.channel, firstResponseMinutes: 15, resolutionMinutes: 240, businessHoursOnly: false } });
}, 240_000);

afterAll(async () => {
  for (const v of visitors) v.close();
  await browser?.close();
  await app?.stop();
  await sink?.stop();
  await t?.drop();
});

describe("the notification bell", () => {
  it("shows a readable line per kind (mention, rule, SLA breach) and opens the conversation", async () => {
    const supervisor = await t.prisma.user.findUniqueOrThrow({ where: { email: "supervisor@throughline.test" } });
    // The SLA watcher and the seeded "no reply to an urgent conversation" rule, each on their own:
    // created 16 minutes ago (15-minute target: due a minute ago), waiting for 90 minutes, made urgent.
    await t.prisma.conversation.update({ where: { id: conv.id }, data: { createdAt: new Date(Date.now() - 16 * 60_000), waitingSince: new Date(Date.now() - 90 * 60_000), assigneeId: null } });
    await mutate(agentCookie, "conversation.update", { id: conv.id, changes: { priority: "urgent" } });
    await mutate(agentCookie, "conversation.note", { id: conv.id, body: `@${supervisor.name} can you approve the refund?` });
    // Both watchers run every 30 s.
    await expect
      .poll(async () => (await t.prisma.notification.findMany({ where: { userId: supervisor.id, data: { path: ["conversationId"], equals: conv.id } }, select: { kind: true } })).map((n) => n.kind).sort(), { timeout: 75_000, interval: 1_000 })
      .toEqual(expect.arrayContaining(["mention", "rule", "sla_breached"]));

    await signInInBrowser(page, app.url, "supervisor@throughline.test");
    await page.goto(`${app.url}/inbox`);
    await page.getByRole("heading", { level: 1 }).first().waitFor();
    const count = page.getByTestId("notification-count");
    await expect.poll(async () => Number(await count.textContent()), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);

    const bell = page.getByTestId("notification-bell");
    await bell.click();
    const panel = page.getByRole("region", { name: "Notifications" });
    await panel.waitFor();
    const lines = panel.getByTestId("notification-line");
    const label = `#${conv.number} “${conv.subject}” (${conv.customerName})`;
    await expect.poll(() => lines.allTextContents(), { timeout: 10_000 }).toEqual(
      expect.arrayContaining([
        `Sam Rivera mentioned you in ${label}`,
        `Rule “No reply to an urgent conversation within an hour” notified you about ${label}`,
        `SLA “Urgent 24/7” breached: first response overdue on ${label}`,
      ]),
    );
    for (const text of await lines.allTextContents()) expect(text).not.toMatch(/Someone|#$/);
    // Opened = read: the count is gone, the shown items stay highlighted until it closes.
    await expect.poll(() => count.count(), { timeout: 10_000 }).toBe(0);
    expect(await seriousAxeViolations(page, "notification bell")).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "notification-bell-1440.png") });

    // Clicking the mention opens the conversation.
    await panel.getByTestId("notification-item").filter({ hasText: "mentioned you" }).click();
    await page.waitForURL(new RegExp(`/conversations/${conv.id}$`));
    await page.getByTestId("timeline").waitFor();
    expect(await panel.count()).toBe(0);
  });

  it("works from the keyboard: focus lands on the first item, arrows move, Enter opens, Escape closes", async () => {
    await page.goto(`${app.url}/inbox`);
    await page.getByRole("heading", { level: 1 }).first().waitFor();
    const bell = page.getByTestId("notification-bell");
    await bell.focus();
    await page.keyboard.press("Enter");
    const items = page.getByTestId("notification-item");
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("notification-item");
    expect(await items.first().evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press("ArrowDown");
    expect(await items.nth(1).evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByTestId("notification-panel").count()).toBe(0);
    expect(await bell.evaluate((el) => el === document.activeElement)).toBe(true);
    // Enter on the SLA line opens its conversation.
    await page.keyboard.press("Enter");
    const sla = items.filter({ hasText: "SLA “Urgent 24/7” breached" });
    await sla.waitFor();
    await sla.focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(new RegExp(`/conversations/${conv.id}$`));
  });

  it("has an empty state for someone with no notifications", async () => {
    const sam = await t.prisma.user.findUniqueOrThrow({ where: { email: "agent@throughline.test" } });
    await t.prisma.user.create({ data: { email: "nia@throughline.test", name: "Nia Quiet", role: "agent", passwordHash: sam.passwordHash } });
    const other = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    try {
      const p = await other.newPage();
      await signInInBrowser(p, app.url, "nia@throughline.test");
      expect(await p.getByTestId("notification-count").count()).toBe(0);
      await p.getByTestId("notification-bell").click();
      await expect.poll(() => p.getByTestId("notification-empty").textContent(), { timeout: 10_000 }).toContain("You’re all caught up");
      // Focus is in the panel (its heading) and Escape gives it back to the bell.
      await expect.poll(() => p.evaluate(() => document.activeElement?.textContent)).toBe("Notifications");
      await p.keyboard.press("Escape");
      await expect.poll(() => p.getByTestId("notification-panel").count()).toBe(0);
    } finally {
      await other.close();
    }
  });
});

describe("a website visitor typing", () => {
  it("shows “… is typing” in the open conversation, gone when they stop, and on its own after a few quiet seconds", async () => {
    const v = await connectVisitor(app.url, { inbox: "demo-widget" });
    visitors.push(v);
    expect((await request(v, "prechat", { name: "Priya Natarajan" })).ok).toBe(true);
    expect((await request(v, "message:send", { clientId: randomUUID(), text: "Hi, does the Pro plan include SSO?" })).ok).toBe(true);
    const identity = await t.prisma.customerIdentity.findUniqueOrThrow({ where: { kind_value: { kind: "widget_visitor", value: v.session.visitorId } } });
    const chat = await t.prisma.conversation.findFirstOrThrow({ where: { customerId: identity.customerId, channel: "chat" } });

    await page.goto(`${app.url}/conversations/${chat.id}`);
    await page.getByTestId("timeline").waitFor();
    const indicator = page.getByTestId("visitor-typing");
    expect(await indicator.getAttribute("aria-live")).toBe("polite");
    expect((await indicator.textContent())?.trim()).toBe("");

    // Typing, then stopping.
    expect((await request(v, "typing", { typing: true })).ok).toBe(true);
    await expect.poll(() => indicator.textContent(), { timeout: 10_000 }).toBe("Priya is typing…");
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "visitor-typing-1440.png") });
    expect((await request(v, "typing", { typing: false })).ok).toBe(true);
    await expect.poll(() => indicator.textContent(), { timeout: 10_000 }).toBe("");

    // Typing, then silence (the widget's "stopped" never arrives): it expires by itself.
    expect((await request(v, "typing", { typing: true })).ok).toBe(true);
    await expect.poll(() => indicator.textContent(), { timeout: 10_000 }).toBe("Priya is typing…");
    const shown = Date.now();
    await expect.poll(() => indicator.textContent(), { timeout: 15_000, interval: 250 }).toBe("");
    const after = Date.now() - shown;
    expect(after).toBeGreaterThan(3_000);
    expect(after).toBeLessThan(10_000);
  });
});

describe("the composer's queued notice", () => {
  it("says the email is queued while it is, and goes once its delivery status arrives", async () => {
    // The relay holds the mail until released: the reply stays queued meanwhile.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    sink.beforeAccept = () => held;
    const email = await t.prisma.conversation.findFirstOrThrow({ where: { channel: "email", status: "open", id: { not: conv.id } }, orderBy: { lastMessageAt: "desc" } });
    await page.goto(`${app.url}/conversations/${email.id}`);
    await page.getByTestId("timeline").waitFor();
    const box = page.getByRole("textbox", { name: /Reply to/ });
    const word = "quenelle";
    await box.fill(`Thanks, the ${word} fix is on its way.`);
    await box.press("Control+Enter");
    const notice = page.getByTestId("composer-notice");
    await expect.poll(() => notice.textContent(), { timeout: 10_000 }).toBe("Email queued for sending.");
    const mine = page.getByTestId("timeline").locator(":scope > li", { hasText: word }).first();
    await expect.poll(() => mine.getByTestId("delivery-status").getAttribute("data-status"), { timeout: 10_000 }).toBe("queued");
    expect(await notice.textContent()).toBe("Email queued for sending.");
    release();
    await expect.poll(() => mine.getByTestId("delivery-status").getAttribute("data-status"), { timeout: 30_000 }).toBe("sent");
    await expect.poll(() => notice.textContent(), { timeout: 5_000 }).toBe("");
    sink.beforeAccept = null;
  });
});

describe("Settings → Channels: assign to the agent who replies first", () => {
  it("is shown for every inbox, on by default, and saves when unticked", async () => {
    const other = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    try {
      const p = await other.newPage();
      await signInInBrowser(p, app.url, "admin@throughline.test");
      await p.goto(`${app.url}/settings/channels`);
      const forms = p.getByTestId("assign-on-reply");
      await forms.first().waitFor();
      const inboxes = await t.prisma.inbox.findMany({ select: { id: true, name: true, channel: true } });
      expect(await forms.count()).toBe(inboxes.length);
      for (const kind of ["email", "chat", "whatsapp"]) expect(inboxes.some((i) => i.channel === kind)).toBe(true);
      const box = p.getByRole("article", { name: "Support email" }).getByRole("checkbox", { name: "Assign to the agent who replies first" });
      expect(await box.isChecked()).toBe(true);
      await box.scrollIntoViewIfNeeded();
      await p.screenshot({ path: path.join(SCREENSHOT_DIR, "settings-assign-on-reply-1440.png") });
      await box.uncheck();
      const support = inboxes.find((i) => i.name === "Support email")!;
      await expect.poll(async () => (await t.prisma.inbox.findUniqueOrThrow({ where: { id: support.id } })).assignOnReply, { timeout: 10_000 }).toBe(false);
      await p.getByRole("article", { name: "Support email" }).getByRole("status").filter({ hasText: "Saved" }).waitFor();
      await p.reload();
      expect(await p.getByRole("article", { name: "Support email" }).getByRole("checkbox", { name: "Assign to the agent who replies first" }).isChecked()).toBe(false);
    } finally {
      await other.close();
    }
  });
});
