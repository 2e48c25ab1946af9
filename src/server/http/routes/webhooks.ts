// The messaging platforms' webhooks (see src/server/channels/{meta,whatsapp,telegram,x}):
// signature-checked over the raw body; GET is each platform's subscription handshake.
import { handleMetaVerification, handleMetaWebhook } from "@/server/channels/meta/webhook";
import { handleTelegramWebhook } from "@/server/channels/telegram/webhook";
import { handleWhatsAppVerification, handleWhatsAppWebhook } from "@/server/channels/whatsapp/webhook";
import { handleXCrc, handleXWebhook } from "@/server/channels/x/webhook";

/** /api/webhooks/meta — Messenger and Instagram. */
export const meta = {
  GET: (req: Request): Promise<Response> => handleMetaVerification(req),
  POST: (req: Request): Promise<Response> => handleMetaWebhook(req),
};

/** /api/webhooks/whatsapp — WhatsApp Cloud API. */
export const whatsapp = {
  GET: (req: Request): Promise<Response> => handleWhatsAppVerification(req),
  POST: (req: Request): Promise<Response> => handleWhatsAppWebhook(req),
};

/** /api/webhooks/telegram — Telegram Bot API. */
export const telegram = {
  POST: (req: Request): Promise<Response> => handleTelegramWebhook(req),
};

/** /api/webhooks/x — X Account Activity API (GET: the CRC challenge). */
export const x = {
  GET: (req: Request): Promise<Response> => handleXCrc(req),
  POST: (req: Request): Promise<Response> => handleXWebhook(req),
};
