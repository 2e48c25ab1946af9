// The outbox, channel-agnostic: senders and their errors (senders.ts), the
// worker that sends through the job queue (worker.ts), the admin reads and
// "retry now" (admin.ts). This module gathers them for the channels and the
// console, which import "@/server/outbox/outbox".
export { DeferredSendError, PermanentSendError, RetryableSendError, registerSender, registeredChannels, type OutboundMessage, type SendContext, type SendResult, type Sender } from "./senders";
export { publishMessageStatus } from "./status";
export {
  DEFAULT_BACKOFF_MS,
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_ATTEMPTS,
  enqueueOutbound,
  nudgeOutbox,
  processOutboxOnce,
  sweepUnqueued,
  type OutboxOptions,
} from "./worker";
export { listOutbox, retryOutboxItem, type OutboxListItem } from "./admin";
