// What the webhooks domain gives the job queue: the consumer that turns
// committed domain events into deliveries, and the periodic pass that sends
// what is due (retries after backoff, deliveries freed by an earlier one of
// their conversation, leases that lapsed). Wired in src/server/app/service-list.ts.
import { defineJobs } from "@/server/lib/background";
import { onWebhookEvents } from "./deliveries";
import { webhookDeliveryPass } from "./worker";

export const WEBHOOK_PASS_MS = 2_000;

export const webhookJobs = defineJobs({
  consumers: { webhooks: onWebhookEvents },
  periodic: { "webhook-deliveries": { everyMs: WEBHOOK_PASS_MS, pass: webhookDeliveryPass } },
});
