// X Account Activity API webhook (see src/server/channels/x).
import { handleXCrc, handleXWebhook } from "@/server/channels/x/webhook";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(req: Request): Promise<Response> {
  return handleXCrc(req);
}

export async function POST(req: Request): Promise<Response> {
  return handleXWebhook(req);
}
