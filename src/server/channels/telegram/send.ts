// Replies on Telegram through the Bot API:
// POST {TELEGRAM_API_URL}/bot<token>/sendMessage {chat_id, text} → {ok:true, result:{message_id}}
// Our platform message id is "<chat_id>:<message_id>", like inbound ones.
import { env } from "@/env";
import { PermanentSendError } from "@/server/outbox/outbox";
import { classifyTelegramError, postJson, recipientOf, requireText, requireToken, toSendError, withSendErrorLog, type SocialSend } from "@/server/channels/social/send";
import { telegramMessageId } from "./parse";

export type TelegramSendBody = { chat_id: number | string; text: string };

export async function sendTelegramMessage(send: SocialSend): Promise<{ platformMessageId: string }> {
  if (send.inbox.channel !== "telegram") throw new PermanentSendError(`not a Telegram inbox: ${send.inbox.channel}`);
  return withSendErrorLog("telegram", send, async () => {
    const text = requireText(send, "Telegram", 4096);
    const token = requireToken(send.inbox);
    const chat = await recipientOf(send, ["telegram_user_id"], "Telegram chat");
    const asNumber = Number(chat);
    const body: TelegramSendBody = { chat_id: /^-?\d+$/.test(chat) && Number.isSafeInteger(asNumber) ? asNumber : chat, text };
    const url = `${env().TELEGRAM_API_URL.replace(/\/+$/, "")}/bot${token}/sendMessage`;
    const res = await postJson(url, body, {}, [token]);
    const result = res.body as { ok?: unknown; result?: { message_id?: unknown } } | null;
    const messageId = result?.result?.message_id;
    if (res.status >= 200 && res.status < 300 && result?.ok === true && (typeof messageId === "number" || typeof messageId === "string")) {
      return { platformMessageId: telegramMessageId(chat, messageId) };
    }
    if (res.status >= 200 && res.status < 300 && result?.ok === true) throw new PermanentSendError("Telegram accepted the request but returned no message id");
    throw toSendError(classifyTelegramError(res));
  });
}
