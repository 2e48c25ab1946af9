// The neutral model every import adapter parses its platform's export into
// (./zendesk/, ./chatwoot/), and ./run.ts writes through the domain services.
// Nothing here knows a platform's shape: adapters map their statuses,
// channels and authors to these words, and say what they skipped and why.
import type { ChannelKind, ConversationStatus, Priority } from "@/generated/prisma/enums";
import { DomainError } from "@/server/lib/domain-error";

export const IMPORT_SOURCES = ["zendesk", "chatwoot"] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];

/** How the customer is recognised: normalised and checked by customers/ when written. */
export type ImportIdentity = { kind: "email" | "phone" | "external_id"; value: string };

export type ImportCustomer = {
  /** The platform's id of the person ("zendesk:user:42"): how conversations name their customer. */
  key: string;
  name: string | null;
  identities: ImportIdentity[];
  /** When the platform first knew them: a new customer's created time. */
  createdAt: Date | null;
};

/** Who wrote an entry. Agents are matched to Throughline users by email; otherwise only the name is kept. */
export type ImportAuthor = { role: "customer" | "agent" | "system"; name: string | null; email: string | null };

/** A message or an internal note of a conversation. */
export type ImportEntry = {
  /** The dedupe key: "zendesk:comment:<id>", "chatwoot:message:<id>". */
  key: string;
  kind: "message" | "note";
  direction: "inbound" | "outbound";
  author: ImportAuthor;
  /** Plain text (what the timeline shows and search reads); never empty. */
  text: string;
  /** Sanitised HTML, safe to render, or null. */
  html: string | null;
  occurredAt: Date;
  /** Platform extras kept on the message (channel, original ids). */
  meta: Record<string, unknown>;
};

export type ImportConversation = {
  /** The external thread key: "zendesk:ticket:<id>", "chatwoot:conversation:<id>". */
  key: string;
  customerKey: string;
  channel: ChannelKind;
  subject: string | null;
  status: ConversationStatus;
  /** The platform's own word for the status ("solved", "hold"), kept on the status event. */
  originalStatus: string;
  /** Only with status "snoozed". */
  snoozedUntil: Date | null;
  priority: Priority;
  tags: string[];
  assignee: { name: string | null; email: string | null } | null;
  createdAt: Date;
  updatedAt: Date;
  /** Oldest first. */
  entries: ImportEntry[];
};

export const SKIP_REASONS = {
  missing_requester: "missing requester",
  no_identity: "no email, phone or external id",
  invalid_identity: "invalid email or phone",
  duplicate: "duplicate",
  empty_body: "empty body",
  activity: "activity message",
  no_messages: "no messages left to import",
  already_imported: "already imported",
  failed: "failed to store",
} as const;
export type SkipReason = keyof typeof SKIP_REASONS;

export type ImportSkip = { record: "customer" | "conversation" | "message"; reason: SkipReason; id: string; detail?: string };

export type ImportBundle = {
  source: ImportSource;
  customers: ImportCustomer[];
  conversations: ImportConversation[];
  /** What the adapter left out while parsing. */
  skipped: ImportSkip[];
  /** Imported, but not as the platform had it (an unknown status read as open...). */
  warnings: string[];
};

/** The export cannot be read: a missing file, a bad JSON line, a record without its id. Nothing was stored. */
export class ImportFormatError extends DomainError {
  constructor(message: string) {
    super(message, "invalid_input", "invalid_export");
  }
}
