// Custom conversation fields: the admin's definitions (Settings → Fields) and
// the values agents and integrations set on a conversation.
//
// A field has a key (lower snake_case, fixed at creation: it names the value in
// Conversation.customFields and in the REST API), a label, a type (text,
// number, select with its options, date) and the inboxes where it must be
// filled before a conversation is resolved (./required.ts; the guard is in
// src/server/conversations/ticket.ts). Archiving hides a field from lists and
// lifts its requirement; values already stored stay where they are.
//
// Setting values validates every value against its field first (nothing is
// half-stored), then writes customFields and one ticket_event per changed
// field in one transaction, published after commit like any ticket change
// (timeline.created + conversation.updated on the bus). Definition changes are audited.
import type { ConversationFieldType } from "@/generated/prisma/enums";
import { db, Prisma } from "@/server/db";
import { isUuid } from "@/server/db/ids";
import { runTransaction, sqlState } from "@/server/db/tx";
import { recordAudit } from "@/server/audit/record";
import { DomainError } from "@/server/lib/domain-error";
import { insertTicketEvent } from "@/server/conversations/ticket-events";
import { publishTicketUpdate, type TicketActor } from "@/server/conversations/ticket";
import type { CreatedEvent } from "@/server/ingest/touchpoint";
import { missingRequiredFields, storedValues, type RequiredField } from "./required";

export { missingRequiredFields, missingFieldsMessage, isFilled } from "./required";

export const FIELD_TYPES = ["text", "number", "select", "date"] as const satisfies readonly ConversationFieldType[];
export type FieldType = (typeof FIELD_TYPES)[number];

export const FIELD_KEY_PATTERN = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
export const MAX_KEY = 50;
export const MAX_LABEL = 80;
export const MAX_OPTIONS = 100;
export const MAX_OPTION = 100;
export const MAX_TEXT_VALUE = 500;
export const MAX_FIELDS = 100;

export type FieldValue = string | number;

export class FieldError extends DomainError {
  constructor(
    message: string,
    code: "not_found" | "invalid_key" | "key_taken" | "invalid_label" | "invalid_options" | "invalid_value" | "unknown_field" | "unknown_inbox" | "too_many_fields" | "invalid_input",
    /** The field key (or definition attribute) the error is about, for forms. */
    public field?: string,
  ) {
    super(message, code === "not_found" ? "not_found" : code === "key_taken" ? "conflict" : "invalid_input", code);
  }
}

const definition = {
  id: true,
  key: true,
  label: true,
  type: true,
  options: true,
  position: true,
  archivedAt: true,
  createdAt: true,
  updatedAt: true,
  requiredIn: { select: { inboxId: true } },
} satisfies Prisma.ConversationFieldSelect;

type DefinitionRow = Prisma.ConversationFieldGetPayload<{ select: typeof definition }>;
const shaped = ({ requiredIn, ...f }: DefinitionRow) => ({ ...f, requiredInboxIds: requiredIn.map((r) => r.inboxId).sort() });
export type FieldDefinition = ReturnType<typeof shaped>;

/** The fields, in their order (position, then creation); archived ones only when asked. */
export async function listFields(opts: { includeArchived?: boolean } = {}): Promise<FieldDefinition[]> {
  const rows = await db.conversationField.findMany({
    where: opts.includeArchived ? {} : { archivedAt: null },
    orderBy: [{ position: "asc" }, { createdAt: "asc" }, { id: "asc" }],
    select: definition,
  });
  return rows.map(shaped);
}

// ---- definitions --------------------------------------------------------------------------

export type FieldInput = { key: string; label: string; type: FieldType; options?: string[]; requiredInboxIds?: string[]; position?: number };
export type FieldChanges = { label?: string; options?: string[]; requiredInboxIds?: string[]; position?: number };

function cleanKey(raw: string): string {
  const key = String(raw ?? "").trim();
  if (!key || key.length > MAX_KEY || !FIELD_KEY_PATTERN.test(key)) {
    throw new FieldError(`The key must be lower snake_case (a–z, 0–9 and single underscores, starting with a letter), at most ${MAX_KEY} characters, e.g. order_id.`, "invalid_key", "key");
  }
  return key;
}

