// Which of an inbox's required custom fields a conversation leaves empty: the
// resolve guard (src/server/conversations/ticket.ts) asks this inside its
// transaction, the conversation page shows the same marks. Only the database:
// no import of the ticket code, so ticket.ts may import it.
import { db, type Prisma } from "@/server/db";
import { isUuid } from "@/server/db/ids";

type Reader = Pick<Prisma.TransactionClient, "conversationField"> | typeof db;

export type RequiredField = { id: string; key: string; label: string };

/** A stored value counts as filled unless it is missing, null or an empty string. */
export function isFilled(value: unknown): boolean {
  return value !== undefined && value !== null && !(typeof value === "string" && value.trim() === "");
}

/** The conversation's stored values as an object (the column is JSON; anything else reads as none). */
export function storedValues(customFields: unknown): Record<string, unknown> {
  return customFields && typeof customFields === "object" && !Array.isArray(customFields) ? (customFields as Record<string, unknown>) : {};
}

/** The non-archived fields required in this inbox that the values leave empty, in field order. */
export async function missingRequiredFields(conversation: { inboxId: string; customFields: unknown }, reader: Reader = db): Promise<RequiredField[]> {
  if (!isUuid(conversation.inboxId)) return [];
  const required = await reader.conversationField.findMany({
    where: { archivedAt: null, requiredIn: { some: { inboxId: conversation.inboxId } } },
    orderBy: [{ position: "asc" }, { createdAt: "asc" }],
    select: { id: true, key: true, label: true },
  });
  const values = storedValues(conversation.customFields);
  return required.filter((f) => !isFilled(values[f.key]));
}

/** "Fill in Order ID and Reason before resolving." */
export function missingFieldsMessage(missing: RequiredField[]): string {
  const labels = missing.map((f) => f.label);
  const list = labels.length <= 1 ? labels.join("") : `${labels.slice(0, -1).join(", ")} and ${labels[labels.length - 1]}`;
  return `This inbox requires ${missing.length === 1 ? "the field" : "the fields"} ${list}: fill ${missing.length === 1 ? "it" : "them"} in before resolving.`;
}
