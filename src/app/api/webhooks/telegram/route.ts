// Telegram Bot API webhook (see src/server/channels/telegram).
import { handleTelegramWebhook } from "@/server/channels/telegram/webhook";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(req: Request): Promise<Response> {
  return handleTelegramWebhook(req);
}
