// An agent's reply (or internal note) in a conversation: stored on the
// timeline through the single write path, then queued in the outbox for the
// conversation's channel. Notes never leave Throughline.
//
// Stored before sent: the message (deliveryStatus "queued") and its timeline
// event commit together in recordTouchpoint; the outbox item is inserted right
// after. Should the process die in between, the outbox worker's sweep finds
// the queued message without an item and enqueues it, so nothing is dropped.
import type { ChannelKind } from "@/generated/prisma/enums";
import { db } from "@/server/db";
import { enqueueOutbound, nudgeOutbox } from "@/server/outbox/outbox";
import { recordTouchpoint, TouchpointError, type AttachmentInput } from "@/server/timeline/ingest";
import { isUuid } from "@/server/timeline/ids";
import { normalizeEmail } from "@/server/customers/normalize";
import { newMessageId, replySubject } from "@/server/channels/email/headers";
import { htmlToPlainText, sanitizeEmailHtml } from "@/server/channels/email/sanitize";

export type ReplyInput = {
  conversationId: string;
  authorId: string;
  bodyText: string;
  /** Rich reply; sanitised here. Without bodyText, the text is derived from it. */
  bodyHtml?: string | null;
  cc?: string[];
  /** Email: the base subject (the ticket token is added); default the conversation's. */
  subject?: string | null;
  isNote?: boolean;
  attachments?: AttachmentInput[];
  /** Idempotency for double submits: the same id twice is stored and sent once. */
  clientMessageId?: string;
};

export type ReplyResult = { messageId: string; eventId: string; created: boolean };

const MAX_BODY = 200_000;

export async function sendReply(input: ReplyInput): Promise<ReplyResult> {
  if (!isUuid(input.conversationId)) throw new TouchpointError("not_found", "unknown conversation");
  if (!isUuid(input.authorId)) throw new TouchpointError("invalid_input", "unknown author");
  const bodyHtml = input.bodyHtml?.trim() ? sanitizeEmailHtml(input.bodyHtml) || null : null;
  let bodyText = (input.bodyText ?? "").replace(/\r\n?/g, "\n").trim();
  if (!bodyText && bodyHtml) bodyText = htmlToPlainText(bodyHtml);
  const hasFiles = (input.attachments?.length ?? 0) > 0;
  if (!bodyText && !hasFiles) throw new TouchpointError("invalid_input", "the reply is empty");
  if (bodyText.length > MAX_BODY) throw new TouchpointError("invalid_input", `the reply is longer than ${MAX_BODY} characters`);
  const isNote = input.isNote === true;

  const [conv, author] = await Promise.all([
    db.conversation.findUnique({ where: { id: input.conversationId }, select: { id: true, inboxId: true, channel: true, number: true, subject: true, inbox: { select: { publicId: true } } } }),
    db.user.findUnique({ where: { id: input.authorId }, select: { id: true, deactivatedAt: true } }),
  ]);
  if (!conv) throw new TouchpointError("not_found", "unknown conversation");
  if (!author || author.deactivatedAt) throw new TouchpointError("invalid_input", "unknown author");

  const cc: string[] = [];
  for (const raw of input.cc ?? []) {
    if (!raw.trim()) continue;
    try {
      cc.push(normalizeEmail(raw));
    } catch {
      throw new TouchpointError("invalid_input", `invalid Cc address: ${raw.slice(0, 80)}`);
    }
  }
  if (cc.length > 0 && conv.channel !== "email") throw new TouchpointError("invalid_input", "Cc is only for email conversations");

  const isEmail = conv.channel === "email";
  const result = await recordTouchpoint({
    conversation: { id: conv.id, inboxId: conv.inboxId },
    channel: conv.channel,
    kind: isNote ? "note" : "message",
    actor: "agent",
    actorUserId: author.id,
    text: bodyText,
    dedupeKey: input.clientMessageId ? `reply:${conv.id}:${input.clientMessageId.slice(0, 200)}` : undefined,
    message: {
      direction: "outbound",
      bodyText,
      bodyHtml,
      subject: isEmail && !isNote ? replySubject(input.subject?.trim() || conv.subject, conv.number) : (input.subject?.trim() || null),
      // Email: our Message-ID exists before the first send attempt, so a retry is the same message.
      platformMessageId: isEmail && !isNote ? newMessageId(conv.inbox.publicId) : null,
      cc,
      isNote,
      authorId: author.id,
      deliveryStatus: isNote ? "sent" : "queued",
      attachments: input.attachments,
    },
  }, {
    // Stored before sent: the outbox item commits with the message.
    afterWrite: async (tx, [written]) => {
      if (!isNote && written?.created && written.messageId) {
        await enqueueOutbound(tx, { messageId: written.messageId, channel: conv.channel as ChannelKind });
      }
    },
  });
  if (!result.messageId) throw new Error("reply stored without a message");
  if (!isNote && result.created) nudgeOutbox();
  return { messageId: result.messageId, eventId: result.eventId, created: result.created };
}
