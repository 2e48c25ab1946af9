// Zendesk's export in the neutral model. Reads the full JSON export
// (tickets.json and users.json, NDJSON: one object a line) or an Incremental
// Ticket Export response ({tickets, users} in one document). Requesters become
// customers (email, phone, external_id), tickets conversations
// ("zendesk:ticket:<id>"), comments messages or, when private, internal notes
// ("zendesk:comment:<id>"). A ticket exported without comments keeps its
// description as its first message.
import type { ImportBundle, ImportConversation, ImportCustomer, ImportEntry, ImportIdentity, ImportSkip } from "../model";
import { ImportFormatError } from "../model";
import { importBody } from "../body";
import { documentRecords, parseRecord, readJsonExport, type Located } from "../json-export";
import { zendeskChannel, zendeskPriority, zendeskStatus } from "./mapping";
import { zendeskTicket, zendeskUser, type ZendeskTicket, type ZendeskUser } from "./schema";

export type ExportFile = { text: string; file: string };

export function parseZendeskExport(input: { tickets: ExportFile; users?: ExportFile | null }): ImportBundle {
  const ticketsIn = readTickets(input.tickets);
  const userRecords = [...ticketsIn.users, ...(input.users ? readUsers(input.users) : [])];
  const users = new Map<string, ZendeskUser>();
  for (const r of userRecords) {
    const u = parseRecord(zendeskUser, r);
    users.set(u.id, u);
  }
  // Incremental exports list a ticket again each time it changed: the last copy is the latest.
  const tickets = new Map<string, ZendeskTicket>();
  for (const r of ticketsIn.tickets) {
    const t = parseRecord(zendeskTicket, r);
    tickets.delete(t.id);
    tickets.set(t.id, t);
  }

  const skipped: ImportSkip[] = [];
  const warnings: string[] = [];
  const customers = new Map<string, ImportCustomer>();
  const requesterIds = new Set([...tickets.values()].map((t) => t.requester_id).filter((id): id is string => !!id));
  for (const u of users.values()) {
    if (!isEndUser(u) && !requesterIds.has(u.id)) continue;
    const identities = identitiesOf(u);
    if (identities.length === 0) {
      skipped.push({ record: "customer", reason: "no_identity", id: `zendesk:user:${u.id}`, detail: u.name ?? undefined });
      continue;
    }
    customers.set(u.id, { key: `zendesk:user:${u.id}`, name: u.name, identities, createdAt: u.created_at ?? null });
  }

  const seenComments = new Set<string>();
  const conversations: ImportConversation[] = [];
  for (const t of tickets.values()) {
    const ticketKey = `zendesk:ticket:${t.id}`;
    const requester = t.requester_id ? users.get(t.requester_id) : undefined;
    if (!requester) {
      skipped.push({ record: "conversation", reason: "missing_requester", id: ticketKey, detail: t.requester_id ? `user ${t.requester_id} is not in the users export` : "the ticket has no requester_id" });
      continue;
    }
    if (!customers.has(requester.id)) {
      skipped.push({ record: "conversation", reason: "no_identity", id: ticketKey, detail: `requester ${requester.id} has no email, phone or external id` });
      continue;
    }
    const entries = entriesOf(t, requester, users, seenComments, skipped);
    if (entries.length === 0) {
      skipped.push({ record: "conversation", reason: "no_messages", id: ticketKey });
      continue;
    }
    let status = zendeskStatus(t.status);
    if (!status) {
      warnings.push(`${ticketKey}: unknown status "${t.status}", imported as open`);
      status = "open";
    }
    let priority = zendeskPriority(t.priority);
    if (!priority) {
      warnings.push(`${ticketKey}: unknown priority "${t.priority}", imported as normal`);
      priority = "normal";
    }
    const assignee = t.assignee_id ? users.get(t.assignee_id) : undefined;
    const last = entries[entries.length - 1]!.occurredAt;
    conversations.push({
      key: ticketKey,
      customerKey: `zendesk:user:${requester.id}`,
      channel: zendeskChannel(t.via?.channel),
      subject: t.subject ?? t.raw_subject,
      status,
      originalStatus: t.status ?? "open",
      snoozedUntil: null,
      priority,
      tags: t.tags ?? [],
      assignee: assignee ? { name: assignee.name, email: assignee.email } : t.assignee_id ? { name: `Zendesk agent ${t.assignee_id}`, email: null } : null,
      createdAt: t.created_at,
      updatedAt: t.updated_at && t.updated_at > last ? t.updated_at : last,
      entries,
    });
  }
  return { source: "zendesk", customers: [...customers.values()], conversations, skipped, warnings };
}

