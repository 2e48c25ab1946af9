// Global search (the console's command palette): customers by name or any
// identity value, conversations by #number or subject, and message text by
// full-text search (ranked). Conversations and messages are limited to the
// inboxes the agent may see, customers to those the agent may see.
import { db, Prisma } from "@/server/db";
import { searchTimeline } from "@/server/timeline/query";
import { listCustomers } from "@/server/customers/directory";

function snippet(text: string, query: string, size = 140): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const words = query.toLowerCase().split(/\s+/).map((w) => w.replace(/^[-"]+|"+$/g, "")).filter((w) => w.length > 1);
  const lower = flat.toLowerCase();
  const at = words.map((w) => lower.indexOf(w)).filter((i) => i >= 0).sort((a, b) => a - b)[0] ?? 0;
  const start = Math.max(0, at - Math.floor(size / 3));
  const cut = flat.slice(start, start + size);
  return `${start > 0 ? "…" : ""}${cut}${start + size < flat.length ? "…" : ""}`;
}

export async function globalSearch(args: { query: string; inboxScope: "all" | string[]; limit?: number }) {
  const q = args.query.trim().slice(0, 200);
  const limit = Math.min(Math.max(args.limit ?? 6, 1), 20);
  if (!q) return { customers: [], conversations: [], messages: [] };
  const scope = args.inboxScope === "all" ? Prisma.sql`TRUE` : Prisma.sql`c.inbox_id = ANY(${args.inboxScope}::uuid[])`;
  const number = /^#?(\d{1,9})$/.exec(q)?.[1];
  const like = `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

  const [customers, conversations, messages] = await Promise.all([
    listCustomers({ search: q, limit, inboxScope: args.inboxScope }).then((r) => r.items),
    db.$queryRaw<{ id: string; number: number; subject: string | null; status: string; channel: string; customer_name: string | null; last_message_at: Date }[]>`
      SELECT c.id, c.number, c.subject, c.status::text AS status, c.channel::text AS channel, cu.name AS customer_name, c.last_message_at
      FROM conversations c JOIN customers cu ON cu.id = c.customer_id
      WHERE ${scope} AND (${number ? Prisma.sql`c.number = ${Number(number)}` : Prisma.sql`FALSE`} OR c.subject ILIKE ${like})
      ORDER BY (c.number = ${number ? Number(number) : -1}) DESC, c.last_message_at DESC, c.id DESC
      LIMIT ${limit}`,
    number ? Promise.resolve([]) : searchTimeline({ query: q, limit: limit + 2, inboxScope: args.inboxScope }).catch(() => []),
  ]);

  return {
    customers: customers.map((c) => ({ id: c.id, name: c.name, identity: c.primaryIdentity, openConversations: c.openConversations })),
    conversations: conversations.map((c) => ({ id: c.id, number: c.number, subject: c.subject, status: c.status, channel: c.channel, customerName: c.customer_name, lastMessageAt: c.last_message_at })),
    messages: messages.slice(0, limit).map((m) => ({
      eventId: m.id,
      conversationId: m.conversationId,
      conversationNumber: m.conversationNumber,
      customerId: m.customerId,
      customerName: m.customerName,
      channel: m.channel,
      kind: m.kind,
      occurredAt: m.occurredAt,
      snippet: snippet(m.text, q),
    })),
  };
}
