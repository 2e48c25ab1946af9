// The one error type the SDK reports, through onError and in flush results.
import type { components } from "./schema.js";

type SentEvent = components["schemas"]["Event"];

/**
 * code: "invalid_event" (the API refused this item; the others were stored),
 * "network_error" (no answer: connection refused, reset, timeout),
 * "queue_full" (dropped before sending: maxQueueSize reached), or the API's
 * own error code ("unauthorized", "forbidden", "rate_limited", "unavailable",
 * "payload_too_large", …) when the whole request was refused.
 */
export class ThroughlineError extends Error {
  override readonly name = "ThroughlineError";
  constructor(
    message: string,
    /** Stable, machine-readable; see above. */
    readonly code: string,
    /** The events affected: one for a refused item, the whole batch otherwise. */
    readonly events: readonly SentEvent[],
    /** The HTTP status of the last answer, if there was one. */
    readonly status?: number,
    /** How many requests were made for the batch (1 = no retry). */
    readonly attempts?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
