// The common shape every social platform's webhook is parsed into. Parsers
// (meta, whatsapp, telegram, x) are pure functions from a platform payload to
// a list of SocialEvents; ./process.ts applies them (inbox routing, the
// timeline write path, receipts, edits). Keeping the platforms' quirks in the
// parsers keeps the write side one piece of code for all five.
import { createHash } from "node:crypto";
import type { IdentityClaim } from "@/server/customers/identity";
import { BATCH_JSON_LIMITS, checkJsonShape } from "@/server/security/json-shape";
import { SOCIAL_CHANNELS, type SocialChannel } from "@/lib/vocabulary";

export function isSocialChannel(value: string): value is SocialChannel {
  return (SOCIAL_CHANNELS as readonly string[]).includes(value);
}

/** An attachment that stays on the platform: we keep a reference, not the bytes. */
export type SocialAttachment = {
  filename: string;
  contentType: string;
  size: number;
  /** A platform URL, or a platform reference ("whatsapp-media:<id>", "telegram-file:<file_id>"). */
  remoteUrl: string | null;
};

export type SocialPerson = {
  identities: IdentityClaim[];
  name?: string | null;
};

/** Which inbox the event is for: the platform's id of our account (page id, phone number id...). */
type Routed = { channel: SocialChannel; account: string | null };

export type SocialMessageEvent = Routed & {
  type: "message";
  /** The platform's thread: PSID / IGSID / wa_id / chat.id / X user id. */
  threadKey: string;
  platformMessageId: string;
  occurredAt: Date;
  /** inbound: the customer wrote. outbound: our own account's message echoed back. */
  direction: "inbound" | "outbound";
  /** The customer (for an echo: its recipient). */
  customer: SocialPerson;
  text: string;
  attachments: SocialAttachment[];
  meta: Record<string, unknown>;
  /** Not a real message (a reaction): never reopens or puts the conversation in waiting. */
  passive?: boolean;
  /** Overrides the default (inbox, platformMessageId) idempotency key. */
  dedupeKey?: string;
};

export type SocialStatusEvent = Routed & {
  type: "status";
  status: "sent" | "delivered" | "read" | "failed";
  at: Date;
  /** The messages concerned, by platform id... */
  platformMessageIds?: string[];
  /** ...and/or every outbound message of the thread sent up to this moment (Messenger watermarks). */
  threadKey?: string;
  watermark?: Date;
  /** A failed send's reason, as the platform put it. */
  error?: string | null;
};

export type SocialEditEvent = Routed & {
  type: "edit";
  platformMessageId: string;
  text: string;
  at: Date;
  meta?: Record<string, unknown>;
  /** When the edited message was never seen: store this instead (Telegram sends the whole message). */
  fallback?: SocialMessageEvent;
};

export type SocialDeleteEvent = Routed & {
  type: "delete";
  platformMessageId: string;
  at: Date;
};

export type SocialReactionEvent = Routed & {
  type: "reaction";
  action: "react" | "unreact";
  emoji: string | null;
  /** The message reacted to. */
  targetPlatformMessageId: string;
  /** Who reacted (the customer). */
  reactorId: string;
  /** The readable timeline entry for a new reaction ("reacted ❤ to a message"). */
  message: SocialMessageEvent | null;
};

export type SocialIgnoredEvent = Routed & { type: "ignored"; reason: string };

export type SocialEvent = SocialMessageEvent | SocialStatusEvent | SocialEditEvent | SocialDeleteEvent | SocialReactionEvent | SocialIgnoredEvent;

/** A payload that is not what the platform sends: answered with 400, nothing stored. */
export class MalformedPayloadError extends Error {}

/** Raw request bytes → events: MalformedPayloadError for what is not UTF-8 JSON of the platform's shape. */
export function parseWebhookBody(raw: Uint8Array, parse: (body: unknown) => SocialEvent[]): SocialEvent[] {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
  } catch (error) {
    throw new MalformedPayloadError(`invalid JSON: ${(error as Error).message}`);
  }
  // Before the parsers and storableDeep walk it (a platform batch can be large, never deep).
  const refusal = checkJsonShape(body, BATCH_JSON_LIMITS);
  if (refusal) throw new MalformedPayloadError(refusal.message);
  return parse(body);
}

