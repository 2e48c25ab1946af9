// Inbound social webhooks, end to end through the route handlers (Web
// Request in, Response out) into a real database: signatures, handshakes,
// every platform's documented payload, idempotency, batches, echoes,
// receipts, edits, unknown accounts, storage faults and cross-channel identity.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import { useTestDatabase, type TestDatabase } from "../../../helpers/db";
import { metaWebhookRequest, SOCIAL_INBOX_SEED, SOCIAL_TEST_ENV, telegramWebhookRequest, xWebhookRequest } from "../../../helpers/fake-platforms";
import { fixture } from "../../../fixtures/social/load";
import { db, disconnectDb } from "@/server/db";
import { resetEnvCache } from "@/env";
import { bus, type DomainEvent } from "@/server/events/bus";
import { recordTouchpoint } from "@/server/ingest/record";
import { listTimeline } from "@/server/timeline/query";
import { api } from "../../../helpers/lean-api";
// One router: the request's URL picks the platform's route.
const metaRoute = api;
const whatsappRoute = api;
const telegramRoute = api;
const xRoute = api;
import { listSocialInboxes, updateSocialInbox, webhookVerificationStatus, SocialInboxError } from "@/server/channels/social/inboxes";
import { resetSocialLogThrottle } from "@/server/channels/social/log";
import { DELETED_TEXT } from "@/server/channels/social/process";

const E = SOCIAL_TEST_ENV;
let t: TestDatabase;
const inbox: Record<string, string> = {};

beforeAll(async () => {
  Object.assign(process.env, E, { PUBLIC_URL: "https://help.example.test" });
  resetEnvCache();
  t = await useTestDatabase();
  for (const row of SOCIAL_INBOX_SEED) {
    const created = await db.inbox.create({ data: { ...row, secretEnv: { ...row.secretEnv } } });
    inbox[row.channel] = created.id;
  }
  inbox.email = (await db.inbox.create({ data: { name: "Email", channel: "email", publicId: "support@throughline.test" } })).id;
});

afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

beforeEach(() => resetSocialLogThrottle());

const postMeta = (body: unknown, opts?: Parameters<typeof metaWebhookRequest>[2]) => metaRoute.POST(metaWebhookRequest(body, E.META_APP_SECRET, opts));
const postWhatsApp = (body: unknown, opts?: Parameters<typeof metaWebhookRequest>[2]) => whatsappRoute.POST(metaWebhookRequest(body, E.META_APP_SECRET, { endpoint: "whatsapp", ...opts }));
const postTelegram = (update: unknown, secret: string | null = E.TELEGRAM_WEBHOOK_SECRET) => telegramRoute.POST(telegramWebhookRequest(update, secret));
const postX = (body: unknown, opts?: Parameters<typeof xWebhookRequest>[2]) => xRoute.POST(xWebhookRequest(body, E.X_CONSUMER_SECRET, opts));

async function counts() {
  return { messages: await db.message.count(), events: await db.timelineEvent.count(), customers: await db.customer.count(), conversations: await db.conversation.count() };
}

async function customerBy(kind: "messenger_psid" | "instagram_id" | "whatsapp_wa_id" | "telegram_user_id" | "x_user_id" | "phone" | "email", value: string) {
  const identity = await db.customerIdentity.findUnique({ where: { kind_value: { kind, value } } });
  return identity?.customerId ?? null;
}

function capture() {
  const seen: DomainEvent[] = [];
  const off = bus.on((e) => {
    seen.push(e);
  });
  return { seen, off };
}

/** An outbound agent reply already sent with this platform id (as the outbox leaves it). */
async function sentReply(channel: "messenger" | "whatsapp" | "x", conversationId: string, platformMessageId: string, text = "Our reply") {
  const r = await recordTouchpoint({
    conversation: { id: conversationId, inboxId: inbox[channel]! },
    channel,
    kind: "message",
    actor: "agent",
    text,
    message: { direction: "outbound", bodyText: text, platformMessageId, deliveryStatus: "sent" },
  });
  return r.messageId!;
}

