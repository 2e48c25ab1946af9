// The webhook delivery worker. Like the message outbox (src/server/outbox/
// worker.ts), the WebhookDelivery row is the source of truth (status,
// attempts, next attempt, last outcome: what the delivery log shows) and
// sending claims it in PostgreSQL first: a conditional UPDATE over
// FOR UPDATE SKIP LOCKED sets it "sending", counts the attempt and pushes
// next_attempt_at past a lease, so one delivery is attempted by one process at
// a time; a process that dies mid-request leaves it "sending" with a lapsed
// lease, and the next pass claims it again.
//
// What drives it: the periodic task "webhook-deliveries" (every 2 s, once
// across processes: ./register.ts) claims what is due, and the consumer,
// replay and "Send test event" start a pass in their own process at once.
// (The job runner's registry takes consumers and periodic tasks; due times
// live in the rows, so no job per attempt is needed.) A pass does not wait
// for slow receivers: requests run in the background up to `concurrency` per
// process, each bounded by `timeoutMs`.
//
// Order: a delivery is not claimed while an earlier one (created_at, id) of
// the same endpoint and ordering key (the conversation, or the customer) is
// pending or sending, so one conversation's events arrive in order, each
// after the previous one was delivered or given up.
//
// Outcomes: 2xx → delivered, the endpoint's failure streak ends. Anything
// else (non-2xx, network error, timeout) → retried after backoff[attempt-1],
// failed after the last; a refusal by the SSRF guard is never sent and fails
// the delivery at once. Each failed attempt adds to the endpoint's
// consecutive failures; at disableAfterFailures (after failing for at least
// disableAfterMs) or on 410 Gone the endpoint is disabled with the reason.
import { db } from "@/server/db";
import { recordAudit } from "@/server/audit/record";
import { guardedFetch, OutboundRefusedError } from "@/server/net/guarded-fetch";
import { countWebhookDelivery } from "@/server/observability/metrics";
import { maxAttempts, webhookDeliveryOptions, type WebhookDeliveryOptions } from "./settings";
import { signDelivery } from "./signing";

type Claimed = { id: string; endpoint_id: string; event_id: string; event_type: string; payload: unknown; attempts: number; url: string; secret: string };

const SNIPPET = 200;

function oneLine(text: string, max = 1000): string {
  return text.replace(/\s+/g, " ").trim().slice(0, max);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url.slice(0, 100);
  }
}

async function claim(limit: number, leaseMs: number, onlyIds: string[] | null): Promise<Claimed[]> {
  if (limit <= 0) return [];
  return db.$queryRaw<Claimed[]>`
    WITH due AS (
      SELECT d.id FROM webhook_deliveries d
      JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.enabled
      WHERE d.status IN ('pending', 'sending') AND d.next_attempt_at <= now()
        AND (${onlyIds}::uuid[] IS NULL OR d.id = ANY(${onlyIds}::uuid[]))
        AND NOT EXISTS (
          SELECT 1 FROM webhook_deliveries p
          WHERE p.endpoint_id = d.endpoint_id AND p.ordering_key = d.ordering_key
            AND p.status IN ('pending', 'sending') AND (p.created_at, p.id) < (d.created_at, d.id))
      ORDER BY d.next_attempt_at, d.created_at, d.id
      LIMIT ${limit}
      FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE webhook_deliveries w
    SET status = 'sending', attempts = w.attempts + 1, updated_at = now(),
        next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000}::double precision)
    FROM due, webhook_endpoints e
    WHERE w.id = due.id AND e.id = w.endpoint_id
    RETURNING w.id, w.endpoint_id, w.event_id::text AS event_id, w.event_type, w.payload, w.attempts, e.url, e.secret`;
}

type Outcome = { ok: true; status: number; durationMs: number } | { ok: false; status: number | null; durationMs: number; error: string; refused: boolean };