// ---------------------------------------------------------------- small parsing helpers

export function asRecord(value: unknown): Record<string, unknown> | null {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

// Longest ids we accept: account and user ids are identity values (at most
// 256 characters, see normalizeIdentity); message ids are unique-index keys
// (Instagram's are the longest seen, ~200). Longer is not the platform's.
const MAX_ACCOUNT_ID = 256;
const MAX_MESSAGE_ID = 512;

function boundedId(value: unknown, max: number): string | null {
  let id: string | null = null;
  if (typeof value === "string") id = value.trim();
  else if (typeof value === "number" && Number.isFinite(value)) id = String(value);
  else if (typeof value === "bigint") id = value.toString();
  // Control characters (NUL included) never occur in a platform's id.
  return id && id.length <= max && !/[\u0000-\u001f\u007f]/.test(id) ? id : null;
}

/** An account, user or chat id: strings or (Telegram, older payloads) numbers. */
export function idString(value: unknown): string | null {
  return boundedId(value, MAX_ACCOUNT_ID);
}

/** A message id (Meta mid, wamid...). */
export function messageIdString(value: unknown): string | null {
  return boundedId(value, MAX_MESSAGE_ID);
}

/** An idempotency key built from payload parts, within recordTouchpoint's 500 characters. */
export function dedupeKeyOf(...parts: (string | number | null)[]): string {
  const key = parts.map(String).join(":");
  return key.length <= 500 ? key : `sha256:${createHash("sha256").update(key).digest("hex")}`;
}

export function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

// Beyond year 9999 a Date is valid in JavaScript but not to PostgreSQL (and
// Invalid Date is neither): such a timestamp is not the platform's.
const MAX_TIME_MS = Date.UTC(9999, 11, 31);

function dateFromMillis(ms: unknown): Date {
  return typeof ms === "number" && Number.isFinite(ms) && ms > 0 && ms <= MAX_TIME_MS ? new Date(ms) : new Date();
}

/** Milliseconds since the epoch (number or numeric string) → Date; else now. */
export function fromMillis(value: unknown): Date {
  return dateFromMillis(typeof value === "string" ? Number(value) : value);
}

/** Seconds since the epoch (number or numeric string) → Date; else now. */
export function fromSeconds(value: unknown): Date {
  const n = typeof value === "string" ? Number(value) : value;
  return dateFromMillis(typeof n === "number" ? n * 1000 : n);
}

/** The readable one-line placeholder for a message that is not text: "[image]". */
export function joinText(parts: (string | null | undefined)[]): string {
  return parts
    .map((p) => (p ?? "").trim())
    .filter(Boolean)
    .join("\n");
}

export function formatCoordinate(value: unknown): string {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n.toFixed(2) : "?";
}

export const CONTENT_TYPE_BY_KIND: Record<string, string> = {
  image: "image/*",
  photo: "image/jpeg",
  sticker: "image/webp",
  video: "video/*",
  audio: "audio/*",
  voice: "audio/ogg",
  file: "application/octet-stream",
  document: "application/octet-stream",
  animated_gif: "image/gif",
  animation: "video/mp4",
};

/** A filename for a platform attachment: the URL's last path segment, else "<kind>". */
export function filenameFrom(url: string | null | undefined, kind: string, fallbackExt = ""): string {
  const fallback = safeFilename(`${kind}${fallbackExt}`, "attachment");
  if (url) {
    try {
      const last = new URL(url).pathname.split("/").filter(Boolean).pop();
      if (last && last.length <= 200) return safeFilename(decodeURIComponent(last), fallback);
    } catch {
      /* not a URL, or a malformed %-escape */
    }
  }
  return fallback;
}

/** A platform-supplied file name fit to store and offer for download (no control characters or path separators), else the fallback. */
export function safeFilename(value: unknown, fallback: string): string {
  const name = typeof value === "string" ? value.replace(/[\u0000-\u001f\u007f/\\]+/g, "_").trim().slice(0, 255) : "";
  return name || fallback;
}
