// Outbound email: an agent's reply leaves through the SMTP relay
// (SMTP_RELAY_URL) as a proper reply in the customer's thread: From the inbox
// address, To the customer, "Re: <subject> [#<number>]", In-Reply-To and
// References pointing at the customer's mail, Outlook's Thread-Index/Topic,
// HTML with a text alternative. The Message-ID is ours and stored before the
// first attempt, so a retried send is recognisably the same message.
import nodemailer, { type Transporter } from "nodemailer";
import { db } from "@/server/db";
import { DeferredSendError, PermanentSendError, RetryableSendError, registerSender, type SendContext, type Sender } from "@/server/outbox/outbox";
import { childThreadIndex, conversationThreadIndexRoot, newMessageId, normalizeMessageId, normalizeSubject, replySubject, subjectTicketNumber } from "./headers";
import { textToHtml } from "./sanitize";

export const NO_RELAY = "No SMTP relay configured (set SMTP_RELAY_URL)";

type Meta = { from?: { address?: string; name?: string | null }; replyTo?: { address?: string; name?: string | null }[]; threadIndexRoot?: string };

function metaOf(value: unknown): Meta {
  return value && typeof value === "object" ? (value as Meta) : {};
}

export type OutboundEmail = {
  from: { name: string; address: string };
  to: { name: string; address: string }[];
  cc: string[];
  subject: string;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  text: string;
  html: string;
  headers: Record<string, string>;
  attachments: { filename: string; content: Buffer; contentType: string; cid?: string }[];
};

const MAX_REFERENCES = 20;

/** Everything needed to send this message; stores a Message-ID first if it has none. */
export async function buildOutboundEmail(message: SendContext["message"]): Promise<OutboundEmail> {
  const conv = message.conversation;
  const inbox = message.inbox;

  let messageId = normalizeMessageId(message.platformMessageId);
  if (!messageId) {
    messageId = newMessageId(inbox.publicId);
    await db.message.update({ where: { id: message.id }, data: { platformMessageId: messageId } });
  }

  // The customer's latest mail in this conversation (theirs, not a CC'd stranger's).
  const [lastInbound] = await db.$queryRaw<{ platform_message_id: string | null; references: string[]; meta: unknown }[]>`
    SELECT m.platform_message_id, m.references, m.meta
    FROM messages m JOIN timeline_events e ON e.message_id = m.id
    WHERE m.conversation_id = ${conv.id}::uuid AND m.direction = 'inbound' AND NOT m.is_auto_reply AND e.customer_id = ${conv.customerId}::uuid
    ORDER BY m.created_at DESC, m.id DESC LIMIT 1`;
  const meta = metaOf(lastInbound?.meta);
  let to: { name: string; address: string }[] = [];
  const replyTo = meta.replyTo?.find((r) => r.address);
  if (replyTo?.address) to = [{ name: replyTo.name ?? "", address: replyTo.address }];
  else if (meta.from?.address) to = [{ name: meta.from.name ?? "", address: meta.from.address }];
  if (to.length === 0) {
    const identity = await db.customerIdentity.findFirst({
      where: { customerId: conv.customerId, kind: "email" },
      orderBy: [{ verified: "desc" }, { createdAt: "asc" }],
      select: { value: true, customer: { select: { name: true } } },
    });
    if (identity) to = [{ name: identity.customer.name ?? "", address: identity.value }];
  }
  if (to.length === 0) throw new PermanentSendError("The customer has no email address");

  // Reply to the latest message of the thread that has an id (usually the customer's).
  const [parent] = await db.$queryRaw<{ platform_message_id: string; references: string[] }[]>`
    SELECT m.platform_message_id, m.references FROM messages m
    WHERE m.conversation_id = ${conv.id}::uuid AND m.id <> ${message.id}::uuid AND m.platform_message_id IS NOT NULL AND NOT m.is_note
      AND m.created_at <= ${message.createdAt}
    ORDER BY (m.direction = 'inbound') DESC, m.created_at DESC, m.id DESC LIMIT 1`;
  const inReplyTo = normalizeMessageId(parent?.platform_message_id ?? null);
  let references = [...(parent?.references ?? []), ...(inReplyTo ? [inReplyTo] : [])].map((r) => normalizeMessageId(r)).filter((r): r is string => !!r);
  references = [...new Set(references)];
  // Keep the root and the most recent ones.
  if (references.length > MAX_REFERENCES) references = [references[0]!, ...references.slice(-(MAX_REFERENCES - 1))];

  const subject = message.subject && subjectTicketNumber(message.subject) === conv.number ? message.subject : replySubject(message.subject || conv.subject, conv.number);
  const threadRoot = metaOf(lastInbound?.meta).threadIndexRoot ?? conversationThreadIndexRoot(conv.id, conv.createdAt);

  return {
    from: { name: inbox.name, address: inbox.publicId },
    to,
    cc: message.cc,
    subject,
    messageId,
    inReplyTo,
    references,
    text: message.bodyText,
    html: message.bodyHtml ?? textToHtml(message.bodyText),
    headers: {
      "Thread-Topic": normalizeSubject(subject) || subject,
      "Thread-Index": childThreadIndex(threadRoot),
      "X-Throughline-Conversation": String(conv.number),
    },
    attachments: message.attachments
      .filter((a) => a.data)
      .map((a) => ({ filename: a.filename, content: Buffer.from(a.data!), contentType: a.contentType, ...(a.contentId ? { cid: a.contentId } : {}) })),
  };
}

