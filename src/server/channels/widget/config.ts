// The website widget's inbox: which inbox a public id names, and the settings a
// visitor's browser may see (colour, greeting, pre-chat form, page-view
// tracking, verified mode). Inbox.settings is admin-edited JSON, so it is
// parsed leniently: a bad value falls back to its default instead of breaking
// every widget on the site.
import { z } from "zod";
import { db } from "@/server/db";
import { anyAgentOnline } from "@/server/metrics/presence";
import { LOCALES } from "@/i18n/locales";
import type { PublicWidgetConfig, PublicWidgetSettings } from "./protocol";

export type WidgetSettings = PublicWidgetSettings & {
  /** Origins (scheme://host[:port]) allowed to embed the widget; empty = any. */
  allowedOrigins: string[];
};

export type WidgetInbox = { id: string; publicId: string; name: string; settings: WidgetSettings };

export const DEFAULT_SETTINGS: WidgetSettings = {
  color: "#4f46e5",
  greeting: "Hi there! How can we help you today?",
  preChatForm: false,
  trackPageViews: true,
  requireVerifiedIdentity: false,
  offlineMessage: "We're away right now. We'll reply by email within a few hours.",
  locale: null,
  theme: null,
  allowedOrigins: [],
};

// Missing or invalid → the default (catch covers undefined too).
const field = <T>(schema: z.ZodType<T>, fallback: T) => schema.catch(fallback);

const settingsSchema = z.object({
  color: field(z.string().regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/), DEFAULT_SETTINGS.color),
  greeting: field(z.string().trim().min(1).max(500), DEFAULT_SETTINGS.greeting),
  preChatForm: field(z.boolean(), DEFAULT_SETTINGS.preChatForm),
  trackPageViews: field(z.boolean(), DEFAULT_SETTINGS.trackPageViews),
  requireVerifiedIdentity: field(z.boolean(), DEFAULT_SETTINGS.requireVerifiedIdentity),
  offlineMessage: field(z.string().trim().min(1).max(500), DEFAULT_SETTINGS.offlineMessage),
  allowedOrigins: field(z.array(z.string().max(200)).max(100), DEFAULT_SETTINGS.allowedOrigins),
  locale: field(z.enum(LOCALES).nullable(), DEFAULT_SETTINGS.locale),
  theme: field(z.enum(["light", "dark"]).nullable(), DEFAULT_SETTINGS.theme),
});

export function parseWidgetSettings(raw: unknown): WidgetSettings {
  const obj = raw && typeof raw === "object" && !Array.isArray(raw) ? raw : {};
  return settingsSchema.parse(obj);
}

// A short cache: every page load of every visitor asks for the config, and
// socket handshakes look the inbox up too. Settings edits show within seconds.
const TTL_MS = 5_000;
type Entry = { at: number; value: Promise<WidgetInbox | null> };
const g = globalThis as unknown as { __tlWidgetInboxCache?: Map<string, Entry>; __tlChatInboxIds?: Map<string, Entry> };
const byPublicId = (g.__tlWidgetInboxCache ??= new Map());
const byId = (g.__tlChatInboxIds ??= new Map());

const PUBLIC_ID = /^[A-Za-z0-9._:-]{1,100}$/;

function cached(map: Map<string, Entry>, key: string, load: () => Promise<WidgetInbox | null>): Promise<WidgetInbox | null> {
  const hit = map.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
  const value = load().catch((error: unknown) => {
    map.delete(key);
    throw error;
  });
  if (map.size > 1000) map.clear();
  map.set(key, { at: Date.now(), value });
  return value;
}

function toWidgetInbox(row: { id: string; publicId: string; name: string; settings: unknown }): WidgetInbox {
  return { id: row.id, publicId: row.publicId, name: row.name, settings: parseWidgetSettings(row.settings) };
}

/** The chat inbox with this public id (the widget's data-inbox), or null. */
export function findWidgetInbox(publicId: string): Promise<WidgetInbox | null> {
  if (typeof publicId !== "string" || !PUBLIC_ID.test(publicId)) return Promise.resolve(null);
  return cached(byPublicId, publicId, async () => {
    const row = await db.inbox.findUnique({ where: { publicId }, select: { id: true, publicId: true, name: true, settings: true, channel: true } });
    return row && row.channel === "chat" ? toWidgetInbox(row) : null;
  });
}

/** The widget inbox with this id, or null when the inbox is not a chat inbox. */
export function widgetInboxById(inboxId: string): Promise<WidgetInbox | null> {
  if (!/^[0-9a-f-]{36}$/i.test(inboxId)) return Promise.resolve(null);
  return cached(byId, inboxId, async () => {
    const row = await db.inbox.findUnique({ where: { id: inboxId }, select: { id: true, publicId: true, name: true, settings: true, channel: true } });
    return row && row.channel === "chat" ? toWidgetInbox(row) : null;
  });
}

/**
 * "https://Shop.example:443/" → "https://shop.example": the form a browser
 * sends in its Origin header (scheme, host, port; default ports dropped).
 * Null for anything that is not an http(s) origin (paths, wildcards, "null").
 */
export function normalizeOrigin(value: string): string | null {
  const v = value.trim().replace(/\/$/, "");
  if (!/^https?:\/\/[^/?#*\s]+$/i.test(v)) return null;
  try {
    return new URL(v).origin;
  } catch {
    return null;
  }
}

/**
 * May a page on this origin embed the widget of this inbox? Exact scheme, host
 * and port; no allowed origins = any page (the open default, which the
 * settings screen warns about).
 */
export function originAllowed(inbox: WidgetInbox, origin: string | undefined | null): boolean {
  const allowed = inbox.settings.allowedOrigins;
  if (allowed.length === 0) return true;
  const o = origin ? normalizeOrigin(origin) : null;
  return o !== null && allowed.some((a) => normalizeOrigin(a) === o);
}

// Agents online: a console socket on this process, or (several processes) an
// agent another process keeps online (users.online_until, see
// src/server/metrics/presence.ts). The cross-process answer is cached here and
// refreshed by the widget namespace every AGENTS_ONLINE_RECHECK_MS, so a
// visitor's handshake costs no query.
export const AGENTS_ONLINE_RECHECK_MS = 5_000;
type IoLike = { of: (name: string) => { sockets: Map<string, unknown> } };
const online = globalThis as unknown as { __throughlineIo?: IoLike; __tlAgentsOnlineAnywhere?: boolean };

export function agentsOnline(): boolean {
  const local = (online.__throughlineIo?.of("/").sockets.size ?? 0) > 0;
  return local || online.__tlAgentsOnlineAnywhere === true;
}

/** Re-reads whether any agent is connected to any process; returns agentsOnline(). */
export async function refreshAgentsOnline(): Promise<boolean> {
  online.__tlAgentsOnlineAnywhere = await anyAgentOnline();
  return agentsOnline();
}

/** What the widget may know about its inbox (GET /api/widget/config and the socket's session). */
export function publicConfig(inbox: WidgetInbox): PublicWidgetConfig {
  const s = inbox.settings;
  return {
    inbox: inbox.publicId,
    name: inbox.name,
    color: s.color,
    greeting: s.greeting,
    preChatForm: s.preChatForm,
    trackPageViews: s.trackPageViews,
    requireVerifiedIdentity: s.requireVerifiedIdentity,
    offlineMessage: s.offlineMessage,
    locale: s.locale,
    theme: s.theme,
    online: agentsOnline(),
  };
}