function cleanLabel(raw: string): string {
  const label = String(raw ?? "").replace(/\s+/g, " ").trim();
  if (label.length < 1 || label.length > MAX_LABEL) throw new FieldError(`The label must be 1 to ${MAX_LABEL} characters.`, "invalid_label", "label");
  return label;
}

function cleanOptions(type: FieldType, raw: string[] | undefined): string[] {
  if (type !== "select") {
    if (raw?.some((o) => String(o).trim())) throw new FieldError("Only a select field has options.", "invalid_options", "options");
    return [];
  }
  const options = (raw ?? []).map((o) => String(o).replace(/\s+/g, " ").trim()).filter(Boolean);
  if (options.length === 0) throw new FieldError("A select field needs at least one option.", "invalid_options", "options");
  if (options.length > MAX_OPTIONS) throw new FieldError(`A select field has at most ${MAX_OPTIONS} options.`, "invalid_options", "options");
  const long = options.find((o) => o.length > MAX_OPTION);
  if (long) throw new FieldError(`An option is at most ${MAX_OPTION} characters (“${long.slice(0, 40)}…”).`, "invalid_options", "options");
  const seen = new Set<string>();
  for (const o of options) {
    const k = o.toLowerCase();
    if (seen.has(k)) throw new FieldError(`The option “${o}” is listed twice: options must be unique.`, "invalid_options", "options");
    seen.add(k);
  }
  return options;
}

async function cleanInboxIds(tx: Prisma.TransactionClient, raw: string[] | undefined): Promise<string[]> {
  const ids = [...new Set(raw ?? [])];
  if (ids.length === 0) return [];
  const bad = ids.find((id) => !isUuid(id));
  const found = bad ? [] : await tx.inbox.findMany({ where: { id: { in: ids } }, select: { id: true } });
  if (bad || found.length !== ids.length) {
    const known = new Set(found.map((i) => i.id));
    throw new FieldError(`No such inbox: ${ids.filter((id) => !known.has(id)).join(", ").slice(0, 200)}.`, "unknown_inbox", "requiredInboxIds");
  }
  return ids.sort();
}

const isUniqueViolation = (error: unknown) => sqlState(error) === "23505";

/** A new field; the definition, its required inboxes and the audit entry are stored together or not at all. */
export async function createField(input: FieldInput, actorUserId: string | null): Promise<FieldDefinition> {
  const key = cleanKey(input.key);
  const label = cleanLabel(input.label);
  if (!(FIELD_TYPES as readonly string[]).includes(input.type)) throw new FieldError(`The type must be one of ${FIELD_TYPES.join(", ")}.`, "invalid_input", "type");
  const options = cleanOptions(input.type, input.options);
  try {
    return await db.$transaction(async (tx) => {
      const inboxIds = await cleanInboxIds(tx, input.requiredInboxIds);
      const count = await tx.conversationField.count({ where: { archivedAt: null } });
      if (count >= MAX_FIELDS) throw new FieldError(`At most ${MAX_FIELDS} fields; archive one first.`, "too_many_fields");
      const taken = await tx.conversationField.findUnique({ where: { key }, select: { archivedAt: true } });
      if (taken) throw keyTaken(key, taken.archivedAt !== null);
      const last = await tx.conversationField.aggregate({ _max: { position: true } });
      const row = await tx.conversationField.create({
        data: { key, label, type: input.type, options, position: input.position ?? (last._max.position ?? -1) + 1, requiredIn: { create: inboxIds.map((inboxId) => ({ inboxId })) } },
        select: definition,
      });
      await recordAudit(tx, { actorUserId, action: "conversation_field.created", targetType: "conversation_field", targetId: row.id, data: { key, label, type: input.type, options, requiredInboxIds: inboxIds } });
      return shaped(row);
    });
  } catch (error) {
    // Two admins creating the same key at once: the loser hears it like the check above.
    if (isUniqueViolation(error)) throw keyTaken(key, false);
    throw error;
  }
}

const keyTaken = (key: string, archived: boolean) =>
  new FieldError(`A field with the key ${key} already exists${archived ? " (archived)" : ""}; keys are never reused, choose another.`, "key_taken", "key");

