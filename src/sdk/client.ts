// createThroughline: track() and identify() queue events; they are sent in
// batches (POST /api/v1/events takes up to 1,000 per request) when batchSize
// are waiting, flushIntervalMs after the first was queued, or on flush() and
// close(). One batch is in flight at a time, in the order tracked.
import { createApiClient, type ThroughlineApi } from "./api.js";
import { ThroughlineError } from "./errors.js";
import { randomId } from "./ids.js";
import { cutBatches, serialise, type Queued } from "./queue.js";
import { sendBatch, type SendPolicy } from "./send.js";
import { sendIdentify } from "./identify.js";
import type { Attributes, Customer, FlushResult, IdentifyResult, SentEvent, ThroughlineOptions, TrackEvent } from "./types.js";

export type Throughline = {
  /** Queues a product event; its customer defaults to the identified one. Throws TypeError for an event that cannot be sent at all. */
  track(event: TrackEvent): void;
  /**
   * Says who the customer is: POST /api/v1/identify finds (or creates) them,
   * sets the name and merges `attributes` (null removes a key); later track()
   * calls that name no customer are theirs. Resolves with the stored customer,
   * or null when the call failed (reported through onError, retried first).
   * Never rejects; throws TypeError for a customer without an identity.
   */
  identify(customer: Customer, attributes?: Attributes): Promise<IdentifyResult | null>;
  /** Sends everything queued; resolves once every event tracked before the call is sent, with what this call sent. Never rejects. */
  flush(): Promise<FlushResult>;
  /** Stops the timer, sends what is queued (as flush()); track() afterwards throws. */
  close(): Promise<FlushResult>;
  /** Typed calls to every REST v1 operation, with this client's key and fetch. */
  api: ThroughlineApi;
};

const MAX_BATCH = 1000;

function option(name: string, value: number | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`createThroughline(): ${name} must be an integer from ${min} to ${max === Number.MAX_SAFE_INTEGER ? "any" : max} (got ${value})`);
  }
  return value;
}

const hasIdentity = (c: Partial<Record<"email" | "externalId" | "phone", unknown>> | undefined) =>
  !!c && (["email", "externalId", "phone"] as const).some((k) => typeof c[k] === "string" && (c[k] as string).trim() !== "");

export function createThroughline(options: ThroughlineOptions): Throughline {
  if (typeof options?.baseUrl !== "string" || !/^https?:\/\//.test(options.baseUrl)) throw new TypeError("createThroughline(): baseUrl must be the instance's http(s) URL, e.g. https://help.example.com");
  if (typeof options.apiKey !== "string" || !options.apiKey.trim()) throw new TypeError("createThroughline(): apiKey is missing (create one at Settings → API keys)");
  const batchSize = option("batchSize", options.batchSize, 100, 1, MAX_BATCH);
  const flushIntervalMs = option("flushIntervalMs", options.flushIntervalMs, 1000, 0);
  const maxQueueSize = option("maxQueueSize", options.maxQueueSize, 10_000, 1);
  const policy: SendPolicy = {
    maxRetries: option("maxRetries", options.maxRetries, 5, 0),
    baseDelayMs: option("retryBaseDelayMs", options.retryBaseDelayMs, 500, 0),
    maxDelayMs: option("maxRetryDelayMs", options.maxRetryDelayMs, 30_000, 0),
    timeoutMs: option("timeoutMs", options.timeoutMs, 30_000, 1),
  };
  const report = (error: ThroughlineError) => {
    try {
      if (options.onError) options.onError(error);
      else console.error(`[throughline] ${error.message}`);
    } catch {
      /* a failing handler must not stop the queue */
    }
  };
  const api = createApiClient(options);

  let queue: Queued[] = [];
  let identified: Customer | undefined;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The send chain: each step takes what is queued when it starts.
  let chain: Promise<unknown> = Promise.resolve();
  let scheduled: Promise<FlushResult> | undefined;

  const stopTimer = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };

  function dispatch(): Promise<FlushResult> {
    stopTimer();
    if (scheduled) return scheduled;
    const step = chain.then(async () => {
      scheduled = undefined;
      const batches = cutBatches(queue, batchSize);
      queue = [];
      const result: FlushResult = { stored: [], errors: [] };
      for (const batch of batches) {
        const sent = await sendBatch(api, batch, policy);
        result.stored.push(...sent.stored);
        result.errors.push(...sent.errors);
        sent.errors.forEach(report);
      }
      return result;
    });
    scheduled = step;
    // A step never rejects (sendBatch reports instead of throwing); were one to, the next still runs.
    chain = step.catch(() => undefined);
    return step;
  }

  function armTimer() {
    if (timer !== undefined || scheduled) return;
    timer = setTimeout(() => {
      timer = undefined;
      void dispatch();
    }, flushIntervalMs);
    // A queued event must not keep a Node process alive (browsers return a number).
    (timer as unknown as { unref?: () => void }).unref?.();
  }

  return {
    api,
    identify(customer, attributes) {
      // Checked now (a programming error throws at the call), sent after.
      if (!hasIdentity(customer)) throw new TypeError("identify(): the customer needs at least one of email, externalId, phone");
      if (closed) throw new Error("identify(): this client is closed");
      identified = { ...customer };
      return sendIdentify(api, { customer, ...(attributes ? { attributes } : {}) }, policy).then((result) => {
        if (!(result instanceof ThroughlineError)) return result;
        report(result);
        return null;
      });
    },
    track(input) {
      if (closed) throw new Error("track(): this client is closed");
      const customer = input?.customer ?? identified;
      if (!hasIdentity(customer)) throw new TypeError(`track(): event "${input?.name}" has no customer: pass event.customer (email, externalId or phone) or call identify() first`);
      let occurredAt: string;
      try {
        occurredAt = input.occurredAt instanceof Date ? input.occurredAt.toISOString() : (input.occurredAt ?? new Date().toISOString());
      } catch {
        throw new TypeError(`track(): event "${input.name}" has an invalid Date as occurredAt`);
      }
      const event: SentEvent = { ...input, customer: customer!, occurredAt, idempotencyKey: input.idempotencyKey ?? randomId() };
      const queued = serialise(event);
      if (queue.length >= maxQueueSize) {
        report(new ThroughlineError(`Event "${event.name}" dropped: ${maxQueueSize} events are already waiting to be sent`, "queue_full", [event]));
        return;
      }
      queue.push(queued);
      if (queue.length >= batchSize) void dispatch();
      else armTimer();
    },
    flush: dispatch,
    close() {
      closed = true;
      return dispatch();
    },
  };
}
