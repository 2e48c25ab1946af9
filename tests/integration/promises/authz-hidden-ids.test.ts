// Hidden ids answer exactly as unknown ones, for every tRPC procedure, proven
// generically: each procedure of the app router is read from the router, every
// id-like field of its zod input (format uuid) is classified by what it names,
// and each field naming something team-scoped (a customer, conversation,
// message, merge, inbox or another agent's notification) is called by a scoped
// agent once with a hidden entity of that kind and once with a random uuid. The
// two answers must be byte-identical (code and message, or the same result),
// the id itself aside. A new procedure is checked the moment it exists; an id
// field this file cannot classify fails until someone says what it names.
// Procedures whose ids name nothing team-scoped (people, teams, rules…) still
// go through the same check with a real entity against a random id.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { callerAs, outcomeOf } from "../../helpers/trpc";
import { db, disconnectDb } from "@/server/db";
import type { Viewer } from "@/server/auth/viewer";
import { appRouter } from "@/server/api/root";
import { seedDemo } from "@/server/seed/demo";
import { recordTouchpoint, type TouchpointInput } from "@/server/ingest/record";
import { mergeCustomers, undoMerge } from "@/server/customers/merge";

/** What an id field names. */
const KINDS = ["customer", "conversation", "message", "merge", "inbox", "notification", "session", "user", "team", "macro", "article", "rule", "slaPolicy", "apiKey", "webhookEndpoint", "webhookDelivery", "conversationField"] as const;
type Kind = (typeof KINDS)[number];
/** Kinds an agent may be unable to see: the hidden-vs-random subjects. */
const SCOPED: readonly Kind[] = ["customer", "conversation", "message", "merge", "inbox", "notification", "session"];

/** Id fields by name, wherever they appear. */
const BY_FIELD: Record<string, Kind> = {
  customerId: "customer",
  sourceId: "customer",
  targetId: "customer",
  conversationId: "conversation",
  messageId: "message",
  mergeId: "merge",
  sessionId: "session",
  inboxId: "inbox",
  inboxIds: "inbox",
  requiredInboxIds: "inbox",
  assigneeId: "user",
  memberIds: "user",
  mentionUserIds: "user",
  teamId: "team",
  teamIds: "team",
  macroId: "macro",
  ruleId: "rule",
  endpointId: "webhookEndpoint",
  actor: "user",
  deliveryId: "webhookDelivery",
};
/** A bare `id` / `ids` names the router's own thing. */
const BY_PROCEDURE: [RegExp, Kind][] = [
  [/^customer\./, "customer"],
  [/^conversation\./, "conversation"],
  [/^notification\./, "notification"],
  [/^people\.(updateTeam)$/, "team"],
  [/^people\./, "user"],
  [/^helpcenter\./, "article"],
  [/^rules\./, "rule"],
  [/^sla\./, "slaPolicy"],
  [/^apiKeys\./, "apiKey"],
  [/^webhooks\./, "webhookEndpoint"],
  [/^macro\./, "macro"],
  [/^field\./, "conversationField"],
];
/** Values the generic filler cannot guess, by field name. */
const VALUE_BY_FIELD: Record<string, () => unknown> = {
  from: () => new Date(Date.now() - 86_400_000),
  to: () => new Date(),
  start: () => new Date(),
  snoozedUntil: () => new Date(Date.now() + 3_600_000),
  trigger: () => ({ type: "conversation.created" }),
};
const VALUE_BY_PATTERN: [RegExp, string][] = [
  [/\\d\{4\}-\\d\{2\}-\\d\{2\}/, "2026-01-01"],
  [/2\[0-3\]/, "09:00"],
];

type JsonSchema = {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
};

/** One id-like field: its path (object keys, "[]" for array items), its field name and the kind it names. */
type IdField = { path: string[]; name: string; kind: Kind | null };

function kindOf(procedure: string, name: string): Kind | null {
  if (name in BY_FIELD) return BY_FIELD[name]!;
  if (name === "id" || name === "ids") return BY_PROCEDURE.find(([re]) => re.test(procedure))?.[1] ?? null;
  return null;
}

