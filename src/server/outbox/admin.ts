// The outbox as admins see and steer it (Settings → Outbox, the console's
// "retry" on a failed message): reads of the OutboxItem rows and "retry now".
import type { ChannelKind } from "@/generated/prisma/enums";
import { db } from "@/server/db";
import { publishMessageStatus } from "./status";
import { scheduleOutboxJobs } from "./worker";

export type OutboxListItem = {
  id: string;
  messageId: string;
  channel: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  conversationId: string;
  conversationNumber: number;
  subject: string | null;
  preview: string;
  deliveryStatus: string;
};

/** The outbox as admins see it (newest first): what is waiting, retrying or failed, and why. */
export async function listOutbox(opts: { status?: "pending" | "sending" | "sent" | "failed"; channel?: ChannelKind; limit?: number } = {}): Promise<OutboxListItem[]> {
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 500);
  const rows = await db.outboxItem.findMany({
    where: { ...(opts.status ? { status: opts.status } : {}), ...(opts.channel ? { channel: opts.channel } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    include: { message: { select: { bodyText: true, subject: true, deliveryStatus: true, conversationId: true, conversation: { select: { number: true, subject: true } } } } },
  });
  return rows.map((r) => ({
    id: r.id,
    messageId: r.messageId,
    channel: r.channel,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.nextAttemptAt,
    lastError: r.lastError,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    conversationId: r.message.conversationId,
    conversationNumber: r.message.conversation.number,
    subject: r.message.subject ?? r.message.conversation.subject,
    preview: r.message.bodyText.replace(/\s+/g, " ").slice(0, 160),
    deliveryStatus: r.message.deliveryStatus,
  }));
}

/** An admin's "retry now" for a failed (or waiting) item: attempts reset, due now. */
export async function retryOutboxItem(id: string): Promise<boolean> {
  const item = await db.outboxItem.findUnique({ where: { id }, select: { messageId: true, status: true } });
  if (!item || item.status === "sent") return false;
  const [rows] = await db.$transaction([
    db.$queryRaw<{ id: string; next_attempt_at: Date }[]>`UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now(), updated_at = now() WHERE id = ${id}::uuid RETURNING id, next_attempt_at`,
    db.$executeRaw`UPDATE messages SET delivery_status = 'queued', delivery_error = NULL WHERE id = ${item.messageId}::uuid`,
  ]);
  await publishMessageStatus(item.messageId).catch(() => undefined);
  // Without a job runner in this process (a web process before its first start), the worker's sweep picks it up.
  await scheduleOutboxJobs(rows).catch((error: unknown) => console.error(`[outbox] enqueueing the retry failed (the sweep retries): ${(error as Error).message}`));
  return true;
}
