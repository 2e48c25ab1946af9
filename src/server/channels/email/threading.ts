// Which conversation does an email belong to? In order of trust:
//  (a) In-Reply-To / References (newest first) against the Message-IDs we
//      stored or sent in this inbox (Gmail, Apple Mail, Thunderbird...);
//  (b) Outlook's Thread-Index (first 22 bytes name the thread; replies that
//      lost their In-Reply-To still carry it) — including the ones we put on
//      our own replies, which carry the conversation id;
//  (c) the ticket token: "[#1234]" in the subject, or a "+t1234" plus-address;
//  (d) the same subject (without Re:/Fwd:/AW:/... and the token) from the
//      same customer within 7 days, if that conversation is not closed.
// Otherwise a new conversation keyed by the thread's root Message-ID.
import { db } from "@/server/db";
import { normalizeEmail } from "@/server/customers/normalize";
import { guidOfThreadIndexRoot, normalizeSubject, splitPlusAddress, subjectKey, subjectTicketNumber } from "./headers";
import type { ParsedEmail } from "./parse";

export type ThreadMatch = "references" | "thread_index" | "ticket_token" | "subject";

export type ThreadDecision =
  | { conversationId: string; matchedBy: ThreadMatch }
  | { conversationId: null; externalThreadKey: string; subject: string | null };

/** A resolved or closed conversation older than this is not picked up again (same rule as ingest). */
export const REOPEN_WINDOW_DAYS = 30;
export const SUBJECT_WINDOW_DAYS = 7;

type ConvRow = { id: string; status: string; last_message_at: Date };

function usable(c: ConvRow | undefined, now = Date.now()): c is ConvRow {
  if (!c) return false;
  if (c.status === "open" || c.status === "pending" || c.status === "snoozed") return true;
  return now - c.last_message_at.getTime() < REOPEN_WINDOW_DAYS * 86_400_000;
}

/** The customer who owns this email address, if any (current owner after merges). */
export async function customerIdByEmail(address: string | null | undefined): Promise<string | null> {
  if (!address) return null;
  let value: string;
  try {
    value = normalizeEmail(address);
  } catch {
    return null;
  }
  const row = await db.customerIdentity.findUnique({ where: { kind_value: { kind: "email", value } }, select: { customerId: true } });
  return row?.customerId ?? null;
}

/** The thread's root: the first References id, else In-Reply-To, else the message itself. */
export function threadRoot(parsed: Pick<ParsedEmail, "references" | "inReplyTo" | "platformMessageId">): string {
  return parsed.references[0] ?? parsed.inReplyTo ?? parsed.platformMessageId;
}

export async function resolveThread(opts: {
  inboxId: string;
  parsed: ParsedEmail;
  /** Envelope and header recipients, for "+t1234" plus-addresses. */
  recipients?: string[];
}): Promise<ThreadDecision> {
  const { inboxId, parsed } = opts;

  // (a) Message-ID chain, newest first; a bounce names the mail that bounced.
  const chain = [...parsed.references].reverse();
  if (parsed.inReplyTo && !chain.includes(parsed.inReplyTo)) chain.unshift(parsed.inReplyTo);
  if (parsed.bouncedMessageId) chain.unshift(parsed.bouncedMessageId);
  const ids = [...new Set(chain)].filter((id) => id !== parsed.platformMessageId).slice(0, 100);
  if (ids.length > 0) {
    const rows = await db.$queryRaw<(ConvRow & { platform_message_id: string })[]>`
      SELECT m.platform_message_id, c.id, c.status::text AS status, c.last_message_at
      FROM messages m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.inbox_id = ${inboxId}::uuid AND m.platform_message_id = ANY(${ids}::text[])`;
    const byId = new Map(rows.map((r) => [r.platform_message_id, r]));
    for (const id of ids) {
      const c = byId.get(id);
      if (usable(c)) return { conversationId: c.id, matchedBy: "references" };
      if (c) break; // the thread is known but its conversation is long closed: start a new one
    }
  }

  // (b) Outlook Thread-Index.
  if (parsed.threadIndexRoot) {
    const guid = guidOfThreadIndexRoot(parsed.threadIndexRoot);
    if (guid) {
      const [own] = await db.$queryRaw<ConvRow[]>`
        SELECT id, status::text AS status, last_message_at FROM conversations
        WHERE id = ${guid}::uuid AND inbox_id = ${inboxId}::uuid`;
      if (usable(own)) return { conversationId: own.id, matchedBy: "thread_index" };
    }
    const [row] = await db.$queryRaw<ConvRow[]>`
      SELECT c.id, c.status::text AS status, c.last_message_at
      FROM messages m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.inbox_id = ${inboxId}::uuid AND m.meta->>'threadIndexRoot' = ${parsed.threadIndexRoot}
      ORDER BY m.created_at DESC LIMIT 1`;
    if (usable(row)) return { conversationId: row.id, matchedBy: "thread_index" };
  }

  // (c) Ticket token in the subject or a plus-address.
  const numbers = new Set<number>();
  const fromSubject = subjectTicketNumber(parsed.subject);
  if (fromSubject !== null) numbers.add(fromSubject);
  for (const a of [...(opts.recipients ?? []), ...parsed.to.map((x) => x.address), ...parsed.cc.map((x) => x.address)]) {
    const { ticket } = splitPlusAddress(a);
    if (ticket !== null) numbers.add(ticket);
  }
  for (const number of numbers) {
    if (!Number.isSafeInteger(number) || number > 2_147_483_647) continue;
    const [row] = await db.$queryRaw<ConvRow[]>`
      SELECT id, status::text AS status, last_message_at FROM conversations
      WHERE number = ${number} AND inbox_id = ${inboxId}::uuid`;
    if (usable(row)) return { conversationId: row.id, matchedBy: "ticket_token" };
  }

  // (d) Same subject, same customer, recent, not closed.
  const key = subjectKey(parsed.subject);
  if (key) {
    const customerId = await customerIdByEmail(parsed.from?.address);
    if (customerId) {
      const rows = await db.$queryRaw<(ConvRow & { subject: string | null })[]>`
        SELECT id, status::text AS status, last_message_at, subject FROM conversations
        WHERE customer_id = ${customerId}::uuid AND inbox_id = ${inboxId}::uuid
          AND status <> 'closed' AND last_message_at > now() - make_interval(days => ${SUBJECT_WINDOW_DAYS})
        ORDER BY last_message_at DESC LIMIT 50`;
      const hit = rows.find((r) => subjectKey(r.subject) === key);
      if (hit) return { conversationId: hit.id, matchedBy: "subject" };
    }
  }

  return { conversationId: null, externalThreadKey: threadRoot(parsed), subject: normalizeSubject(parsed.subject) || null };
}