function idFields(procedure: string, s: JsonSchema, path: string[] = [], name = ""): IdField[] {
  if (s.format === "uuid") return [{ path, name, kind: kindOf(procedure, name) }];
  const out: IdField[] = [];
  for (const [k, v] of Object.entries(s.properties ?? {})) out.push(...idFields(procedure, v, [...path, k], k));
  if (s.items) out.push(...idFields(procedure, s.items, [...path, "[]"], name));
  for (const alt of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) out.push(...idFields(procedure, alt, path, name));
  // The same field reached through two union branches is one field.
  return out.filter((f, i) => out.findIndex((g) => g.path.join(".") === f.path.join(".")) === i);
}

const startsWith = (path: string[], prefix: string[]) => prefix.every((p, i) => path[i] === p);

/**
 * A minimal valid input: required fields with plausible values, the subject
 * field (and what leads to it) set to `subject`, other id fields to a visible
 * entity of their kind.
 */
function fill(s: JsonSchema, path: string[], subject: { path: string[]; value: string }, idValue: (path: string[], name: string) => string, name = ""): unknown {
  if (s.format === "uuid") return path.join(".") === subject.path.join(".") ? subject.value : idValue(path, name);
  const branches = s.anyOf ?? s.oneOf;
  if (branches) {
    const leading = branches.find((b) => idFieldsOf(b, path).some((f) => startsWith(subject.path, f)));
    const pick = leading ?? branches.find((b) => b.type !== "null") ?? branches[0]!;
    return fill(pick, path, subject, idValue, name);
  }
  if (name in VALUE_BY_FIELD) return VALUE_BY_FIELD[name]!();
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) {
        const p = [...path, k];
        if ((s.required ?? []).includes(k) || startsWith(subject.path, p)) out[k] = fill(v, p, subject, idValue, k);
      }
      return out;
    }
    case "array": {
      if (s.prefixItems) return s.prefixItems.map((item, i) => fill(item, [...path, String(i)], subject, idValue, name));
      const p = [...path, "[]"];
      const n = startsWith(subject.path, p) ? 1 : (s.minItems ?? 0);
      return Array.from({ length: n }, () => fill(s.items ?? {}, p, subject, idValue, name));
    }
    case "string": {
      if (s.format === "email") return `someone-${randomUUID().slice(0, 8)}@example.test`;
      if (s.pattern) return VALUE_BY_PATTERN.find(([re]) => re.test(s.pattern!))?.[1] ?? "x";
      const text = "Hello there";
      return text.padEnd(s.minLength ?? 1, "x").slice(0, Math.max(s.maxLength ?? text.length, s.minLength ?? 1));
    }
    case "number":
    case "integer":
      return s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return s.default ?? {};
  }
}
/** The paths of the uuid fields under a schema. */
function idFieldsOf(s: JsonSchema, path: string[]): string[][] {
  return idFields("", s, path).map((f) => f.path);
}

/** The JSON Schema of a procedure's input (the merged object of its .input() parsers), or null without one. */
function inputSchema(procedure: { _def: { inputs?: unknown[] } }): JsonSchema | null {
  const inputs = (procedure._def.inputs ?? []) as z.ZodType[];
  if (inputs.length === 0) return null;
  expect(inputs.length, "one .input() per procedure").toBe(1);
  return z.toJSONSchema(inputs[0]!, { io: "input", unrepresentable: "any" }) as JsonSchema;
}

type Call = (input: unknown) => Promise<unknown>;
function procedureCall(viewer: Viewer, path: string): Call {
  let target: unknown = callerAs(viewer);
  for (const key of path.split(".")) target = (target as Record<string, unknown>)[key];
  return target as Call;
}

/** The answer as the client sees it, with the id that was sent replaced, so only what the server said about it differs. */
async function answer(call: Promise<unknown>, id: string): Promise<string> {
  let text: string;
  try {
    text = `OK ${JSON.stringify(await call)}`;
  } catch (error) {
    text = await outcomeOf(Promise.reject(error), true);
  }
  return text.split(id).join("<id>");
}

let t: TestDatabase;
let agent: Viewer; // Sam: Support only, does not see Billing's inbox
const visible = {} as Record<Kind, string>;
/** Hidden from the agent, in every state that could answer differently (merged away, undone…). */
const hidden = {} as Partial<Record<Kind, string[]>>;

function email(inboxId: string, from: string, subject: string): TouchpointInput {
  const id = `${randomUUID()}@example.test`;
  return {
    identities: [{ kind: "email", value: from, verified: true, source: "email_from" }],
    customerName: from.split("@")[0]!,
    channel: "email",
    kind: "message",
    actor: "customer",
    text: subject,
    conversation: { inboxId, externalThreadKey: `<${id}>`, subject },
    message: { direction: "inbound", bodyText: subject, platformMessageId: id, subject },
  };
}

