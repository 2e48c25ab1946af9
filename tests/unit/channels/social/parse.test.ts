import { describe, expect, it } from "vitest";
import { parseMetaWebhook } from "@/server/channels/meta/parse";
import { parseMetaFamily } from "@/server/channels/meta/webhook";
import { parseWhatsAppWebhook, whatsappCustomer, describeErrors } from "@/server/channels/whatsapp/parse";
import { parseTelegramUpdate } from "@/server/channels/telegram/parse";
import { parseXWebhook } from "@/server/channels/x/parse";
import { MalformedPayloadError, type SocialEvent, type SocialMessageEvent } from "@/server/channels/social/types";
import { fixture } from "../../../fixtures/social/load";

const messages = (events: SocialEvent[]) => events.filter((e): e is SocialMessageEvent => e.type === "message");

describe("Meta (Messenger / Instagram)", () => {
  it("parses the documented text message", () => {
    const [e] = parseMetaWebhook(fixture("messenger-text"));
    expect(e).toMatchObject({
      type: "message",
      channel: "messenger",
      account: "100000000000001",
      threadKey: "7000000000000001",
      direction: "inbound",
      text: "Hi! My order #1042 has not arrived yet.",
      customer: { identities: [{ kind: "messenger_psid", value: "7000000000000001", verified: true, source: "messenger" }] },
    });
    expect((e as SocialMessageEvent).platformMessageId).toMatch(/^m_AG5H/);
    expect((e as SocialMessageEvent).occurredAt.getTime()).toBe(1735732800123);
  });

  it("parses a batch: every entry, every messaging item", () => {
    const events = messages(parseMetaWebhook(fixture("messenger-batch")));
    expect(events.map((e) => [e.threadKey, e.text])).toEqual([
      ["7000000000000011", "First question"],
      ["7000000000000011", "And a second one"],
      ["7000000000000012", "Hello from someone else"],
    ]);
  });

  it("turns attachments into references and readable placeholders", () => {
    const [image, location, sticker, file] = messages(parseMetaWebhook(fixture("messenger-attachments")));
    expect(image!.text).toBe("[image]");
    expect(image!.attachments).toEqual([{ filename: "photo_of_parcel.jpg", contentType: "image/*", size: 0, remoteUrl: expect.stringContaining("photo_of_parcel.jpg") }]);
    expect(location!.text).toBe("[location 52.52, 13.40]");
    expect(location!.attachments).toEqual([]);
    expect(sticker!.text).toBe("[sticker]");
    expect(file!.text).toBe("Here is the invoice\n[file]");
    expect(file!.attachments[0]).toMatchObject({ filename: "invoice-1042.pdf", contentType: "application/octet-stream" });
  });

  it("marks echoes as outbound on the recipient's thread", () => {
    const payload = fixture("messenger-echo");
    const [e] = messages(parseMetaWebhook(payload));
    expect(e).toMatchObject({ direction: "outbound", account: "100000000000001", threadKey: "7000000000000001", text: "Thanks, we are looking into it." });
  });

  it("parses delivery, read (watermark and Instagram mid), edits, reactions, unsends", () => {
    const [delivery] = parseMetaWebhook(fixture("messenger-delivery"));
    expect(delivery).toMatchObject({ type: "status", status: "delivered", platformMessageIds: ["m_delivered_REPLACED_BY_TEST"], threadKey: "7000000000000001" });
    const [read] = parseMetaWebhook(fixture("messenger-read"));
    expect(read).toMatchObject({ type: "status", status: "read", threadKey: "7000000000000001", watermark: new Date(1735733298000) });
    const igRead = fixture("instagram-text");
    igRead.entry[0].messaging[0] = { sender: { id: "6000000000000001" }, recipient: { id: "17841400000000001" }, timestamp: 1735734000000, read: { mid: "aWdf_x" } };
    expect(parseMetaWebhook(igRead)[0]).toMatchObject({ type: "status", channel: "instagram", status: "read", platformMessageIds: ["aWdf_x"] });
    const [edit] = parseMetaWebhook(fixture("messenger-edit"));
    expect(edit).toMatchObject({ type: "edit", text: "Hi! My order #1043 has not arrived yet.", meta: { numEdit: 1 } });
    const [reaction] = parseMetaWebhook(fixture("messenger-reaction"));
    expect(reaction).toMatchObject({ type: "reaction", action: "react", emoji: "❤", targetPlatformMessageId: "m_reacted_REPLACED_BY_TEST", reactorId: "7000000000000001" });
    expect((reaction as { message: SocialMessageEvent }).message).toMatchObject({ text: "reacted ❤ to a message", passive: true });
    const [deleted] = parseMetaWebhook(fixture("instagram-deleted"));
    expect(deleted).toMatchObject({ type: "delete", channel: "instagram", account: "17841400000000001" });
  });

  it("marks Instagram story replies", () => {
    const payload = fixture("instagram-text");
    payload.entry[0].messaging[0].message.reply_to = { story: { url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1", id: "17900000000000001" } };
    const [e] = messages(parseMetaWebhook(payload));
    expect(e!.text).toBe("Do you ship to Austria?\n[replied to your story]");
    expect(e!.meta.replyTo).toEqual({ story: { id: "17900000000000001", url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1" } });
  });

  it("routes Instagram by the IG account and uses instagram_id identities", () => {
    const [e] = messages(parseMetaWebhook(fixture("instagram-text")));
    expect(e).toMatchObject({ channel: "instagram", account: "17841400000000001", customer: { identities: [{ kind: "instagram_id", value: "6000000000000001" }] } });
  });

  it("refuses what is not a Meta payload, ignores other objects on the shared endpoint", () => {
    expect(() => parseMetaWebhook({ object: "page" })).toThrow(MalformedPayloadError);
    expect(() => parseMetaWebhook([])).toThrow(MalformedPayloadError);
    expect(() => parseMetaFamily({ hello: 1 })).toThrow(MalformedPayloadError);
    expect(parseMetaFamily({ object: "permissions", entry: [] })).toEqual([]);
    expect(parseMetaFamily(fixture("whatsapp-text"))[0]).toMatchObject({ channel: "whatsapp" });
  });
});

describe("WhatsApp Cloud API", () => {
  it("parses the documented text message with the contact's name, wa_id and verified phone", () => {
    const [e] = messages(parseWhatsAppWebhook(fixture("whatsapp-text")));
    expect(e).toMatchObject({
      channel: "whatsapp",
      account: "100000000000002",
      threadKey: "16505551234",
      text: "Does it come in another color?",
      occurredAt: new Date(1749416383 * 1000),
      customer: {
        name: "Sheena Nelson",
        identities: [
          { kind: "whatsapp_wa_id", value: "16505551234", verified: true, source: "whatsapp" },
          { kind: "phone", value: "+16505551234", verified: true, source: "whatsapp" },
        ],
      },
    });
  });

  it("parses media, location, documents and interactive replies", () => {
    const [image, location, doc, button] = messages(parseWhatsAppWebhook(fixture("whatsapp-media")));
    expect(image!.text).toBe("[image]\nThe broken part");
    expect(image!.attachments).toEqual([{ filename: "image.jpg", contentType: "image/jpeg", size: 0, remoteUrl: "whatsapp-media:1003383421387256" }]);
    expect(location!.text).toBe("[location 37.48, -122.15] Philz Coffee, 1 Hacker Way, Menlo Park, CA 94025");
    expect(doc!.text).toBe("[document receipt-1042.pdf]\nReceipt");
    expect(doc!.attachments[0]).toMatchObject({ filename: "receipt-1042.pdf", contentType: "application/pdf" });
    expect(button!.text).toBe("Track my order");
    expect(button!.meta).toMatchObject({ replyTo: { id: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MTE5MjBDRDQ5RjMyRDE5MzYA" } });
  });

  it("parses statuses, with the failure reason", () => {
    const [delivered] = parseWhatsAppWebhook(fixture("whatsapp-status"));
    expect(delivered).toMatchObject({ type: "status", status: "delivered", platformMessageIds: ["wamid.REPLACED_BY_TEST"], at: new Date(1749416500 * 1000) });
    const [failed] = parseWhatsAppWebhook(fixture("whatsapp-status-failed"));
    expect(failed).toMatchObject({ type: "status", status: "failed" });
    expect((failed as { error: string }).error).toBe(
      "(#131047) Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
    );
    expect(describeErrors([])).toMatch(/failed/);
  });

  it("parses reactions, contacts, stickers and unsupported messages", () => {
    const payload = fixture("whatsapp-text");
    const value = payload.entry[0].changes[0].value;
    value.messages = [
      { from: "16505551234", id: "wamid.R1", timestamp: "1749416390", type: "reaction", reaction: { message_id: "wamid.OURS", emoji: "👍" } },
      { from: "16505551234", id: "wamid.R2", timestamp: "1749416391", type: "reaction", reaction: { message_id: "wamid.OURS", emoji: "" } },
      { from: "16505551234", id: "wamid.C1", timestamp: "1749416392", type: "contacts", contacts: [{ name: { formatted_name: "John Smith", first_name: "John" }, phones: [{ phone: "+1 (940) 555-1234", type: "HOME", wa_id: "19405551234" }] }] },
      { from: "16505551234", id: "wamid.S1", timestamp: "1749416393", type: "sticker", sticker: { mime_type: "image/webp", sha256: "x", id: "555", animated: false } },
      { from: "16505551234", id: "wamid.U1", timestamp: "1749416394", type: "unsupported", errors: [{ code: 131051, title: "Message type unknown", message: "Message type unknown", error_data: { details: "Message type is currently not supported." } }] },
      { from: "16505551234", id: "wamid.B1", timestamp: "1749416395", type: "button", button: { payload: "No-Button-Payload", text: "No" } },
      { from: "16505551234", id: "wamid.V1", timestamp: "1749416396", type: "audio", audio: { mime_type: "audio/ogg; codecs=opus", sha256: "x", id: "777", voice: true } },
    ];
    const events = parseWhatsAppWebhook(payload);
    expect(events[0]).toMatchObject({ type: "reaction", action: "react", emoji: "👍", targetPlatformMessageId: "wamid.OURS", message: { text: "reacted 👍 to a message", platformMessageId: "wamid.R1", passive: true } });
    expect(events[1]).toMatchObject({ type: "reaction", action: "unreact", message: null });
    expect(events[2]).toMatchObject({ type: "message", text: "[contact John Smith (+1 (940) 555-1234)]" });
    expect(events[3]).toMatchObject({ type: "message", text: "[sticker]", attachments: [{ contentType: "image/webp", remoteUrl: "whatsapp-media:555" }] });
    expect((events[4] as SocialMessageEvent).text).toContain("Message type is currently not supported.");
    expect(events[5]).toMatchObject({ text: "No" });
    expect(events[6]).toMatchObject({ text: "[voice message]", attachments: [{ contentType: "audio/ogg" }] });
  });

  it("leaves the phone claim out when the wa_id is not a dialable number", () => {
    expect(whatsappCustomer("123").identities.map((i) => i.kind)).toEqual(["whatsapp_wa_id"]);
    expect(whatsappCustomer("4915112345678", "Anna").identities).toContainEqual({ kind: "phone", value: "+4915112345678", verified: true, source: "whatsapp" });
  });

  it("refuses other objects", () => {
    expect(() => parseWhatsAppWebhook(fixture("messenger-text"))).toThrow(MalformedPayloadError);
  });
});

describe("Telegram Update", () => {
  it("parses a text message: user, chat, name, chat-scoped message id", () => {
    const [e] = parseTelegramUpdate(fixture("telegram-text"));
    expect(e).toMatchObject({
      type: "message",
      channel: "telegram",
      threadKey: "5000000001",
      platformMessageId: "5000000001:1365",
      text: "Hello, I need help with my invoice",
      occurredAt: new Date(1735735000 * 1000),
      customer: { name: "Grace Hopper", identities: [{ kind: "telegram_user_id", value: "5000000001", verified: true, source: "telegram" }] },
    });
  });

  it("keeps the largest photo, the caption and a placeholder", () => {
    const [e] = messages(parseTelegramUpdate(fixture("telegram-photo")));
    expect(e!.text).toBe("This is what arrived\n[photo]");
    expect(e!.attachments).toEqual([{ filename: "photo.jpg", contentType: "image/jpeg", size: 60344, remoteUrl: "telegram-file:AgACAgIAAxkBAAIBYmZ_large" }]);
  });

  it("parses edits, stickers and a shared own contact (unverified phone)", () => {
    const [edit] = parseTelegramUpdate(fixture("telegram-edited"));
    expect(edit).toMatchObject({ type: "edit", platformMessageId: "5000000001:1365", text: "Hello, I need help with my invoice INV-2025-17", at: new Date(1735735060 * 1000) });
    const [sticker] = messages(parseTelegramUpdate(fixture("telegram-sticker")));
    expect(sticker!.text).toBe("[sticker 👍]");
    const [contact] = messages(parseTelegramUpdate(fixture("telegram-contact")));
    expect(contact!.text).toBe("[contact Grace Hopper 4915199999999]");
    expect(contact!.customer.identities).toContainEqual({ kind: "phone", value: "+4915199999999", verified: false, source: "telegram_contact" });
  });

  it("ignores updates that are not messages and refuses non-updates", () => {
    expect(parseTelegramUpdate({ update_id: 1, callback_query: { id: "1" } })[0]).toMatchObject({ type: "ignored" });
    expect(() => parseTelegramUpdate({ message: {} })).toThrow(MalformedPayloadError);
  });
});

describe("X Account Activity", () => {
  it("parses a DM with the sender's name", () => {
    const [e] = parseXWebhook(fixture("x-dm"));
    expect(e).toMatchObject({
      type: "message",
      channel: "x",
      account: "1000000000000000001",
      threadKey: "3001969357",
      platformMessageId: "1875000000000000101",
      text: "Hey, my account got locked",
      occurredAt: new Date(1735736000000),
      customer: { name: "Jordan Brinks", identities: [{ kind: "x_user_id", value: "3001969357", verified: true, source: "x" }] },
    });
  });

  it("keeps media as a reference and drops its t.co link from the text", () => {
    const [e] = messages(parseXWebhook(fixture("x-dm-media")));
    expect(e!.text).toBe("Screenshot of the error\n[photo]");
    expect(e!.attachments).toEqual([{ filename: "error.jpg", contentType: "image/jpeg", size: 0, remoteUrl: expect.stringMatching(/^https:\/\/ton\.twitter\.com\//) }]);
  });

  it("never stores our own DMs as customer messages; reads become receipts", () => {
    const echo = fixture("x-echo");
    echo.direct_message_events[0].id = "1875000000000000999";
    expect(parseXWebhook(echo)).toEqual([expect.objectContaining({ type: "status", status: "sent", platformMessageIds: ["1875000000000000999"] })]);
    const read = fixture("x-mark-read");
    read.direct_message_mark_read_events[0].last_read_event_id = "1875000000000000999";
    expect(parseXWebhook(read)[0]).toMatchObject({ type: "status", status: "read", threadKey: "3001969357", platformMessageIds: ["1875000000000000999"] });
  });

  it("refuses a payload without for_user_id", () => {
    expect(() => parseXWebhook({ direct_message_events: [] })).toThrow(MalformedPayloadError);
  });
});
