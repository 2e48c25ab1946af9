// X (Twitter) Account Activity API payloads → SocialEvents.
// for_user_id is our subscribed account (routes to the inbox);
// direct_message_events[] of type "message_create" are DMs; a DM whose
// sender is our own account is the echo of what we sent and is skipped;
// direct_message_mark_read_events[] are read receipts; users{} gives names.
import {
  asArray,
  asRecord,
  filenameFrom,
  fromMillis,
  idString,
  joinText,
  MalformedPayloadError,
  messageIdString,
  str,
  type SocialAttachment,
  type SocialEvent,
} from "@/server/channels/social/types";
import { describeValue, storableDeep } from "@/server/text/storable";

const MEDIA_TYPES: Record<string, string> = { photo: "image/jpeg", video: "video/mp4", animated_gif: "video/mp4" };

export function parseXWebhook(body: unknown): SocialEvent[] {
  const root = asRecord(storableDeep(body));
  if (!root) throw new MalformedPayloadError("the body must be a JSON object");
  const account = idString(root.for_user_id);
  if (!account) throw new MalformedPayloadError("for_user_id is missing: not an Account Activity payload");
  const users = asRecord(root.users) ?? {};
  const events: SocialEvent[] = [];

  for (const raw of asArray(root.direct_message_events)) {
    const e = asRecord(raw);
    if (!e) continue;
    if (e.type !== "message_create") {
      events.push({ type: "ignored", channel: "x", account, reason: `direct message event ${describeValue(e.type)}` });
      continue;
    }
    const id = messageIdString(e.id);
    const create = asRecord(e.message_create);
    const senderId = idString(create?.sender_id);
    const recipientId = idString(asRecord(create?.target)?.recipient_id);
    if (!id || !create || !senderId) {
      events.push({ type: "ignored", channel: "x", account, reason: "message_create without id or sender" });
      continue;
    }
    const at = fromMillis(e.created_timestamp);
    if (senderId === account) {
      // Our own message (sent by us through the API, or from the X app): its id marks it sent.
      events.push({ type: "status", channel: "x", account, status: "sent", at, platformMessageIds: [id], threadKey: recipientId ?? undefined });
      continue;
    }
    const data = asRecord(create.message_data) ?? {};
    const attachments: SocialAttachment[] = [];
    const parts: string[] = [];
    const attachment = asRecord(data.attachment);
    const media = asRecord(attachment?.media);
    let text = str(data.text) ?? "";
    if (media) {
      const mediaType = str(media.type) ?? "photo";
      const url = str(media.media_url_https) ?? str(media.media_url);
      // Own keys only: a media type of "constructor" must not find Object's.
      const contentType = Object.hasOwn(MEDIA_TYPES, mediaType) ? MEDIA_TYPES[mediaType]! : "application/octet-stream";
      if (url) attachments.push({ filename: filenameFrom(url, mediaType), contentType, size: 0, remoteUrl: url });
      parts.push(mediaType === "animated_gif" ? "[GIF]" : `[${mediaType}]`);
      // The text ends with the t.co link of the media itself; drop it.
      const shortUrl = str(media.url);
      if (shortUrl) text = text.replace(shortUrl, "").trim();
    }
    const user = Object.hasOwn(users, senderId) ? asRecord(users[senderId]) : null;
    const name = str(user?.name) ?? (str(user?.screen_name) ? `@${str(user?.screen_name)}` : null);
    events.push({
      type: "message",
      channel: "x",
      account,
      threadKey: senderId,
      platformMessageId: id,
      occurredAt: at,
      direction: "inbound",
      customer: { identities: [{ kind: "x_user_id", value: senderId, verified: true, source: "x" }], name },
      text: joinText([text, ...parts]) || "[message]",
      attachments,
      meta: { screenName: str(user?.screen_name), sourceAppId: idString(create.source_app_id) },
    });
  }

  for (const raw of asArray(root.direct_message_mark_read_events)) {
    const e = asRecord(raw);
    const reader = idString(e?.sender_id);
    if (!e || !reader || reader === account) continue;
    const at = fromMillis(e.created_timestamp);
    const last = messageIdString(e.last_read_event_id);
    events.push({ type: "status", channel: "x", account, status: "read", at, platformMessageIds: last ? [last] : [], threadKey: reader, watermark: at });
  }

  for (const key of Object.keys(root)) {
    if (["for_user_id", "users", "apps", "direct_message_events", "direct_message_mark_read_events", "direct_message_indicate_typing_events", "user_has_blocked"].includes(key)) continue;
    events.push({ type: "ignored", channel: "x", account, reason: `${key} are not stored` });
  }
  return events;
}
