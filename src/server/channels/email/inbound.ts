// One received email → the timeline, for the SMTP server and the HTTP
// endpoint alike: parse, thread, then the single write path (recordTouchpoint).
// Idempotent on the Message-ID (or a content hash when there is none).
import { db } from "@/server/db";
import { bus } from "@/server/events/bus";
import { normalizeEmail } from "@/server/customers/normalize";
import { recordTouchpoint, TouchpointError, type IdentityClaim, type TouchpointResult } from "@/server/ingest/record";
import { getTimelineItem } from "@/server/timeline/query";
import { pickInbox, type EmailInbox } from "./inboxes";
import { parseEmail, type ParsedEmail } from "./parse";
import { resolveThread, type ThreadDecision } from "./threading";

/** The message cannot be accepted, and sending it again will not help (SMTP 5xx, HTTP 4xx). */
export class EmailRejectedError extends Error {
  constructor(
    message: string,
    public smtpCode = 554,
    public enhanced = "5.6.0",
  ) {
    super(message);
  }
}

export type InboundEmailResult = TouchpointResult & { duplicate: boolean; parsed: ParsedEmail; thread: ThreadDecision };

function validEmail(address: string | null | undefined): string | null {
  if (!address) return null;
  try {
    return normalizeEmail(address);
  } catch {
    return null;
  }
}

/** True for errors that mean "try again later" (database or other infrastructure), false for bad mail. */
export function isTemporaryFailure(error: unknown): boolean {
  if (error instanceof EmailRejectedError) return false;
  if (error instanceof TouchpointError) return false;
  return true;
}

export async function ingestEmail(opts: {
  /** The inbox, or candidates (one token for several inboxes): the one addressed wins. */
  inbox: EmailInbox | EmailInbox[];
  raw: Buffer;
  /** SMTP envelope: MAIL FROM (sender fallback) and RCPT TO (plus-address tokens). */
  envelope?: { mailFrom?: string | null; rcptTo?: string[] };
  receivedVia: "smtp" | "http";
}): Promise<InboundEmailResult> {
  const parsed = await parseEmail(opts.raw);
  const inbox = Array.isArray(opts.inbox)
    ? pickInbox(opts.inbox, [...(opts.envelope?.rcptTo ?? []), ...parsed.to.map((a) => a.address), ...parsed.cc.map((a) => a.address), ...parsed.deliveredTo])
    : opts.inbox;
  if (!inbox) throw new EmailRejectedError("5.1.1 No such mailbox", 550, "5.1.1");
  const fromAddress = validEmail(parsed.from?.address) ?? validEmail(opts.envelope?.mailFrom);
  if (!fromAddress) throw new EmailRejectedError("5.1.7 The message has no valid sender address (From)", 550, "5.1.7");
  const fromName = parsed.from && validEmail(parsed.from.address) === fromAddress ? parsed.from.name : null;

  const identities: IdentityClaim[] = [{ kind: "email", value: fromAddress, verified: true, source: "email_from" }];
  for (const r of parsed.replyTo) {
    const v = validEmail(r.address);
    if (v && v !== fromAddress && !identities.some((i) => i.value === v)) identities.push({ kind: "email", value: v, verified: false, source: "email_reply_to" });
  }

  let result: TouchpointResult | undefined;
  let thread: ThreadDecision | undefined;
  for (let attempt = 0; attempt < 2 && !result; attempt++) {
    thread = await resolveThread({ inboxId: inbox.id, parsed, recipients: opts.envelope?.rcptTo });
    // A bounce that belongs to a known conversation is filed under that
    // conversation's customer: a MAILER-DAEMON is nobody's customer.
    const bounceInThread = parsed.isBounce && thread.conversationId !== null;
    try {
      result = await recordTouchpoint({
        identities: bounceInThread ? undefined : identities,
        customerName: fromName,
        channel: "email",
        kind: "message",
        actor: "customer",
        text: parsed.bodyText || parsed.subject,
        payload: { subject: parsed.subject || null, ...(parsed.isAutoReply ? { autoReply: true, autoReplyReason: parsed.autoReplyReason } : {}) },
        conversation:
          thread.conversationId !== null
            ? { id: thread.conversationId, inboxId: inbox.id }
            : { inboxId: inbox.id, externalThreadKey: thread.externalThreadKey, subject: thread.subject },
        message: {
          direction: "inbound",
          bodyText: parsed.bodyText,
          bodyHtml: parsed.bodyHtml,
          quotedText: parsed.quotedText,
          subject: parsed.subject || null,
          platformMessageId: parsed.platformMessageId,
          inReplyTo: parsed.inReplyTo,
          references: parsed.references,
          cc: parsed.cc.map((a) => a.address),
          isAutoReply: parsed.isAutoReply,
          meta: {
            from: { address: fromAddress, name: fromName },
            replyTo: parsed.replyTo,
            to: parsed.to,
            cc: parsed.cc,
            date: parsed.date?.toISOString() ?? null,
            messageIdMissing: parsed.messageId === null ? true : undefined,
            threadIndex: parsed.threadIndex ?? undefined,
            threadIndexRoot: parsed.threadIndexRoot ?? undefined,
            threadTopic: parsed.threadTopic ?? undefined,
            autoReplyReason: parsed.autoReplyReason ?? undefined,
            bounce: parsed.isBounce || undefined,
            bouncedMessageId: parsed.bouncedMessageId ?? undefined,
            threadedBy: thread.conversationId !== null ? thread.matchedBy : "new",
            receivedVia: opts.receivedVia,
            warnings: parsed.warnings.length > 0 ? parsed.warnings : undefined,
          },
          attachments: parsed.attachments,
        },
      });
    } catch (error) {
      // The conversation we picked vanished meanwhile (deleted, merged away): thread again.
      if (error instanceof TouchpointError && error.code === "not_found" && thread.conversationId !== null && attempt === 0) continue;
      if (error instanceof TouchpointError) throw new EmailRejectedError(`5.6.0 ${error.message}`, 554, "5.6.0");
      throw error;
    }
  }
  if (!result || !thread) throw new Error("email ingestion did not complete");

  if (result.created && result.messageId) {
    // Best effort after commit: neither failure loses the stored message.
    if (parsed.bodyHtml && /cid:/i.test(parsed.bodyHtml)) await linkInlineImages(result, parsed.bodyHtml).catch((e) => console.error(`[email] inline images: ${(e as Error).message}`));
    if (parsed.isBounce && parsed.bouncedMessageId) await markBounced(inbox.id, parsed).catch((e) => console.error(`[email] bounce: ${(e as Error).message}`));
  }
  return { ...result, duplicate: !result.created, parsed, thread };
}

