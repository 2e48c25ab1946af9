// Admin side of the widget inboxes: which websites may embed each one, and
// the language and colour scheme the widget is pinned to (unset: it follows
// the visitor's browser and the host page). All live in Inbox.settings (read
// by config.ts); an empty origin list means any website, which the settings
// screen warns about.
import { db, Prisma } from "@/server/db";
import { recordAudit } from "@/server/audit/record";
import { normalizeOrigin, parseWidgetSettings } from "./config";
import { DomainError } from "@/server/lib/domain-error";
import { isLocale } from "@/i18n/locales";

export class WidgetInboxError extends DomainError {
  constructor(
    readonly code: "invalid_input" | "not_found",
    message: string,
  ) {
    super(message);
  }
}

export type WidgetInboxSummary = { id: string; name: string; publicId: string; allowedOrigins: string[]; locale: string | null; theme: "light" | "dark" | null };

export async function listWidgetInboxes(): Promise<WidgetInboxSummary[]> {
  const rows = await db.inbox.findMany({ where: { channel: "chat" }, orderBy: { name: "asc" }, select: { id: true, name: true, publicId: true, settings: true } });
  return rows.map((r) => {
    const s = parseWidgetSettings(r.settings);
    return { id: r.id, name: r.name, publicId: r.publicId, allowedOrigins: s.allowedOrigins, locale: s.locale, theme: s.theme };
  });
}

export type WidgetAppearance = { locale: string | null; theme: "light" | "dark" | null };

/** Pins (or, with null, unpins) the widget's language and colour scheme; audited. */
export async function setWidgetAppearance(inboxId: string, next: WidgetAppearance, actorUserId: string | null): Promise<WidgetAppearance> {
  if (next.locale !== null && !isLocale(next.locale)) throw new WidgetInboxError("invalid_input", `Not a language Throughline ships: ${String(next.locale).slice(0, 20)}`);
  if (next.theme !== null && next.theme !== "light" && next.theme !== "dark") throw new WidgetInboxError("invalid_input", "The colour scheme is light, dark or the visitor's page.");
  const inbox = /^[0-9a-f-]{36}$/i.test(inboxId) ? await db.inbox.findUnique({ where: { id: inboxId }, select: { channel: true, settings: true } }) : null;
  if (!inbox || inbox.channel !== "chat") throw new WidgetInboxError("not_found", "No such widget inbox.");
  const raw = inbox.settings && typeof inbox.settings === "object" && !Array.isArray(inbox.settings) ? (inbox.settings as Record<string, unknown>) : {};
  const current = parseWidgetSettings(raw);
  const before = { locale: current.locale, theme: current.theme };
  if (before.locale === next.locale && before.theme === next.theme) return before;
  await db.$transaction([
    db.inbox.update({ where: { id: inboxId }, data: { settings: { ...raw, locale: next.locale, theme: next.theme } as Prisma.InputJsonValue } }),
    recordAudit(db, { actorUserId, action: "inbox.updated", targetType: "inbox", targetId: inboxId, data: { before, after: next } }),
  ]);
  return next;
}

/**
 * "https://shop.example, https://www.shop.example" (commas or lines) → the
 * normalised origins. Exact scheme + host + port only: a path or wildcard is
 * refused by name rather than silently never matching.
 */
export function parseOriginList(text: string): string[] {
  const entries = text.split(/[\s,]+/).filter(Boolean);
  const bad = entries.filter((e) => normalizeOrigin(e) === null);
  if (bad.length) throw new WidgetInboxError("invalid_input", `Not an origin (scheme://host[:port], no path or wildcard): ${bad.slice(0, 3).join(", ")}`);
  const origins = [...new Set(entries.map((e) => normalizeOrigin(e)!))];
  if (origins.length > 100) throw new WidgetInboxError("invalid_input", "At most 100 allowed origins.");
  return origins;
}

/** Replaces the inbox's allowed origins; audited. */
export async function setAllowedOrigins(inboxId: string, text: string, actorUserId: string | null): Promise<string[]> {
  const origins = parseOriginList(text);
  const inbox = await db.inbox.findUnique({ where: { id: inboxId }, select: { channel: true, settings: true } });
  if (!inbox || inbox.channel !== "chat") throw new WidgetInboxError("not_found", "No such widget inbox.");
  const raw = inbox.settings && typeof inbox.settings === "object" && !Array.isArray(inbox.settings) ? (inbox.settings as Record<string, unknown>) : {};
  const before = parseWidgetSettings(raw).allowedOrigins;
  await db.$transaction([
    db.inbox.update({ where: { id: inboxId }, data: { settings: { ...raw, allowedOrigins: origins } as Prisma.InputJsonValue } }),
    recordAudit(db, { actorUserId, action: "inbox.updated", targetType: "inbox", targetId: inboxId, data: { before: { allowedOrigins: before }, after: { allowedOrigins: origins } } }),
  ]);
  return origins;
}
