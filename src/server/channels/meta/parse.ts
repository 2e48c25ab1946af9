// Meta webhooks for Messenger (`object: "page"`) and Instagram messaging
// (`object: "instagram"`) → SocialEvents. Follows the Messenger Platform
// webhook reference: entry[].messaging[] items carrying one of message
// (with is_echo / is_deleted / attachments / sticker_id), message_edit,
// reaction, delivery, read, postback. Batched: many entries, many items each.
import {
  asArray,
  asRecord,
  CONTENT_TYPE_BY_KIND,
  dedupeKeyOf,
  filenameFrom,
  formatCoordinate,
  fromMillis,
  idString,
  joinText,
  MalformedPayloadError,
  messageIdString,
  str,
  type SocialAttachment,
  type SocialEvent,
  type SocialMessageEvent,
} from "@/server/channels/social/types";
import { storableDeep } from "@/server/text/storable";

export type MetaChannel = "messenger" | "instagram";

export function metaChannelOf(object: unknown): MetaChannel | null {
  if (object === "page") return "messenger";
  if (object === "instagram") return "instagram";
  return null;
}

/** Parses a whole POST body of `object: "page"` or `"instagram"`. */
export function parseMetaWebhook(body: unknown): SocialEvent[] {
  const root = asRecord(storableDeep(body));
  if (!root) throw new MalformedPayloadError("the body must be a JSON object");
  const channel = metaChannelOf(root.object);
  if (!channel) throw new MalformedPayloadError(`unsupported object ${JSON.stringify(root.object ?? null)}: expected "page" or "instagram"`);
  if (!Array.isArray(root.entry)) throw new MalformedPayloadError("entry must be an array");
  const events: SocialEvent[] = [];
  for (const rawEntry of root.entry) {
    const entry = asRecord(rawEntry);
    if (!entry) continue;
    const entryId = idString(entry.id);
    // Handover protocol: items for another app in control; still our customers' messages.
    const items = [...asArray(entry.messaging), ...asArray(entry.standby)];
    for (const item of items) events.push(...parseMessagingItem(channel, entryId, item));
    if (items.length === 0 && Array.isArray(entry.changes)) {
      events.push({ type: "ignored", channel, account: entryId, reason: "changes (comments, mentions) are not messages" });
    }
  }
  return events;
}

function parseMessagingItem(channel: MetaChannel, entryId: string | null, raw: unknown): SocialEvent[] {
  const item = asRecord(raw);
  if (!item) return [];
  const senderId = idString(asRecord(item.sender)?.id);
  const recipientId = idString(asRecord(item.recipient)?.id);
  const at = fromMillis(item.timestamp);
  const message = asRecord(item.message);

  if (message) {
    const isEcho = message.is_echo === true;
    // Our account is the recipient of a customer's message and the sender of an echo.
    const account = (isEcho ? senderId : recipientId) ?? entryId;
    const customerId = isEcho ? recipientId : senderId;
    const mid = messageIdString(message.mid);
    if (!customerId || !mid) return [{ type: "ignored", channel, account, reason: "message without sender or mid" }];
    if (message.is_deleted === true) return [{ type: "delete", channel, account, platformMessageId: mid, at }];
    return [buildMessage(channel, account, customerId, mid, at, message, isEcho)];
  }

  // Customer-side events: our account is the recipient.
  const account = recipientId ?? entryId;

  const edit = asRecord(item.message_edit);
  if (edit) {
    const mid = messageIdString(edit.mid);
    if (!mid) return [];
    // Number() only of primitives: Number({"toString": 0}) throws a TypeError.
    const numEdit = typeof edit.num_edit === "number" || typeof edit.num_edit === "string" ? Number(edit.num_edit) : NaN;
    return [{ type: "edit", channel, account, platformMessageId: mid, text: str(edit.text) ?? "", at, meta: Number.isFinite(numEdit) ? { numEdit } : {} }];
  }

  const reaction = asRecord(item.reaction);
  if (reaction && senderId) {
    const mid = messageIdString(reaction.mid);
    if (!mid) return [];
    const action = reaction.action === "unreact" ? "unreact" : "react";
    const emoji = str(reaction.emoji) || reactionEmoji(str(reaction.reaction));
    const message: SocialMessageEvent | null =
      action === "react"
        ? {
            type: "message",
            channel,
            account,
            threadKey: senderId,
            platformMessageId: "",
            dedupeKey: dedupeKeyOf(channel, "reaction", account, mid, senderId, at.getTime()),
            occurredAt: at,
            direction: "inbound",
            customer: customerOf(channel, senderId),
            text: `reacted ${emoji || "👍"} to a message`,
            attachments: [],
            meta: { reaction: { emoji, reaction: str(reaction.reaction), mid } },
            passive: true,
          }
        : null;
    return [{ type: "reaction", channel, account, action, emoji, targetPlatformMessageId: mid, reactorId: senderId, message }];
  }

  const delivery = asRecord(item.delivery);
  if (delivery) {
    const mids = asArray(delivery.mids)
      .map(messageIdString)
      .filter((m): m is string => m !== null);
    const watermark = delivery.watermark !== undefined ? fromMillis(delivery.watermark) : undefined;
    return [{ type: "status", channel, account, status: "delivered", at: item.timestamp ? at : (watermark ?? at), platformMessageIds: mids, threadKey: senderId ?? undefined, watermark }];
  }

  const read = asRecord(item.read);
  if (read) {
    // Messenger: { watermark }; Instagram: { mid }.
    const mid = messageIdString(read.mid);
    const watermark = read.watermark !== undefined ? fromMillis(read.watermark) : undefined;
    return [{ type: "status", channel, account, status: "read", at: item.timestamp ? at : (watermark ?? at), platformMessageIds: mid ? [mid] : [], threadKey: senderId ?? undefined, watermark }];
  }

  const postback = asRecord(item.postback);
  if (postback && senderId) {
    // A tap on one of our buttons: what the customer "said" is the button's title.
    const mid = messageIdString(postback.mid);
    const title = str(postback.title)?.trim() || str(postback.payload)?.trim() || "button";
    return [
      {
        type: "message",
        channel,
        account,
        threadKey: senderId,
        platformMessageId: mid ?? "",
        dedupeKey: mid ? undefined : dedupeKeyOf(channel, "postback", account, senderId, at.getTime()),
        occurredAt: at,
        direction: "inbound",
        customer: customerOf(channel, senderId),
        text: title,
        attachments: [],
        meta: { postback: { title: str(postback.title), payload: str(postback.payload) } },
      },
    ];
  }

  const kind = Object.keys(item).find((k) => !["sender", "recipient", "timestamp"].includes(k)) ?? "unknown";
  return [{ type: "ignored", channel, account, reason: `${kind} events are not stored` }];
}

