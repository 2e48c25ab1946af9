// Chatwoot's export in the neutral model: contacts.csv (the contacts export,
// columns matched by header name; or contacts.json, the Contacts API's
// answer) and conversations.json (Application API conversations, each with
// its messages; a JSON array, the list endpoint's {data: {payload: [...]}},
// or one conversation a line). Contacts become
// customers (email, phone_number, identifier as external id), conversations
// "chatwoot:conversation:<id>", messages "chatwoot:message:<id>"; private
// messages are internal notes, activity messages are left out (the status is
// imported on the conversation).
import { parse as parseCsv } from "csv-parse/sync";
import type { ImportBundle, ImportConversation, ImportCustomer, ImportEntry, ImportIdentity, ImportSkip } from "../model";
import { ImportFormatError } from "../model";
import { importBody } from "../body";
import { documentRecords, parseRecord, readJsonExport, type Located } from "../json-export";
import { chatwootChannel, chatwootPriority, chatwootStatus } from "./mapping";
import { chatwootContactRow, chatwootConversation, type ChatwootConversation, type ChatwootPerson } from "./schema";

export type ExportFile = { text: string; file: string };

export function parseChatwootExport(input: { contacts?: ExportFile | null; conversations: ExportFile }, now: Date = new Date()): ImportBundle {
  const skipped: ImportSkip[] = [];
  const warnings: string[] = [];
  const customers = new Map<string, ImportCustomer>();
  const noIdentity = new Set<string>();
  if (input.contacts) {
    for (const row of readContacts(input.contacts)) {
      const c = parseRecord(chatwootContactRow, row);
      const identities = identitiesOf(c);
      if (identities.length === 0) {
        noIdentity.add(c.id);
        skipped.push({ record: "customer", reason: "no_identity", id: `chatwoot:contact:${c.id}`, detail: c.name ?? "anonymous visitor" });
        continue;
      }
      customers.set(c.id, { key: `chatwoot:contact:${c.id}`, name: c.name, identities, createdAt: c.created_at ?? null });
    }
  }

  const conversations: ImportConversation[] = [];
  const seenMessages = new Set<string>();
  const seenConversations = new Set<string>();
  for (const r of readConversations(input.conversations)) {
    const c = parseRecord(chatwootConversation, r);
    const key = `chatwoot:conversation:${c.id}`;
    if (seenConversations.has(c.id)) {
      skipped.push({ record: "conversation", reason: "duplicate", id: key, detail: `conversation ${c.id} appears more than once` });
      continue;
    }
    seenConversations.add(c.id);
    const sender = c.meta?.sender;
    if (!sender?.id) {
      skipped.push({ record: "conversation", reason: "missing_requester", id: key, detail: "the conversation has no meta.sender" });
      continue;
    }
    // A contact left out of contacts.csv is still known by what the conversation says of it.
    if (!customers.has(sender.id) && !noIdentity.has(sender.id)) {
      const identities = identitiesOf(sender);
      if (identities.length > 0) customers.set(sender.id, { key: `chatwoot:contact:${sender.id}`, name: sender.name, identities, createdAt: c.created_at });
    }
    if (!customers.has(sender.id)) {
      skipped.push({ record: "conversation", reason: "no_identity", id: key, detail: `contact ${sender.id} has no email, phone or identifier` });
      continue;
    }
    const entries = entriesOf(c, seenMessages, skipped);
    if (entries.length === 0) {
      skipped.push({ record: "conversation", reason: "no_messages", id: key });
      continue;
    }
    let status = chatwootStatus(c.status);
    if (!status) {
      warnings.push(`${key}: unknown status "${c.status}", imported as open`);
      status = "open";
    }
    let snoozedUntil: Date | null = null;
    if (status === "snoozed") {
      if (c.snoozed_until && c.snoozed_until > now) snoozedUntil = c.snoozed_until;
      else {
        // Chatwoot reopens a conversation when its snooze ends.
        warnings.push(`${key}: snoozed without a future snoozed_until, imported as open`);
        status = "open";
      }
    }
    let priority = chatwootPriority(c.priority);
    if (!priority) {
      warnings.push(`${key}: unknown priority "${c.priority}", imported as normal`);
      priority = "normal";
    }
    const last = entries[entries.length - 1]!.occurredAt;
    const updated = c.last_activity_at ?? c.timestamp ?? last;
    const assignee = c.meta?.assignee;
    conversations.push({
      key,
      customerKey: `chatwoot:contact:${sender.id}`,
      channel: chatwootChannel(c.meta?.channel),
      subject: c.additional_attributes?.mail_subject ?? null,
      status,
      originalStatus: c.status ?? "open",
      snoozedUntil,
      priority,
      tags: c.labels ?? [],
      assignee: assignee ? { name: assignee.name, email: assignee.email } : null,
      createdAt: c.created_at,
      updatedAt: updated > last ? updated : last,
      entries,
    });
  }
  return { source: "chatwoot", customers: [...customers.values()], conversations, skipped, warnings };
}

