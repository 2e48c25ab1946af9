// /api/webhooks/meta: Messenger and Instagram (and WhatsApp, when one Meta app
// callback URL serves every product). GET answers Meta's subscription
// handshake; POST requires X-Hub-Signature-256 over the raw body.
import { parseWhatsAppWebhook } from "@/server/channels/whatsapp/parse";
import { recordWebhookVerified, type WebhookEndpoint } from "@/server/channels/social/log";
import { verifyMetaSignature } from "@/server/channels/social/signature";
import { asRecord, MalformedPayloadError, type SocialEvent } from "@/server/channels/social/types";
import { configOrNull, errorJson, handleSocialPost, metaChallenge, text } from "@/server/channels/social/webhook";
import { parseMetaWebhook } from "./parse";

/** Any Meta webhook body we understand, by its `object`. */
export function parseMetaFamily(body: unknown): SocialEvent[] {
  const object = asRecord(body)?.object;
  if (object === "page" || object === "instagram") return parseMetaWebhook(body);
  if (object === "whatsapp_business_account") return parseWhatsAppWebhook(body);
  if (typeof object === "string") {
    // Other subscriptions of the same app (user, permissions...): acknowledged, not stored.
    return [];
  }
  throw new MalformedPayloadError("not a Meta webhook payload: `object` is missing");
}

export async function handleMetaVerification(req: Request, endpoint: WebhookEndpoint = "meta"): Promise<Response> {
  const config = configOrNull(endpoint);
  if (!config) return errorJson(503, "not_configured", "webhook not configured");
  const result = metaChallenge(req, config.META_VERIFY_TOKEN);
  if (!result.ok) return errorJson(403, "verification_failed", "hub.mode must be subscribe and hub.verify_token must match");
  await recordWebhookVerified(endpoint, "hub.challenge", 0);
  return text(200, result.challenge);
}

export async function handleMetaWebhook(req: Request, endpoint: WebhookEndpoint = "meta"): Promise<Response> {
  return handleSocialPost(req, {
    endpoint,
    verify: (raw, r, config) => verifyMetaSignature(raw, r.headers.get("x-hub-signature-256"), config.META_APP_SECRET),
    parse: parseMetaFamily,
    okBody: "EVENT_RECEIVED",
  });
}
