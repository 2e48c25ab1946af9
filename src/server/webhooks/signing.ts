// Signing per Standard Webhooks (https://www.standardwebhooks.com/, the scheme
// Svix, and so many providers, use): headers webhook-id, webhook-timestamp
// (Unix seconds) and webhook-signature `v1,<base64 HMAC-SHA256 of
// "<id>.<timestamp>.<body>">` keyed with the endpoint's `whsec_<base64>`
// secret. Receivers verify with any Standard Webhooks library.
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";

export const SECRET_PREFIX = "whsec_";

/** A new signing secret: 32 random bytes, base64, Standard Webhooks' prefix. */
export function newSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString("base64")}`;
}

export type SignedHeaders = { "webhook-id": string; "webhook-timestamp": string; "webhook-signature": string };

export function signDelivery(secret: string, eventId: string, body: string, at: Date = new Date()): SignedHeaders {
  const signature = new Webhook(secret).sign(eventId, at, body);
  return { "webhook-id": eventId, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": signature };
}
