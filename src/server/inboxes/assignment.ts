// Per-inbox assignment setting, the same for every channel: "Assign to the
// agent who replies first" (Inbox.assignOnReply, on by default), applied by
// conversations/reply.ts. Admins change it in Settings → Channels; audited.
import { db } from "@/server/db";
import { recordAudit } from "@/server/audit/record";
import { isUuid } from "@/server/db/ids";
import { DomainError } from "@/server/lib/domain-error";

export class InboxSettingError extends DomainError {}

/** Turns assign-on-reply on or off for one inbox; returns the stored value. */
export async function setAssignOnReply(inboxId: string, on: boolean, actorUserId: string | null): Promise<boolean> {
  const inbox = isUuid(inboxId) ? await db.inbox.findUnique({ where: { id: inboxId }, select: { assignOnReply: true } }) : null;
  if (!inbox) throw new InboxSettingError("No such inbox.");
  if (inbox.assignOnReply === on) return on;
  await db.$transaction([
    db.inbox.update({ where: { id: inboxId }, data: { assignOnReply: on } }),
    recordAudit(db, { actorUserId, action: "inbox.updated", targetType: "inbox", targetId: inboxId, data: { before: { assignOnReply: inbox.assignOnReply }, after: { assignOnReply: on } } }),
  ]);
  return on;
}