function entriesOf(t: ZendeskTicket, requester: ZendeskUser, users: Map<string, ZendeskUser>, seen: Set<string>, skipped: ImportSkip[]): ImportEntry[] {
  const via = t.via?.channel ?? null;
  if (!t.comments) {
    // Exported without comments: the description is the requester's first message.
    const body = importBody(t.description, null);
    const key = `zendesk:ticket:${t.id}:description`;
    if (!body) {
      skipped.push({ record: "message", reason: "empty_body", id: key });
      return [];
    }
    return [{ key, kind: "message", direction: "inbound", author: authorOf(requester), text: body.text, html: null, occurredAt: t.created_at, meta: { zendesk: { ticketId: t.id, via } } }];
  }
  const out: ImportEntry[] = [];
  // Stable: comments of the same second keep their export order.
  const comments = [...t.comments].sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
  for (const c of comments) {
    const key = `zendesk:comment:${c.id}`;
    if (seen.has(c.id)) {
      skipped.push({ record: "message", reason: "duplicate", id: key, detail: `comment ${c.id} appears more than once` });
      continue;
    }
    seen.add(c.id);
    const body = importBody(c.plain_body ?? c.body, c.html_body);
    if (!body) {
      skipped.push({ record: "message", reason: "empty_body", id: key });
      continue;
    }
    const authorUser = c.author_id ? users.get(c.author_id) : undefined;
    const author =
      c.author_id === requester.id || (authorUser && isEndUser(authorUser))
        ? authorOf(authorUser ?? requester)
        : authorUser
          ? { role: "agent" as const, name: authorUser.name, email: authorUser.email }
          : // Zendesk's own changes (triggers, automations) carry author -1 or none.
            !c.author_id || c.author_id === "-1"
            ? { role: "system" as const, name: "Zendesk", email: null }
            : { role: "agent" as const, name: `Zendesk user ${c.author_id}`, email: null };
    out.push({
      key,
      kind: c.public ? "message" : "note",
      direction: author.role === "customer" ? "inbound" : "outbound",
      author,
      text: body.text,
      html: body.html,
      occurredAt: c.created_at,
      meta: { zendesk: { ticketId: t.id, commentId: c.id, authorId: c.author_id ?? null, public: c.public, via } },
    });
  }
  return out;
}

const isEndUser = (u: ZendeskUser) => !u.role || u.role === "end-user";

function authorOf(u: ZendeskUser) {
  return { role: "customer" as const, name: u.name, email: u.email };
}

function identitiesOf(u: ZendeskUser): ImportIdentity[] {
  const out: ImportIdentity[] = [];
  if (u.email) out.push({ kind: "email", value: u.email });
  if (u.phone) out.push({ kind: "phone", value: u.phone });
  if (u.external_id) out.push({ kind: "external_id", value: u.external_id });
  return out;
}

function readTickets(f: ExportFile): { tickets: Located[]; users: Located[] } {
  const parsed = readJsonExport(f.text, f.file);
  if (parsed.kind === "lines") return { tickets: parsed.records, users: [] };
  const doc = parsed.document;
  if (Array.isArray(doc)) return { tickets: documentRecords(doc, f.file, "ticket"), users: [] };
  if (doc && typeof doc === "object") {
    const o = doc as Record<string, unknown>;
    if (Array.isArray(o.tickets)) return { tickets: documentRecords(o.tickets, f.file, "ticket"), users: Array.isArray(o.users) ? documentRecords(o.users, f.file, "user") : [] };
    if (o.ticket && typeof o.ticket === "object") return { tickets: [{ value: o.ticket, where: `${f.file} ticket` }], users: [] };
    if ("id" in o) return { tickets: [{ value: o, where: `${f.file} line 1` }], users: [] };
  }
  throw new ImportFormatError(`${f.file}: expected Zendesk tickets (one ticket object a line, or {"tickets": [...]})`);
}

function readUsers(f: ExportFile): Located[] {
  const parsed = readJsonExport(f.text, f.file);
  if (parsed.kind === "lines") return parsed.records;
  const doc = parsed.document;
  if (Array.isArray(doc)) return documentRecords(doc, f.file, "user");
  if (doc && typeof doc === "object") {
    const o = doc as Record<string, unknown>;
    if (Array.isArray(o.users)) return documentRecords(o.users, f.file, "user");
    if ("id" in o) return [{ value: o, where: `${f.file} line 1` }];
  }
  throw new ImportFormatError(`${f.file}: expected Zendesk users (one user object a line, or {"users": [...]})`);
}
