// /api/webhooks/whatsapp: WhatsApp Cloud API. Same handshake and signature
// scheme as every Meta webhook (META_VERIFY_TOKEN, META_APP_SECRET).
import { handleMetaVerification, handleMetaWebhook } from "@/server/channels/meta/webhook";

export function handleWhatsAppVerification(req: Request): Promise<Response> {
  return handleMetaVerification(req, "whatsapp");
}

export function handleWhatsAppWebhook(req: Request): Promise<Response> {
  return handleMetaWebhook(req, "whatsapp");
}
