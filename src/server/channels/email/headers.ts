// Header-level rules of the email channel: Message-ID forms, subject
// normalisation, the ticket token, Outlook's Thread-Index, and recognising
// mail written by machines (auto-replies, bounces, lists).
import { randomUUID } from "node:crypto";

/** The domain of an inbox address, for the Message-IDs we mint. */
export function inboxDomain(address: string): string {
  const at = address.lastIndexOf("@");
  const domain = at >= 0 ? address.slice(at + 1).trim().toLowerCase() : "";
  return /^[a-z0-9.-]+$/.test(domain) ? domain : "throughline.local";
}

/** A fresh Message-ID in the inbox's domain: "<uuid@domain>". */
export function newMessageId(inboxAddress: string): string {
  return `<${randomUUID()}@${inboxDomain(inboxAddress)}>`;
}

/** "<id@host>" with the angle brackets, whitespace removed; null when there is no id. */
export function normalizeMessageId(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const value = String(raw).replace(/\s+/g, "");
  // The first well-formed "<id>" when there is one (a broken header may run
  // into the next); else the bare value. Never "<" or ">" inside: the id is
  // written back into our replies' In-Reply-To and References.
  const bracketed = /<([^<>]+)>/.exec(value);
  const inner = bracketed ? bracketed[1]! : value.replace(/[<>]/g, "");
  if (!inner || inner.length > 900) return null;
  return `<${inner}>`;
}

/** All "<...>" ids of a References / In-Reply-To style header value, in header order. */
export function parseMessageIdList(raw: string | string[] | null | undefined): string[] {
  if (!raw) return [];
  const text = Array.isArray(raw) ? raw.join(" ") : String(raw);
  const ids = [...text.matchAll(/<([^<>\s]+)>/g)].map((m) => `<${m[1]}>`);
  // Some clients write ids without brackets.
  if (ids.length === 0) {
    for (const part of text.split(/[\s,]+/)) {
      const id = part.includes("@") ? normalizeMessageId(part) : null;
      if (id) ids.push(id);
    }
  }
  return [...new Set(ids)];
}

// Reply/forward prefixes in the languages mail clients write them in:
// Re, Fw/Fwd, AW/WG (German), SV/VS (Nordic), Antw (Dutch), RIF (Italian),
// TR (French), ODP (Polish), YNT (Turkish), optionally counted "Re[2]:".
const PREFIX = /^\s*(?:(?:re|fw|fwd|aw|wg|sv|vs|antw|rif|tr|odp|ynt)(?:\s*\[\d+\]|\s*\(\d+\))?\s*[:：]\s*|\[(?:ext|external)\]\s*)/i;
const TOKEN = /\[#(\d{1,9})\]/;
// The token alone, not /\s*\[#…\]\s*/: a leading \s* is retried from every
// position of a long whitespace run, quadratic in the run (a 1 MB subject took
// minutes). The whitespace around a token is collapsed by the /\s+/ step below.
const TOKEN_GLOBAL = /\[#\d{1,9}\]/g;

/** The subject without reply/forward prefixes and the ticket token ("Re: AW: Refund [#12]" → "Refund"). */
export function normalizeSubject(subject: string | null | undefined): string {
  let s = (subject ?? "").replace(TOKEN_GLOBAL, " ").replace(/\s+/g, " ").trim();
  for (let i = 0; i < 20; i++) {
    const next = s.replace(PREFIX, "").replace(TOKEN_GLOBAL, " ").trim();
    if (next === s) break;
    s = next;
  }
  return s;
}

/** What two subjects must share to be the same thread. */
export function subjectKey(subject: string | null | undefined): string {
  return normalizeSubject(subject).toLowerCase();
}

/** The conversation number of a "[#1234]" token in the subject. */
export function subjectTicketNumber(subject: string | null | undefined): number | null {
  const m = TOKEN.exec(subject ?? "");
  return m ? Number(m[1]) : null;
}

/** "support+t1234@x.test" → { base: "support@x.test", ticket: 1234 }; other plus tags are dropped. */
export function splitPlusAddress(address: string): { base: string; ticket: number | null } {
  const at = address.lastIndexOf("@");
  if (at < 0) return { base: address.trim().toLowerCase(), ticket: null };
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  const plus = local.indexOf("+");
  if (plus < 0) return { base: `${local}@${domain}`.trim().toLowerCase(), ticket: null };
  const tag = local.slice(plus + 1);
  const m = /^t(\d{1,9})$/i.exec(tag);
  return { base: `${local.slice(0, plus)}@${domain}`.trim().toLowerCase(), ticket: m ? Number(m[1]) : null };
}

/** The subject we send: the thread's subject, "Re: " once, and the ticket token. */
export function replySubject(subject: string | null | undefined, number: number): string {
  const base = normalizeSubject(subject) || "Your request";
  return `Re: ${base} [#${number}]`;
}

/**
 * Outlook's Thread-Index: base64 of 22 bytes (a FILETIME and a GUID) that name
 * the thread, then 5 bytes per reply. The first 22 bytes are the thread key.
 */
export function threadIndexRoot(threadIndex: string | null | undefined): string | null {
  if (!threadIndex) return null;
  const compact = threadIndex.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+=*$/.test(compact)) return null;
  const bytes = Buffer.from(compact, "base64");
  if (bytes.length < 22) return null;
  return bytes.subarray(0, 22).toString("base64");
}

/** A Thread-Index for a new reply in the thread of `root` (22 bytes, base64). */
export function childThreadIndex(root: string, now: Date = new Date()): string {
  const head = Buffer.from(root, "base64").subarray(0, 22);
  // 5 bytes: time difference in 2^18 * 100ns units and random bits; clients only compare the head.
  const child = Buffer.alloc(5);
  const delta = BigInt(Math.max(0, now.getTime() - filetimeMs(head))) * 10_000n >> 18n;
  child.writeUInt32BE(Number(delta & 0xffffffffn) >>> 0, 0);
  child[4] = Math.floor(Math.random() * 256);
  return Buffer.concat([head, child]).toString("base64");
}

/** A Thread-Index root for a conversation we start: FILETIME of `at` and the conversation's UUID as GUID. */
export function conversationThreadIndexRoot(conversationId: string, at: Date): string {
  const head = Buffer.alloc(22);
  // FILETIME: 100ns since 1601-01-01; Outlook stores the high 6 bytes.
  const filetime = (BigInt(at.getTime()) + 11_644_473_600_000n) * 10_000n;
  const hi = filetime >> 16n;
  head.writeUIntBE(Number(hi & 0xffffffffffffn), 0, 6);
  Buffer.from(conversationId.replace(/-/g, ""), "hex").copy(head, 6);
  return head.toString("base64");
}

/** The conversation id hidden in a root made by conversationThreadIndexRoot (any GUID parses; the caller checks it exists). */
export function guidOfThreadIndexRoot(root: string): string | null {
  const bytes = Buffer.from(root, "base64");
  if (bytes.length < 22) return null;
  const h = bytes.subarray(6, 22).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function filetimeMs(head: Buffer): number {
  const hi = BigInt(head.readUIntBE(0, 6));
  return Number((hi << 16n) / 10_000n - 11_644_473_600_000n);
}

export type HeaderLookup = { get(name: string): unknown };

export type MachineMail = { isAutoReply: boolean; isBounce: boolean; reason: string | null };

const BOUNCE_SENDERS = /^(mailer-daemon|postmaster|mail-daemon|mailer_daemon)$/i;

function headerText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "object" && "value" in (value as object)) return String((value as { value: unknown }).value ?? "");
  return String(value);
}

