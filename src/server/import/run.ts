// Writes an import bundle (./model.ts) through the domain services: customers
// and identities by customers/identity.ts, each conversation's messages and
// notes by the ingest write batch (conversation found or opened by its
// external thread key, original times kept, dedupe keys "zendesk:comment:…"),
// then the conversation's own state (created time, priority, tags, assignee)
// and its status through conversations/ticket.ts, all in one transaction per
// conversation: a record is stored whole or not at all.
//
// Historical, not live: nothing here publishes on the bus. Rules, SLA due
// times, surveys, journey stages, outgoing webhooks and the live push all
// follow committed bus events (jobs/forwarder.ts → consumers), so the import
// calls the write batch (ingest/write-batch.ts) inside its own transaction
// instead of recordTouchpoints, which publishes after commit; and it calls
// applyTicketChanges without publishTicketUpdate. Outbound messages are stored
// as already sent, so the outbox sweep (outbox/worker.ts sweepUnqueued, which
// sends "queued" outbound messages without an outbox item) never sends them.
//
// Idempotent: every message has a dedupe key, a conversation is found again
// by its thread key, a customer by its identities; a second run adds nothing
// and reports it all as already imported.
import type { Prisma } from "@/server/db";
import { db } from "@/server/db";
import { runTransaction, type Tx } from "@/server/db/tx";
import { normalizeClaims, resolveCustomers, type IdentityClaim } from "@/server/customers/identity";
import { applyTicketChanges, canBeAssigned, LOCKED_COLUMNS, normalizeTags, type LockedConversation } from "@/server/conversations/ticket";
import { prepare, validate, type TouchpointInput } from "@/server/ingest/touchpoint";
import { writeBatch } from "@/server/ingest/write-batch";
import { inboxIdIn, type ImportInbox } from "./inbox";
import type { ImportBundle, ImportConversation, ImportCustomer, ImportEntry, ImportSkip, ImportSource } from "./model";

export type ImportProgress = { phase: "customers" | "conversations"; done: number; total: number };

export type ImportOptions = {
  inbox: ImportInbox;
  /** Everything is written and rolled back: the summary says what a real run would do. */
  dryRun?: boolean;
  onProgress?: (p: ImportProgress) => void;
};

export type ImportSummary = {
  source: ImportSource;
  dryRun: boolean;
  inbox: { id: string | null; name: string };
  customers: { imported: number; matched: number };
  conversations: { imported: number; updated: number };
  messages: { imported: number; notes: number };
  skipped: ImportSkip[];
  warnings: string[];
  /** Records that could not be stored (listed in skipped as "failed"); non-zero makes the CLI fail. */
  failed: number;
};

const CUSTOMER_CHUNK = 200;
const STATUS_WORD: Record<ImportSource, string> = { zendesk: "Zendesk", chatwoot: "Chatwoot" };

/** Thrown at the end of a dry run's transaction to roll it back with its outcome. */
class DryRunRollback<T> extends Error {
  constructor(public outcome: T) {
    super("dry run");
  }
}

export async function runImport(bundle: ImportBundle, opts: ImportOptions): Promise<ImportSummary> {
  const summary: ImportSummary = {
    source: bundle.source,
    dryRun: opts.dryRun === true,
    inbox: { id: opts.inbox.id, name: opts.inbox.name },
    customers: { imported: 0, matched: 0 },
    conversations: { imported: 0, updated: 0 },
    messages: { imported: 0, notes: 0 },
    skipped: [...bundle.skipped],
    warnings: [...bundle.warnings],
    failed: 0,
  };
  const claimsOf = claimsFor(bundle.source, summary);
  await importCustomers(bundle, claimsOf, opts, summary);
  const users = await agentsByEmail(bundle.conversations);
  const customers = new Map(bundle.customers.map((c) => [c.key, c]));
  let done = 0;
  for (const conv of bundle.conversations) {
    const customer = customers.get(conv.customerKey);
    const claims = customer ? claimsOf(customer) : [];
    if (!customer || claims.length === 0) {
      summary.skipped.push({ record: "conversation", reason: customer ? "invalid_identity" : "missing_requester", id: conv.key });
    } else {
      try {
        const outcome = await inTransaction(opts.dryRun === true, (tx) => writeConversation(tx, conv, customer, claims, users, bundle.source, opts.inbox));
        tally(outcome, conv, summary);
      } catch (error) {
        summary.failed++;
        summary.skipped.push({ record: "conversation", reason: "failed", id: conv.key, detail: lastLine(error) });
      }
    }
    opts.onProgress?.({ phase: "conversations", done: ++done, total: bundle.conversations.length });
  }
  return summary;
}

