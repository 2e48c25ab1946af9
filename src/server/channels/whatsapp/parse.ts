// WhatsApp Cloud API webhooks (`object: "whatsapp_business_account"`) →
// SocialEvents. entry[].changes[] with field "messages": value.metadata
// (phone_number_id routes to the inbox), value.contacts[] (wa_id + profile
// name), value.messages[] (every documented type) and value.statuses[]
// (sent / delivered / read / failed receipts for what we sent).
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
  messageIdString,
  safeFilename,
  str,
  type SocialAttachment,
  type SocialEvent,
  type SocialMessageEvent,
  type SocialPerson,
} from "@/server/channels/social/types";
import { describeValue, storableDeep } from "@/server/text/storable";

/** The reference kept for WhatsApp media (bytes are fetched with GET /{media-id} and the token). */
export function whatsappMediaRef(mediaId: string): string {
  return `whatsapp-media:${mediaId}`;
}

/**
 * The customer behind a wa_id: the WhatsApp id, and the phone number it is
 * (WhatsApp proved the customer holds it), so a customer known by phone from
 * another channel is recognised.
 */
export function whatsappCustomer(waId: string, name?: string | null): SocialPerson {
  const identities: IdentityClaim[] = [{ kind: "whatsapp_wa_id", value: waId, verified: true, source: "whatsapp" }];
  try {
    identities.push({ kind: "phone", value: normalizePhone(`+${waId.replace(/^\+/, "")}`), verified: true, source: "whatsapp" });
  } catch {
    /* not a dialable number (test numbers, business-scoped ids): the wa_id alone */
  }
  return { identities, name: name?.trim() || null };
}

export function parseWhatsAppWebhook(body: unknown): SocialEvent[] {
  const root = asRecord(storableDeep(body));
  if (!root) throw new MalformedPayloadError("the body must be a JSON object");
  if (root.object !== "whatsapp_business_account") {
    throw new MalformedPayloadError(`unsupported object ${JSON.stringify(root.object ?? null)}: expected "whatsapp_business_account"`);
  }
  if (!Array.isArray(root.entry)) throw new MalformedPayloadError("entry must be an array");
  const events: SocialEvent[] = [];
  for (const rawEntry of root.entry) {
    const entry = asRecord(rawEntry);
    if (!entry) continue;
    for (const rawChange of asArray(entry.changes)) {
      const change = asRecord(rawChange);
      const value = asRecord(change?.value);
      if (!change || !value) continue;
      const account = idString(asRecord(value.metadata)?.phone_number_id);
      if (change.field !== undefined && change.field !== "messages") {
        events.push({ type: "ignored", channel: "whatsapp", account, reason: `field ${describeValue(change.field)} is not stored` });
        continue;
      }
      const names = new Map<string, string>();
      for (const rawContact of asArray(value.contacts)) {
        const c = asRecord(rawContact);
        const waId = idString(c?.wa_id);
        const name = str(asRecord(c?.profile)?.name);
        if (waId && name) names.set(waId, name);
      }
      for (const rawMessage of asArray(value.messages)) {
        const e = parseMessage(account, rawMessage, names);
        if (e) events.push(e);
      }
      for (const rawStatus of asArray(value.statuses)) {
        const s = asRecord(rawStatus);
        const id = messageIdString(s?.id);
        const status = str(s?.status);
        if (!s || !id || !status) continue;
        if (status !== "sent" && status !== "delivered" && status !== "read" && status !== "failed") {
          events.push({ type: "ignored", channel: "whatsapp", account, reason: `status ${status}` });
          continue;
        }
        events.push({
          type: "status",
          channel: "whatsapp",
          account,
          status,
          at: fromSeconds(s.timestamp),
          platformMessageIds: [id],
          error: status === "failed" ? describeErrors(s.errors) : null,
        });
      }
    }
  }
  return events;
}

/** "(#131047) Re-engagement message: Message failed to send because more than 24 hours…" */
export function describeErrors(errors: unknown): string {
  const first = asRecord(asArray(errors)[0]);
  if (!first) return "WhatsApp reported the message as failed";
  const code = first.code !== undefined ? `(#${describeValue(first.code)}) ` : "";
  const title = str(first.title) ?? str(first.message) ?? "failed";
  const details = str(asRecord(first.error_data)?.details);
  return `${code}${title}${details && details !== title ? `: ${details}` : ""}`;
}

function media(kind: string, m: Record<string, unknown> | null, fallbackName: string): SocialAttachment | null {
  const id = idString(m?.id);
  if (!m || !id) return null;
  const contentType = str(m.mime_type)?.split(";")[0]?.trim() || "application/octet-stream";
  return { filename: safeFilename(m.filename, fallbackName), contentType, size: 0, remoteUrl: whatsappMediaRef(id) };
}