async function send(d: Claimed, o: WebhookDeliveryOptions): Promise<Outcome> {
  const body = JSON.stringify(d.payload);
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    const res = await guardedFetch(d.url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Throughline-Webhooks/1", ...signDelivery(d.secret, d.event_id, body) },
      body,
      timeoutMs: o.timeoutMs,
      // Only a snippet of the answer is kept; a receiver has no reason to send more.
      maxBytes: 64 * 1024,
      // A redirect would move a signed POST elsewhere: the endpoint's URL is the one to call.
      maxRedirects: 0,
    });
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, durationMs: ms() };
    const snippet = oneLine(res.body.toString("utf8"), SNIPPET);
    return { ok: false, status: res.status, durationMs: ms(), error: `HTTP ${res.status}${snippet ? `: ${snippet}` : ""}`, refused: false };
  } catch (error) {
    if (error instanceof OutboundRefusedError) {
      // Refused before any connection (private address, bad URL…), except a timeout, which is an ordinary failure.
      return { ok: false, status: null, durationMs: ms(), error: oneLine(error.message), refused: error.reason !== "timeout" && error.reason !== "too_large" };
    }
    const e = error as NodeJS.ErrnoException;
    return { ok: false, status: null, durationMs: ms(), error: oneLine(`${e.code ? `${e.code}: ` : ""}${e.message || "network error"}`), refused: false };
  }
}

async function record(d: Claimed, outcome: Outcome, o: WebhookDeliveryOptions): Promise<void> {
  if (outcome.ok) {
    await db.$transaction([
      db.$executeRaw`UPDATE webhook_deliveries SET status = 'delivered', delivered_at = now(), last_status_code = ${outcome.status}, last_duration_ms = ${outcome.durationMs}, last_error = NULL, updated_at = now() WHERE id = ${d.id}::uuid`,
      db.$executeRaw`UPDATE webhook_endpoints SET consecutive_failures = 0 WHERE id = ${d.endpoint_id}::uuid AND consecutive_failures <> 0`,
    ]);
    countWebhookDelivery("delivered");
    return;
  }
  const last = d.attempts >= maxAttempts(o) || outcome.refused;
  const delayMs = o.backoffMs[Math.min(d.attempts - 1, o.backoffMs.length - 1)] ?? 60_000;
  const error = last && !outcome.refused ? `${outcome.error} (gave up after ${d.attempts} attempts)` : outcome.error;
  const [, rows] = await db.$transaction([
    db.$executeRaw`
      UPDATE webhook_deliveries SET status = ${last ? "failed" : "pending"}::"WebhookDeliveryStatus", last_status_code = ${outcome.status}, last_duration_ms = ${outcome.durationMs},
        last_error = ${error}, next_attempt_at = now() + make_interval(secs => ${last ? 0 : delayMs / 1000}::double precision), updated_at = now()
      WHERE id = ${d.id}::uuid`,
    db.$queryRaw<{ consecutive_failures: number; enabled: boolean }[]>`
      UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1 WHERE id = ${d.endpoint_id}::uuid RETURNING consecutive_failures, enabled`,
  ]);
  countWebhookDelivery(last ? "failed" : "retry");
  const failures = rows[0]?.consecutive_failures ?? 0;
  if (!rows[0]?.enabled) return;
  const where = `${outcome.status ? "" : "calling "}${hostOf(d.url)}`;
  if (outcome.status === 410) {
    await disable(d.endpoint_id, `Disabled: ${hostOf(d.url)} answered 410 Gone (the receiver asked to stop).`, o);
  } else if (failures >= o.disableAfterFailures && (await failingSince(d.endpoint_id, o.disableAfterMs))) {
    const lastWhat = outcome.status ? `HTTP ${outcome.status} from ${where}` : `${outcome.error} (${where})`;
    await disable(d.endpoint_id, `Disabled after ${failures} consecutive failures; last: ${oneLine(lastWhat, 300)}`, o);
  }
}