async function inTransaction<T>(dryRun: boolean, fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await runTransaction(
      async (tx) => {
        const outcome = await fn(tx);
        if (dryRun) throw new DryRunRollback(outcome);
        return outcome;
      },
      { timeout: 120_000 },
    );
  } catch (error) {
    if (error instanceof DryRunRollback) return error.outcome as T;
    throw error;
  }
}

/** Each customer's identities as verified claims: an admin's own export vouches for them. Invalid values are left out (once, with a warning). */
function claimsFor(source: ImportSource, summary: ImportSummary) {
  const memo = new Map<string, IdentityClaim[]>();
  return (c: ImportCustomer): IdentityClaim[] => {
    const known = memo.get(c.key);
    if (known) return known;
    const claims: IdentityClaim[] = [];
    for (const id of c.identities) {
      try {
        const [n] = normalizeClaims([{ kind: id.kind, value: id.value, verified: true, source: `import:${source}` }]);
        if (n) claims.push(n);
      } catch {
        summary.warnings.push(`${c.key}: invalid ${id.kind} "${id.value.slice(0, 60)}" left out`);
      }
    }
    memo.set(c.key, claims);
    return claims;
  };
}

async function importCustomers(bundle: ImportBundle, claimsOf: (c: ImportCustomer) => IdentityClaim[], opts: ImportOptions, summary: ImportSummary) {
  const usable = bundle.customers.flatMap((c) => {
    const claims = claimsOf(c);
    if (claims.length === 0) {
      summary.skipped.push({ record: "customer", reason: "invalid_identity", id: c.key });
      return [];
    }
    return [{ c, claims }];
  });
  const total = bundle.customers.length;
  let done = total - usable.length;
  for (let i = 0; i < usable.length; i += CUSTOMER_CHUNK) {
    const chunk = usable.slice(i, i + CUSTOMER_CHUNK);
    const source = `import:${bundle.source}`;
    const { resolved, imported } = await inTransaction(opts.dryRun === true, async (tx) => {
      // Which of these identities an earlier run of this import linked: "already imported", not "matched".
      const values = chunk.flatMap((u) => u.claims.map((c) => c.value));
      const prior = await tx.$queryRaw<{ kind: string; value: string }[]>`
        SELECT kind::text AS kind, value FROM customer_identities WHERE source = ${source} AND value = ANY(${values}::text[])`;
      const imported = new Set(prior.map((p) => `${p.kind}:${p.value}`));
      const resolved = await resolveCustomers(tx, chunk.map((u) => ({ claims: u.claims, name: u.c.name })));
      await backdate(tx, resolved.flatMap((r, n) => (r.created && chunk[n]!.c.createdAt ? [{ id: r.customerId, at: chunk[n]!.c.createdAt! }] : [])));
      return { resolved, imported };
    });
    const seen = new Set<string>();
    resolved.forEach((r, n) => {
      const { c, claims } = chunk[n]!;
      if (r.created && !seen.has(r.customerId)) summary.customers.imported++;
      else if (claims.some((cl) => imported.has(`${cl.kind}:${cl.value}`))) summary.skipped.push({ record: "customer", reason: "already_imported", id: c.key });
      else if (seen.has(r.customerId)) summary.skipped.push({ record: "customer", reason: "duplicate", id: c.key, detail: "same person as another record of the export" });
      else summary.customers.matched++;
      seen.add(r.customerId);
    });
    done += chunk.length;
    opts.onProgress?.({ phase: "customers", done, total });
  }
  if (usable.length === 0 && total > 0) opts.onProgress?.({ phase: "customers", done: total, total });
}

/** A new customer was known to the platform since then, not since today (the directory shows it). */
async function backdate(tx: Tx, rows: { id: string; at: Date }[]) {
  if (rows.length === 0) return;
  await tx.$executeRaw`
    UPDATE customers c SET created_at = v.at
    FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.at)}::timestamptz[]) AS v(id, at)
    WHERE c.id = v.id`;
}

/** Throughline users the export's agents are, by email (deactivated ones too: history keeps its authors). */
async function agentsByEmail(conversations: ImportConversation[]): Promise<Map<string, string>> {
  const emails = new Set<string>();
  for (const c of conversations) {
    if (c.assignee?.email) emails.add(c.assignee.email.toLowerCase());
    for (const e of c.entries) if (e.author.role === "agent" && e.author.email) emails.add(e.author.email.toLowerCase());
  }
  if (emails.size === 0) return new Map();
  const users = await db.user.findMany({ where: { email: { in: [...emails], mode: "insensitive" } }, select: { id: true, email: true } });
  return new Map(users.map((u) => [u.email.toLowerCase(), u.id]));
}

type ConversationOutcome = { opened: boolean; existed: boolean; created: boolean[] };

