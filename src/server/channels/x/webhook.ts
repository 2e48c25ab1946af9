// /api/webhooks/x: X Account Activity API. GET answers the CRC challenge
// (base64 HMAC-SHA256 of crc_token with the consumer secret); POST requires
// x-twitter-webhooks-signature over the raw body.
import { recordWebhookVerified } from "@/server/channels/social/log";
import { verifyXSignature, xCrcResponse } from "@/server/channels/social/signature";
import { configOrNull, handleSocialPost, json, text } from "@/server/channels/social/webhook";
import { parseXWebhook } from "./parse";

export async function handleXCrc(req: Request): Promise<Response> {
  const config = configOrNull("x");
  if (!config) return text(503, "webhook not configured");
  const crcToken = new URL(req.url).searchParams.get("crc_token");
  if (!crcToken) return text(400, "crc_token is required");
  await recordWebhookVerified("x", "crc");
  return json(200, xCrcResponse(crcToken, config.X_CONSUMER_SECRET));
}

export async function handleXWebhook(req: Request): Promise<Response> {
  return handleSocialPost(req, {
    endpoint: "x",
    verify: (raw, r, config) => verifyXSignature(raw, r.headers.get("x-twitter-webhooks-signature"), config.X_CONSUMER_SECRET),
    parse: parseXWebhook,
  });
}
