// An agent's reply (or internal note) in a conversation: stored on the
// timeline through the single write path, then queued in the outbox for the
// conversation's channel. Notes never leave Throughline.
//
// Stored before sent: the message (deliveryStatus "queued") and its timeline
// event commit together in recordTouchpoint; the outbox item is inserted right
// after. Should the process die in between, the outbox worker's sweep finds
// the queued message without an item and enqueues it, so nothing is dropped.
//
// Assign on first reply: an agent's own reply (claim: true, the console) to an
// unassigned conversation assigns it to them in the same transaction, when the
// inbox says so (Inbox.assignOnReply, on by default) — a ticket event
// "Assigned to …" and conversation.updated like any assignment. Notes, and
// messages rules and surveys send, never claim.
import type { ChannelKind } from "@/generated/prisma/enums";
import { db } from "@/server/db";
import { enqueueOutbound, nudgeOutbox } from "@/server/outbox/outbox";
import { recordTouchpoint, TouchpointError, type AttachmentInput } from "@/server/ingest/record";
import { isUuid } from "@/server/db/ids";
import { normalizeEmail } from "@/server/customers/normalize";
import { newMessageId, replySubject } from "@/server/channels/email/headers";
import { htmlToPlainText, sanitizeEmailHtml } from "@/server/channels/email/sanitize";
import type { Tx } from "@/server/db/tx";
import { applyTicketChanges, canBeAssigned, LOCKED_COLUMNS, publishTicketUpdate, type LockedConversation, type TicketActor, type TicketOutcome } from "./ticket";

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
  /** The author is an agent replying themselves: an unassigned conversation becomes theirs (see above). */
  claim?: boolean;
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
    db.conversation.findUnique({
      where: { id: input.conversationId },
      select: { id: true, inboxId: true, channel: true, number: true, subject: true, assigneeId: true, inbox: { select: { publicId: true, assignOnReply: true } } },
    }),
    db.user.findUnique({ where: { id: input.authorId }, select: { id: true, name: true, deactivatedAt: true } }),
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
  // Re-checked on the locked row: someone may assign it meanwhile.
  const mayClaim = input.claim === true && !isNote && conv.assigneeId === null && conv.inbox.assignOnReply;
  const actor: TicketActor = { userId: author.id, name: author.name };
  let claimed = null as TicketOutcome | null; // set inside the transaction
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
        if (mayClaim) claimed = await assignToReplier(tx, conv.id, actor);
      }
    },
  });
  if (!result.messageId) throw new Error("reply stored without a message");
  if (!isNote && result.created) nudgeOutbox();
  if (claimed) await publishTicketUpdate(claimed, actor);
  return { messageId: result.messageId, eventId: result.eventId, created: result.created };
}

/** Inside the reply's transaction: the conversation becomes the replier's if it is still unassigned and they may have it. */
async function assignToReplier(tx: Tx, conversationId: string, actor: TicketActor): Promise<TicketOutcome | null> {
  const [row] = await tx.$queryRaw<LockedConversation[]>`SELECT ${LOCKED_COLUMNS} FROM conversations WHERE id = ${conversationId}::uuid FOR UPDATE`;
  if (!row || row.assignee_id !== null || !actor.userId) return null;
  // Not an error for the reply: someone who may not be assigned here just is not.
  if (!(await canBeAssigned(actor.userId, row.inbox_id))) return null;
  return applyTicketChanges(tx, row, { actor, changes: { assigneeId: actor.userId }, now: new Date() });
}
