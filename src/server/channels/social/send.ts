// What the social senders share: calling a platform's HTTP API (network
// failures and timeouts are retryable), turning its error answers into
// RetryableSendError / PermanentSendError, finding the recipient, and
// recording send errors for the admin. Tokens never reach logs or errors.
import { db } from "@/server/db";
import type { IdentityKindName } from "@/server/customers/normalize";
import { checkJsonShape } from "@/server/security/json-shape";
import { DeferredSendError, PermanentSendError, RetryableSendError, type SendContext } from "@/server/outbox/outbox";
import { inboxToken, tokenEnvOf, type SocialInbox } from "./inboxes";
import { recordSendError } from "./log";
import type { SocialChannel } from "@/lib/vocabulary";
import { isSocialChannel } from "./types";

export type PlatformResponse = { status: number; body: unknown; headers: Headers };

export const SEND_TIMEOUT_MS = 20_000;

/** Removes secrets from a string before it is logged or stored. */
export function redact(text: string, ...secrets: (string | null | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("[redacted]");
  return out;
}

/** POSTs JSON; network errors and timeouts become RetryableSendError. */
export async function postJson(url: string, body: unknown, headers: Record<string, string>, secrets: (string | null)[] = []): Promise<PlatformResponse> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    const detail = e.cause?.code ?? e.cause?.message ?? e.message;
    throw new RetryableSendError(redact(`could not reach the platform: ${e.name === "TimeoutError" ? "timed out" : detail}`, ...secrets));
  }
  const raw = await res.text().catch(() => "");
  let parsed: unknown = raw;
  try {
    parsed = raw ? JSON.parse(raw) : null;
    // An answer too deep or large to walk (snippet's JSON.stringify recurses) stays text.
    if (checkJsonShape(parsed)) parsed = raw;
  } catch {
    /* keep the text */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Retry-After as seconds or an HTTP date → milliseconds. */
export function retryAfterMs(headers: Headers | null | undefined, now = Date.now()): number | undefined {
  const value = headers?.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

export type Classified = { retryable: boolean; reason: string; retryAfterMs?: number };

export function toSendError(c: Classified): Error {
  return c.retryable ? new RetryableSendError(c.reason, c.retryAfterMs) : new PermanentSendError(c.reason);
}

function obj(v: unknown): Record<string, unknown> | null {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function snippet(body: unknown): string {
  const s = typeof body === "string" ? body : JSON.stringify(body ?? "");
  return s.replace(/\s+/g, " ").slice(0, 200);
}

// Meta Graph API codes: rate limits and temporary errors.
const META_RETRYABLE = new Set([1, 2, 4, 17, 32, 341, 613, 80006]);
// WhatsApp Cloud API: rate limits (130429 throughput, 131056 pair, 131048 spam), temporary errors.
const WHATSAPP_RETRYABLE = new Set([1, 2, 4, 17, 32, 613, 80007, 130429, 131000, 131016, 131048, 131056, 133004]);

/** Meta Graph (Messenger, Instagram, WhatsApp) error answers: {error: {message, code, error_subcode, error_data}}. */
export function classifyGraphError(platform: "Messenger" | "Instagram" | "WhatsApp", res: PlatformResponse): Classified {
  const err = obj(obj(res.body)?.error);
  const code = typeof err?.code === "number" ? err.code : Number(err?.code);
  const sub = err?.error_subcode !== undefined ? `, subcode ${String(err.error_subcode)}` : "";
  const details = typeof obj(err?.error_data)?.details === "string" ? (obj(err?.error_data)!.details as string) : null;
  const rawMessage = typeof err?.message === "string" ? err.message : snippet(res.body) || `HTTP ${res.status}`;
  // Meta often starts the message with "(#code)"; say it once, with the subcode.
  const message = Number.isFinite(code) ? rawMessage.replace(new RegExp(`^\\(#${code}\\)\\s*`), "") : rawMessage;
  const codeText = Number.isFinite(code) ? `(#${code}${sub}) ` : "";
  const reason = `${platform} refused the message: ${codeText}${message}${details && details !== message ? ` — ${details}` : ""}`;
  const retryableCodes = platform === "WhatsApp" ? WHATSAPP_RETRYABLE : META_RETRYABLE;
  const retryable = res.status === 429 || res.status >= 500 || (Number.isFinite(code) && retryableCodes.has(code)) || err?.is_transient === true;
  return { retryable, reason: retryable ? reason.replace("refused the message", "could not take the message yet") : reason, retryAfterMs: retryAfterMs(res.headers) };
}

/** Telegram Bot API: {ok:false, error_code, description, parameters:{retry_after}}. */
export function classifyTelegramError(res: PlatformResponse): Classified {
  const body = obj(res.body);
  const code = typeof body?.error_code === "number" ? body.error_code : res.status;
  const description = typeof body?.description === "string" ? body.description : snippet(res.body) || `HTTP ${res.status}`;
  const retryAfter = Number(obj(body?.parameters)?.retry_after);
  const retryable = code === 429 || res.status === 429 || code >= 500 || res.status >= 500;
  return {
    retryable,
    reason: `Telegram ${retryable ? "could not take the message yet" : "refused the message"}: ${description}`,
    retryAfterMs: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : retryAfterMs(res.headers),
  };
}

/** X API v2: {title, detail, status} or {errors: [{message, code}]}; rate limits say when they reset. */
export function classifyXError(res: PlatformResponse, now = Date.now()): Classified {
  const body = obj(res.body);
  const first = obj(Array.isArray(body?.errors) ? body!.errors[0] : null);
  const detail = (typeof body?.detail === "string" && body.detail) || (typeof first?.message === "string" && first.message) || (typeof body?.title === "string" && body.title) || snippet(res.body) || `HTTP ${res.status}`;
  const retryable = res.status === 429 || res.status >= 500;
  let wait = retryAfterMs(res.headers, now);
  const reset = Number(res.headers.get("x-rate-limit-reset"));
  if (wait === undefined && res.status === 429 && Number.isFinite(reset) && reset > 0) wait = Math.max(0, reset * 1000 - now);
  return { retryable, reason: `X ${retryable ? "could not take the message yet" : "refused the message"}: ${detail}`, retryAfterMs: wait };
}

// ---------------------------------------------------------------- context

export type SocialSend = {
  messageId: string;
  text: string;
  inbox: SocialInbox;
  conversation: { id: string; inboxId: string; customerId: string; externalThreadKey: string | null };
  hasAttachments: boolean;
};

/** The outbox's context → what the social senders need. */
export function socialSendOf(ctx: SendContext): SocialSend {
  const m = ctx.message;
  const channel = m.inbox.channel;
  if (!isSocialChannel(channel)) throw new PermanentSendError(`inbox ${m.inbox.name} is not a social inbox`);
  const secretEnv = m.inbox.secretEnv && typeof m.inbox.secretEnv === "object" && !Array.isArray(m.inbox.secretEnv) ? (m.inbox.secretEnv as Record<string, unknown>) : {};
  return {
    messageId: m.id,
    text: m.bodyText,
    inbox: { id: m.inbox.id, name: m.inbox.name, channel, publicId: m.inbox.publicId, secretEnv },
    conversation: { id: m.conversation.id, inboxId: m.conversation.inboxId, customerId: m.conversation.customerId, externalThreadKey: m.conversation.externalThreadKey },
    hasAttachments: m.attachments.length > 0,
  };
}

/** The inbox's token, or a deferred send (kept pending with the reason) until it is configured. */
export function requireToken(inbox: SocialInbox): string {
  const token = inboxToken(inbox);
  if (!token) throw new DeferredSendError(`No send token configured for ${inbox.name}: set the environment variable ${tokenEnvOf(inbox)}`, 5 * 60_000);
  return token;
}

/** The platform id to send to: the conversation's thread, else the customer's identity of that kind. */
export async function recipientOf(send: SocialSend, kinds: IdentityKindName[], label: string): Promise<string> {
  const thread = send.conversation.externalThreadKey?.trim();
  if (thread) return thread;
  for (const kind of kinds) {
    const identity = await db.customerIdentity.findFirst({ where: { customerId: send.conversation.customerId, kind }, orderBy: { createdAt: "desc" }, select: { value: true } });
    if (identity) return kind === "phone" ? identity.value.replace(/^\+/, "") : identity.value;
  }
  throw new PermanentSendError(`The customer has no ${label} to send to`);
}

/**
 * Refuses what the platform cannot take as a text message. Attachments are
 * refused rather than silently left out (sending files is not supported yet).
 */
export function requireText(send: SocialSend, platform: string, max: number, unit: "characters" | "bytes" = "characters"): string {
  if (send.hasAttachments) throw new PermanentSendError(`Sending attachments on ${platform} is not supported yet: send the text without the files`);
  const text = send.text.trim();
  if (!text) throw new PermanentSendError(`Cannot send an empty message on ${platform}`);
  const length = unit === "bytes" ? Buffer.byteLength(text, "utf8") : [...text].length;
  if (length > max) throw new PermanentSendError(`${platform} messages are limited to ${max.toLocaleString("en")} ${unit} (this one has ${length.toLocaleString("en")})`);
  return text;
}

/** Runs a platform send, recording any failure for the admin's "last errors" before rethrowing. */
export async function withSendErrorLog<T>(channel: SocialChannel, send: SocialSend, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof DeferredSendError)) {
      await recordSendError({ channel, inboxId: send.inbox.id, messageId: send.messageId, reason: (error as Error).message, retryable: !(error instanceof PermanentSendError) });
    }
    throw error;
  }
}
