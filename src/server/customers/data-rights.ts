// Data rights: everything we hold about a customer, as JSON (access /
// portability), and erasure on request. Both audited. Erasure removes the
// person's identities, conversations, messages, attachments, timeline and
// survey answers — including those of customers merged into them — and keeps
// an anonymous tombstone row so foreign keys and audit entries stay valid.
import { db } from "@/server/db";
import { bus } from "@/server/events/bus";
import { runTransaction } from "@/server/db/tx";
import { recordAudit } from "@/server/audit/record";
import { DomainError } from "@/server/lib/domain-error";

export class DataRightsError extends DomainError {
  constructor(
    public code: "not_found" | "already_erased",
    message: string,
  ) {
    super(message, code === "not_found" ? "not_found" : "conflict");
  }
}

/** The customer and every customer merged into them (directly or through a chain). */
async function lineage(customerId: string): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    WITH RECURSIVE l AS (
      SELECT id FROM customers WHERE id = ${customerId}::uuid
      UNION SELECT c.id FROM customers c JOIN l ON c.merged_into_id = l.id
    ) SELECT id FROM l`;
  return rows.map((r) => r.id);
}

export async function exportCustomerData(customerId: string, actorUserId: string | null) {
  const customer = await db.customer.findUnique({ where: { id: customerId } });
  if (!customer) throw new DataRightsError("not_found", "No such customer.");
  const ids = await lineage(customerId);
  const [identities, conversations, events, surveys, merges] = await Promise.all([
    db.customerIdentity.findMany({ where: { customerId: { in: ids } }, orderBy: { createdAt: "asc" } }),
    db.conversation.findMany({
      where: { customerId: { in: ids } },
      orderBy: { createdAt: "asc" },
      include: {
        messages: {
          orderBy: { createdAt: "asc" },
          include: { attachments: { select: { id: true, filename: true, contentType: true, size: true, createdAt: true } } },
        },
      },
    }),
    db.timelineEvent.findMany({
      where: { customerId: { in: ids } },
      orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
      select: { id: true, occurredAt: true, kind: true, channel: true, actor: true, name: true, text: true, payload: true, conversationId: true },
    }),
    db.survey.findMany({ where: { customerId: { in: ids } }, include: { response: true } }),
    db.customerMerge.findMany({ where: { OR: [{ sourceId: { in: ids } }, { targetId: { in: ids } }] } }),
  ]);
  await recordAudit(db, { actorUserId, action: "customer.export", targetType: "customer", targetId: customerId, data: { identities: identities.length, conversations: conversations.length, events: events.length } });
  return {
    exportedAt: new Date().toISOString(),
    customer: { ...customer, lifetimeValue: Number(customer.lifetimeValue) },
    identities,
    conversations,
    timeline: events,
    surveys,
    merges,
  };
}

export async function eraseCustomer(customerId: string, actorUserId: string | null, reason?: string) {
  const customer = await db.customer.findUnique({ where: { id: customerId }, select: { id: true, erasedAt: true } });
  if (!customer) throw new DataRightsError("not_found", "No such customer.");
  if (customer.erasedAt) throw new DataRightsError("already_erased", "This customer was already erased.");
  const ids = await lineage(customerId);
  const counts = await runTransaction(async (tx) => {
    // Lock the rows so no touchpoint lands on them half-way (ingest takes KEY SHARE).
    await tx.$queryRaw`SELECT id FROM customers WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
    const events = await tx.timelineEvent.deleteMany({ where: { customerId: { in: ids } } });
    const conversationIds = (await tx.conversation.findMany({ where: { customerId: { in: ids } }, select: { id: true } })).map((c) => c.id);
    const attachments = await tx.attachment.deleteMany({ where: { message: { conversationId: { in: conversationIds } } } });
    const messages = await tx.message.deleteMany({ where: { conversationId: { in: conversationIds } } });
    await tx.survey.deleteMany({ where: { customerId: { in: ids } } });
    const conversations = await tx.conversation.deleteMany({ where: { id: { in: conversationIds } } });
    const identities = await tx.customerIdentity.deleteMany({ where: { customerId: { in: ids } } });
    // Merge snapshots hold the merged-away customer's name and attributes.
    await tx.customerMerge.updateMany({ where: { OR: [{ sourceId: { in: ids } }, { targetId: { in: ids } }] }, data: { snapshot: {} } });
    await tx.customer.updateMany({
      where: { id: { in: ids } },
      data: { name: null, avatarUrl: null, attributes: {}, lifetimeValue: 0, journeyStage: null, journeyStageSetBy: null, lastSeenAt: null, erasedAt: new Date() },
    });
    const c = { events: events.count, messages: messages.count, attachments: attachments.count, conversations: conversations.count, identities: identities.count, customers: ids.length };
    await recordAudit(tx, { actorUserId, action: "customer.erase", targetType: "customer", targetId: customerId, data: { ...c, reason: reason ?? null } });
    return c;
  });
  bus.publish({ type: "customer.updated", customerId, changes: { erased: true } });
  return counts;
}
