// /api/webhooks/x: X Account Activity API. GET answers the CRC challenge
// (base64 HMAC-SHA256 of crc_token with the consumer secret); POST requires
// x-twitter-webhooks-signature over the raw body.
import { recordWebhookVerified } from "@/server/channels/social/log";
import { verifyXSignature, xCrcResponse } from "@/server/channels/social/signature";
import { configOrNull, errorJson, handleSocialPost, json } from "@/server/channels/social/webhook";
import { parseXWebhook } from "./parse";

const CRC_TOKEN = /^[A-Za-z0-9+/=_-]{1,256}$/;

export async function handleXCrc(req: Request): Promise<Response> {
  const config = configOrNull("x");
  if (!config) return errorJson(503, "not_configured", "webhook not configured");
  const crcToken = new URL(req.url).searchParams.get("crc_token");
  if (!crcToken) return errorJson(400, "invalid_request", "crc_token is required");
  // The CRC answer is the same HMAC (same key) that signs deliveries: signing an
  // arbitrary crc_token would let anyone obtain a valid signature for a forged
  // JSON delivery. X's tokens are short base64-like strings; a body never is.
  if (!CRC_TOKEN.test(crcToken)) return errorJson(400, "invalid_request", "crc_token is not a valid challenge");
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
