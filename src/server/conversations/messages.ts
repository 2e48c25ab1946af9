// A conversation's message and its attachments, as the write path stores them
// (inside its transaction, beside the message's timeline event).
import { Prisma } from "@/server/db";
import { uuidv7 } from "@/server/db/ids";
import type { Tx } from "@/server/db/tx";
import type { Prepared } from "@/server/ingest/touchpoint";
import type { ConvState } from "./lifecycle";

export async function insertMessage(tx: Tx, p: Prepared, conv: ConvState): Promise<string> {
  const m = p.input.message!;
  const id = uuidv7();
  const isNote = m.isNote === true || p.input.kind === "note";
  await tx.message.create({
    data: {
      id,
      conversationId: conv.id,
      inboxId: conv.inboxId,
      direction: m.direction,
      isNote,
      authorId: m.authorId ?? null,
      bodyText: m.bodyText,
      bodyHtml: m.bodyHtml ?? null,
      quotedText: m.quotedText ?? null,
      subject: m.subject ?? null,
      platformMessageId: m.platformMessageId?.trim() || null,
      inReplyTo: m.inReplyTo ?? null,
      references: m.references ?? [],
      cc: m.cc ?? [],
      isAutoReply: m.isAutoReply === true,
      // Notes never leave; other outbound messages wait for the sender.
      deliveryStatus: m.deliveryStatus ?? (m.direction === "inbound" ? "received" : isNote ? "sent" : "queued"),
      meta: (m.meta ?? {}) as Prisma.InputJsonValue,
      createdAt: p.occurredAt,
    },
    select: { id: true },
  });
  if (m.attachments?.length) {
    await tx.attachment.createMany({
      data: m.attachments.map((a) => ({
        messageId: id,
        filename: a.filename.slice(0, 255) || "attachment",
        contentType: a.contentType || "application/octet-stream",
        size: a.size,
        contentId: a.contentId ?? null,
        remoteUrl: a.remoteUrl ?? null,
        data: a.data ? new Uint8Array(a.data) : null,
      })),
    });
  }
  return id;
}
