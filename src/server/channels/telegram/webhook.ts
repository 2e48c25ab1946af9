// /api/webhooks/telegram: Telegram Bot API updates. Telegram signs nothing;
// it sends the secret_token given to setWebhook in
// X-Telegram-Bot-Api-Secret-Token. Updates carry no bot id, so the inbox is
// the Telegram inbox of this secret (see resolveTelegramInbox; `?bot=<id>` on
// the webhook URL picks one explicitly).
import { resolveTelegramInbox } from "@/server/channels/social/inboxes";
import { logWebhook, recordWebhookVerified } from "@/server/channels/social/log";
import { verifyTelegramSecret } from "@/server/channels/social/signature";
import { handleSocialPost } from "@/server/channels/social/webhook";
import { parseTelegramUpdate } from "./parse";

export async function handleTelegramWebhook(req: Request): Promise<Response> {
  return handleSocialPost(req, {
    endpoint: "telegram",
    verify: (_raw, r, config) => verifyTelegramSecret(r.headers.get("x-telegram-bot-api-secret-token"), config.TELEGRAM_WEBHOOK_SECRET),
    // Telegram has no handshake: a delivery with the right secret is the proof, noted at most hourly.
    onVerified: () => recordWebhookVerified("telegram", "secret_token", 3_600_000),
    parse: parseTelegramUpdate,
    prepare: async (r, events) => {
      if (events.every((e) => e.type === "ignored")) return {};
      const inbox = await resolveTelegramInbox(new URL(r.url).searchParams.get("bot"));
      if (!inbox) {
        logWebhook("telegram", "no Telegram inbox matches this bot: update ignored", "warn");
        return null;
      }
      return { inboxFor: async () => inbox };
    },
  });
}