function customerOf(channel: MetaChannel, id: string) {
  return {
    identities: [{ kind: channel === "messenger" ? ("messenger_psid" as const) : ("instagram_id" as const), value: id, verified: true, source: channel }],
  };
}

const REACTIONS: Record<string, string> = { love: "❤", like: "👍", dislike: "👎", smile: "😆", wow: "😮", sad: "😢", angry: "😠" };

function reactionEmoji(name: string | null): string {
  return name && Object.hasOwn(REACTIONS, name) ? REACTIONS[name]! : "";
}

function buildMessage(
  channel: MetaChannel,
  account: string | null,
  customerId: string,
  mid: string,
  at: Date,
  message: Record<string, unknown>,
  isEcho: boolean,
): SocialMessageEvent {
  const attachments: SocialAttachment[] = [];
  const placeholders: string[] = [];
  const meta: Record<string, unknown> = {};
  const stickerId = message.sticker_id ?? null;

  for (const raw of asArray(message.attachments)) {
    const a = asRecord(raw);
    if (!a) continue;
    const type = str(a.type) ?? "file";
    const payload = asRecord(a.payload) ?? {};
    const url = str(payload.url);
    if (type === "location") {
      const coords = asRecord(payload.coordinates);
      const lat = coords?.lat ?? payload.lat;
      const long = coords?.long ?? payload.long;
      placeholders.push(`[location ${formatCoordinate(lat)}, ${formatCoordinate(long)}]`);
      meta.location = { lat, long, title: str(a.title) };
      continue;
    }
    if (type === "fallback") {
      // A shared link Messenger could not render: title + URL.
      placeholders.push(["[link]", str(a.title), url ?? str(a.URL)].filter(Boolean).join(" "));
      continue;
    }
    if (type === "template") {
      placeholders.push("[template]");
      continue;
    }
    const isSticker = payload.sticker_id !== undefined || (stickerId !== null && type === "image");
    if (isSticker) {
      placeholders.push("[sticker]");
      meta.sticker = { id: payload.sticker_id ?? stickerId, url };
      continue;
    }
    const label = type === "ig_reel" || type === "reel" ? "reel" : type === "story_mention" ? "story mention" : type === "share" ? "shared post" : type;
    placeholders.push(`[${label}]`);
    if (url) {
      const kind = ["image", "video", "audio", "file"].includes(type) ? type : "file";
      attachments.push({ filename: filenameFrom(url, type), contentType: CONTENT_TYPE_BY_KIND[kind] ?? "application/octet-stream", size: 0, remoteUrl: url });
    }
  }
  if (stickerId !== null && !placeholders.includes("[sticker]")) {
    placeholders.push("[sticker]");
    meta.sticker = { id: stickerId };
  }
  if (message.is_unsupported === true) placeholders.push("[unsupported message]");

  const quick = asRecord(message.quick_reply);
  if (quick) meta.quickReply = { payload: str(quick.payload) };
  const replyTo = asRecord(message.reply_to);
  if (replyTo?.mid) meta.replyTo = { mid: str(replyTo.mid) };
  const story = asRecord(replyTo?.story);
  if (story) {
    // Instagram: a reply to one of our stories.
    placeholders.unshift("[replied to your story]");
    meta.replyTo = { story: { id: idString(story.id), url: str(story.url) } };
  }
  if (isEcho) meta.echo = { appId: idString(message.app_id), metadata: str(message.metadata) };

  const text = joinText([str(message.text), ...placeholders]);
  return {
    type: "message",
    channel,
    account,
    threadKey: customerId,
    platformMessageId: mid,
    occurredAt: at,
    direction: isEcho ? "outbound" : "inbound",
    customer: customerOf(channel, customerId),
    text: text || "[message]",
    attachments,
    meta,
  };
}
