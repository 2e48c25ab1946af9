// RFC 5322 / MIME → what the timeline stores. mailparser does the MIME work
// (multipart, charsets incl. ISO-8859-1, Windows-1252 and Shift_JIS,
// quoted-printable, base64, encoded words); here we pick the parts, sanitise
// HTML, split quotes and signatures and read the threading headers.
import { createHash } from "node:crypto";
import { simpleParser, type AddressObject, type ParsedMail } from "mailparser";
import type { AttachmentInput } from "@/server/ingest/record";
import { detectMachineMail, normalizeMessageId, parseMessageIdList, threadIndexRoot } from "./headers";
import { splitQuotedText, stripQuotedHtml } from "./quote";
import { htmlToPlainText, sanitizeEmailHtml } from "./sanitize";
import { storableDeep, storableText } from "@/server/text/storable";

export type EmailAddress = { address: string; name: string | null };

export type ParsedEmail = {
  /** The Message-ID header, normalised ("<id@host>"), or null when missing. */
  messageId: string | null;
  /** The Message-ID, or a deterministic one made from the content when missing. */
  platformMessageId: string;
  inReplyTo: string | null;
  /** References in header order (oldest first), then In-Reply-To if not among them. */
  references: string[];
  from: EmailAddress | null;
  replyTo: EmailAddress[];
  to: EmailAddress[];
  cc: EmailAddress[];
  /** Delivered-To / X-Original-To: where a forwarding mailbox says the mail was for. */
  deliveredTo: string[];
  subject: string;
  date: Date | null;
  /** The new text (quotes and signature split off). */
  bodyText: string;
  quotedText: string | null;
  /** Sanitised HTML without the quoted history, or null for text-only mail. */
  bodyHtml: string | null;
  attachments: AttachmentInput[];
  isAutoReply: boolean;
  isBounce: boolean;
  autoReplyReason: string | null;
  threadIndex: string | null;
  /** First 22 bytes of Thread-Index (base64): Outlook's thread key. */
  threadIndexRoot: string | null;
  threadTopic: string | null;
  /** For bounces: the Message-ID of the mail that bounced, when the report quotes it. */
  bouncedMessageId: string | null;
  /** Problems that did not stop storing the message. */
  warnings: string[];
};

const TRACE_HEADERS = new Set(["received", "return-path", "delivered-to", "x-original-to", "x-received", "arc-seal", "arc-message-signature", "arc-authentication-results", "authentication-results", "received-spf", "x-spam-status", "x-spam-score", "x-envelope-from", "x-envelope-to"]);

/**
 * A stable id for mail without a Message-ID: a hash of the message minus the
 * trace headers relays add, so a retried delivery maps to the same id.
 */
export function syntheticMessageId(raw: Buffer): string {
  const text = raw.toString("latin1");
  const split = /\r?\n\r?\n/.exec(text);
  const headerEnd = split ? split.index : text.length;
  const headerBlock = text.slice(0, headerEnd).replace(/\r\n/g, "\n");
  const fields: string[] = [];
  for (const line of headerBlock.split("\n")) {
    if (/^[ \t]/.test(line) && fields.length > 0) fields[fields.length - 1] += `\n${line}`;
    else fields.push(line);
  }
  const kept = fields.filter((f) => !TRACE_HEADERS.has(f.slice(0, f.indexOf(":")).trim().toLowerCase()));
  const hash = createHash("sha256").update(kept.join("\n")).update("\n\n").update(text.slice(headerEnd).replace(/\r\n/g, "\n").trimEnd()).digest("hex");
  return `<${hash.slice(0, 40)}@generated.throughline>`;
}

function addresses(value: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  if (!value) return [];
  const list = Array.isArray(value) ? value : [value];
  const out: EmailAddress[] = [];
  const walk = (entries: { address?: string; name?: string; group?: unknown[] }[]) => {
    for (const e of entries) {
      if (e.group) walk(e.group as typeof entries);
      else if (e.address && e.address.includes("@")) out.push({ address: e.address.trim(), name: e.name?.trim() || null });
    }
  };
  for (const a of list) walk(a.value);
  return out;
}

const EXT_BY_TYPE: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/gif": "gif",
  "image/webp": "webp",
  "application/pdf": "pdf",
  "text/plain": "txt",
  "text/calendar": "ics",
  "message/rfc822": "eml",
  "message/delivery-status": "txt",
  "text/rfc822-headers": "txt",
};

function attachmentsOf(parsed: ParsedMail): AttachmentInput[] {
  return parsed.attachments.map((a, i) => {
    const contentType = (a.contentType || "application/octet-stream").toLowerCase();
    const ext = Object.hasOwn(EXT_BY_TYPE, contentType) ? EXT_BY_TYPE[contentType]! : "bin";
    const filename = (a.filename || "").replace(/[\u0000-\u001f\u007f/\\]+/g, "_").trim().slice(0, 255) || `attachment-${i + 1}.${ext}`;
    const contentId = a.contentId ? a.contentId.replace(/^<|>$/g, "").trim() || undefined : undefined;
    return { filename, contentType, size: a.size ?? a.content.length, data: a.content, contentId };
  });
}

