// Internal notes with @mentions. The note itself goes through sendReply (the
// one write path: it never leaves Throughline); each mentioned agent who may
// see the conversation gets a Notification row (kind "mention", written by
// rules/notify.ts like every kind) and a live notification.created on their user room.
import { db } from "@/server/db";
import { conversationRef, notify } from "@/server/rules/notify";
import { sendReply, type ReplyResult } from "./reply";
import { canBeAssigned } from "./ticket";

export type MentionTarget = { id: string; name: string };

/** Agents named in the text as "@Full Name" (or "@First" when unambiguous), longest names first. */
export function findMentions(text: string, users: MentionTarget[]): string[] {
  const found = new Set<string>();
  const lower = text.toLowerCase();
  const byLength = [...users].sort((a, b) => b.name.length - a.name.length);
  const firstNames = new Map<string, MentionTarget[]>();
  for (const u of users) {
    const first = u.name.split(/\s+/)[0]!.toLowerCase();
    firstNames.set(first, [...(firstNames.get(first) ?? []), u]);
  }
  const boundary = (i: number) => i >= lower.length || !/[\p{L}\p{N}_]/u.test(lower[i]!);
  for (let i = lower.indexOf("@"); i >= 0; i = lower.indexOf("@", i + 1)) {
    if (i > 0 && /[\p{L}\p{N}._-]/u.test(lower[i - 1]!)) continue; // an email address, not a mention
    const rest = lower.slice(i + 1);
    const full = byLength.find((u) => rest.startsWith(u.name.toLowerCase()) && boundary(i + 1 + u.name.length));
    if (full) {
      found.add(full.id);
      continue;
    }
    const word = /^[\p{L}\p{N}_-]+/u.exec(rest)?.[0];
    const candidates = word ? firstNames.get(word) : undefined;
    if (candidates?.length === 1) found.add(candidates[0]!.id);
  }
  return [...found];
}

export type NoteResult = ReplyResult & { notified: string[] };

export async function addNote(args: {
  conversationId: string;
  author: { userId: string; name?: string | null };
  body: string;
  /** Ids picked in the composer; "@Name" in the text counts too. */
  mentionUserIds?: string[];
  clientMessageId?: string;
}): Promise<NoteResult> {
  const result = await sendReply({ conversationId: args.conversationId, authorId: args.author.userId, bodyText: args.body, isNote: true, clientMessageId: args.clientMessageId });
  if (!result.created) return { ...result, notified: [] };
  const notified = await notifyMentions({ ...args, messageId: result.messageId, eventId: result.eventId });
  return { ...result, notified };
}

async function notifyMentions(args: {
  conversationId: string;
  author: { userId: string; name?: string | null };
  body: string;
  mentionUserIds?: string[];
  messageId: string;
  eventId: string;
}): Promise<string[]> {
  const users = await db.user.findMany({ where: { deactivatedAt: null }, select: { id: true, name: true } });
  const known = new Set(users.map((u) => u.id));
  const ids = new Set([...findMentions(args.body, users), ...(args.mentionUserIds ?? []).filter((id) => known.has(id))]);
  ids.delete(args.author.userId);
  if (ids.size === 0) return [];
  const conv = await conversationRef(db, args.conversationId);
  if (!conv) return [];
  const { inboxId, ...ref } = conv;
  // Only those who may open the conversation hear of it.
  const allowed: string[] = [];
  for (const id of ids) if (await canBeAssigned(id, inboxId)) allowed.push(id);
  if (allowed.length === 0) return [];
  const authorName = args.author.name ?? users.find((u) => u.id === args.author.userId)?.name ?? "An agent";
  const excerpt = args.body.replace(/\s+/g, " ").trim().slice(0, 200);
  await notify(
    allowed.map((userId) => ({
      userId,
      kind: "mention" as const,
      data: { ...ref, messageId: args.messageId, eventId: args.eventId, byUserId: args.author.userId, byName: authorName, excerpt },
    })),
  );
  return allowed;
}
