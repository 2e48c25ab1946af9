// The "/widget" socket.io protocol, in one place: the handshake and every
// client event as zod schemas (anything else is refused), their limits, and
// the type of every payload that crosses the wire either way (client inputs,
// acks, server events, the public config, articles). The widget bundle
// imports these types with `import type` only, so no server code ships to it.
//
// Handshake (socket.auth): { inbox, visitorId?, visitorToken?, identity? }.
// The Origin header must be one of the inbox's allowed origins (exact scheme,
// host and port) when it lists any. Refusals arrive as connect_error with
// err.message = code and err.data = { code, message, reason? }:
// invalid_handshake, unknown_inbox, origin_not_allowed, invalid_visitor
// (reason "invalid": the token is not this id's; "expired": past 30 days
// since its last renewal; "superseded": an earlier generation, after the
// grace — re-read storage, another tab may hold the current one),
// identity_rejected (wrong userHash), verification_required (verified mode,
// no valid identity).
//
// Visitor tokens ("v2.<issued-at>.<generation>.<mac>", visitor-tokens.ts)
// expire after 24 h and are renewed on every (re)connect — the session
// event's visitorToken replaces the stored one; null means "keep yours"
// (another tab renewed a moment ago) — and, while connected, at 12 h by a
// "token" event { visitorId, visitorToken }. Acknowledge both once the token
// is stored: that raises the visitor's generation. Sockets still holding an
// older generation are then disconnected once the 60 s grace has passed
// ("io server disconnect"): reconnect with the stored token.
//
// Rooms: every socket joins visitor:<inboxId>:<visitorId> and, once the
// visitor has a customer, wcust:<inboxId>:<customerId> — agent replies are
// pushed to the latter (all tabs and devices of that customer). The customer
// is always derived from the socket's own verified session.
//
// Client events (all acknowledged with { ok: true, ... } or { ok: false, error, message? }):
//   history {before?, limit?}            → { messages, nextCursor, unread }
//   message:send {clientId, text, attachments?, context?, page?} → { id, createdAt, duplicate } after commit
//   typing {typing}                      → agents get "visitor.typing" in the conversation's and customer's rooms
//   read {}                              → marks agent messages read (message.status on the bus)
//   prechat {name?, email?}              → name + unverified email claim
//   pageview {url, title?}               → product_event "page_view" (unless the inbox disables it)
//   article:view {articleId}             → article_view touchpoint; ack carries the article
//   attachment:chunk {uploadId, filename, contentType, size, offset, data} → { received, done?, attachmentId? }
// Server events: session {visitorId, visitorToken, issued, verified, name, email, config}, token, message, message:status, typing, presence.
import { z } from "zod";
import type { DeliveryStatus } from "@/lib/vocabulary";
import { MAX_ATTACHMENTS_PER_MESSAGE, MAX_CHUNK_BYTES, type ALLOWED_IMAGE_TYPES } from "./uploads";

export const MAX_TEXT_CHARS = 10_000;

// ---- handshake --------------------------------------------------------------------------------

export const handshakeSchema = z.object({
  inbox: z.string().min(1).max(100),
  visitorId: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
  visitorToken: z.string().max(100).optional(),
  identity: z
    .object({
      userId: z.string().max(256).optional(),
      email: z.string().max(320).optional(),
      name: z.string().max(200).optional(),
      userHash: z.string().max(128).optional(),
    })
    .optional(),
});
export type Handshake = z.infer<typeof handshakeSchema>;
/** The host page's window.ThroughlineSettings, as the handshake (and the HTTP article view) carries it. */
export type VisitorIdentity = NonNullable<Handshake["identity"]>;

/** connect_error codes (err.data.code) a handshake can be refused with. */
export type RefusalCode =
  | "invalid_handshake"
  | "unknown_inbox"
  | "origin_not_allowed"
  | "invalid_visitor"
  | "identity_rejected"
  | "verification_required"
  | "server_error";
export type Refusal = { code: RefusalCode; message: string; reason?: "invalid" | "expired" | "superseded" };

// ---- client events ----------------------------------------------------------------------------

const httpUrl = z
  .string()
  .max(2000)
  .refine((u) => /^https?:\/\//i.test(u), "must be an http(s) URL");

export const clientIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "clientId must be 8-64 characters of [A-Za-z0-9_-]");

export const sendSchema = z.object({
  clientId: clientIdSchema,
  text: z.string().max(MAX_TEXT_CHARS),
  attachments: z.array(z.string().uuid()).max(MAX_ATTACHMENTS_PER_MESSAGE).optional(),
  context: z.object({ articleId: z.string().uuid() }).nullish(),
  page: z.object({ url: httpUrl.optional(), title: z.string().max(300).optional() }).optional(),
});

export const historySchema = z.object({ before: z.string().max(200).nullish(), limit: z.number().int().min(1).max(100).optional() }).default({});

export const typingSchema = z.object({ typing: z.boolean() });

export const readSchema = z.object({}).passthrough().default({});

export const prechatSchema = z
  .object({ name: z.string().trim().max(200).optional(), email: z.string().trim().max(320).optional() })
  .refine((v) => !!v.name || !!v.email, "name or email is required");

export const pageviewSchema = z.object({ url: httpUrl, title: z.string().max(300).optional() });

export const articleViewSchema = z.object({ articleId: z.string().uuid() });