function parseMessage(account: string | null, raw: unknown, names: Map<string, string>): SocialMessageEvent | SocialEvent | null {
  const m = asRecord(raw);
  if (!m) return null;
  const from = idString(m.from);
  const id = messageIdString(m.id);
  // The wa_id is the thread: "+" alone (or nothing) names nobody.
  if (!from || !from.replace(/^\+/, "") || !id) return { type: "ignored", channel: "whatsapp", account, reason: "message without from or id" };
  const type = str(m.type) ?? "unknown";
  const at = fromSeconds(m.timestamp);
  const base = {
    type: "message" as const,
    channel: "whatsapp" as const,
    account,
    threadKey: from.replace(/^\+/, ""),
    platformMessageId: id,
    occurredAt: at,
    direction: "inbound" as const,
    customer: whatsappCustomer(from, names.get(from) ?? (names.size === 1 ? [...names.values()][0] : null)),
  };
  const meta: Record<string, unknown> = { type };
  const context = asRecord(m.context);
  if (context?.id) meta.replyTo = { id: str(context.id), from: idString(context.from) };
  if (context?.forwarded) meta.forwarded = true;
  const attachments: SocialAttachment[] = [];
  let text = "";
  let passive = false;
  const sub = asRecord(m[type]);

  switch (type) {
    case "text":
      text = str(sub?.body) ?? "";
      break;
    case "image":
    case "video":
    case "audio":
    case "document":
    case "sticker": {
      const ext = type === "image" ? ".jpg" : type === "video" ? ".mp4" : type === "audio" ? ".ogg" : type === "sticker" ? ".webp" : "";
      const a = media(type, sub, `${type}${ext}`);
      if (a) attachments.push(a);
      const label = type === "audio" && sub?.voice === true ? "voice message" : type;
      text = joinText([`[${label}]`, str(sub?.caption)]);
      if (type === "document" && str(sub?.filename)) text = joinText([`[document ${str(sub?.filename)}]`, str(sub?.caption)]);
      break;
    }
    case "location": {
      text = `[location ${formatCoordinate(sub?.latitude)}, ${formatCoordinate(sub?.longitude)}]`;
      const place = [str(sub?.name), str(sub?.address)].filter(Boolean).join(", ");
      if (place) text += ` ${place}`;
      meta.location = { latitude: sub?.latitude, longitude: sub?.longitude, name: str(sub?.name), address: str(sub?.address), url: str(sub?.url) };
      break;
    }
    case "contacts": {
      const cards = asArray(m.contacts).map((c) => {
        const r = asRecord(c);
        const name = str(asRecord(r?.name)?.formatted_name) ?? "contact";
        const phones = asArray(r?.phones)
          .map((p) => str(asRecord(p)?.phone))
          .filter(Boolean);
        return phones.length ? `${name} (${phones.join(", ")})` : name;
      });
      text = `[contact ${cards.join("; ")}]`;
      meta.contacts = m.contacts;
      break;
    }
    case "interactive": {
      const reply = asRecord(sub?.button_reply) ?? asRecord(sub?.list_reply) ?? asRecord(sub?.nfm_reply);
      text = str(reply?.title) ?? str(reply?.body) ?? "[interactive reply]";
      meta.interactive = { type: str(sub?.type), id: str(reply?.id), title: str(reply?.title), description: str(reply?.description) };
      break;
    }
    case "button":
      text = str(sub?.text) ?? str(sub?.payload) ?? "[button]";
      meta.button = { text: str(sub?.text), payload: str(sub?.payload) };
      break;
    case "reaction": {
      const target = messageIdString(sub?.message_id);
      const emoji = str(sub?.emoji) ?? "";
      if (!target) return { type: "ignored", channel: "whatsapp", account, reason: "reaction without message_id" };
      // An empty emoji removes the reaction.
      if (!emoji) return { type: "reaction", channel: "whatsapp", account, action: "unreact", emoji: null, targetPlatformMessageId: target, reactorId: from, message: null };
      text = `reacted ${emoji} to a message`;
      meta.reaction = { emoji, messageId: target };
      passive = true;
      const message: SocialMessageEvent = { ...base, text, attachments, meta, passive };
      return { type: "reaction", channel: "whatsapp", account, action: "react", emoji, targetPlatformMessageId: target, reactorId: from, message };
    }
    case "order": {
      const items = asArray(sub?.product_items).length;
      text = joinText([`[order of ${items} item${items === 1 ? "" : "s"}]`, str(sub?.text)]);
      meta.order = sub;
      break;
    }
    case "system":
      text = str(sub?.body) ?? "[system message]";
      meta.system = sub;
      passive = true;
      break;
    default: {
      // "unsupported"/"unknown": WhatsApp says what it could not deliver in errors[].
      const errors = asArray(m.errors);
      text = errors.length ? `[unsupported message: ${describeErrors(errors)}]` : `[${type} message]`;
      if (errors.length) meta.errors = errors;
    }
  }
  // A blank body ("\t\n") would be an empty line on the timeline: show what it was instead.
  return { ...base, text: text.trim() ? text : `[${type}]`, attachments, meta, passive };
}
