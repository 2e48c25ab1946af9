// Throughline's JavaScript client for REST v1 (docs/sdk.md). Runs in Node ≥ 20
// and browsers: nothing here but fetch, timers and Web Crypto.
export { createThroughline, type Throughline } from "./client.js";
export { createApiClient, type ThroughlineApi } from "./api.js";
export { ThroughlineError } from "./errors.js";
export { isRetryableStatus, retryAfterMs, retryDelayMs } from "./retry.js";
export type { Attributes, Customer, FetchFn, FlushResult, IdentifyRequest, IdentifyResult, SentEvent, StoredEvent, ThroughlineOptions, TrackEvent } from "./types.js";
export type { components, operations, paths } from "./schema.js";