const RETRYABLE_CODES = new Set(["ECONNECTION", "ETIMEDOUT", "ESOCKET", "EDNS", "ECONNREFUSED", "ECONNRESET", "EPIPE", "ETLS", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPROXY"]);

/** SMTP errors as outbox outcomes: 5xx permanent, 4xx and network trouble retryable. */
export function classifySmtpError(error: unknown): Error {
  const e = error as { responseCode?: number; code?: string; response?: string; message?: string };
  const code = typeof e?.responseCode === "number" ? e.responseCode : undefined;
  const text = (e?.response || e?.message || String(error)).replace(/\s+/g, " ").trim();
  if (code !== undefined && code >= 500) return new PermanentSendError(`Relay rejected the message: ${text}`);
  if (code !== undefined && code >= 400) return new RetryableSendError(`Relay deferred the message: ${text}`);
  if (e?.code && RETRYABLE_CODES.has(e.code)) return new RetryableSendError(`Relay unreachable: ${text}`);
  if (e?.code === "EENVELOPE" || e?.code === "EMESSAGE") return new PermanentSendError(`Message not sendable: ${text}`);
  return new RetryableSendError(text || "send failed");
}

/** The email channel's sender for the outbox. Without a relay it defers (items wait, visible to admins). */
export function createEmailSender(opts: { relayUrl?: string | null; transport?: Transporter }): Sender {
  const transport =
    opts.transport ??
    (opts.relayUrl
      ? nodemailer.createTransport({ url: opts.relayUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as never)
      : null);
  return async ({ message }) => {
    if (!transport) throw new DeferredSendError(NO_RELAY, 60_000);
    const mail = await buildOutboundEmail(message);
    try {
      await transport.sendMail({
        from: mail.from,
        to: mail.to,
        cc: mail.cc.length ? mail.cc : undefined,
        subject: mail.subject,
        messageId: mail.messageId,
        inReplyTo: mail.inReplyTo ?? undefined,
        references: mail.references.length ? mail.references : undefined,
        text: mail.text,
        html: mail.html,
        headers: mail.headers,
        attachments: mail.attachments,
        disableFileAccess: true,
        disableUrlAccess: true,
      });
    } catch (error) {
      throw classifySmtpError(error);
    }
    return { platformMessageId: mail.messageId };
  };
}

/** Registers the email sender with this process's outbox (see the email service). */
export function registerEmailSender(relayUrl: string | null | undefined): () => void {
  return registerSender("email", createEmailSender({ relayUrl }));
}
