// Registers the five social senders with the outbox. Import this module (or
// call registerSocialSenders) in the process that runs the outbox worker,
// before the worker starts; registration is idempotent.
import { registerSender, type SendContext, type SendResult } from "@/server/outbox/outbox";
import { sendMetaMessage } from "@/server/channels/meta/send";
import { sendTelegramMessage } from "@/server/channels/telegram/send";
import { sendWhatsAppMessage } from "@/server/channels/whatsapp/send";
import { sendXMessage } from "@/server/channels/x/send";
import { socialSendOf } from "./send";
import type { SocialChannel } from "@/lib/vocabulary";

export const SOCIAL_SENDERS: Record<SocialChannel, (ctx: SendContext) => Promise<SendResult>> = {
  messenger: (ctx) => sendMetaMessage(socialSendOf(ctx)),
  instagram: (ctx) => sendMetaMessage(socialSendOf(ctx)),
  whatsapp: (ctx) => sendWhatsAppMessage(socialSendOf(ctx)),
  telegram: (ctx) => sendTelegramMessage(socialSendOf(ctx)),
  x: (ctx) => sendXMessage(socialSendOf(ctx)),
};

/** Registers every social channel's sender; returns a function that unregisters them. */
export function registerSocialSenders(): () => void {
  const offs = Object.entries(SOCIAL_SENDERS).map(([channel, sender]) => registerSender(channel as SocialChannel, sender));
  return () => offs.forEach((off) => off());
}