beforeAll(async () => {
  t = await useTestDatabase();
  await seedDemo(t.prisma, { customers: 8, events: 200 });
  const sam = await db.user.findUniqueOrThrow({ where: { email: "agent@throughline.test" }, select: { id: true, name: true, teams: { select: { teamId: true } } } });
  agent = { userId: sam.id, role: "agent", name: sam.name, teamIds: sam.teams.map((m) => m.teamId) };
  const support = await db.inbox.findUniqueOrThrow({ where: { publicId: "support@throughline.test" } });
  const billing = await db.inbox.findUniqueOrThrow({ where: { publicId: "billing@throughline.test" } });
  const tag = randomUUID().slice(0, 8);

  // Visible to Sam: a Support customer and conversation, his own notification.
  const seen = await recordTouchpoint(email(support.id, `seen-${tag}@example.test`, "Login trouble"));
  const seenTwo = await recordTouchpoint(email(support.id, `seen2-${tag}@example.test`, "Password reset"));
  visible.customer = seen.customerId;
  visible.conversation = seen.conversationId!;
  visible.message = (await db.message.findFirstOrThrow({ where: { conversationId: seen.conversationId! } })).id;
  visible.inbox = support.id;
  visible.user = agent.userId;
  visible.team = agent.teamIds[0]!;
  visible.macro = (await db.macro.findFirstOrThrow()).id;
  visible.notification = (await db.notification.create({ data: { userId: agent.userId, kind: "mention", data: {} } })).id;
  const selfMerge = await mergeCustomers({ sourceId: seenTwo.customerId, targetId: (await recordTouchpoint(email(support.id, `seen3-${tag}@example.test`, "Hi"))).customerId });
  visible.merge = selfMerge.mergeId;
  // Not team-scoped; for admin-only procedures a real one against a random id.
  visible.article = (await db.article.findFirst())?.id ?? randomUUID();
  visible.rule = (await db.automationRule.findFirst())?.id ?? randomUUID();
  visible.slaPolicy = (await db.slaPolicy.findFirst())?.id ?? randomUUID();
  visible.apiKey = (await db.apiKey.findFirst())?.id ?? randomUUID();
  visible.conversationField = (await db.conversationField.findFirst())?.id ?? randomUUID();
  const endpoint = await db.webhookEndpoint.create({ data: { url: "https://hooks.example.com/throughline", events: ["message.created"], secret: "whsec_dGVzdA==" } });
  visible.webhookEndpoint = endpoint.id;
  visible.webhookDelivery = (await db.webhookDelivery.create({ data: { endpointId: endpoint.id, eventId: randomUUID(), eventType: "ping", payload: {} } })).id;

  // Hidden from Sam: everything of Billing's inbox, and another agent's notification.
  const b = await recordTouchpoint(email(billing.id, `hidden-${tag}@example.test`, "Invoice 42 is wrong"));
  hidden.conversation = [b.conversationId!];
  hidden.message = [(await db.message.findFirstOrThrow({ where: { conversationId: b.conversationId! } })).id];
  hidden.inbox = [billing.id];
  const mateo = await db.user.findUniqueOrThrow({ where: { email: "mateo.fernandez@throughline.test" } });
  hidden.notification = [(await db.notification.create({ data: { userId: mateo.id, kind: "mention", data: {} } })).id];
  // Another person's console session (raw SQL: the table is new and this file should not depend on its client model).
  const [session] = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO user_sessions (id, user_id, expires_at) VALUES (${randomUUID()}::uuid, ${mateo.id}::uuid, now() + interval '1 day') RETURNING id::text AS id`;
  hidden.session = [session!.id];
  visible.session = session!.id;
  // A merge of two Billing-only customers, made by a supervisor's script.
  const ms = await recordTouchpoint(email(billing.id, `merge-src-${tag}@example.test`, "Refund"));
  const mt = await recordTouchpoint(email(billing.id, `merge-tgt-${tag}@example.test`, "Refund again"));
  const active = await mergeCustomers({ sourceId: ms.customerId, targetId: mt.customerId });
  // And one undone since: "already undone" would say it exists.
  const us = await recordTouchpoint(email(billing.id, `undo-src-${tag}@example.test`, "Refund"));
  const ut = await recordTouchpoint(email(billing.id, `undo-tgt-${tag}@example.test`, "Refund again"));
  const undone = await mergeCustomers({ sourceId: us.customerId, targetId: ut.customerId });
  await undoMerge({ mergeId: undone.mergeId });
  hidden.merge = [active.mergeId, undone.mergeId];
  // Standing alone, merged away ("already merged" would say it exists), and the survivor.
  hidden.customer = [b.customerId, ms.customerId, mt.customerId];
}, 120_000);

afterAll(async () => {
  await disconnectDb();
  await t?.drop();
});

type Check = { procedure: string; field: string; kind: Kind; hiddenId: string; hidden: string; random: string };
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { inputs?: unknown[] } }>);

describe("every tRPC procedure that takes an id", () => {
  it("classifies every id field of every procedure", () => {
    const unknown = procedures.flatMap(([path, p]) => {
      const schema = inputSchema(p);
      return schema ? idFields(path, schema).filter((f) => !f.kind).map((f) => `${path}: ${f.path.join(".")}`) : [];
    });
    // Add the field to BY_FIELD / BY_PROCEDURE, and a hidden fixture if an agent may be unable to see it.
    expect(unknown).toEqual([]);
  });

  it("answers a hidden id exactly as a random one, as a scoped agent", async () => {
    const checks: Check[] = [];
    for (const [path, p] of procedures) {
      const schema = inputSchema(p);
      if (!schema) continue;
      const fields = idFields(path, schema).filter((f): f is IdField & { kind: Kind } => !!f.kind);
      if (fields.length === 0) continue;
      const subjects = fields.filter((f) => SCOPED.includes(f.kind));
      // Nothing team-scoped: a real entity against a random id (an agent gets FORBIDDEN for both on admin pages).
      const tested = subjects.length > 0 ? subjects : [fields[0]!];
      const kindAt = (fp: string[], name: string) => fields.find((f) => f.path.join(".") === fp.join("."))?.kind ?? kindOf(path, name);
      for (const field of tested) {
        const realValues = SCOPED.includes(field.kind) ? hidden[field.kind] : [visible[field.kind]];
        expect(realValues?.length, `a hidden ${field.kind} fixture`).toBeGreaterThan(0);
        const idValue = (fp: string[], name: string) => visible[kindAt(fp, name) ?? "customer"];
        const call = procedureCall(agent, path);
        const input = (value: string) => fill(schema, [], { path: field.path, value }, idValue);
        for (const real of realValues!) {
          const random = randomUUID();
          // Random first: a hidden id that leaks by succeeding must not change what the random one sees.
          const never = await answer(call(input(random)), random);
          const secret = await answer(call(input(real)), real);
          checks.push({ procedure: path, field: field.path.join("."), kind: field.kind, hiddenId: real, hidden: secret, random: never });
        }
      }
    }
    const leaks = checks.filter((c) => c.hidden !== c.random).map((c) => `${c.procedure} (${c.field}, ${c.kind} ${c.hiddenId}): hidden → ${c.hidden} | random → ${c.random}`);
    expect(leaks).toEqual([]);

    const names = new Set(checks.map((c) => c.procedure));
    expect(names.size).toBeGreaterThan(20);
    for (const p of ["customer.merge", "customer.undoMerge", "customer.get", "conversation.get", "conversation.create", "conversation.retryDelivery", "journey.friction", "notification.markRead"]) {
      expect(names, p).toContain(p);
    }
    // Both merge partners are probed, and neither answer is a bare success.
    expect([...new Set(checks.filter((c) => c.procedure === "customer.merge").map((c) => c.field))].sort()).toEqual(["sourceId", "targetId"]);
    for (const c of checks.filter((c) => c.procedure.startsWith("customer.") && c.kind === "customer")) expect(c.random, c.procedure).toMatch(/^NOT_FOUND: /);
    expect(checks.find((c) => c.procedure === "customer.undoMerge")!.random).toBe("NOT_FOUND: No such merge.");
  });

  it("still tells a visible customer apart from an unknown one (the probe is not blind)", async () => {
    const api = callerAs(agent);
    expect(await outcomeOf(api.customer.get({ id: visible.customer }))).toBe("OK");
    expect(await outcomeOf(api.customer.undoMerge({ mergeId: visible.merge }))).toBe("OK");
  });
});