describe("verification handshakes", () => {
  it("Meta: echoes hub.challenge as text/plain for the right verify token, 403 otherwise", async () => {
    const ok = await metaRoute.GET(new Request(`http://localhost/api/webhooks/meta?hub.mode=subscribe&hub.verify_token=${E.META_VERIFY_TOKEN}&hub.challenge=1158201444`));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe("1158201444");
    const bad = await metaRoute.GET(new Request("http://localhost/api/webhooks/meta?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1158201444"));
    expect(bad.status).toBe(403);
    const wa = await whatsappRoute.GET(new Request(`http://localhost/api/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${E.META_VERIFY_TOKEN}&hub.challenge=abc123`));
    expect(await wa.text()).toBe("abc123");
  });

  it("X: answers the CRC with the base64 HMAC of crc_token", async () => {
    const res = await xRoute.GET(new Request("http://localhost/api/webhooks/x?crc_token=challenge-token-42"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const expected = createHmac("sha256", E.X_CONSUMER_SECRET).update("challenge-token-42").digest("base64");
    expect(await res.json()).toEqual({ response_token: `sha256=${expected}` });
    expect((await xRoute.GET(new Request("http://localhost/api/webhooks/x"))).status).toBe(400);
  });

  it("X: refuses to sign a crc_token that could be a delivery (no signing oracle for forged DMs)", async () => {
    const forged = JSON.stringify(fixture("x-dm"));
    const crc = await xRoute.GET(new Request(`http://localhost/api/webhooks/x?crc_token=${encodeURIComponent(forged)}`));
    expect(crc.status).toBe(400);
    expect(JSON.stringify(await crc.json())).not.toMatch(/response_token/);
    // Were it signed, the attacker would post the body with that signature: nothing may be stored.
    const before = await counts();
    const signature = `sha256=${createHmac("sha256", "guess").update(forged).digest("base64")}`;
    expect((await xRoute.POST(new Request("http://localhost/api/webhooks/x", { method: "POST", headers: { "content-type": "application/json", "x-twitter-webhooks-signature": signature }, body: forged }))).status).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it("records the last successful handshake per endpoint", async () => {
    const status = await webhookVerificationStatus();
    const by = Object.fromEntries(status.map((s) => [s.endpoint, s]));
    expect(by.meta!.lastVerifiedAt).toBeInstanceOf(Date);
    expect(by.whatsapp!.lastVerifiedAt).toBeInstanceOf(Date);
    expect(by.x!.lastVerifiedAt).toBeInstanceOf(Date);
    expect(by.meta!.url).toBe("https://help.example.test/api/webhooks/meta");
    expect(by.telegram!.secretConfigured).toBe(true);
  });
});

describe("signatures", () => {
  it("refuses a wrong or missing signature on every endpoint with 401 and stores nothing", async () => {
    const before = await counts();
    expect((await postMeta(fixture("messenger-text"), { signature: "sha256=" + "0".repeat(64) })).status).toBe(401);
    expect((await postMeta(fixture("messenger-text"), { signature: null })).status).toBe(401);
    // Signed with another secret.
    expect((await metaRoute.POST(metaWebhookRequest(fixture("messenger-text"), "some-other-secret"))).status).toBe(401);
    expect((await postWhatsApp(fixture("whatsapp-text"), { signature: null })).status).toBe(401);
    expect((await postTelegram(fixture("telegram-text"), "wrong-secret-value")).status).toBe(401);
    expect((await postTelegram(fixture("telegram-text"), null)).status).toBe(401);
    expect((await postX(fixture("x-dm"), { signature: "sha256=AAAA" })).status).toBe(401);
    expect((await postX(fixture("x-dm"), { signature: null })).status).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it("verifies the raw bytes, not a re-serialisation", async () => {
    // Meta escapes non-ASCII and slashes; the signature is over exactly these bytes.
    const raw = JSON.stringify(fixture("messenger-text"))
      .replace("Hi! My order #1042 has not arrived yet.", "Gr\\u00fc\\u00dfe \\/ order #7")
      .replace('"m_AG5H', '"m_RAW_AG5H')
      .replaceAll('"7000000000000001"', '"7000000000000099"');
    const res = await postMeta(raw);
    expect(res.status).toBe(200);
    const m = await db.message.findFirst({ where: { platformMessageId: { startsWith: "m_RAW_" } } });
    expect(m?.bodyText).toBe("Grüße / order #7");
  });
});

describe("Messenger", () => {
  it("stores the documented message on the sender's timeline and answers EVENT_RECEIVED", async () => {
    const res = await postMeta(fixture("messenger-text"));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("EVENT_RECEIVED");
    const customerId = await customerBy("messenger_psid", "7000000000000001");
    expect(customerId).toBeTruthy();
    const { items } = await listTimeline({ customerId: customerId! });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: "message", channel: "messenger", actor: "customer", direction: "inbound", text: "Hi! My order #1042 has not arrived yet.", inboxId: inbox.messenger });
    const conv = await db.conversation.findUniqueOrThrow({ where: { id: items[0]!.conversationId! } });
    expect(conv).toMatchObject({ inboxId: inbox.messenger, channel: "messenger", externalThreadKey: "7000000000000001", status: "open" });
    expect(items[0]!.occurredAt).toBe(new Date(1735732800123).toISOString());
  });

  it("stores a redelivered payload once", async () => {
    const before = await counts();
    expect((await postMeta(fixture("messenger-text"))).status).toBe(200);
    expect((await postMeta(fixture("messenger-text"))).status).toBe(200);
    expect(await counts()).toEqual(before);
  });

  it("stores a batch of three messages from two senders as three messages on two customers", async () => {
    const before = await counts();
    expect((await postMeta(fixture("messenger-batch"))).status).toBe(200);
    const after = await counts();
    expect(after.messages - before.messages).toBe(3);
    expect(after.customers - before.customers).toBe(2);
    const a = await customerBy("messenger_psid", "7000000000000011");
    const b = await customerBy("messenger_psid", "7000000000000012");
    expect((await listTimeline({ customerId: a! })).items.map((i) => i.text)).toEqual(["And a second one", "First question"]);
    expect((await listTimeline({ customerId: b! })).items.map((i) => i.text)).toEqual(["Hello from someone else"]);
  });

  it("keeps attachments as references with readable placeholders", async () => {
    expect((await postMeta(fixture("messenger-attachments"))).status).toBe(200);
    const image = await db.message.findFirstOrThrow({ where: { platformMessageId: "m_attach_image_dddddddddddddddddd" }, include: { attachments: true } });
    expect(image.bodyText).toBe("[image]");
    expect(image.attachments).toHaveLength(1);
    expect(image.attachments[0]).toMatchObject({ contentType: "image/*", remoteUrl: expect.stringContaining("photo_of_parcel.jpg"), data: null });
    const location = await db.message.findFirstOrThrow({ where: { platformMessageId: "m_attach_location_eeeeeeeeeeeeeee" } });
    expect(location.bodyText).toBe("[location 52.52, 13.40]");
    const sticker = await db.message.findFirstOrThrow({ where: { platformMessageId: "m_attach_sticker_fffffffffffffffff" } });
    expect(sticker.bodyText).toBe("[sticker]");
  });

  it("does not store the echo of our own reply twice; stores one sent from another tool as an agent reply", async () => {
    const customerId = (await customerBy("messenger_psid", "7000000000000001"))!;
    const conv = await db.conversation.findFirstOrThrow({ where: { customerId, inboxId: inbox.messenger } });
    await sentReply("messenger", conv.id, "m_OUR_REPLY_1", "Thanks, we are looking into it.");
    const before = await counts();
    const echo = fixture("messenger-echo");
    echo.entry[0].messaging[0].message.mid = "m_OUR_REPLY_1";
    expect((await postMeta(echo)).status).toBe(200);
    expect(await counts()).toEqual(before);

    // Sent from the Page inbox: we never saw it, so it joins the timeline as an agent reply.
    echo.entry[0].messaging[0].message.mid = "m_FROM_PAGE_INBOX";
    echo.entry[0].messaging[0].message.text = "Answered from the Page inbox";
    expect((await postMeta(echo)).status).toBe(200);
    expect((await postMeta(echo)).status).toBe(200);
    const stored = await db.message.findMany({ where: { platformMessageId: "m_FROM_PAGE_INBOX" }, include: { event: true } });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ direction: "outbound", deliveryStatus: "sent", conversationId: conv.id });
    expect(stored[0]!.event).toMatchObject({ actor: "agent", channel: "messenger", customerId });
  });

  it("adopts the platform id when the echo beats the send API's answer", async () => {
    const customerId = (await customerBy("messenger_psid", "7000000000000001"))!;
    const conv = await db.conversation.findFirstOrThrow({ where: { customerId, inboxId: inbox.messenger } });
    const r = await recordTouchpoint({
      conversation: { id: conv.id, inboxId: inbox.messenger! },
      channel: "messenger",
      kind: "message",
      actor: "agent",
      text: "A reply still in flight",
      message: { direction: "outbound", bodyText: "A reply still in flight" },
    });
    const before = await counts();
    const echo = fixture("messenger-echo");
    echo.entry[0].messaging[0].message.mid = "m_IN_FLIGHT";
    echo.entry[0].messaging[0].message.text = "A reply still in flight";
    expect((await postMeta(echo)).status).toBe(200);
    expect(await counts()).toEqual(before);
    expect((await db.message.findUniqueOrThrow({ where: { id: r.messageId! } })).platformMessageId).toBe("m_IN_FLIGHT");
  });

  it("applies delivery and read receipts to our outbound messages and publishes message.status", async () => {
    const customerId = (await customerBy("messenger_psid", "7000000000000001"))!;
    const conv = await db.conversation.findFirstOrThrow({ where: { customerId, inboxId: inbox.messenger } });
    const messageId = await sentReply("messenger", conv.id, "m_TO_BE_DELIVERED");
    await db.message.update({ where: { id: messageId }, data: { createdAt: new Date(1735733190000) } });
    const { seen, off } = capture();
    const delivery = fixture("messenger-delivery");
    delivery.entry[0].messaging[0].delivery.mids = ["m_TO_BE_DELIVERED"];
    expect((await postMeta(delivery)).status).toBe(200);
    let m = await db.message.findUniqueOrThrow({ where: { id: messageId } });
    expect(m.deliveryStatus).toBe("delivered");
    expect(m.deliveredAt).toEqual(new Date(1735733199000));
    // Read by watermark: everything we sent to this person up to then.
    expect((await postMeta(fixture("messenger-read"))).status).toBe(200);
    m = await db.message.findUniqueOrThrow({ where: { id: messageId } });
    expect(m.deliveryStatus).toBe("read");
    expect(m.readAt).toEqual(new Date(1735733299000));
    off();
    const statuses = seen.filter((e) => e.type === "message.status" && e.messageId === messageId);
    expect(statuses.map((e) => (e as { status: string }).status)).toEqual(["delivered", "read"]);
    // A late delivery receipt never downgrades.
    expect((await postMeta(delivery)).status).toBe(200);
    expect((await db.message.findUniqueOrThrow({ where: { id: messageId } })).deliveryStatus).toBe("read");
  });

  it("applies edits (editedAt, new text on the timeline) and reactions", async () => {
    expect((await postMeta(fixture("messenger-edit"))).status).toBe(200);
    const m = await db.message.findFirstOrThrow({ where: { platformMessageId: { startsWith: "m_AG5H" } }, include: { event: true } });
    expect(m.bodyText).toBe("Hi! My order #1043 has not arrived yet.");
    expect(m.editedAt).toEqual(new Date(1735733399000));
    expect(m.event!.text).toBe("Hi! My order #1043 has not arrived yet.");
    expect((m.meta as { editHistory: { text: string }[] }).editHistory[0]!.text).toBe("Hi! My order #1042 has not arrived yet.");

    const reaction = fixture("messenger-reaction");
    reaction.entry[0].messaging[0].reaction.mid = "m_TO_BE_DELIVERED";
    const before = await counts();
    expect((await postMeta(reaction)).status).toBe(200);
    expect((await postMeta(reaction)).status).toBe(200);
    const target = await db.message.findFirstOrThrow({ where: { platformMessageId: "m_TO_BE_DELIVERED" } });
    expect((target.meta as { reactions: Record<string, string> }).reactions).toEqual({ "7000000000000001": "❤" });
    expect((await counts()).messages - before.messages).toBe(1);
    const customerId = (await customerBy("messenger_psid", "7000000000000001"))!;
    const reactionItem = (await listTimeline({ customerId })).items.find((i) => i.text.startsWith("reacted"));
    expect(reactionItem).toMatchObject({ text: "reacted ❤ to a message", actor: "customer", direction: "inbound" });
  });

  it("answers 200 and stores nothing for an unknown page", async () => {
    const before = await counts();
    const payload = fixture("messenger-text");
    payload.entry[0].id = "999999999999999";
    payload.entry[0].messaging[0].recipient.id = "999999999999999";
    payload.entry[0].messaging[0].message.mid = "m_UNKNOWN_PAGE";
    const res = await postMeta(payload);
    expect(res.status).toBe(200);
    expect(await counts()).toEqual(before);
  });

  it("refuses a malformed payload with 400 and a reason", async () => {
    const res = await postMeta("{not json");
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/invalid JSON/);
    const res2 = await postMeta({ object: "page", entry: "nope" });
    expect(res2.status).toBe(400);
  });
});

describe("Instagram", () => {
  it("stores the documented message with the instagram channel, and an unsend marks it deleted", async () => {
    expect((await postMeta(fixture("instagram-text"))).status).toBe(200);
    const customerId = await customerBy("instagram_id", "6000000000000001");
    const { items } = await listTimeline({ customerId: customerId! });
    expect(items[0]).toMatchObject({ channel: "instagram", text: "Do you ship to Austria?", inboxId: inbox.instagram });

    expect((await postMeta(fixture("instagram-deleted"))).status).toBe(200);
    const m = await db.message.findFirstOrThrow({ where: { inboxId: inbox.instagram } });
    expect(m.deletedAt).toEqual(new Date(1735734099000));
    expect(m.bodyText).toBe(DELETED_TEXT);
    expect((await listTimeline({ customerId: customerId! })).items[0]!.text).toBe(DELETED_TEXT);
  });
});

describe("WhatsApp", () => {
  it("stores the documented message with the contact's name, wa_id and verified phone", async () => {
    const res = await postWhatsApp(fixture("whatsapp-text"));
    expect(res.status).toBe(200);
    const customerId = await customerBy("whatsapp_wa_id", "16505551234");
    expect(customerId).toBeTruthy();
    expect(await customerBy("phone", "+16505551234")).toBe(customerId);
    const phone = await db.customerIdentity.findUniqueOrThrow({ where: { kind_value: { kind: "phone", value: "+16505551234" } } });
    expect(phone).toMatchObject({ verified: true, source: "whatsapp" });
    expect((await db.customer.findUniqueOrThrow({ where: { id: customerId! } })).name).toBe("Sheena Nelson");
    const { items } = await listTimeline({ customerId: customerId! });
    expect(items[0]).toMatchObject({ channel: "whatsapp", actor: "customer", text: "Does it come in another color?", inboxId: inbox.whatsapp });
    // Redelivery: once.
    const before = await counts();
    expect((await postWhatsApp(fixture("whatsapp-text"))).status).toBe(200);
    expect(await counts()).toEqual(before);
  });

  it("is also accepted on the shared Meta endpoint", async () => {
    const payload = fixture("whatsapp-text");
    payload.entry[0].changes[0].value.messages[0].id = "wamid.VIA_META_ENDPOINT";
    expect((await postMeta(payload)).status).toBe(200);
    expect(await db.message.count({ where: { platformMessageId: "wamid.VIA_META_ENDPOINT", inboxId: inbox.whatsapp } })).toBe(1);
  });

  it("stores media as references", async () => {
    expect((await postWhatsApp(fixture("whatsapp-media"))).status).toBe(200);
    const image = await db.message.findFirstOrThrow({ where: { platformMessageId: { startsWith: "wamid.IMAGE" } }, include: { attachments: true } });
    expect(image.bodyText).toBe("[image]\nThe broken part");
    expect(image.attachments[0]).toMatchObject({ contentType: "image/jpeg", remoteUrl: "whatsapp-media:1003383421387256" });
  });

  it("applies statuses: delivered, then failed with the reason", async () => {
    const customerId = (await customerBy("whatsapp_wa_id", "16505551234"))!;
    const conv = await db.conversation.findFirstOrThrow({ where: { customerId, inboxId: inbox.whatsapp } });
    const messageId = await sentReply("whatsapp", conv.id, "wamid.OUR_REPLY_1");
    const delivered = fixture("whatsapp-status");
    delivered.entry[0].changes[0].value.statuses[0].id = "wamid.OUR_REPLY_1";
    expect((await postWhatsApp(delivered)).status).toBe(200);
    expect((await db.message.findUniqueOrThrow({ where: { id: messageId } })).deliveryStatus).toBe("delivered");

    const other = await sentReply("whatsapp", conv.id, "wamid.OUR_REPLY_2");
    const failed = fixture("whatsapp-status-failed");
    failed.entry[0].changes[0].value.statuses[0].id = "wamid.OUR_REPLY_2";
    expect((await postWhatsApp(failed)).status).toBe(200);
    const m = await db.message.findUniqueOrThrow({ where: { id: other } });
    expect(m.deliveryStatus).toBe("failed");
    expect(m.deliveryError).toContain("131047");
    expect(m.deliveryError).toContain("more than 24 hours");
    const item = (await listTimeline({ customerId })).items.find((i) => i.messageId === other);
    expect(item).toMatchObject({ deliveryStatus: "failed" });
  });

  it("answers 200 and stores nothing for an unknown phone number id", async () => {
    const before = await counts();
    const payload = fixture("whatsapp-text");
    payload.entry[0].changes[0].value.metadata.phone_number_id = "555000000000000";
    payload.entry[0].changes[0].value.messages[0].id = "wamid.UNKNOWN_NUMBER";
    expect((await postWhatsApp(payload)).status).toBe(200);
    expect(await counts()).toEqual(before);
  });
});

describe("Telegram", () => {
  it("stores the documented update with the user's name on the bot's inbox", async () => {
    const res = await postTelegram(fixture("telegram-text"));
    expect(res.status).toBe(200);
    const customerId = await customerBy("telegram_user_id", "5000000001");
    expect((await db.customer.findUniqueOrThrow({ where: { id: customerId! } })).name).toBe("Grace Hopper");
    const { items } = await listTimeline({ customerId: customerId! });
    expect(items[0]).toMatchObject({ channel: "telegram", text: "Hello, I need help with my invoice", inboxId: inbox.telegram });
    const m = await db.message.findUniqueOrThrow({ where: { id: items[0]!.messageId! } });
    expect(m.platformMessageId).toBe("5000000001:1365");
    const before = await counts();
    expect((await postTelegram(fixture("telegram-text"))).status).toBe(200);
    expect(await counts()).toEqual(before);
  });

  it("applies an edited_message, stores photos as references", async () => {
    expect((await postTelegram(fixture("telegram-edited"))).status).toBe(200);
    const m = await db.message.findFirstOrThrow({ where: { platformMessageId: "5000000001:1365" } });
    expect(m.bodyText).toBe("Hello, I need help with my invoice INV-2025-17");
    expect(m.editedAt).toEqual(new Date(1735735060 * 1000));
    expect((await postTelegram(fixture("telegram-photo"))).status).toBe(200);
    const photo = await db.message.findFirstOrThrow({ where: { platformMessageId: "5000000001:1366" }, include: { attachments: true } });
    expect(photo.attachments[0]).toMatchObject({ remoteUrl: "telegram-file:AgACAgIAAxkBAAIBYmZ_large", size: 60344 });
  });

  it("links a shared own phone number unverified", async () => {
    expect((await postTelegram(fixture("telegram-contact"))).status).toBe(200);
    const phone = await db.customerIdentity.findUniqueOrThrow({ where: { kind_value: { kind: "phone", value: "+4915199999999" } } });
    expect(phone).toMatchObject({ verified: false, source: "telegram_contact", customerId: await customerBy("telegram_user_id", "5000000001") });
  });

  it("ignores updates that are not messages", async () => {
    const before = await counts();
    expect((await postTelegram({ update_id: 734910099, callback_query: { id: "4382bfdwdsb323b2d9", from: { id: 5000000001, is_bot: false, first_name: "Grace" }, data: "x" } })).status).toBe(200);
    expect(await counts()).toEqual(before);
  });
});

describe("X", () => {
  it("stores the documented DM with the sender's name", async () => {
    const res = await postX(fixture("x-dm"));
    expect(res.status).toBe(200);
    const customerId = await customerBy("x_user_id", "3001969357");
    expect((await db.customer.findUniqueOrThrow({ where: { id: customerId! } })).name).toBe("Jordan Brinks");
    const { items } = await listTimeline({ customerId: customerId! });
    expect(items[0]).toMatchObject({ channel: "x", text: "Hey, my account got locked", inboxId: inbox.x });
    const before = await counts();
    expect((await postX(fixture("x-dm"))).status).toBe(200);
    expect(await counts()).toEqual(before);
  });

  it("skips our own DM echoes and applies read events", async () => {
    const customerId = (await customerBy("x_user_id", "3001969357"))!;
    const conv = await db.conversation.findFirstOrThrow({ where: { customerId, inboxId: inbox.x } });
    const messageId = await sentReply("x", conv.id, "1875000000000000777", "We have unlocked your account.");
    await db.message.update({ where: { id: messageId }, data: { createdAt: new Date(1735736100000) } });
    const before = await counts();
    const echo = fixture("x-echo");
    echo.direct_message_events[0].id = "1875000000000000777";
    expect((await postX(echo)).status).toBe(200);
    echo.direct_message_events[0].id = "1875000000000000778"; // sent from the X app: still not a customer message
    expect((await postX(echo)).status).toBe(200);
    expect(await counts()).toEqual(before);

    const read = fixture("x-mark-read");
    read.direct_message_mark_read_events[0].last_read_event_id = "1875000000000000777";
    expect((await postX(read)).status).toBe(200);
    expect((await db.message.findUniqueOrThrow({ where: { id: messageId } })).deliveryStatus).toBe("read");
  });

  it("answers 200 and stores nothing for an unknown for_user_id", async () => {
    const before = await counts();
    const payload = fixture("x-dm");
    payload.for_user_id = "42";
    payload.direct_message_events[0].id = "1875000000000000999";
    expect((await postX(payload)).status).toBe(200);
    expect(await counts()).toEqual(before);
  });
});

describe("storage faults", () => {
  it("answers 503 on a database fault and a retry of the same POST ends complete, each message once", async () => {
    await db.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION tl_test_fault() RETURNS trigger AS $$
      BEGIN
        IF NEW.body_text LIKE '%FAULT%' THEN RAISE EXCEPTION 'simulated storage fault'; END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await db.$executeRawUnsafe(`CREATE TRIGGER tl_test_fault BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION tl_test_fault()`);
    const payload = fixture("messenger-batch");
    const items = [payload.entry[0].messaging[0], payload.entry[0].messaging[1], payload.entry[1].messaging[0]];
    items.forEach((item: { sender: { id: string }; message: { mid: string; text: string } }, i: number) => {
      item.sender.id = `71000000000000${i % 2}`;
      item.message.mid = `m_fault_${i}`;
    });
    items[1].message.text = "This one hits a FAULT";
    const before = await counts();
    const res = await postMeta(payload);
    expect(res.status).toBe(503);
    // The first message committed on its own; the second rolled back entirely.
    expect(await db.message.count({ where: { platformMessageId: { startsWith: "m_fault_" } } })).toBe(1);
    expect((await counts()).events - before.events).toBe(1);

    await db.$executeRawUnsafe(`DROP TRIGGER tl_test_fault ON messages`);
    expect((await postMeta(payload)).status).toBe(200);
    expect((await postMeta(payload)).status).toBe(200);
    const stored = await db.message.findMany({ where: { platformMessageId: { startsWith: "m_fault_" } }, orderBy: { platformMessageId: "asc" } });
    expect(stored.map((m) => m.platformMessageId)).toEqual(["m_fault_0", "m_fault_1", "m_fault_2"]);
    const after = await counts();
    expect(after.messages - before.messages).toBe(3);
    expect(after.customers - before.customers).toBe(2);

    // The admin sees what went wrong.
    const summary = (await listSocialInboxes()).find((s) => s.channel === "messenger")!;
    expect(summary.lastErrors.some((e) => e.kind === "storage" || e.kind === "signature")).toBe(true);
  });
});

describe("cross-channel identity", () => {
  it("a customer known by email with a phone on file who writes on WhatsApp is one customer, one timeline", async () => {
    const email = await recordTouchpoint({
      identities: [
        { kind: "email", value: "anna@example.com", verified: true, source: "email_from" },
        { kind: "phone", value: "+4915112345678", verified: false, source: "agent" },
      ],
      customerName: "Anna Schmidt",
      channel: "email",
      kind: "message",
      actor: "customer",
      occurredAt: new Date(Date.now() - 60_000),
      text: "Where is my parcel?",
      conversation: { inboxId: inbox.email!, externalThreadKey: "<anna-1@example.com>" },
      message: { direction: "inbound", bodyText: "Where is my parcel?", platformMessageId: "<anna-1@example.com>" },
    });
    const payload = fixture("whatsapp-text");
    const value = payload.entry[0].changes[0].value;
    value.contacts = [{ profile: { name: "Anna" }, wa_id: "4915112345678" }];
    value.messages = [{ from: "4915112345678", id: "wamid.ANNA1", timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: "Any news about my parcel?" } }];
    expect((await postWhatsApp(payload)).status).toBe(200);
    expect(await customerBy("whatsapp_wa_id", "4915112345678")).toBe(email.customerId);
    const { items } = await listTimeline({ customerId: email.customerId });
    expect(items.map((i) => [i.channel, i.text])).toEqual([
      ["whatsapp", "Any news about my parcel?"],
      ["email", "Where is my parcel?"],
    ]);
    // WhatsApp proved the number: the phone on file is now verified.
    const phone = await db.customerIdentity.findUniqueOrThrow({ where: { kind_value: { kind: "phone", value: "+4915112345678" } } });
    expect(phone.verified).toBe(true);
    expect((await db.customer.findUniqueOrThrow({ where: { id: email.customerId } })).name).toBe("Anna Schmidt");
  });
});

