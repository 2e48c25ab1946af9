// The one-click unsubscribe link of notification emails
// (src/server/notifications/unsubscribe.ts). GET (an email client opening
// the link, or a link scanner) changes nothing: it shows one button. POST
// (that button, or a client's RFC 8058 List-Unsubscribe-Post) turns email
// off for the link's kind. A plain HTML page: no console, no sign-in.
import { db } from "@/server/db";
import { direction, DEFAULT_LOCALE, isLocale } from "@/i18n/locales";
import { emailTranslator } from "@/server/notifications/describe";
import { applyUnsubscribe, readUnsubscribeToken } from "@/server/notifications/unsubscribe";

export const dynamic = "force-dynamic";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

async function page(userId: string | null, status: number, content: (t: Awaited<ReturnType<typeof emailTranslator>>) => string) {
  const user = userId ? await db.user.findUnique({ where: { id: userId }, select: { locale: true } }) : null;
  const locale = isLocale(user?.locale) ? user.locale : DEFAULT_LOCALE;
  const t = await emailTranslator(locale);
  const html = `<!doctype html><html lang="${locale}" dir="${direction(locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${esc(t("unsubscribePage.title"))}</title></head><body><main>${content(t)}</main></body></html>`;
  return new Response(html, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "referrer-policy": "no-referrer" } });
}

const invalid = () => page(null, 400, (t) => `<h1>${esc(t("unsubscribePage.invalid"))}</h1>`);

export async function GET(request: Request) {
  const token = new URL(request.url).searchParams.get("t");
  const target = await readUnsubscribeToken(token);
  if (!target) return invalid();
  return page(target.userId, 200, (t) => {
    const kind = t(`kindNames.${target.kind}`);
    return `<h1>${esc(t("unsubscribePage.title"))}</h1><p>${esc(t("unsubscribePage.explain", { kind }))}</p><form method="post" action="?t=${esc(encodeURIComponent(token!))}"><button type="submit">${esc(t("unsubscribePage.confirm"))}</button></form>`;
  });
}

export async function POST(request: Request) {
  let token = new URL(request.url).searchParams.get("t");
  if (!token) {
    const form = await request.formData().catch(() => null);
    const t = form?.get("t");
    token = typeof t === "string" ? t : null;
  }
  const target = await applyUnsubscribe(token).catch(() => null);
  if (!target) return invalid();
  return page(target.userId, 200, (t) => `<h1>${esc(t("unsubscribePage.done", { kind: t(`kindNames.${target.kind}`) }))}</h1>`);
}
