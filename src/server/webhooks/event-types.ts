// The outgoing webhook event types an endpoint can subscribe to, with the
// line the settings page shows for each. "ping" (Send test event) is sent to
// one endpoint on request and is not subscribable.
export const WEBHOOK_EVENT_TYPES = [
  "customer.created",
  "customer.merged",
  "conversation.created",
  "conversation.updated",
  "message.created",
  "survey.answered",
  "journey.stage_changed",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export type SentEventType = WebhookEventType | "ping";

export const WEBHOOK_EVENT_HELP: Record<WebhookEventType, string> = {
  "customer.created": "a new customer (from any channel, the widget or the API)",
  "customer.merged": "two customers merged into one",
  "conversation.created": "a conversation opened (by a customer's first message or by an agent)",
  "conversation.updated": "a conversation's status, assignee or priority changed",
  "message.created": "a message in or out, on every channel (internal notes excluded)",
  "survey.answered": "a customer answered a CSAT, NPS or CES survey",
  "journey.stage_changed": "a customer's journey stage changed",
};

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}
