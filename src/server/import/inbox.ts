// The inbox imported conversations go to: the one named with --inbox (id or
// name), else the source's own import inbox ("Zendesk import", public id
// "import:zendesk"), created on first use. Throughline has no general inbox
// service (channels create their own), so this one is created here.
import type { ChannelKind } from "@/generated/prisma/enums";
import { db } from "@/server/db";
import { isUuid, uuidv7 } from "@/server/db/ids";
import type { Tx } from "@/server/db/tx";
import { DomainError } from "@/server/lib/domain-error";
import type { ImportSource } from "./model";

export class ImportInboxError extends DomainError {}

export type ImportInbox = {
  /** Null in a dry run before the import inbox exists: each rolled-back transaction creates it for itself. */
  id: string | null;
  name: string;
  publicId: string;
  channel: ChannelKind;
};

const DEFAULT: Record<ImportSource, { name: string; channel: ChannelKind }> = {
  zendesk: { name: "Zendesk import", channel: "email" },
  chatwoot: { name: "Chatwoot import", channel: "chat" },
};

export async function findImportInbox(source: ImportSource, ref: string | null | undefined, opts: { create: boolean }): Promise<ImportInbox> {
  if (ref?.trim()) {
    const wanted = ref.trim();
    const found = isUuid(wanted)
      ? await db.inbox.findMany({ where: { id: wanted }, select: { id: true, name: true, publicId: true, channel: true } })
      : await db.inbox.findMany({ where: { name: { equals: wanted, mode: "insensitive" } }, select: { id: true, name: true, publicId: true, channel: true }, take: 2 });
    if (found.length === 0) throw new ImportInboxError(`no inbox ${isUuid(wanted) ? "with id" : "named"} "${wanted}"`, "not_found");
    if (found.length > 1) throw new ImportInboxError(`more than one inbox is named "${wanted}": pass its id`, "conflict");
    return found[0]!;
  }
  const publicId = `import:${source}`;
  const existing = await db.inbox.findUnique({ where: { publicId }, select: { id: true, name: true, publicId: true, channel: true } });
  if (existing) return existing;
  const { name, channel } = DEFAULT[source];
  if (!opts.create) return { id: null, name, publicId, channel };
  return db.inbox.upsert({ where: { publicId }, create: { id: uuidv7(), name, channel, publicId }, update: {}, select: { id: true, name: true, publicId: true, channel: true } });
}

/** The inbox's id inside a transaction (a dry run's import inbox exists only there). */
export async function inboxIdIn(tx: Tx, inbox: ImportInbox): Promise<string> {
  if (inbox.id) return inbox.id;
  const created = await tx.inbox.upsert({ where: { publicId: inbox.publicId }, create: { id: uuidv7(), name: inbox.name, channel: inbox.channel, publicId: inbox.publicId }, update: {}, select: { id: true } });
  return created.id;
}