/** Label, options (select fields), required inboxes and position; key and type are fixed at creation. */
export async function updateField(id: string, changes: FieldChanges & { key?: unknown; type?: unknown }, actorUserId: string | null): Promise<FieldDefinition> {
  if (!isUuid(id)) throw new FieldError("No such field.", "not_found");
  return db.$transaction(async (tx) => {
    const before = await tx.conversationField.findUnique({ where: { id }, select: definition });
    if (!before) throw new FieldError("No such field.", "not_found");
    if (changes.key !== undefined && changes.key !== before.key) throw new FieldError("A field's key cannot change after it is created.", "invalid_key", "key");
    if (changes.type !== undefined && changes.type !== before.type) throw new FieldError("A field's type cannot change after it is created.", "invalid_input", "type");
    const data: Prisma.ConversationFieldUpdateInput = {};
    if (changes.label !== undefined) data.label = cleanLabel(changes.label);
    if (changes.options !== undefined) data.options = cleanOptions(before.type, changes.options);
    if (changes.position !== undefined) data.position = Math.trunc(changes.position);
    let inboxIds = before.requiredIn.map((r) => r.inboxId).sort();
    if (changes.requiredInboxIds !== undefined) {
      inboxIds = await cleanInboxIds(tx, changes.requiredInboxIds);
      data.requiredIn = { deleteMany: {}, create: inboxIds.map((inboxId) => ({ inboxId })) };
    }
    const row = await tx.conversationField.update({ where: { id }, data, select: definition });
    const after = shaped(row);
    const prior = shaped(before);
    await recordAudit(tx, {
      actorUserId,
      action: "conversation_field.updated",
      targetType: "conversation_field",
      targetId: id,
      data: {
        key: before.key,
        before: { label: prior.label, options: prior.options, position: prior.position, requiredInboxIds: prior.requiredInboxIds },
        after: { label: after.label, options: after.options, position: after.position, requiredInboxIds: after.requiredInboxIds },
      },
    });
    return after;
  });
}

/** Hides the field and lifts its requirement; stored values are kept (the key is not reused). */
export async function archiveField(id: string, actorUserId: string | null): Promise<FieldDefinition> {
  if (!isUuid(id)) throw new FieldError("No such field.", "not_found");
  return db.$transaction(async (tx) => {
    const before = await tx.conversationField.findUnique({ where: { id }, select: { key: true, label: true, archivedAt: true } });
    if (!before) throw new FieldError("No such field.", "not_found");
    const row = before.archivedAt ? await tx.conversationField.findUniqueOrThrow({ where: { id }, select: definition }) : await tx.conversationField.update({ where: { id }, data: { archivedAt: new Date() }, select: definition });
    if (!before.archivedAt) await recordAudit(tx, { actorUserId, action: "conversation_field.archived", targetType: "conversation_field", targetId: id, data: { key: before.key, label: before.label } });
    return shaped(row);
  });
}

// ---- values --------------------------------------------------------------------------------

type ValueField = { key: string; label: string; type: ConversationFieldType; options: string[] };