function contentTypeOf(value: unknown): { type: string; params: Record<string, string> } {
  if (value && typeof value === "object" && "value" in (value as object)) {
    const v = value as { value: string; params?: Record<string, string> };
    return { type: String(v.value).toLowerCase(), params: Object.fromEntries(Object.entries(v.params ?? {}).map(([k, x]) => [k.toLowerCase(), String(x).toLowerCase()])) };
  }
  const text = headerText(value);
  const [type, ...rest] = text.split(";");
  const params: Record<string, string> = {};
  for (const p of rest) {
    const i = p.indexOf("=");
    if (i > 0) params[p.slice(0, i).trim().toLowerCase()] = p.slice(i + 1).trim().replace(/^"|"$/g, "").toLowerCase();
  }
  return { type: (type ?? "").trim().toLowerCase(), params };
}

/**
 * Mail no human wrote: out-of-office and other auto-replies (RFC 3834), list
 * and bulk mail, delivery reports and bounces. Such mail must never reopen a
 * ticket or trigger an autoresponder (mail loops).
 */
export function detectMachineMail(headers: HeaderLookup, fromAddress: string | null | undefined): MachineMail {
  const ct = contentTypeOf(headers.get("content-type"));
  if (ct.type === "multipart/report" && ct.params["report-type"] === "delivery-status") return { isAutoReply: true, isBounce: true, reason: "delivery-status report" };
  const local = (fromAddress ?? "").split("@")[0] ?? "";
  if (BOUNCE_SENDERS.test(local)) return { isAutoReply: true, isBounce: true, reason: `sender ${local}` };
  if (ct.type === "multipart/report") return { isAutoReply: true, isBounce: false, reason: `report ${ct.params["report-type"] ?? ""}`.trim() };
  const autoSubmitted = headerText(headers.get("auto-submitted")).trim().toLowerCase();
  if (autoSubmitted && !/^no\b/.test(autoSubmitted)) return { isAutoReply: true, isBounce: false, reason: `Auto-Submitted: ${autoSubmitted}` };
  const precedence = headerText(headers.get("precedence")).trim().toLowerCase();
  if (/^(bulk|junk|list|auto_reply)\b/.test(precedence)) return { isAutoReply: true, isBounce: false, reason: `Precedence: ${precedence}` };
  for (const name of ["x-autoreply", "x-autorespond", "x-autorespond-by", "x-auto-response"]) {
    const v = headers.get(name);
    if (v !== undefined && v !== null && !/^(no|false|0)$/i.test(headerText(v).trim())) return { isAutoReply: true, isBounce: false, reason: name };
  }
  return { isAutoReply: false, isBounce: false, reason: null };
}