function entriesOf(c: ChatwootConversation, seen: Set<string>, skipped: ImportSkip[]): ImportEntry[] {
  const out: ImportEntry[] = [];
  const messages = [...(c.messages ?? [])].sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
  for (const m of messages) {
    const key = `chatwoot:message:${m.id}`;
    if (seen.has(m.id)) {
      skipped.push({ record: "message", reason: "duplicate", id: key, detail: `message ${m.id} appears more than once` });
      continue;
    }
    seen.add(m.id);
    if (m.message_type === 2) {
      skipped.push({ record: "message", reason: "activity", id: key, detail: m.content?.slice(0, 80) ?? undefined });
      continue;
    }
    const body = importBody(m.content, m.content_attributes?.email?.html_content?.full);
    if (!body) {
      skipped.push({ record: "message", reason: "empty_body", id: key });
      continue;
    }
    const incoming = m.message_type === 0;
    const senderType = (m.sender_type ?? m.sender?.type ?? "").toLowerCase();
    // Outgoing without a user (campaigns, automation) or from a bot: the system spoke.
    const bySystem = !incoming && (senderType === "agentbot" || senderType === "agent_bot" || !m.sender);
    out.push({
      key,
      kind: m.private && !incoming ? "note" : "message",
      direction: incoming ? "inbound" : "outbound",
      author: incoming
        ? { role: "customer", name: m.sender?.name ?? c.meta?.sender?.name ?? null, email: m.sender?.email ?? null }
        : { role: bySystem ? "system" : "agent", name: m.sender?.name ?? (bySystem ? "Chatwoot" : null), email: bySystem ? null : (m.sender?.email ?? null) },
      text: body.text,
      html: body.html,
      occurredAt: m.created_at,
      meta: { chatwoot: { conversationId: c.id, messageId: m.id, messageType: m.message_type, private: m.private, inboxId: c.inbox_id ?? null } },
    });
  }
  return out;
}

function identitiesOf(p: Pick<ChatwootPerson, "email" | "phone_number" | "identifier">): ImportIdentity[] {
  const out: ImportIdentity[] = [];
  if (p.email) out.push({ kind: "email", value: p.email });
  if (p.phone_number) out.push({ kind: "phone", value: p.phone_number });
  if (p.identifier) out.push({ kind: "external_id", value: p.identifier });
  return out;
}

function readContacts(f: ExportFile): Located[] {
  if (f.file.endsWith(".json")) return readContactsJson(f);
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parseCsv(f.text, { columns: true, bom: true, skip_empty_lines: true, trim: true, info: true, relax_column_count: false }) as typeof rows;
  } catch (error) {
    throw new ImportFormatError(`${f.file}: invalid CSV (${(error as Error).message})`);
  }
  const header = rows[0] ? Object.keys(rows[0].record) : [];
  if (rows.length > 0 && !header.includes("id")) throw new ImportFormatError(`${f.file}: no "id" column (found ${header.join(", ") || "none"})`);
  // Blank cells are absent values, not empty strings.
  return rows.map(({ record, info }) => ({ value: Object.fromEntries(Object.entries(record).filter(([, v]) => v !== "")), where: `${f.file} line ${info.lines}` }));
}

/** The Contacts API's answer (GET /api/v1/accounts/{id}/contacts: {meta, payload: [...]}), an array, or one contact a line. */
function readContactsJson(f: ExportFile): Located[] {
  const parsed = readJsonExport(f.text, f.file);
  if (parsed.kind === "lines") return parsed.records;
  const doc = parsed.document as { payload?: unknown } | unknown[] | null;
  const list = Array.isArray(doc) ? doc : doc && typeof doc === "object" && Array.isArray(doc.payload) ? doc.payload : null;
  if (!list) throw new ImportFormatError(`${f.file}: expected Chatwoot contacts (a JSON array or {"payload": [...]})`);
  return documentRecords(list, f.file, "contact");
}

function readConversations(f: ExportFile): Located[] {
  const parsed = readJsonExport(f.text, f.file);
  if (parsed.kind === "lines") return parsed.records;
  const doc = parsed.document;
  if (Array.isArray(doc)) return documentRecords(doc, f.file, "conversation");
  if (doc && typeof doc === "object") {
    const o = doc as { data?: { payload?: unknown }; payload?: unknown; id?: unknown };
    const list = Array.isArray(o.data?.payload) ? o.data.payload : Array.isArray(o.payload) ? o.payload : null;
    if (list) return documentRecords(list, f.file, "conversation");
    if (o.id !== undefined) return [{ value: o, where: `${f.file} conversation` }];
  }
  throw new ImportFormatError(`${f.file}: expected Chatwoot conversations (a JSON array, {"data": {"payload": [...]}}, or one conversation a line)`);
}
