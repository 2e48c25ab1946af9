// Agent replies on the five social channels, through the real path: sendReply
// stores and queues, the outbox worker sends through our senders to a local
// fake of each platform's API. Checks the documented request shapes, retries
// on rate limits, failures with the platform's reason, and the reply windows.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../../helpers/db";
import { metaWebhookRequest, SOCIAL_INBOX_SEED, SOCIAL_TEST_ENV, startFakePlatforms, telegramWebhookRequest, xWebhookRequest, type FakePlatforms, type Platform } from "../../../helpers/fake-platforms";
import { fixture } from "../../../fixtures/social/load";
import { db, disconnectDb } from "@/server/db";
import { resetEnvCache } from "@/env";
import { sendReply } from "@/server/conversations/reply";
import { processOutboxOnce } from "@/server/outbox/outbox";
import { api } from "../../../helpers/lean-api";
// One router: the request's URL picks the platform's route.
const metaRoute = api;
const whatsappRoute = api;
const telegramRoute = api;
const xRoute = api;
import { registerSocialSenders } from "@/server/channels/social/senders";
import { checkSendWindow, WHATSAPP_WINDOW_MESSAGE } from "@/server/channels/social/window";
import { listSocialInboxes } from "@/server/channels/social/inboxes";
import { resetSocialLogThrottle } from "@/server/channels/social/log";

const E = SOCIAL_TEST_ENV;
let t: TestDatabase;
let fake: FakePlatforms;
let unregister: () => void;
let agentId: string;
const inbox: Record<string, string> = {};
const HOUR = 3_600_000;

beforeAll(async () => {
  fake = await startFakePlatforms();
  Object.assign(process.env, E, fake.env);
  resetEnvCache();
  t = await useTestDatabase();
  for (const row of SOCIAL_INBOX_SEED) inbox[row.channel] = (await db.inbox.create({ data: { ...row, secretEnv: { ...row.secretEnv } } })).id;
  agentId = (await db.user.create({ data: { email: "agent@throughline.test", name: "Alex Agent", passwordHash: "not-used" } })).id;
  unregister = registerSocialSenders();
});

afterAll(async () => {
  unregister?.();
  await fake?.close();
  await disconnectDb();
  await t.drop();
});

beforeEach(() => {
  fake.reset();
  resetSocialLogThrottle();
});

const quiet = { log: () => undefined };

/** Runs the outbox until nothing is due; `makeDue` first pulls retries forward. */
async function deliver(opts: { makeDue?: boolean } = {}) {
  if (opts.makeDue) await db.$executeRaw`UPDATE outbox SET next_attempt_at = now() WHERE status = 'pending'`;
  while ((await processOutboxOnce(quiet)) > 0) {
    /* drain */
  }
}

// ---- inbound messages that open conversations (with a chosen age)

async function messengerConversation(channel: "messenger" | "instagram", userId: string, ageMs = 60_000) {
  const payload = fixture(channel === "messenger" ? "messenger-text" : "instagram-text");
  const item = payload.entry[0].messaging[0];
  item.sender.id = userId;
  item.timestamp = Date.now() - ageMs;
  item.message.mid = `m_in_${userId}_${ageMs}`;
  expect((await metaRoute.POST(metaWebhookRequest(payload, E.META_APP_SECRET))).status).toBe(200);
  return conversationOf(channel, userId);
}

async function whatsappConversation(waId: string, ageMs = 60_000) {
  const payload = fixture("whatsapp-text");
  const value = payload.entry[0].changes[0].value;
  value.contacts[0].wa_id = waId;
  value.messages[0].from = waId;
  value.messages[0].id = `wamid.IN_${waId}_${ageMs}`;
  value.messages[0].timestamp = String(Math.floor((Date.now() - ageMs) / 1000));
  expect((await whatsappRoute.POST(metaWebhookRequest(payload, E.META_APP_SECRET, { endpoint: "whatsapp" }))).status).toBe(200);
  return conversationOf("whatsapp", waId);
}

async function telegramConversation(userId: number) {
  const update = fixture("telegram-text");
  update.update_id = userId;
  update.message.from.id = userId;
  update.message.chat.id = userId;
  update.message.date = Math.floor(Date.now() / 1000);
  expect((await telegramRoute.POST(telegramWebhookRequest(update, E.TELEGRAM_WEBHOOK_SECRET))).status).toBe(200);
  return conversationOf("telegram", String(userId));
}

