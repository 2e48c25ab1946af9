// The console's outbound actions around sendReply: replies with uploaded
// attachments (base64 from the composer, 10 MB in all), starting a new
// conversation with a customer on a chosen inbox, and retrying a failed send.
import type { ChannelKind } from "@/generated/prisma/enums";
import { db } from "@/server/db";
import { bus } from "@/server/events/bus";
import { retryOutboxItem } from "@/server/outbox/outbox";
import { publishTimelineCreated, type AttachmentInput } from "@/server/ingest/record";
import { insertTicketEvent } from "./ticket-events";
import { isUuid, uuidv7 } from "@/server/db/ids";
import { runTransaction } from "@/server/db/tx";
import { sendReply, type ReplyResult } from "./reply";
import { TicketError } from "./ticket";
import { customerVisible } from "@/server/customers/visibility";

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export type Upload = { filename: string; contentType: string; dataBase64: string };

/** Decodes composer uploads; refuses more than 10 MB in all. */
export function decodeUploads(uploads: Upload[] | undefined): AttachmentInput[] {
  const out: AttachmentInput[] = [];
  let total = 0;
  for (const u of uploads ?? []) {
    const data = Buffer.from(u.dataBase64, "base64");
    total += data.length;
    if (total > MAX_UPLOAD_BYTES) throw new TicketError("invalid_input", "Attachments are limited to 10 MB in all.");
    const filename = u.filename.replace(/[\u0000-\u001f\u007f/\\]+/g, "_").trim().slice(0, 255) || "attachment";
    const contentType = /^[\w.+-]+\/[\w.+-]+$/.test(u.contentType) ? u.contentType.toLowerCase() : "application/octet-stream";
    out.push({ filename, contentType, size: data.length, data });
  }
  return out;
}

export async function replyWithUploads(args: {
  conversationId: string;
  authorId: string;
  body: string;
  subject?: string | null;
  cc?: string[];
  uploads?: Upload[];
  clientMessageId?: string;
}): Promise<ReplyResult> {
  return sendReply({
    conversationId: args.conversationId,
    authorId: args.authorId,
    bodyText: args.body,
    subject: args.subject,
    cc: args.cc,
    attachments: decodeUploads(args.uploads),
    clientMessageId: args.clientMessageId,
    // The agent replies themselves: an unassigned conversation becomes theirs (per inbox).
    claim: true,
  });
}

// The identity a channel needs to reach the customer first.
const REACH: Partial<Record<ChannelKind, { kinds: string[]; label: string }>> = {
  email: { kinds: ["email"], label: "an email address" },
  whatsapp: { kinds: ["whatsapp_wa_id", "phone"], label: "a WhatsApp number" },
  messenger: { kinds: ["messenger_psid"], label: "a Messenger id" },
  instagram: { kinds: ["instagram_id"], label: "an Instagram id" },
  telegram: { kinds: ["telegram_user_id"], label: "a Telegram id" },
  x: { kinds: ["x_user_id"], label: "an X id" },
  chat: { kinds: ["widget_visitor"], label: "a website visitor id" },
};

export type StartConversationResult = { conversationId: string; number: number; reply: ReplyResult | null };

/**
 * Opens a conversation with a customer on an inbox the agent may see:
 * a ticket (created event) and, with a body, the first outbound message.
 */
export async function startConversation(args: {
  customerId: string;
  inboxId: string;
  actor: { userId: string; name?: string | null };
  inboxScope: "all" | string[];
  subject?: string | null;
  body?: string | null;
  cc?: string[];
  uploads?: Upload[];
}): Promise<StartConversationResult> {
  if (!isUuid(args.inboxId) || (args.inboxScope !== "all" && !args.inboxScope.includes(args.inboxId))) throw new TicketError("not_found", "No such inbox.");
  if (!(await customerVisible(args.customerId, args.inboxScope))) throw new TicketError("not_found", "No such customer.");
  const [inbox, found] = await Promise.all([
    db.inbox.findUnique({ where: { id: args.inboxId }, select: { id: true, channel: true, name: true, teams: { select: { teamId: true } } } }),
    db.customer.findUnique({ where: { id: args.customerId }, select: { id: true, mergedIntoId: true, erasedAt: true } }),
  ]);
  if (!inbox) throw new TicketError("not_found", "No such inbox.");
  let customerId = found?.id;
  if (found?.mergedIntoId) customerId = found.mergedIntoId; // write to the survivor
  const customer = customerId ? await db.customer.findUnique({ where: { id: customerId }, select: { id: true, name: true, erasedAt: true, identities: { select: { kind: true } } } }) : null;
  if (!customer || customer.erasedAt) throw new TicketError("not_found", "No such customer.");
  const body = args.body?.trim() ?? "";
  const hasFiles = (args.uploads?.length ?? 0) > 0;
  const reach = REACH[inbox.channel];
  if ((body || hasFiles) && reach && !customer.identities.some((i) => reach.kinds.includes(i.kind))) {
    throw new TicketError("invalid_input", `${customer.name ?? "This customer"} has no ${reach.label.replace(/^an? /, "")} to write to on ${inbox.name}.`);
  }
  const subject = args.subject?.replace(/\s+/g, " ").trim().slice(0, 500) || null;
  const actorTeams = await db.teamMember.findMany({ where: { userId: args.actor.userId }, select: { teamId: true } });
  const teamId = actorTeams.map((t) => t.teamId).find((t) => inbox.teams.some((x) => x.teamId === t)) ?? null;

  const created = await runTransaction(async (tx) => {
    const conv = await tx.conversation.create({
      data: {
        id: uuidv7(),
        customerId: customer.id,
        originCustomerId: customer.id,
        inboxId: inbox.id,
        channel: inbox.channel,
        subject,
        assigneeId: args.actor.userId,
        teamId,
        lastMessageAt: new Date(),
      },
      select: { id: true, number: true },
    });
    const event = await insertTicketEvent(tx, conv.id, {
      actorUserId: args.actor.userId,
      name: "created",
      text: `Conversation #${conv.number} started by ${args.actor.name ?? "an agent"} on ${inbox.name}`,
      payload: { inboxId: inbox.id, subject, assigneeId: args.actor.userId },
    });
    return { ...conv, event };
  });
  await publishTimelineCreated([created.event]);
  bus.publish({ type: "conversation.updated", conversationId: created.id, customerId: customer.id, inboxId: inbox.id, changes: { created: true, status: "open", assigneeId: args.actor.userId, byUserId: args.actor.userId } });

  let reply: ReplyResult | null = null;
  if (body || hasFiles) {
    reply = await replyWithUploads({ conversationId: created.id, authorId: args.actor.userId, body, subject, cc: args.cc, uploads: args.uploads });
  }
  return { conversationId: created.id, number: created.number, reply };
}

/** Retry a failed (or waiting) send of a message the agent may see. */
export async function retryDelivery(messageId: string, inboxScope: "all" | string[]): Promise<boolean> {
  if (!isUuid(messageId)) throw new TicketError("not_found", "No such message.");
  const message = await db.message.findUnique({ where: { id: messageId }, select: { inboxId: true, outbox: { select: { id: true, status: true } } } });
  if (!message || (inboxScope !== "all" && !inboxScope.includes(message.inboxId))) throw new TicketError("not_found", "No such message.");
  if (!message.outbox) throw new TicketError("invalid_input", "This message is not waiting to be sent.");
  if (message.outbox.status === "sent") throw new TicketError("invalid_input", "This message was sent already.");
  return retryOutboxItem(message.outbox.id);
}
