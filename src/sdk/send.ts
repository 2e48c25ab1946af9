// Sends one batch to POST /api/v1/events, retrying what may succeed later.
// Every retry resends the very same body: each event carries its own
// idempotencyKey (given at track()), so an attempt whose answer was lost and
// then resent is stored once and answered "duplicate" with the first id.
import type { ThroughlineApi } from "./api.js";
import { ThroughlineError } from "./errors.js";
import { isRetryableStatus, retryAfterMs, retryDelayMs, type BackoffPolicy } from "./retry.js";
import type { FlushResult, SentEvent } from "./types.js";

export type Batch = { events: SentEvent[]; body: string };
export type SendPolicy = BackoffPolicy & { maxRetries: number; timeoutMs: number };

type ItemAnswer = { items: { index: number; id: string; status: "created" | "duplicate" }[]; errors: { index: number; message: string }[] };
type Failure = { failed: string; code: string; status?: number; retryable: boolean; retryAfter?: number; cause?: unknown };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function itemResults(batch: Batch, answer: ItemAnswer, status: number): FlushResult {
  return {
    stored: answer.items.map((i) => ({ event: batch.events[i.index]!, id: i.id, status: i.status })),
    errors: answer.errors.map((e) => {
      const event = batch.events[e.index]!;
      return new ThroughlineError(`Event "${event.name}" was refused: ${e.message}`, "invalid_event", [event], status);
    }),
  };
}

/** The error body's { error: { code, message } }, or what there is of it. */
function describe(body: unknown, status: number): { code: string; message: string } {
  const e = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const code = typeof e?.code === "string" ? e.code : `http_${status}`;
  const message = typeof e?.message === "string" ? e.message : typeof body === "string" && body ? body.slice(0, 200) : `HTTP ${status}`;
  return { code, message };
}

async function attempt(api: ThroughlineApi, batch: Batch, policy: SendPolicy): Promise<FlushResult | Failure> {
  try {
    const { data, error, response } = await api.POST("/api/v1/events", {
      body: batch.events,
      // Serialised once, at track(): every attempt sends the same bytes.
      bodySerializer: () => batch.body,
      signal: AbortSignal.timeout(policy.timeoutMs),
    });
    if (data) return itemResults(batch, data, response.status);
    // Every item refused: the answer still names each one.
    if (response.status === 400 && error && "errors" in error && error.errors?.length) return itemResults(batch, { items: [], errors: error.errors }, 400);
    const { code, message } = describe(error, response.status);
    return {
      failed: `${response.status} ${code}: ${message}`,
      code,
      status: response.status,
      retryable: isRetryableStatus(response.status),
      retryAfter: retryAfterMs(response.headers.get("retry-after")),
    };
  } catch (cause) {
    return { failed: `no answer (${cause instanceof Error ? cause.message : String(cause)})`, code: "network_error", retryable: true, cause };
  }
}

export async function sendBatch(api: ThroughlineApi, batch: Batch, policy: SendPolicy): Promise<FlushResult> {
  for (let n = 1; ; n++) {
    const result = await attempt(api, batch, policy);
    if (!("failed" in result)) return result;
    if (!result.retryable || n > policy.maxRetries) {
      const count = `${batch.events.length} event${batch.events.length === 1 ? "" : "s"}`;
      const tries = n > 1 ? ` (${n} attempts)` : "";
      const message = `Sending ${count} failed${tries}: ${result.failed}`;
      return { stored: [], errors: [new ThroughlineError(message, result.code, batch.events, result.status, n, { cause: result.cause })] };
    }
    await sleep(retryDelayMs(n - 1, result.retryAfter, policy));
  }
}