async function xConversation(senderId: string) {
  const payload = fixture("x-dm");
  payload.direct_message_events[0].id = `18750${senderId}`;
  payload.direct_message_events[0].message_create.sender_id = senderId;
  payload.direct_message_events[0].created_timestamp = String(Date.now());
  expect((await xRoute.POST(xWebhookRequest(payload, E.X_CONSUMER_SECRET))).status).toBe(200);
  return conversationOf("x", senderId);
}

async function conversationOf(channel: string, threadKey: string) {
  return db.conversation.findFirstOrThrow({ where: { inboxId: inbox[channel], externalThreadKey: threadKey } });
}

async function reply(conversationId: string, text: string) {
  const r = await sendReply({ conversationId, authorId: agentId, bodyText: text });
  return r.messageId;
}

const message = (id: string) => db.message.findUniqueOrThrow({ where: { id } });

describe("agent replies reach each platform in its documented shape", () => {
  it("Messenger: POST /me/messages?access_token, RESPONSE within 24 h; the echo is not stored twice", async () => {
    const conv = await messengerConversation("messenger", "7200000000000001");
    const id = await reply(conv.id, "Your parcel ships today.");
    await deliver();
    const [req] = fake.requestsFor("meta");
    expect(req).toMatchObject({ method: "POST", path: "/me/messages", query: { access_token: E.META_PAGE_TOKEN } });
    expect(req!.headers["content-type"]).toMatch(/^application\/json/);
    expect(req!.body).toEqual({ recipient: { id: "7200000000000001" }, messaging_type: "RESPONSE", message: { text: "Your parcel ships today." } });
    const m = await message(id);
    expect(m.deliveryStatus).toBe("sent");
    expect(m.platformMessageId).toBe((fake.lastSuccess("meta") as { message_id: string }).message_id);

    // Meta echoes our message back: stored once; its delivery receipt applies to it.
    const before = await db.message.count();
    const echo = fixture("messenger-echo");
    echo.entry[0].messaging[0].recipient.id = "7200000000000001";
    echo.entry[0].messaging[0].message.mid = m.platformMessageId;
    echo.entry[0].messaging[0].message.text = "Your parcel ships today.";
    expect((await metaRoute.POST(metaWebhookRequest(echo, E.META_APP_SECRET))).status).toBe(200);
    expect(await db.message.count()).toBe(before);
    const delivery = fixture("messenger-delivery");
    delivery.entry[0].messaging[0].sender.id = "7200000000000001";
    delivery.entry[0].messaging[0].delivery = { mids: [m.platformMessageId], watermark: Date.now() };
    expect((await metaRoute.POST(metaWebhookRequest(delivery, E.META_APP_SECRET))).status).toBe(200);
    expect((await message(id)).deliveryStatus).toBe("delivered");
  });

  it("Instagram: the same Send API with the Instagram token and the IGSID", async () => {
    const conv = await messengerConversation("instagram", "6200000000000001");
    const id = await reply(conv.id, "Yes, we ship to Austria.");
    await deliver();
    const [req] = fake.requestsFor("meta");
    expect(req).toMatchObject({ method: "POST", path: "/me/messages", query: { access_token: E.INSTAGRAM_TOKEN } });
    expect(req!.body).toEqual({ recipient: { id: "6200000000000001" }, messaging_type: "RESPONSE", message: { text: "Yes, we ship to Austria." } });
    expect((await message(id)).deliveryStatus).toBe("sent");
  });

  it("WhatsApp: POST /{phone-number-id}/messages with Bearer token and the text body", async () => {
    const conv = await whatsappConversation("4915700000001");
    const id = await reply(conv.id, "Hello from support");
    await deliver();
    const [req] = fake.requestsFor("whatsapp");
    expect(req).toMatchObject({ method: "POST", path: "/100000000000002/messages" });
    expect(req!.headers.authorization).toBe(`Bearer ${E.WHATSAPP_TOKEN}`);
    expect(req!.body).toEqual({ messaging_product: "whatsapp", recipient_type: "individual", to: "4915700000001", type: "text", text: { body: "Hello from support", preview_url: false } });
    const m = await message(id);
    expect(m.deliveryStatus).toBe("sent");
    expect(m.platformMessageId).toMatch(/^wamid\./);

    // Its statuses come back by wamid.
    const status = fixture("whatsapp-status");
    status.entry[0].changes[0].value.statuses[0].id = m.platformMessageId;
    status.entry[0].changes[0].value.statuses[0].status = "read";
    expect((await whatsappRoute.POST(metaWebhookRequest(status, E.META_APP_SECRET, { endpoint: "whatsapp" }))).status).toBe(200);
    expect((await message(id)).deliveryStatus).toBe("read");
  });

  it("Telegram: POST /bot<token>/sendMessage {chat_id, text}; id is chat:message_id", async () => {
    const conv = await telegramConversation(5200000001);
    const id = await reply(conv.id, "Your invoice is attached to your account.");
    await deliver();
    const [req] = fake.requestsFor("telegram");
    expect(req).toMatchObject({ method: "POST", path: `/bot${E.TELEGRAM_BOT_TOKEN}/sendMessage` });
    expect(req!.body).toEqual({ chat_id: 5200000001, text: "Your invoice is attached to your account." });
    const sent = fake.lastSuccess("telegram") as { result: { message_id: number } };
    expect((await message(id)).platformMessageId).toBe(`5200000001:${sent.result.message_id}`);
  });

  it("X: POST /2/dm_conversations/with/{participant}/messages with Bearer token {text}", async () => {
    const conv = await xConversation("3201969357");
    const id = await reply(conv.id, "We unlocked your account.");
    await deliver();
    const [req] = fake.requestsFor("x");
    expect(req).toMatchObject({ method: "POST", path: "/2/dm_conversations/with/3201969357/messages" });
    expect(req!.headers.authorization).toBe(`Bearer ${E.X_ACCESS_TOKEN}`);
    expect(req!.body).toEqual({ text: "We unlocked your account." });
    const sent = fake.lastSuccess("x") as { data: { dm_event_id: string } };
    const m = await message(id);
    expect(m).toMatchObject({ deliveryStatus: "sent", platformMessageId: sent.data.dm_event_id });

    // X echoes our DM: never a customer message.
    const before = await db.message.count();
    const echo = fixture("x-echo");
    echo.direct_message_events[0].id = m.platformMessageId;
    echo.direct_message_events[0].message_create.target.recipient_id = "3201969357";
    expect((await xRoute.POST(xWebhookRequest(echo, E.X_CONSUMER_SECRET))).status).toBe(200);
    expect(await db.message.count()).toBe(before);
  });
});