async function writeConversation(
  tx: Tx,
  conv: ImportConversation,
  customer: ImportCustomer,
  claims: IdentityClaim[],
  users: Map<string, string>,
  source: ImportSource,
  inbox: ImportInbox,
): Promise<ConversationOutcome> {
  const inboxId = await inboxIdIn(tx, inbox);
  // By thread key whatever its age (the write path only looks 30 days back for a closed one).
  const [existing] = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM conversations WHERE inbox_id = ${inboxId}::uuid AND external_thread_key = ${conv.key} ORDER BY created_at, id LIMIT 1`;
  const inputs = conv.entries.map((e) => touchpoint(e, conv, customer, claims, users, inboxId, existing?.id ?? null, source));
  inputs.forEach((input, i) => validate(input, i));
  const written = await writeBatch(tx, prepare(inputs));
  const opened = existing ? null : written.conversations.find((c) => c.isNew);
  if (opened) await settle(tx, opened.id, conv, users, source);
  return { opened: !!opened, existed: !!existing, created: written.results.map((r) => r.created) };
}

function touchpoint(
  e: ImportEntry,
  conv: ImportConversation,
  customer: ImportCustomer,
  claims: IdentityClaim[],
  users: Map<string, string>,
  inboxId: string,
  conversationId: string | null,
  source: ImportSource,
): TouchpointInput {
  const userId = e.author.role === "agent" && e.author.email ? (users.get(e.author.email.toLowerCase()) ?? null) : null;
  const note = e.kind === "note";
  return {
    // A known conversation names its customer; a new one is opened for the requester.
    ...(conversationId ? {} : { identities: claims, customerName: customer.name }),
    conversation: conversationId ? { id: conversationId, inboxId } : { inboxId, externalThreadKey: conv.key, subject: conv.subject },
    channel: conv.channel,
    kind: e.kind,
    actor: e.author.role,
    actorUserId: userId,
    occurredAt: e.occurredAt,
    text: e.text,
    dedupeKey: e.key,
    // Authors who are no Throughline user keep their name here (the timeline's actorName comes from users).
    payload: { imported: { source, key: e.key }, ...(e.author.role !== "customer" && !userId && e.author.name ? { authorName: e.author.name } : {}) },
    message: {
      direction: e.direction,
      bodyText: e.text,
      bodyHtml: e.html,
      isNote: note,
      authorId: userId,
      // Historical: delivered by the other platform long ago. Never "queued", which the outbox would send.
      deliveryStatus: e.direction === "inbound" ? "received" : "sent",
      meta: { ...e.meta, imported: source, ...(e.author.name ? { authorName: e.author.name } : {}), ...(e.author.email ? { authorEmail: e.author.email } : {}) },
    },
  };
}

/** A new conversation as the platform had it: its created time, priority, tags, assignee, then its status. */
async function settle(tx: Tx, conversationId: string, conv: ImportConversation, users: Map<string, string>, source: ImportSource) {
  const inbox = await tx.conversation.findUniqueOrThrow({ where: { id: conversationId }, select: { inboxId: true } });
  const agentId = conv.assignee?.email ? users.get(conv.assignee.email.toLowerCase()) : undefined;
  const assigneeId = agentId && (await canBeAssigned(agentId, inbox.inboxId)) ? agentId : null;
  const data: Prisma.ConversationUncheckedUpdateInput = { createdAt: conv.createdAt, priority: conv.priority, tags: normalizeTags(conv.tags).slice(0, 30), assigneeId };
  await tx.conversation.update({ where: { id: conversationId }, data });
  if (conv.status === "open") return;
  const [row] = await tx.$queryRaw<LockedConversation[]>`SELECT ${LOCKED_COLUMNS} FROM conversations WHERE id = ${conversationId}::uuid FOR UPDATE`;
  // The status change is on the timeline at the ticket's last update; applyTicketChanges also keeps the SLA pause in line.
  await applyTicketChanges(tx, row!, {
    actor: { userId: null },
    changes: { status: conv.status, snoozedUntil: conv.snoozedUntil },
    now: conv.updatedAt,
    statusText: `Imported from ${STATUS_WORD[source]} as ${conv.originalStatus}`,
    statusPayload: { imported: source, originalStatus: conv.originalStatus },
  });
}

function tally(outcome: ConversationOutcome, conv: ImportConversation, summary: ImportSummary) {
  outcome.created.forEach((created, i) => {
    const e = conv.entries[i]!;
    if (!created) summary.skipped.push({ record: "message", reason: "already_imported", id: e.key });
    else if (e.kind === "note") summary.messages.notes++;
    else summary.messages.imported++;
  });
  const added = outcome.created.some(Boolean);
  if (outcome.opened) summary.conversations.imported++;
  else if (added) summary.conversations.updated++;
  else summary.skipped.push({ record: "conversation", reason: "already_imported", id: conv.key });
}

function lastLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (
    text
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      .pop() ?? "unknown error"
  ).slice(0, 300);
}