describe("admin data", () => {
  it("lists the social inboxes with webhook URLs and token status, and updates them", async () => {
    const list = await listSocialInboxes();
    expect(list.map((i) => i.channel).sort()).toEqual(["instagram", "messenger", "telegram", "whatsapp", "x"]);
    const messenger = list.find((i) => i.channel === "messenger")!;
    expect(messenger).toMatchObject({ publicId: "100000000000001", webhookUrl: "https://help.example.test/api/webhooks/meta", tokenEnv: "META_PAGE_TOKEN", tokenConfigured: true });
    expect(list.find((i) => i.channel === "whatsapp")!.webhookUrl).toBe("https://help.example.test/api/webhooks/whatsapp");
    expect(messenger.lastErrors.some((e) => e.kind === "signature")).toBe(true);

    const updated = await updateSocialInbox(inbox.x!, { name: "X Support", tokenEnv: "X_SUPPORT_TOKEN" });
    expect(updated).toMatchObject({ name: "X Support", tokenEnv: "X_SUPPORT_TOKEN", tokenConfigured: false, publicId: "1000000000000000001" });
    await expect(updateSocialInbox(inbox.x!, { tokenEnv: "lower case" })).rejects.toBeInstanceOf(SocialInboxError);
    await expect(updateSocialInbox(inbox.x!, { publicId: "100000000000001" })).rejects.toMatchObject({ code: "conflict" });
    await expect(updateSocialInbox(inbox.email!, { name: "nope" })).rejects.toMatchObject({ code: "not_found" });
    await updateSocialInbox(inbox.x!, { name: "X", tokenEnv: "X_ACCESS_TOKEN" });
    const status = await webhookVerificationStatus();
    expect(status.find((s) => s.endpoint === "telegram")!.lastVerifiedAt).toBeInstanceOf(Date);
    expect(status.find((s) => s.endpoint === "whatsapp")!.lastDeliveryAt).toBeInstanceOf(Date);
  });
});

