// Webhook authenticity. Every comparison is timing-safe and every HMAC is
// computed over the raw request bytes exactly as received: re-serialising the
// parsed JSON would change escapes ("\u00e9" vs "é", "\/") and break real
// platform signatures.
import { createHmac, timingSafeEqual } from "node:crypto";

type Bytes = Uint8Array | string;

function toBuffer(value: Bytes): Buffer {
  return typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** Constant-time string equality (lengths may leak, contents do not). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  if (x.length !== y.length) {
    // Still spend the time of a comparison.
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}

export function hmacSha256(secret: string, data: Bytes): Buffer {
  return createHmac("sha256", secret).update(toBuffer(data)).digest();
}

/** The X-Hub-Signature-256 value Meta sends: "sha256=<hex>". */
export function metaSignature(rawBody: Bytes, appSecret: string): string {
  return `sha256=${hmacSha256(appSecret, rawBody).toString("hex")}`;
}

/** Meta (Messenger, Instagram, WhatsApp): X-Hub-Signature-256 = sha256=<hex HMAC-SHA256(raw body, app secret)>. */
export function verifyMetaSignature(rawBody: Bytes, header: string | null | undefined, appSecret: string): boolean {
  if (!header || !appSecret) return false;
  const trimmed = header.trim();
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(trimmed);
  if (!match) return false;
  return safeEqual(metaSignature(rawBody, appSecret), `sha256=${match[1]!.toLowerCase()}`);
}

/** X: x-twitter-webhooks-signature = sha256=<base64 HMAC-SHA256(raw body, consumer secret)>. */
export function xSignature(rawBody: Bytes, consumerSecret: string): string {
  return `sha256=${hmacSha256(consumerSecret, rawBody).toString("base64")}`;
}

export function verifyXSignature(rawBody: Bytes, header: string | null | undefined, consumerSecret: string): boolean {
  if (!header || !consumerSecret) return false;
  return safeEqual(xSignature(rawBody, consumerSecret), header.trim());
}

/** X's challenge-response check: {"response_token": "sha256=<base64 HMAC-SHA256(crc_token, consumer secret)>"}. */
export function xCrcResponse(crcToken: string, consumerSecret: string): { response_token: string } {
  return { response_token: xSignature(crcToken, consumerSecret) };
}

/** Telegram: X-Telegram-Bot-Api-Secret-Token must equal the secret given to setWebhook. */
export function verifyTelegramSecret(header: string | null | undefined, secret: string): boolean {
  if (!header || !secret) return false;
  return safeEqual(header, secret);
}
