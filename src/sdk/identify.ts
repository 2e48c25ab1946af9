// identify(): POST /api/v1/identify — find or create the customer, set the
// name, merge attributes. The call is idempotent (the same body twice changes
// nothing the second time), so it is retried like a batch: network errors,
// 408, 429 (after Retry-After) and 5xx.
import type { ThroughlineApi } from "./api.js";
import { ThroughlineError } from "./errors.js";
import { isRetryableStatus, retryAfterMs, retryDelayMs } from "./retry.js";
import type { SendPolicy } from "./send.js";
import type { IdentifyRequest, IdentifyResult } from "./types.js";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function sendIdentify(api: ThroughlineApi, body: IdentifyRequest, policy: SendPolicy): Promise<IdentifyResult | ThroughlineError> {
  const serialised = JSON.stringify(body);
  for (let n = 1; ; n++) {
    let failure: { message: string; code: string; status?: number; retryable: boolean; retryAfter?: number; cause?: unknown };
    try {
      const { data, error, response } = await api.POST("/api/v1/identify", { body, bodySerializer: () => serialised, signal: AbortSignal.timeout(policy.timeoutMs) });
      if (data) return data;
      const e = (error as { error?: { code?: string; message?: string } } | undefined)?.error;
      failure = {
        message: `${response.status} ${e?.code ?? `http_${response.status}`}: ${e?.message ?? `HTTP ${response.status}`}`,
        code: e?.code ?? `http_${response.status}`,
        status: response.status,
        retryable: isRetryableStatus(response.status),
        retryAfter: retryAfterMs(response.headers.get("retry-after")),
      };
    } catch (cause) {
      failure = { message: `no answer (${cause instanceof Error ? cause.message : String(cause)})`, code: "network_error", retryable: true, cause };
    }
    if (!failure.retryable || n > policy.maxRetries) {
      return new ThroughlineError(`identify() failed${n > 1 ? ` (${n} attempts)` : ""}: ${failure.message}`, failure.code, [], failure.status, n, { cause: failure.cause });
    }
    await sleep(retryDelayMs(n - 1, failure.retryAfter, policy));
  }
}
