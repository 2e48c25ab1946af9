// WhatsApp Cloud API webhooks (see src/server/channels/whatsapp).
import { handleWhatsAppVerification, handleWhatsAppWebhook } from "@/server/channels/whatsapp/webhook";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(req: Request): Promise<Response> {
  return handleWhatsAppVerification(req);
}

export async function POST(req: Request): Promise<Response> {
  return handleWhatsAppWebhook(req);
}
