// The delivery worker's knobs (docs/webhooks.md). Defaults are the product's;
// tests and scripts shorten them with configureWebhookDelivery (kept on
// globalThis: one setting per process, whichever module graph asks).
export type WebhookDeliveryOptions = {
  /** Delays after failed attempt 1, 2, … of a delivery; its last attempt is attempt length + 1. */
  backoffMs: number[];
  /** Consecutive failed attempts (no 2xx in between) after which an endpoint is disabled… */
  disableAfterFailures: number;
  /** …provided it has been failing for at least this long (a short outage of a busy endpoint is not enough). */
  disableAfterMs: number;
  /** Per request: DNS, connect, redirects and the answer. */
  timeoutMs: number;
  /** How long a claimed delivery is reserved for the process sending it. */
  leaseMs: number;
  /** Requests in flight per process. */
  concurrency: number;
  log: (line: string) => void;
};

export const DEFAULT_BACKOFF_MS = [10_000, 60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000, 24 * 3_600_000];

const DEFAULTS: WebhookDeliveryOptions = {
  backoffMs: DEFAULT_BACKOFF_MS,
  disableAfterFailures: 15,
  disableAfterMs: 3_600_000,
  timeoutMs: 10_000,
  leaseMs: 60_000,
  concurrency: 16,
  log: (line) => console.error(line),
};

const g = globalThis as unknown as { __throughlineWebhookOptions?: WebhookDeliveryOptions };

export function webhookDeliveryOptions(): WebhookDeliveryOptions {
  return g.__throughlineWebhookOptions ?? DEFAULTS;
}

/** Overrides some options (tests: short backoff); `reset` goes back to the defaults. */
export function configureWebhookDelivery(opts: Partial<WebhookDeliveryOptions> | "reset") {
  g.__throughlineWebhookOptions = opts === "reset" ? undefined : { ...webhookDeliveryOptions(), ...opts };
}

/** Attempts a delivery gets before it is marked failed. */
export function maxAttempts(o: WebhookDeliveryOptions = webhookDeliveryOptions()): number {
  return o.backoffMs.length + 1;
}
