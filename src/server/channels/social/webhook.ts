// The shape every social webhook POST shares, with Web Request/Response only:
// read the raw bytes → verify (401, nothing stored) → parse (400 on a payload
// that is not the platform's) → store (each message its own transaction) →
// answer 200. A storage fault answers 503 so the platform retries; retries are
// idempotent, so a batch that failed half-way ends complete and stored once.
import { env, type Env } from "@/env";
import { applySocialEvents, type ApplyOptions, type ApplyResult } from "./process";
import { safeEqual } from "./signature";
import { logWebhook, recordWebhookError, type WebhookEndpoint } from "./log";
import { MalformedPayloadError, parseWebhookBody, type SocialEvent } from "./types";

/** Webhook bodies are small JSON documents; anything bigger is refused before parsing. */
export const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

export function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers } });
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers } });
}

/**
 * Refusals in the REST API's shape, {"error": {"code", "message"}}: platforms
 * only read the status, people debugging a delivery read the reason.
 * (Successes keep the platforms' conventions: "EVENT_RECEIVED", the challenge.)
 */
export function errorJson(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return json(status, { error: { code, message } }, headers);
}

/** The validated config, or null (logged) when the process has none: answered 503. */
/** The webhook secrets are set or generated at start-up; before that, not configured. */
export type WebhookConfig = Env & Record<"META_APP_SECRET" | "META_VERIFY_TOKEN" | "TELEGRAM_WEBHOOK_SECRET" | "X_CONSUMER_SECRET", string>;

export function configOrNull(endpoint: WebhookEndpoint): WebhookConfig | null {
  try {
    const e = env();
    if (!e.META_APP_SECRET || !e.META_VERIFY_TOKEN || !e.TELEGRAM_WEBHOOK_SECRET || !e.X_CONSUMER_SECRET) {
      logWebhook(endpoint, "configuration error: webhook secrets are not loaded", "error");
      return null;
    }
    return e as WebhookConfig;
  } catch (error) {
    logWebhook(endpoint, `configuration error: ${(error as Error).message}`, "error");
    return null;
  }
}

export async function readRawBody(req: Request): Promise<Uint8Array | null> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_WEBHOOK_BYTES) return null;
  const raw = new Uint8Array(await req.arrayBuffer());
  return raw.byteLength > MAX_WEBHOOK_BYTES ? null : raw;
}

export type PostHandlerOptions = {
  endpoint: WebhookEndpoint;
  /** Checks the request's signature or secret against the raw bytes. */
  verify: (raw: Uint8Array, req: Request, config: WebhookConfig) => boolean;
  /** Platform payload → events; throws MalformedPayloadError for what is not the platform's format. */
  parse: (body: unknown) => SocialEvent[];
  /** Runs after a successful verification (e.g. remembering a Telegram handshake). */
  onVerified?: () => Promise<void>;
  /** Routing override (Telegram). Return null from `prepare` to answer 200 and store nothing. */
  prepare?: (req: Request, events: SocialEvent[]) => Promise<ApplyOptions | null>;
  /** The 200 answer's body ("EVENT_RECEIVED" for Meta). */
  okBody?: string;
};

export async function handleSocialPost(req: Request, opts: PostHandlerOptions): Promise<Response> {
  const { endpoint } = opts;
  const config = configOrNull(endpoint);
  if (!config) return errorJson(503, "not_configured", "webhook not configured");

  const raw = await readRawBody(req);
  if (!raw) return errorJson(413, "payload_too_large", `payload larger than ${MAX_WEBHOOK_BYTES} bytes`);

  if (!opts.verify(raw, req, config)) {
    logWebhook(endpoint, "rejected a delivery with a missing or wrong signature", "warn");
    await recordWebhookError({ endpoint, kind: "signature", reason: "missing or wrong signature: check the app secret configured for this webhook" });
    return errorJson(401, "invalid_signature", "missing or wrong signature");
  }
  await opts.onVerified?.();

  let events: SocialEvent[];
  try {
    events = parseWebhookBody(raw, opts.parse);
  } catch (error) {
    // Parsers throw only MalformedPayloadError; anything else is a parser bug, still this payload's fault.
    const reason = error instanceof MalformedPayloadError ? error.message : `unreadable payload: ${(error as Error).message}`;
    logWebhook(endpoint, `malformed payload: ${reason}`, "warn");
    await recordWebhookError({ endpoint, kind: "malformed", reason });
    return errorJson(400, "malformed_payload", `malformed payload: ${reason}`);
  }

  let result: ApplyResult;
  try {
    const applyOpts = opts.prepare ? await opts.prepare(req, events) : {};
    if (!applyOpts) return text(200, opts.okBody ?? "ok");
    result = await applySocialEvents(endpoint, events, applyOpts);
  } catch (error) {
    // Nothing half-stored: every message is its own transaction and the retry is idempotent.
    const reason = oneLine((error as Error).message);
    logWebhook(endpoint, `could not store the delivery (the platform will retry): ${reason}`, "error");
    await recordWebhookError({ endpoint, kind: "storage", reason });
    return errorJson(503, "unavailable", "temporarily unable to store the delivery; retry later", { "retry-after": "5" });
  }
  if (result.stored + result.updated > 0) {
    logWebhook(endpoint, `stored ${result.stored}, updated ${result.updated}, duplicates ${result.duplicates}, ignored ${result.ignored}`);
  }
  return text(200, opts.okBody ?? "ok");
}

/** Prisma's errors span many lines; the log and the admin get the gist on one. */
function oneLine(message: string): string {
  const lines = message.split("\n").map((l) => l.trim()).filter(Boolean);
  const db = lines.find((l) => /^(Database error|Error|Can't reach|Timed out)/i.test(l));
  return (db ?? lines[lines.length - 1] ?? "unknown error").slice(0, 300);
}

/** Meta's subscription handshake (Messenger, Instagram, WhatsApp): echo hub.challenge when the token matches. */
export function metaChallenge(req: Request, verifyToken: string): { ok: true; challenge: string } | { ok: false } {
  const q = new URL(req.url).searchParams;
  const mode = q.get("hub.mode");
  const token = q.get("hub.verify_token");
  const challenge = q.get("hub.challenge");
  if (mode !== "subscribe" || token === null || challenge === null) return { ok: false };
  return verifyToken && safeEqual(token, verifyToken) ? { ok: true, challenge } : { ok: false };
}