describe("platform errors", () => {
  const setups: Record<Platform, () => Promise<{ id: string }>> = {
    meta: () => messengerConversation("messenger", `73000000000${Math.floor(Math.random() * 1e5)}`),
    whatsapp: () => whatsappConversation(`49157${Math.floor(1e7 + Math.random() * 8e7)}`),
    telegram: () => telegramConversation(5300000000 + Math.floor(Math.random() * 1e6)),
    x: () => xConversation(`33${Math.floor(1e8 + Math.random() * 8e8)}`),
  };

  for (const platform of ["meta", "whatsapp", "telegram", "x"] as Platform[]) {
    it(`${platform}: a rate limit is retried and then sent`, async () => {
      const conv = await setups[platform]();
      const id = await reply(conv.id, `Retry me on ${platform}`);
      fake.script(platform, "rate_limited");
      await deliver();
      let m = await message(id);
      expect(m.deliveryStatus).toBe("queued");
      expect(m.deliveryError).toMatch(/could not take the message yet/);
      const item = await db.outboxItem.findUniqueOrThrow({ where: { messageId: id } });
      expect(item).toMatchObject({ status: "pending", attempts: 1 });
      expect(item.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
      // Telegram's retry_after and X's x-rate-limit-reset (30 s in the fake) set the next attempt.
      if (platform === "telegram" || platform === "x") expect(item.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 20_000);
      await deliver({ makeDue: true });
      m = await message(id);
      expect(m.deliveryStatus).toBe("sent");
      expect(m.deliveryError).toBeNull();
      expect(fake.requestsFor(platform)).toHaveLength(2);
    });

    it(`${platform}: a permanent error ends as failed with the platform's reason`, async () => {
      const conv = await setups[platform]();
      const id = await reply(conv.id, `Refused on ${platform}`);
      fake.script(platform, "permanent");
      await deliver();
      const m = await message(id);
      expect(m.deliveryStatus).toBe("failed");
      const expected = { meta: "(#551, subcode 1545041) This person isn't available right now.", whatsapp: "131047", telegram: "bot was blocked by the user", x: "You are not permitted" }[platform];
      expect(m.deliveryError).toContain(expected);
      expect((await db.outboxItem.findUniqueOrThrow({ where: { messageId: id } })).status).toBe("failed");
      expect(fake.requestsFor(platform)).toHaveLength(1);
      const channel = platform === "meta" ? "messenger" : platform;
      const summary = (await listSocialInboxes()).find((s) => s.channel === channel)!;
      expect(summary.lastErrors[0]).toMatchObject({ action: "send.error", messageId: id, retryable: false });
    });
  }

  it("a 5xx is retried", async () => {
    const conv = await messengerConversation("messenger", "7400000000000001");
    const id = await reply(conv.id, "Server trouble");
    fake.script("meta", "server_error");
    await deliver();
    expect((await message(id)).deliveryStatus).toBe("queued");
    await deliver({ makeDue: true });
    expect((await message(id)).deliveryStatus).toBe("sent");
  });
});

describe("reply windows", () => {
  it("Messenger: after 24 h the reply goes out with the HUMAN_AGENT tag", async () => {
    const conv = await messengerConversation("messenger", "7500000000000001", 30 * HOUR);
    const w = await checkSendWindow(conv.id);
    expect(w).toMatchObject({ channel: "messenger", state: "human_agent", canSend: true });
    const id = await reply(conv.id, "Sorry for the wait");
    await deliver();
    expect(fake.requestsFor("meta")[0]!.body).toEqual({ recipient: { id: "7500000000000001" }, messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT", message: { text: "Sorry for the wait" } });
    expect((await message(id)).deliveryStatus).toBe("sent");
  });

  it("Messenger: after 7 days the reply is refused with a clear reason and never sent", async () => {
    const conv = await messengerConversation("messenger", "7500000000000002", 8 * 24 * HOUR);
    expect(await checkSendWindow(conv.id)).toMatchObject({ state: "closed", canSend: false });
    const id = await reply(conv.id, "Too late");
    await deliver();
    const m = await message(id);
    expect(m.deliveryStatus).toBe("failed");
    expect(m.deliveryError).toMatch(/^Outside Messenger's 24-hour window/);
    expect(fake.requestsFor("meta")).toHaveLength(0);
  });

  it("WhatsApp: more than 24 h after the customer's last message only templates are allowed", async () => {
    const conv = await whatsappConversation("4915700000099", 25 * HOUR);
    const w = await checkSendWindow(conv.id);
    expect(w).toMatchObject({ channel: "whatsapp", state: "closed", canSend: false, message: WHATSAPP_WINDOW_MESSAGE });
    const id = await reply(conv.id, "Are you still there?");
    await deliver();
    const m = await message(id);
    expect(m.deliveryStatus).toBe("failed");
    expect(m.deliveryError).toBe(WHATSAPP_WINDOW_MESSAGE);
    expect(fake.requestsFor("whatsapp")).toHaveLength(0);
  });

  it("Telegram and X have no window", async () => {
    const conv = await telegramConversation(5400000001);
    expect(await checkSendWindow(conv.id)).toMatchObject({ rule: "none", canSend: true });
  });
});

describe("what a platform cannot take", () => {
  it("refuses attachments and over-long texts with a clear reason instead of dropping anything", async () => {
    const conv = await telegramConversation(5500000001);
    const withFile = await sendReply({ conversationId: conv.id, authorId: agentId, bodyText: "See attached", attachments: [{ filename: "a.pdf", contentType: "application/pdf", size: 3, data: Buffer.from("pdf") }] });
    const long = await reply(conv.id, "x".repeat(4097));
    await deliver();
    expect(await message(withFile.messageId)).toMatchObject({ deliveryStatus: "failed", deliveryError: "Sending attachments on Telegram is not supported yet: send the text without the files" });
    expect((await message(long)).deliveryError).toBe("Telegram messages are limited to 4,096 characters (this one has 4,097)");
    expect(fake.requestsFor("telegram")).toHaveLength(0);
  });
});

describe("configuration", () => {
  it("without a token the reply waits (queued, with the reason) instead of failing", async () => {
    const conv = await xConversation("3401969357");
    const saved = process.env.X_ACCESS_TOKEN;
    delete process.env.X_ACCESS_TOKEN;
    try {
      const id = await reply(conv.id, "Waiting for a token");
      await deliver();
      const m = await message(id);
      expect(m.deliveryStatus).toBe("queued");
      expect(m.deliveryError).toMatch(/No send token configured .* X_ACCESS_TOKEN/);
      expect(fake.requestsFor("x")).toHaveLength(0);
      process.env.X_ACCESS_TOKEN = saved;
      await deliver({ makeDue: true });
      expect((await message(id)).deliveryStatus).toBe("sent");
    } finally {
      process.env.X_ACCESS_TOKEN = saved;
    }
  });
});