/** cid: image sources → the stored attachment's download URL. */
async function linkInlineImages(result: TouchpointResult, html: string) {
  const rows = await db.attachment.findMany({ where: { messageId: result.messageId!, contentId: { not: null } }, select: { id: true, contentId: true } });
  if (rows.length === 0) return;
  const byCid = new Map(rows.map((r) => [r.contentId!.toLowerCase(), r.id]));
  const rewritten = html.replace(/(["'])cid:([^"']+)\1/gi, (whole, q: string, cid: string) => {
    let key = cid.trim();
    try {
      key = decodeURIComponent(key);
    } catch {
      /* keep as is */
    }
    const id = byCid.get(key.replace(/^<|>$/g, "").toLowerCase());
    return id ? `${q}/api/attachments/${id}${q}` : whole;
  });
  if (rewritten === html) return;
  await db.message.update({ where: { id: result.messageId! }, data: { bodyHtml: rewritten } });
  await publishEventUpdate(result.eventId);
}

/** A delivery report about a mail we sent: that message failed. */
async function markBounced(inboxId: string, parsed: ParsedEmail) {
  const target = await db.message.findUnique({
    where: { inboxId_platformMessageId: { inboxId, platformMessageId: parsed.bouncedMessageId! } },
    select: { id: true, direction: true, conversationId: true, event: { select: { id: true, customerId: true } } },
  });
  if (!target || target.direction !== "outbound") return;
  const diagnostic = /diagnostic-code:\s*(?:smtp;\s*)?([^\n]+)/i.exec(parsed.bodyText + "\n" + (parsed.quotedText ?? ""))?.[1]?.trim();
  const reason = `Bounced: ${diagnostic ?? parsed.subject ?? "delivery failed"}`.slice(0, 500);
  await db.message.update({ where: { id: target.id }, data: { deliveryStatus: "failed", deliveryError: reason } });
  if (target.event) {
    bus.publish({ type: "message.status", conversationId: target.conversationId, customerId: target.event.customerId, inboxId, messageId: target.id, status: "failed", error: reason });
    await publishEventUpdate(target.event.id);
  }
}

async function publishEventUpdate(eventId: string) {
  const item = await getTimelineItem(eventId);
  if (!item) return;
  const ev = await db.timelineEvent.findUnique({ where: { id: eventId }, select: { customerId: true } });
  if (!ev) return;
  bus.publish({ type: "timeline.updated", customerId: ev.customerId, eventId, conversationId: item.conversationId, inboxId: item.inboxId, item });
}