export const chunkSchema = z.object({
  uploadId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  filename: z.string().max(255),
  contentType: z.string().max(100),
  size: z.number().int().positive(),
  offset: z.number().int().min(0),
  data: z.custom<Buffer | ArrayBuffer | Uint8Array>(
    (v) => Buffer.isBuffer(v) || v instanceof ArrayBuffer || v instanceof Uint8Array,
    "data must be binary",
  ),
});

export { MAX_CHUNK_BYTES };
/** What the widget may attach: these image types, this many per message. */
export type ImageType = (typeof ALLOWED_IMAGE_TYPES)[number];
export type MaxAttachments = typeof MAX_ATTACHMENTS_PER_MESSAGE;

/** Every client event with its payload (as parsed). */
export type ClientEvents = {
  history: z.infer<typeof historySchema>;
  "message:send": z.infer<typeof sendSchema>;
  typing: z.infer<typeof typingSchema>;
  read: z.infer<typeof readSchema>;
  prechat: z.infer<typeof prechatSchema>;
  pageview: z.infer<typeof pageviewSchema>;
  "article:view": z.infer<typeof articleViewSchema>;
  "attachment:chunk": z.infer<typeof chunkSchema>;
};
export type HistoryInput = ClientEvents["history"];
export type SendInput = ClientEvents["message:send"];
export type PageviewInput = ClientEvents["pageview"];
export type ClientEvent = keyof ClientEvents;

// ---- what the server sends ----------------------------------------------------------------------

/** The inbox settings a visitor's browser may see (the rest of WidgetSettings, config.ts, stays on the server). */
export type PublicWidgetSettings = {
  color: string;
  greeting: string;
  preChatForm: boolean;
  trackPageViews: boolean;
  /** Verified mode: anonymous visitors and unsigned identities are refused. */
  requireVerifiedIdentity: boolean;
  offlineMessage: string;
  /** The language the widget speaks; null = the visitor's browser language (src/i18n/locales.ts LOCALES). */
  locale: string | null;
  /** The widget's colour scheme; null = the host page's prefers-color-scheme. */
  theme: "light" | "dark" | null;
};
/** What the widget may know about its inbox (GET /api/widget/config and the session event). */
export type PublicWidgetConfig = { inbox: string; name: string; online: boolean } & PublicWidgetSettings;

export type WidgetAttachment = { id: string; filename: string; contentType: string; size: number; url: string };

/** One message as the visitor sees it (the message event, history pages). Notes never become one. */
export type WidgetMessage = {
  id: string;
  /** The widget's client id for the visitor's own messages (matches its outbox). */
  clientId: string | null;
  from: "visitor" | "agent";
  text: string;
  createdAt: string;
  /** Visitor messages: delivered (stored) or read (an agent read it). Agent messages: read once the visitor read it. */
  status: Extract<DeliveryStatus, "delivered" | "read">;
  agent: { name: string; avatarUrl: string | null } | null;
  attachments: WidgetAttachment[];
  context: { articleId: string; title: string } | null;
};

/** A published help-center article as the widget's reader shows it (article:view ack; GET /api/widget/articles/:id adds more). */
export type WidgetArticle = { id: string; slug: string; title: string; category: string; body: string };
/** One result of GET /api/widget/articles ({ items }). */
export type WidgetArticleHit = Omit<WidgetArticle, "body"> & { excerpt: string; url: string };

export type HistoryPage = { messages: WidgetMessage[]; nextCursor: string | null; unread: number };

/** What each client event acknowledges with, besides ok: true. */
export type Acks = {
  history: HistoryPage;
  "message:send": { id: string; clientId: string; createdAt: string; duplicate: boolean };
  typing: Record<never, never>;
  read: { count: number };
  prechat: { name: string | null; email: string | null };
  pageview: { skipped: true } | { id: string };
  "article:view": { article: WidgetArticle };
  "attachment:chunk": { received: number; done?: true; attachmentId?: string };
};
/** A refused event; retryAfter (ms) with rate_limited, received with a resumable upload error. */
export type AckError = { ok: false; error: string; message?: string; retryAfter?: number; received?: number };
export type Ack<E extends ClientEvent> = ({ ok: true } & Acks[E]) | AckError;

export type SessionEvent = {
  visitorId: string;
  /** Store it and acknowledge; null: keep the stored token (another tab renewed a moment ago). */
  visitorToken: string | null;
  issued: boolean;
  verified: boolean;
  name: string | null;
  email: string | null;
  config: PublicWidgetConfig;
};
export type TokenEvent = { visitorId: string; visitorToken: string };
export type MessageStatusEvent = { id: string; status: Extract<DeliveryStatus, "read"> };
export type TypingEvent = { typing: boolean; agent?: { name: string } };
export type PresenceEvent = { online: boolean };

/** Every server event with its payload. */
export type ServerEvents = {
  session: SessionEvent;
  token: TokenEvent;
  message: WidgetMessage;
  "message:status": MessageStatusEvent;
  typing: TypingEvent;
  presence: PresenceEvent;
};

// ---- limits -----------------------------------------------------------------------------------

/** Per visitor, per action: at most max in windowMs. */
export const RATE_LIMITS = {
  message: { max: 20, windowMs: 10_000 },
  typing: { max: 30, windowMs: 10_000 },
  history: { max: 30, windowMs: 60_000 },
  read: { max: 30, windowMs: 60_000 },
  prechat: { max: 10, windowMs: 60_000 },
  pageview: { max: 30, windowMs: 60_000 },
  article: { max: 30, windowMs: 60_000 },
  // 5 MB in 512 KB chunks is 10 chunks; this allows a few images a minute.
  upload: { max: 80, windowMs: 60_000 },
};
