// Meta webhooks for Messenger and Instagram (see src/server/channels/meta).
import { handleMetaVerification, handleMetaWebhook } from "@/server/channels/meta/webhook";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(req: Request): Promise<Response> {
  return handleMetaVerification(req);
}

export async function POST(req: Request): Promise<Response> {
  return handleMetaWebhook(req);
}
