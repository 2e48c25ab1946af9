// The SDK's public types, derived from the OpenAPI document's (./schema.ts).
import type { components } from "./schema.js";
import type { ThroughlineError } from "./errors.js";

/** One event as POST /api/v1/events takes it. */
export type SentEvent = components["schemas"]["Event"];

/** Who: at least one of email, externalId, phone; name fills an unnamed customer. */
export type Customer = SentEvent["customer"];

/** What track() takes: the customer may come from identify(); occurredAt may be a Date (default: when track() was called). */
export type TrackEvent = Omit<SentEvent, "customer" | "occurredAt"> & { customer?: Customer; occurredAt?: string | Date };

export type StoredEvent = {
  event: SentEvent;
  /** The timeline item's id. */
  id: string;
  /** duplicate: an event with this idempotencyKey was stored before (e.g. by an earlier attempt); id is that one's. */
  status: "created" | "duplicate";
};

export type FlushResult = { stored: StoredEvent[]; errors: ThroughlineError[] };

/** What POST /api/v1/identify takes: who (at least one of email, externalId, phone; name) and attributes to merge (null removes a key). */
export type IdentifyRequest = components["schemas"]["IdentifyRequest"];
/** The customer as stored after the call, whether it created them, and other customers an identity already belongs to (never merged). */
export type IdentifyResult = components["schemas"]["IdentifyAnswer"];
export type Attributes = NonNullable<IdentifyRequest["attributes"]>;

/** The request function the SDK calls (globalThis.fetch fits). */
export type FetchFn = (request: Request) => Promise<Response>;

export type ThroughlineOptions = {
  /** The instance's origin, e.g. "https://help.example.com" (in a browser on the same origin: location.origin). */
  baseUrl: string;
  /** An API key with the events:write scope (customers:read too for the api calls that read). */
  apiKey: string;
  /** Events per request, 1 to 1,000 (the API's limit). Default 100. */
  batchSize?: number;
  /** Send queued events at most this long after the first was tracked. Default 1,000 ms. */
  flushIntervalMs?: number;
  /** Retries per batch after the first attempt (network errors, 408, 429, 5xx). Default 5. */
  maxRetries?: number;
  /** First backoff step; doubles each retry, with jitter. Default 500 ms. */
  retryBaseDelayMs?: number;
  /** Longest backoff step (a longer Retry-After is still honoured). Default 30,000 ms. */
  maxRetryDelayMs?: number;
  /** Per-request timeout; a timed-out request is retried. Default 30,000 ms. */
  timeoutMs?: number;
  /** Events held while sending fails; more are dropped and reported (queue_full). Default 10,000. */
  maxQueueSize?: number;
  /** Replaces globalThis.fetch (tests, proxies, instrumentation). */
  fetch?: FetchFn;
  /** Every refused event and failed batch, also when flushing in the background. Default: console.error. */
  onError?: (error: ThroughlineError) => void;
};