function validDate(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** The value to store for this field (null clears), or a FieldError naming the field. */
export function validateFieldValue(field: ValueField, value: unknown): FieldValue | null {
  if (value === null || value === undefined) return null;
  const bad = (why: string) => new FieldError(`${field.label} (${field.key}): ${why}`, "invalid_value", field.key);
  if (typeof value === "string" && value.trim() === "") return null;
  switch (field.type) {
    case "text": {
      if (typeof value !== "string") throw bad("must be text.");
      const text = value.trim();
      if (text.length > MAX_TEXT_VALUE) throw bad(`must be at most ${MAX_TEXT_VALUE} characters.`);
      if (/\u0000/.test(text)) throw bad("must not contain NUL characters.");
      return text;
    }
    case "number": {
      if (typeof value !== "number" || !Number.isFinite(value)) throw bad("must be a finite number.");
      return value;
    }
    case "date": {
      if (typeof value !== "string" || !validDate(value.trim())) throw bad("must be a date as YYYY-MM-DD, e.g. 2026-01-31.");
      return value.trim();
    }
    case "select": {
      if (typeof value !== "string" || !field.options.includes(value)) throw bad(`must be one of ${field.options.map((o) => `“${o}”`).join(", ")}.`);
      return value;
    }
  }
}

const shown = (v: unknown) => (typeof v === "string" ? `“${v.length > 80 ? `${v.slice(0, 79)}…` : v}”` : String(v));

export type SetFieldsResult = { conversationId: string; customFields: Record<string, FieldValue>; changed: string[]; events: CreatedEvent[] };

/**
 * Sets (null clears) the given fields on a conversation. Outside the actor's
 * inbox scope the conversation does not exist (not_found). Unknown or archived
 * keys and invalid values refuse the whole call.
 */
export async function setConversationFields(
  conversationId: string,
  values: Record<string, unknown>,
  actor: TicketActor,
  opts: { inboxScope: "all" | string[]; now?: Date; /** Added to each timeline entry's payload, e.g. { via: "api", apiKeyId }. */ source?: Record<string, unknown> } = { inboxScope: "all" },
): Promise<SetFieldsResult> {
  if (!isUuid(conversationId)) throw new FieldError("No such conversation.", "not_found");
  if (!values || typeof values !== "object" || Array.isArray(values)) throw new FieldError("Send the values as an object of field key → value.", "invalid_input");
  const keys = Object.keys(values);
  if (keys.length > MAX_FIELDS) throw new FieldError(`At most ${MAX_FIELDS} fields at once.`, "invalid_input");
  const now = opts.now ?? new Date();

  const fields = await db.conversationField.findMany({ where: { key: { in: keys }, archivedAt: null }, select: { key: true, label: true, type: true, options: true, position: true } });
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const unknown = keys.filter((k) => !byKey.has(k));
  if (unknown.length) throw new FieldError(`No such field: ${unknown.map((k) => k.slice(0, 60)).join(", ")}.`, "unknown_field", unknown[0]);
  // Every value is checked before anything is written.
  const next = new Map(keys.map((k) => [k, validateFieldValue(byKey.get(k)!, values[k])]));

  const outcome = await runTransaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ id: string; inbox_id: string; customer_id: string; custom_fields: unknown }[]>`
      SELECT id, inbox_id, customer_id, custom_fields FROM conversations WHERE id = ${conversationId}::uuid FOR UPDATE`;
    if (!row || (opts.inboxScope !== "all" && !opts.inboxScope.includes(row.inbox_id))) throw new FieldError("No such conversation.", "not_found");
    const current = { ...storedValues(row.custom_fields) } as Record<string, FieldValue>;
    const events: CreatedEvent[] = [];
    const changed: string[] = [];
    // In field order, so the timeline reads like the form.
    for (const f of [...fields].sort((a, b) => a.position - b.position)) {
      const from = current[f.key] ?? null;
      const to = next.get(f.key) ?? null;
      if (from === to) continue;
      if (to === null) delete current[f.key];
      else current[f.key] = to;
      changed.push(f.key);
      const text = to === null ? `${f.label} cleared (was ${shown(from)})` : from === null ? `${f.label} set to ${shown(to)}` : `${f.label} changed from ${shown(from)} to ${shown(to)}`;
      events.push(await insertTicketEvent(tx, conversationId, { actorUserId: actor.userId, name: "custom_field", text, payload: { key: f.key, label: f.label, type: f.type, from, to, ...opts.source }, occurredAt: now }));
    }
    if (changed.length) await tx.conversation.update({ where: { id: conversationId }, data: { customFields: current as Prisma.InputJsonValue } });
    return { conversationId, customerId: row.customer_id, inboxId: row.inbox_id, changed: { customFields: current, customFieldKeys: changed }, events, values: current, changedKeys: changed };
  });

  await publishTicketUpdate(outcome, actor);
  return { conversationId, customFields: outcome.values, changed: outcome.changedKeys, events: outcome.events };
}

/** The conversation's custom field values (in scope), for the REST API. */
export async function getConversationFields(conversationId: string, inboxScope: "all" | string[] = "all"): Promise<{ id: string; number: number; inboxId: string; customFields: Record<string, unknown>; missingRequired: RequiredField[] } | null> {
  if (!isUuid(conversationId)) return null;
  const conv = await db.conversation.findUnique({ where: { id: conversationId }, select: { id: true, number: true, inboxId: true, customFields: true } });
  if (!conv || (inboxScope !== "all" && !inboxScope.includes(conv.inboxId))) return null;
  return { id: conv.id, number: conv.number, inboxId: conv.inboxId, customFields: storedValues(conv.customFields), missingRequired: await missingRequiredFields(conv) };
}