/** The Message-ID of the bounced mail, from the report's quoted original headers. */
function bouncedMessageId(parsed: ParsedMail): string | null {
  for (const a of parsed.attachments) {
    if (a.contentType === "message/rfc822" || a.contentType === "text/rfc822-headers" || a.contentType === "message/rfc822-headers") {
      const m = /^message-id:\s*(<[^>\s]+>)/im.exec(a.content.toString("utf8"));
      if (m) return normalizeMessageId(m[1]);
    }
  }
  const m = /^message-id:\s*(<[^>\s]+>)/im.exec(parsed.text ?? "");
  return m ? normalizeMessageId(m[1]) : null;
}

/**
 * The words of a header value (split at whitespace, <, >, comma and quote)
 * with an "@" that is neither their first nor their last character. The same
 * as matching /[^\s<>,"]+@[^\s<>,"]+/g, which is quadratic: each position of a
 * long word without "@" scans to the word's end (a 40 KB Delivered-To took 5 s).
 */
export function addressLikeWords(value: string): string[] {
  return value.split(/[\s<>,"]+/).filter((word) => word.slice(1, -1).includes("@"));
}

function headerString(parsed: ParsedMail, name: string): string | null {
  const v = parsed.headers.get(name);
  if (v === undefined || v === null) return null;
  return typeof v === "string" ? v : String((v as { value?: unknown }).value ?? v);
}

/** Parses a raw RFC 5322 message. Never throws for bad content: what can be read is returned. */
export async function parseEmail(raw: Buffer): Promise<ParsedEmail> {
  const warnings: string[] = [];
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, { keepCidLinks: true, skipTextToHtml: true, skipImageLinks: true, maxHtmlLengthToParse: 5_000_000 });
  } catch (error) {
    warnings.push(`MIME parsing failed: ${(error as Error).message}`);
    parsed = { headers: new Map(), headerLines: [], attachments: [], text: raw.toString("utf8") } as unknown as ParsedMail;
  }

  // Ids are cleaned before they are read, so cleaning cannot empty one later.
  const messageId = normalizeMessageId(parsed.messageId && storableText(parsed.messageId));
  const inReplyToList = parseMessageIdList(storableDeep(parsed.inReplyTo));
  const inReplyTo = inReplyToList[0] ?? null;
  const references = parseMessageIdList(storableDeep(parsed.references));
  if (inReplyTo && !references.includes(inReplyTo)) references.push(inReplyTo);

  const from = addresses(parsed.from)[0] ?? null;
  const machine = detectMachineMail(parsed.headers, from?.address);

  // NUL is cleaned before the emptiness checks: "\0\r\n" is no HTML body.
  const cleanHtml = typeof parsed.html === "string" ? storableText(parsed.html) : "";
  const html = cleanHtml.trim() ? cleanHtml : null;
  let fullText = parsed.text ?? "";
  if (!fullText.trim() && html) fullText = htmlToPlainText(html);
  const split = splitQuotedText(fullText);
  let bodyHtml: string | null = null;
  if (html) {
    try {
      const safe = sanitizeEmailHtml(stripQuotedHtml(html));
      bodyHtml = safe.trim() ? safe : null;
    } catch (error) {
      warnings.push(`HTML sanitising failed: ${(error as Error).message}`);
      bodyHtml = null;
    }
  }

  const threadIndex = headerString(parsed, "thread-index")?.trim() || null;
  // Broken bytes and charsets decode to NUL and lone surrogates, which the
  // database refuses: cleaned here so bad mail is stored, not retried for ever.
  return storableDeep<ParsedEmail>({
    messageId,
    platformMessageId: messageId ?? syntheticMessageId(raw),
    inReplyTo,
    references,
    from,
    replyTo: addresses(parsed.replyTo),
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    deliveredTo: ["delivered-to", "x-original-to"]
      .flatMap((h) => parsed.headerLines.filter((l) => l.key === h).map((l) => l.line.slice(l.line.indexOf(":") + 1)))
      .flatMap(addressLikeWords),
    subject: (parsed.subject ?? "").replace(/[\r\n]+/g, " ").trim(),
    date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : null,
    bodyText: split.body,
    quotedText: split.quoted,
    bodyHtml,
    attachments: attachmentsOf(parsed),
    isAutoReply: machine.isAutoReply,
    isBounce: machine.isBounce,
    autoReplyReason: machine.reason,
    threadIndex,
    threadIndexRoot: threadIndexRoot(threadIndex),
    threadTopic: headerString(parsed, "thread-topic")?.trim() || null,
    bouncedMessageId: machine.isBounce ? bouncedMessageId(parsed) : null,
    warnings,
  });
}