/** True when the endpoint delivered nothing for at least `ms` (and was enabled, or edited, that long ago). */
async function failingSince(endpointId: string, ms: number): Promise<boolean> {
  if (ms <= 0) return true;
  const [row] = await db.$queryRaw<{ since: Date }[]>`
    SELECT GREATEST(e.updated_at, COALESCE((SELECT max(d.delivered_at) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'delivered'), e.created_at)) AS since
    FROM webhook_endpoints e WHERE e.id = ${endpointId}::uuid`;
  return !!row && Date.now() - row.since.getTime() >= ms;
}

async function disable(endpointId: string, reason: string, o: WebhookDeliveryOptions) {
  const n = await db.$executeRaw`
    UPDATE webhook_endpoints SET enabled = false, disabled_at = now(), disabled_reason = ${reason}, updated_at = now()
    WHERE id = ${endpointId}::uuid AND enabled`;
  if (n === 0) return;
  o.log(`[webhooks] endpoint ${endpointId}: ${reason}`);
  await recordAudit(db, { actorUserId: null, action: "webhook.disabled", targetType: "webhook_endpoint", targetId: endpointId, data: { reason, automatic: true } }).catch(() => undefined);
}

// ---- passes ------------------------------------------------------------------------------------

type InFlight = { count: number; running: Set<Promise<void>> };
const g = globalThis as unknown as { __throughlineWebhookInFlight?: InFlight };
const inFlight: InFlight = (g.__throughlineWebhookInFlight ??= { count: 0, running: new Set() });

/**
 * Claims what is due (or only these deliveries) up to this process's free
 * request slots and starts sending; resolves with how many were claimed and
 * a promise of their outcomes being recorded.
 */
export async function startDueDeliveries(onlyIds: string[] | null = null): Promise<{ claimed: number; done: Promise<void> }> {
  const o = webhookDeliveryOptions();
  const claimed = await claim(o.concurrency - inFlight.count, o.leaseMs, onlyIds);
  const work = claimed.map((d) => {
    inFlight.count++;
    const p = (async () => {
      try {
        await record(d, await send(d, o), o);
      } catch (error) {
        // Unrecorded (database fault): the lease lapses and the delivery is tried again.
        o.log(`[webhooks] delivery ${d.id}: ${(error as Error).message}`);
      } finally {
        inFlight.count--;
      }
    })();
    inFlight.running.add(p);
    void p.finally(() => inFlight.running.delete(p));
    return p;
  });
  return { claimed: claimed.length, done: Promise.all(work).then(() => undefined) };
}

/**
 * Sends what is due until nothing more is (scripts and tests: a synchronous
 * drain); returns how many attempts were made.
 */
export async function deliverDueWebhooks(opts: { maxRounds?: number } = {}): Promise<number> {
  let total = 0;
  for (let round = 0; round < (opts.maxRounds ?? 50); round++) {
    const { claimed, done } = await startDueDeliveries();
    await done;
    total += claimed;
    if (claimed === 0) break;
  }
  return total;
}

/** Starts a pass in this process now (after an insert, a replay, a test event); never throws. */
export function kickDeliveries(onlyIds: string[] | null = null) {
  void (async () => {
    // Deliveries freed by one that was just delivered (the next of its conversation) follow in the same burst.
    for (let round = 0; round < 20; round++) {
      const { claimed, done } = await startDueDeliveries(round === 0 ? onlyIds : null);
      if (claimed === 0) return;
      await done;
    }
  })().catch((error: unknown) => webhookDeliveryOptions().log(`[webhooks] delivery pass failed (the periodic pass retries): ${(error as Error).message}`));
}

/** The periodic pass: starts what is due and waits a little for it (slow receivers finish in the background). */
export async function webhookDeliveryPass(): Promise<void> {
  const { done } = await startDueDeliveries();
  await Promise.race([done, new Promise((r) => setTimeout(r, 1_500).unref?.())]);
}

/** Waits until every request this process started has been recorded (tests, shutdown). */
export async function settleDeliveries(): Promise<void> {
  while (inFlight.running.size) await Promise.allSettled([...inFlight.running]);
}