describe("Telegram routing with several bots", () => {
  it("picks the bot of TELEGRAM_BOT_TOKEN, or the one named by ?bot= on the webhook URL", async () => {
    const second = await db.inbox.create({ data: { name: "Second bot", channel: "telegram", publicId: "987654321", secretEnv: { token: "SECOND_BOT_TOKEN" } } });
    try {
      const update = fixture("telegram-text");
      update.update_id = 1;
      update.message.message_id = 2001;
      expect((await postTelegram(update)).status).toBe(200);
      expect((await db.message.findFirstOrThrow({ where: { platformMessageId: "5000000001:2001" } })).inboxId).toBe(inbox.telegram);

      update.message.message_id = 2002;
      const res = await telegramRoute.POST(telegramWebhookRequest(update, E.TELEGRAM_WEBHOOK_SECRET, { url: "http://localhost:3000/api/webhooks/telegram?bot=987654321" }));
      expect(res.status).toBe(200);
      expect((await db.message.findFirstOrThrow({ where: { platformMessageId: "5000000001:2002" } })).inboxId).toBe(second.id);

      // A bot id that is no inbox of ours: 200, nothing stored.
      update.message.message_id = 2003;
      const before = await counts();
      expect((await telegramRoute.POST(telegramWebhookRequest(update, E.TELEGRAM_WEBHOOK_SECRET, { url: "http://localhost:3000/api/webhooks/telegram?bot=111" }))).status).toBe(200);
      expect(await counts()).toEqual(before);
    } finally {
      await db.message.deleteMany({ where: { inboxId: second.id } });
      await db.timelineEvent.deleteMany({ where: { inboxId: second.id } });
      await db.conversation.deleteMany({ where: { inboxId: second.id } });
      await db.inbox.delete({ where: { id: second.id } });
    }
  });
});
