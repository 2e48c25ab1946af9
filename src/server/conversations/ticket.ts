// Ticket changes: status (with snooze and the resolved/reopened timestamps),
// priority, assignee, team, tags and subject. Every change is a ticket_event
// on the customer's timeline, written in the same transaction as the change
// and published after commit, plus one conversation.updated on the bus.
// A status change also starts or ends the SLA pause in the same transaction.
// Background workers (the snooze waker) lock rows themselves and use
// applyTicketChanges + publishTicketUpdate: the same path, without a user.
import type { ConversationStatus, Priority } from "@/generated/prisma/enums";
import { db, Prisma } from "@/server/db";
import { bus } from "@/server/events/bus";
import { publishTimelineCreated, type CreatedEvent } from "@/server/ingest/record";
import { insertTicketEvent } from "./ticket-events";
import { isUuid } from "@/server/db/ids";
import { runTransaction, type Tx } from "@/server/db/tx";
import { syncSlaPause } from "@/server/sla/pause";
import type { SlaContext } from "@/server/sla/policy";
import { DomainError } from "@/server/lib/domain-error";
import { missingFieldsMessage, missingRequiredFields } from "@/server/fields/required";

export type TicketChanges = {
  status?: ConversationStatus;
  /** Required with status "snoozed": when the conversation wakes up. */
  snoozedUntil?: Date | null;
  priority?: Priority;
  /** A user id, or null to unassign. */
  assigneeId?: string | null;
  /** A team id, or null for no team. */
  teamId?: string | null;
  addTags?: string[];
  removeTags?: string[];
  subject?: string | null;
};

/** Who changes it: a user, or the system (userId null, e.g. the snooze waker). */
export type TicketActor = { userId: string | null; name?: string | null };

export class TicketError extends DomainError {
  constructor(
    public code: "not_found" | "invalid_input",
    message: string,
  ) {
    super(message);
  }
}

export type TicketUpdateResult = { conversationId: string; changes: Record<string, unknown>; events: CreatedEvent[] };

const MAX_TAG = 40;
const MAX_TAGS = 30;

export function normalizeTags(tags: string[] | undefined): string[] {
  const out: string[] = [];
  for (const raw of tags ?? []) {
    const tag = String(raw).replace(/[\s,]+/g, " ").trim().slice(0, MAX_TAG);
    if (tag && !out.some((t) => t.toLowerCase() === tag.toLowerCase())) out.push(tag);
  }
  return out;
}

export type LockedConversation = {
  id: string;
  inbox_id: string;
  customer_id: string;
  status: ConversationStatus;
  priority: Priority;
  assignee_id: string | null;
  team_id: string | null;
  tags: string[];
  subject: string | null;
  snoozed_until: Date | null;
  resolved_at: Date | null;
  reopen_count: number;
};

/** The columns applyTicketChanges needs, for a caller's `SELECT … FOR UPDATE`. */
export const LOCKED_COLUMNS = Prisma.sql`id, inbox_id, customer_id, status, priority, assignee_id, team_id, tags, subject, snoozed_until, resolved_at, reopen_count`;

export type TicketOutcome = { conversationId: string; customerId: string; inboxId: string; changed: Record<string, unknown>; events: CreatedEvent[] };

export type ApplyOptions = {
  actor: TicketActor;
  changes: TicketChanges;
  now: Date;
  /** Replaces the status event's text (the waker's "Snooze ended; reopened"). */
  statusText?: string;
  /** Added to the status event's payload, e.g. { reason: "snooze_ended" }. */
  statusPayload?: Record<string, unknown>;
  /** SLA policies and calendars, when a batch already loaded them. */
  slaContext?: SlaContext;
};

/** Who may be assigned a conversation of this inbox: active admins/supervisors, or members of a team granted it. */
export async function canBeAssigned(userId: string, inboxId: string): Promise<{ id: string; name: string } | null> {
  if (!isUuid(userId)) return null;
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, name: true, role: true, deactivatedAt: true, teams: { select: { team: { select: { inboxes: { where: { inboxId }, select: { inboxId: true } } } } } } },
  });
  if (!user || user.deactivatedAt) return null;
  if (user.role === "admin" || user.role === "supervisor") return { id: user.id, name: user.name };
  return user.teams.some((t) => t.team.inboxes.length > 0) ? { id: user.id, name: user.name } : null;
}

const fmtDate = (d: Date) => d.toISOString().replace("T", " ").slice(0, 16) + " UTC";

/**
 * Applies the changes that differ from the current state. Outside the actor's
 * inbox scope the conversation does not exist (not_found). Returns what changed.
 */
