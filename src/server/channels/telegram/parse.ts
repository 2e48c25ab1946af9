// Telegram Bot API `Update` objects → SocialEvents. A message's id is only
// unique within its chat, so our platform message id is "<chat.id>:<message_id>".
// Handles message / edited_message (text, caption, photo, document, sticker,
// location, contact, voice, audio, video...); other update kinds are ignored.
import { normalizePhone } from "@/server/customers/normalize";
import type { IdentityClaim } from "@/server/customers/identity";
import {
  asArray,
  asRecord,
  formatCoordinate,
  fromSeconds,
  idString,
  joinText,
  MalformedPayloadError,
  safeFilename,
  str,
  type SocialAttachment,
  type SocialEvent,
  type SocialMessageEvent,
} from "@/server/channels/social/types";
import { storableDeep } from "@/server/text/storable";

export function telegramFileRef(fileId: string): string {
  return `telegram-file:${fileId}`;
}

export function telegramMessageId(chatId: string, messageId: string | number): string {
  return `${chatId}:${messageId}`;
}

/**
 * "[text]" without whitespace before the "]" ("[poll ]" → "[poll]"). trimEnd,
 * not .replace(/\s+\]$/, "]"): that regex is retried from every position of a
 * long whitespace run and is quadratic in it (40 KB took 3 s).
 */
function bracketed(text: string): string {
  return `[${text.trimEnd()}]`;
}

export function parseTelegramUpdate(body: unknown): SocialEvent[] {
  const update = asRecord(storableDeep(body));
  if (!update) throw new MalformedPayloadError("the body must be a Telegram Update object");
  if (update.update_id === undefined) throw new MalformedPayloadError("update_id is missing: not a Telegram Update");
  const message = asRecord(update.message) ?? asRecord(update.business_message);
  if (message) {
    const e = parseMessage(message, false);
    return e ? [e] : [{ type: "ignored", channel: "telegram", account: null, reason: "message without sender" }];
  }
  const edited = asRecord(update.edited_message) ?? asRecord(update.edited_business_message);
  if (edited) {
    const e = parseMessage(edited, true);
    if (!e) return [{ type: "ignored", channel: "telegram", account: null, reason: "edited message without sender" }];
    return [{ type: "edit", channel: "telegram", account: null, platformMessageId: e.platformMessageId, text: e.text, at: fromSeconds(edited.edit_date), meta: {}, fallback: e }];
  }
  const kind = Object.keys(update).find((k) => k !== "update_id") ?? "empty";
  return [{ type: "ignored", channel: "telegram", account: null, reason: `${kind} updates are not stored` }];
}

function displayName(from: Record<string, unknown>): string | null {
  const full = [str(from.first_name), str(from.last_name)].filter(Boolean).join(" ").trim();
  if (full) return full;
  const username = str(from.username);
  return username ? `@${username}` : null;
}

function parseMessage(m: Record<string, unknown>, edited: boolean): SocialMessageEvent | null {
  const from = asRecord(m.from);
  const chat = asRecord(m.chat);
  const userId = idString(from?.id);
  const chatId = idString(chat?.id) ?? userId;
  const messageId = idString(m.message_id);
  if (!from || !userId || !chatId || !messageId || from.is_bot === true) return null;

  const identities: IdentityClaim[] = [{ kind: "telegram_user_id", value: userId, verified: true, source: "telegram" }];
  const meta: Record<string, unknown> = { from: { username: str(from.username), languageCode: str(from.language_code) }, chat: { id: chatId, type: str(chat?.type), title: str(chat?.title) } };
  if (edited) meta.edited = true;
  const attachments: SocialAttachment[] = [];
  const parts: (string | null)[] = [];

  const photo = asArray(m.photo)
    .map(asRecord)
    .filter((p): p is Record<string, unknown> => !!p && !!idString(p.file_id));
  if (photo.length > 0) {
    // Telegram sends every size; keep the largest.
    const largest = photo.reduce((a, b) => (area(b) > area(a) ? b : a));
    attachments.push({ filename: "photo.jpg", contentType: "image/jpeg", size: num(largest.file_size), remoteUrl: telegramFileRef(idString(largest.file_id)!) });
    parts.push("[photo]");
  }
  for (const [field, label, type, name] of [
    ["document", "document", "application/octet-stream", "document"],
    ["video", "video", "video/mp4", "video.mp4"],
    ["audio", "audio", "audio/mpeg", "audio.mp3"],
    ["voice", "voice message", "audio/ogg", "voice.ogg"],
    ["video_note", "video message", "video/mp4", "video_note.mp4"],
    ["animation", "GIF", "video/mp4", "animation.mp4"],
  ] as const) {
    const f = asRecord(m[field]);
    const fileId = idString(f?.file_id);
    if (!f || !fileId) continue;
    if (field === "document" && m.animation) continue; // animations also carry a document
    const filename = safeFilename(f.file_name, name);
    attachments.push({ filename, contentType: str(f.mime_type)?.trim() || type, size: num(f.file_size), remoteUrl: telegramFileRef(fileId) });
    parts.push(field === "document" ? `[document ${filename}]` : `[${label}]`);
  }
  const sticker = asRecord(m.sticker);
  if (sticker) {
    const emoji = str(sticker.emoji);
    parts.push(emoji ? `[sticker ${emoji}]` : "[sticker]");
    meta.sticker = { emoji, setName: str(sticker.set_name), fileId: idString(sticker.file_id) };
  }
  const venue = asRecord(m.venue);
  const location = asRecord(m.location) ?? asRecord(venue?.location);
  if (location) {
    let line = `[location ${formatCoordinate(location.latitude)}, ${formatCoordinate(location.longitude)}]`;
    if (venue) line += ` ${[str(venue.title), str(venue.address)].filter(Boolean).join(", ")}`;
    parts.push(line);
    meta.location = { latitude: location.latitude, longitude: location.longitude };
  }
  const contact = asRecord(m.contact);
  if (contact) {
    const name = [str(contact.first_name), str(contact.last_name)].filter(Boolean).join(" ");
    const phone = str(contact.phone_number);
    parts.push(bracketed(`contact ${[name, phone].filter(Boolean).join(" ")}`));
    meta.contact = { name, phone, userId: idString(contact.user_id) };
    // The customer sharing their own number: a claim, not a proof (Telegram
    // does not confirm it to bots), so it is linked unverified.
    if (phone && idString(contact.user_id) === userId) {
      try {
        identities.push({ kind: "phone", value: normalizePhone(phone.startsWith("+") ? phone : `+${phone}`), verified: false, source: "telegram_contact" });
      } catch {
        /* not a phone number we can normalise */
      }
    }
  }
  const poll = asRecord(m.poll);
  if (poll) parts.push(bracketed(`poll ${str(poll.question) ?? ""}`));

  const body = str(m.text) ?? str(m.caption);
  const replyTo = asRecord(m.reply_to_message);
  if (replyTo && chatId) meta.replyTo = { id: telegramMessageId(chatId, idString(replyTo.message_id) ?? "?") };

  const text = joinText([body, ...parts]);
  return {
    type: "message",
    channel: "telegram",
    account: null,
    threadKey: chatId,
    platformMessageId: telegramMessageId(chatId, messageId),
    occurredAt: fromSeconds(m.date),
    direction: "inbound",
    customer: { identities, name: displayName(from) },
    text: text || "[message]",
    attachments,
    meta,
  };
}

function area(p: Record<string, unknown>): number {
  return num(p.width) * num(p.height) || num(p.file_size);
}

/** A size or dimension: a non-negative integer (the write path refuses anything else), else 0. */
function num(v: unknown): number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : 0;
}
