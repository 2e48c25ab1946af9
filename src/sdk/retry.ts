// When to retry a batch and how long to wait first.

/** Statuses worth another attempt: the request may succeed unchanged later. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date names its month ("Fri, 04 Dec 2026 02:00:30 GMT"); Date.parse alone would take "-5" as a year.
  const at = /[a-z]{3}/i.test(value) ? Date.parse(value) : NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export type BackoffPolicy = { baseDelayMs: number; maxDelayMs: number };

/**
 * The wait before retry number `attempt` (0 = the first retry): exponential
 * with "equal jitter" (half fixed, half random) so clients that failed together
 * do not retry together; at least Retry-After when the server sent one.
 */
export function retryDelayMs(attempt: number, retryAfter: number | undefined, policy: BackoffPolicy, random = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const backoff = step / 2 + random() * (step / 2);
  if (retryAfter === undefined) return backoff;
  // The server's wait, plus a little spread so a limited fleet does not return in lockstep.
  return retryAfter + random() * Math.min(policy.baseDelayMs, 1000);
}