export async function updateConversation(args: {
  conversationId: string;
  actor: TicketActor;
  inboxScope: "all" | string[];
  changes: TicketChanges;
  now?: Date;
}): Promise<TicketUpdateResult> {
  const { conversationId, actor, changes } = args;
  if (!isUuid(conversationId)) throw new TicketError("not_found", "No such conversation.");
  const now = args.now ?? new Date();

  const outcome = await runTransaction(async (tx) => {
    const [row] = await tx.$queryRaw<LockedConversation[]>`SELECT ${LOCKED_COLUMNS} FROM conversations WHERE id = ${conversationId}::uuid FOR UPDATE`;
    if (!row || (args.inboxScope !== "all" && !args.inboxScope.includes(row.inbox_id))) throw new TicketError("not_found", "No such conversation.");
    return applyTicketChanges(tx, row, { actor, changes, now });
  });

  await publishTicketUpdate(outcome, actor);
  return { conversationId, changes: outcome.changed, events: outcome.events };
}

/**
 * The changes that differ from the current state of `row`, which the caller's
 * transaction holds FOR UPDATE. Call publishTicketUpdate after commit.
 */
export async function applyTicketChanges(tx: Tx, row: LockedConversation, opts: ApplyOptions): Promise<TicketOutcome> {
  const { actor, changes, now } = opts;
  const conversationId = row.id;
  const data: Prisma.ConversationUncheckedUpdateInput = {};
  const changed: Record<string, unknown> = {};
  const events: CreatedEvent[] = [];
  const event = async (name: string, text: string, payload: Record<string, unknown>) => {
    events.push(await insertTicketEvent(tx, conversationId, { actorUserId: actor.userId, name, text, payload, occurredAt: now }));
  };

  // Status (and snooze).
  if (changes.status !== undefined) {
    const to = changes.status;
    const until = to === "snoozed" ? changes.snoozedUntil ?? null : null;
    if (to === "snoozed") {
      if (!until || Number.isNaN(until.getTime())) throw new TicketError("invalid_input", "Snoozing needs a date and time to wake up.");
      if (until.getTime() <= now.getTime()) throw new TicketError("invalid_input", "Snooze until a moment in the future.");
    }
    const sameSnooze = to === "snoozed" && row.snoozed_until?.getTime() === until?.getTime();
    // An agent cannot resolve while the inbox's required custom fields are empty (src/server/fields/).
    if (to === "resolved" && to !== row.status && actor.userId) {
      const [fields] = await tx.$queryRaw<{ custom_fields: unknown }[]>`SELECT custom_fields FROM conversations WHERE id = ${conversationId}::uuid`;
      const missing = await missingRequiredFields({ inboxId: row.inbox_id, customFields: fields?.custom_fields }, tx);
      if (missing.length) throw new TicketError("invalid_input", missingFieldsMessage(missing));
    }
    if (to !== row.status || (to === "snoozed" && !sameSnooze)) {
      const from = row.status;
      data.status = to;
      data.snoozedUntil = until;
      changed.status = to;
      changed.snoozedUntil = until;
      const wasDone = from === "resolved" || from === "closed";
      const isDone = to === "resolved" || to === "closed";
      if (isDone) {
        if (to === "resolved" || !row.resolved_at) {
          data.resolvedAt = now;
          changed.resolvedAt = now;
        }
        data.waitingSince = null;
        changed.waitingSince = null;
      } else if (wasDone) {
        data.resolvedAt = null;
        data.reopenCount = row.reopen_count + 1;
        changed.resolvedAt = null;
        changed.reopenCount = row.reopen_count + 1;
      }
      const text =
        opts.statusText ??
        (to === "snoozed"
          ? `Snoozed until ${fmtDate(until!)}`
          : wasDone && !isDone
            ? `Reopened (status changed from ${from} to ${to})`
            : `Status changed from ${from} to ${to}`);
      await event("status", text, {
        from,
        to,
        ...(until ? { until: until.toISOString() } : {}),
        ...(wasDone && !isDone ? { reopened: true } : {}),
        ...opts.statusPayload,
      });
    }
  }

  if (changes.priority !== undefined && changes.priority !== row.priority) {
    data.priority = changes.priority;
    changed.priority = changes.priority;
    await event("priority", `Priority changed from ${row.priority} to ${changes.priority}`, { from: row.priority, to: changes.priority });
  }

  if (changes.assigneeId !== undefined && changes.assigneeId !== row.assignee_id) {
    const [fromUser] = row.assignee_id ? await tx.$queryRaw<{ name: string }[]>`SELECT name FROM users WHERE id = ${row.assignee_id}::uuid` : [];
    let toName: string | null = null;
    if (changes.assigneeId) {
      const user = await canBeAssigned(changes.assigneeId, row.inbox_id);
      if (!user) throw new TicketError("invalid_input", "That agent cannot see this conversation's inbox.");
      toName = user.name;
    }
    data.assigneeId = changes.assigneeId;
    changed.assigneeId = changes.assigneeId;
    changed.assigneeName = toName;
    const fromName = fromUser?.name ?? null;
    const text = !changes.assigneeId ? `Unassigned${fromName ? ` (was ${fromName})` : ""}` : fromName ? `Reassigned from ${fromName} to ${toName}` : `Assigned to ${toName}`;
    await event("assignee", text, { from: row.assignee_id, to: changes.assigneeId, fromName, toName });
  }

  if (changes.teamId !== undefined && changes.teamId !== row.team_id) {
    let toName: string | null = null;
    if (changes.teamId) {
      if (!isUuid(changes.teamId)) throw new TicketError("invalid_input", "No such team.");
      const team = await tx.team.findUnique({ where: { id: changes.teamId }, select: { name: true, inboxes: { where: { inboxId: row.inbox_id }, select: { inboxId: true } } } });
      if (!team) throw new TicketError("invalid_input", "No such team.");
      if (team.inboxes.length === 0) throw new TicketError("invalid_input", `Team ${team.name} cannot see this conversation's inbox.`);
      toName = team.name;
    }
    const [fromTeam] = row.team_id ? await tx.$queryRaw<{ name: string }[]>`SELECT name FROM teams WHERE id = ${row.team_id}::uuid` : [];
    data.teamId = changes.teamId;
    changed.teamId = changes.teamId;
    changed.teamName = toName;
    await event("team", toName ? `Team changed to ${toName}` : "Team removed", { from: row.team_id, to: changes.teamId, fromName: fromTeam?.name ?? null, toName });
  }

  if (changes.addTags?.length || changes.removeTags?.length) {
    const lower = (t: string) => t.toLowerCase();
    const current = row.tags;
    const added = normalizeTags(changes.addTags).filter((t) => !current.some((c) => lower(c) === lower(t)));
    const removeSet = new Set(normalizeTags(changes.removeTags).map(lower));
    const removed = current.filter((c) => removeSet.has(lower(c)) && !added.some((a) => lower(a) === lower(c)));
    if (added.length || removed.length) {
      const next = [...current.filter((c) => !removed.includes(c)), ...added];
      if (next.length > MAX_TAGS) throw new TicketError("invalid_input", `At most ${MAX_TAGS} tags.`);
      data.tags = next;
      changed.tags = next;
      const parts = [added.length ? `Tags added: ${added.join(", ")}` : "", removed.length ? `Tags removed: ${removed.join(", ")}` : ""].filter(Boolean);
      await event("tags", parts.join("; "), { added, removed });
    }
  }

  if (changes.subject !== undefined) {
    const subject = changes.subject?.replace(/\s+/g, " ").trim().slice(0, 500) || null;
    if (subject !== row.subject) {
      data.subject = subject;
      changed.subject = subject;
      await event("subject", subject ? `Subject changed to “${subject}”` : "Subject removed", { from: row.subject, to: subject });
    }
  }

  if (Object.keys(data).length > 0) await tx.conversation.update({ where: { id: conversationId }, data });
  // Pending and snoozed stop the SLA clocks; leaving them restarts them (see sla/pause.ts).
  if ("status" in changed) await syncSlaPause(tx, conversationId, now, opts.slaContext);
  return { conversationId, changed, events, inboxId: row.inbox_id, customerId: row.customer_id };
}

/** After commit: the timeline events and one conversation.updated (queues, rules and SLA follow it). */
export async function publishTicketUpdate(outcome: TicketOutcome, actor: TicketActor): Promise<void> {
  if (outcome.events.length === 0) return;
  const { conversationId, customerId, inboxId } = outcome;
  await publishTimelineCreated(outcome.events);
  bus.publish({ type: "conversation.updated", conversationId, customerId, inboxId, changes: { ...outcome.changed, byUserId: actor.userId } });
}

/** The same changes on many conversations; those outside the scope are skipped, not fatal. */
export async function bulkUpdateConversations(args: { conversationIds: string[]; actor: TicketActor; inboxScope: "all" | string[]; changes: TicketChanges }) {
  const updated: string[] = [];
  const failed: { id: string; reason: string }[] = [];
  for (const id of [...new Set(args.conversationIds)]) {
    try {
      await updateConversation({ conversationId: id, actor: args.actor, inboxScope: args.inboxScope, changes: args.changes });
      updated.push(id);
    } catch (error) {
      if (error instanceof TicketError) failed.push({ id, reason: error.message });
      else throw error;
    }
  }
  return { updated, failed };
}
