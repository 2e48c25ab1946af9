// Notification emails. A notification the agent wants by email is written
// with emailDueAt = now + NOTIFICATION_DIGEST_SECONDS (rules/notify.ts); this
// pass (a periodic job, ./register.ts) finds agents with a due row and sends
// each ONE email with everything pending for them: a single notification as
// an email named after it, several as a digest. Every email links to each
// conversation (absolute, PUBLIC_URL) and carries a one-click unsubscribe
// (List-Unsubscribe + List-Unsubscribe-Post, and a link per kind in the body).
//
// Sent through the SMTP relay the email channel's outbox sender uses
// (SMTP_RELAY_URL, nodemailer), not through the outbox itself: the outbox
// delivers conversation Messages, and a notification is not one. Without a
// relay the rows wait (retried every pass); a failed send is retried too.
import nodemailer, { type Transporter } from "nodemailer";
import { envValue, publicUrl } from "@/env";
import { db } from "@/server/db";
import { readNotification, type TypedNotification } from "./kinds";
import { describeForEmail, emailTranslator } from "./describe";
import { channelsFor, isPreferenceKind, type PreferenceKind } from "./preferences";
import { unsubscribeUrl } from "./unsubscribe";

export const DIGEST_PASS_MS = 15_000;

const g = globalThis as unknown as { __throughlineNotifyTransport?: { url: string; transport: Transporter } };

function transport(): Transporter | null {
  const url = envValue("SMTP_RELAY_URL");
  if (!url) return null;
  if (g.__throughlineNotifyTransport?.url !== url) {
    g.__throughlineNotifyTransport = { url, transport: nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as never) };
  }
  return g.__throughlineNotifyTransport.transport;
}

function fromAddress(): string {
  return envValue("NOTIFICATION_EMAIL_FROM") ?? `Throughline <notifications@${new URL(publicUrl()).hostname}>`;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Sends every agent's due notification email; returns how many emails went out. */
export async function sendDueEmails(now = new Date()): Promise<number> {
  const smtp = transport();
  if (!smtp) return 0;
  const due = await db.notification.findMany({ where: { emailDueAt: { lte: now }, emailedAt: null }, distinct: ["userId"], select: { userId: true } });
  let sent = 0;
  for (const { userId } of due) {
    try {
      if (await sendUserEmail(smtp, userId, now)) sent += 1;
    } catch (error) {
      console.warn(`notification email to user ${userId} failed (retried next pass): ${(error as Error).message}`);
    }
  }
  return sent;
}

async function sendUserEmail(smtp: Transporter, userId: string, now: Date): Promise<boolean> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true, name: true, locale: true, deactivatedAt: true } });
  const pending = await db.notification.findMany({ where: { userId, emailedAt: null, emailDueAt: { not: null } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true, kind: true, data: true } });
  // What the agent no longer wants by email (turned off, unsubscribed) or cannot get is dropped, not sent later.
  const wanted: { id: string; n: TypedNotification }[] = [];
  const dropped: string[] = [];
  const prefs = new Map<string, boolean>();
  for (const row of pending) {
    const n = readNotification(row.kind, row.data);
    if (!prefs.has(row.kind)) prefs.set(row.kind, (await channelsFor(db, [userId], row.kind)).get(userId)!.email);
    if (!user?.email || user.deactivatedAt || n.kind === "other" || !prefs.get(row.kind)) dropped.push(row.id);
    else wanted.push({ id: row.id, n });
  }
  if (dropped.length) await db.notification.updateMany({ where: { id: { in: dropped } }, data: { emailDueAt: null } });
  if (wanted.length === 0 || !user?.email) return false;

  const ids = wanted.map((w) => w.id);
  const claimed = await db.notification.updateMany({ where: { id: { in: ids }, emailedAt: null }, data: { emailedAt: now } });
  if (claimed.count !== ids.length) {
    if (claimed.count) await db.notification.updateMany({ where: { id: { in: ids }, emailedAt: now }, data: { emailedAt: null } });
    return false;
  }
  try {
    const mail = await composeEmail(userId, user.locale, wanted.map((w) => w.n));
    await smtp.sendMail({ from: fromAddress(), to: user.name ? { name: user.name, address: user.email } : user.email, ...mail, disableFileAccess: true, disableUrlAccess: true });
  } catch (error) {
    await db.notification.updateMany({ where: { id: { in: ids }, emailedAt: now }, data: { emailedAt: null } });
    throw error;
  }
  return true;
}

/** Subject, text, html and unsubscribe headers of one agent's email. */
export async function composeEmail(userId: string, locale: string | null, items: TypedNotification[]) {
  const t = await emailTranslator(locale);
  const lines = items.map((n) => describeForEmail(t, n));
  const kinds = [...new Set(items.map((n) => n.kind))].filter(isPreferenceKind) as PreferenceKind[];
  const unsubscribe = await Promise.all(kinds.map(async (kind) => ({ kind, url: await unsubscribeUrl(userId, kind) })));
  const kindName = (kind: PreferenceKind) => t(`kindNames.${kind}`);
  const subject = lines.length === 1 ? lines[0]!.title : t("digest.subject", { count: lines.length });
  const intro = lines.length === 1 ? "" : t("digest.intro", { count: lines.length });
  const openLabel = t("open");

  const text = [
    ...(intro ? [intro, ""] : []),
    ...lines.flatMap((l) => [l.title, ...(l.body ? [l.body] : []), `${openLabel}: ${l.url}`, ""]),
    "--",
    ...unsubscribe.map((u) => `${t("unsubscribe", { kind: kindName(u.kind) })}: ${u.url}`),
    `${t("manage")}: ${publicUrl()}/preferences`,
  ].join("\n");

  const html = [
    `<div style="font-family:system-ui,sans-serif;font-size:14px;color:#0f172a">`,
    intro ? `<p>${esc(intro)}</p>` : "",
    ...lines.map((l) => `<div style="margin:0 0 16px"><div style="font-weight:600">${esc(l.title)}</div>${l.body ? `<div style="color:#475569">${esc(l.body)}</div>` : ""}<a href="${esc(l.url)}">${esc(openLabel)}</a></div>`),
    `<hr style="border:none;border-top:1px solid #e2e8f0"><p style="font-size:12px;color:#64748b">`,
    unsubscribe.map((u) => `<a href="${esc(u.url)}">${esc(t("unsubscribe", { kind: kindName(u.kind) }))}</a>`).join(" · "),
    ` · <a href="${esc(`${publicUrl()}/preferences`)}">${esc(t("manage"))}</a></p></div>`,
  ].join("");

  // One header URL: the first kind's (a digest's other kinds have their own links in the body).
  const headers: Record<string, string> = unsubscribe[0] ? { "List-Unsubscribe": `<${unsubscribe[0].url}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" } : {};
  return { subject, text, html, headers };
}
