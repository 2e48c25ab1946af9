import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { bus, type DomainEvent } from "@/server/events/bus";
import { recordTouchpoint, type TouchpointInput } from "@/server/ingest/record";
import { CustomerMergeError, listMerges, mergeCustomers, undoMerge } from "@/server/customers/merge";
import { createCaller } from "@/server/api/root";
import { TRPCError } from "@trpc/server";

let t: TestDatabase;
let emailInbox: string;
let agentId: string;
let agentTeamId: string;

beforeAll(async () => {
  t = await useTestDatabase();
  emailInbox = (await db.inbox.create({ data: { name: "Email", channel: "email", publicId: "support@example.test" } })).id;
  agentId = (await db.user.create({ data: { email: "agent@example.test", name: "Agent", passwordHash: "x" } })).id;
  // The agent's team sees the email inbox, so the agent may merge its customers.
  const team = await db.team.create({ data: { name: "Support", inboxes: { create: { inboxId: emailInbox } }, members: { create: { userId: agentId } } } });
  agentTeamId = team.id;
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

let seq = 0;
function email(from: string, text: string): TouchpointInput {
  const pmid = `m-${++seq}@x`;
  return {
    identities: [{ kind: "email", value: from, verified: true, source: "email_from" }],
    channel: "email",
    kind: "message",
    actor: "customer",
    text,
    conversation: { inboxId: emailInbox, externalThreadKey: `<${from}-${text}>` },
    message: { direction: "inbound", bodyText: text, platformMessageId: pmid },
  };
}
function purchase(email: string, amount: number): TouchpointInput {
  return {
    identities: [{ kind: "email", value: email, verified: true, source: "api" }],
    channel: "api",
    kind: "product_event",
    actor: "customer",
    name: "purchase",
    text: `Purchased — ${amount.toFixed(2)} USD`,
    payload: { amount, currency: "USD" },
  };
}

/** Everything a customer owns, in comparable form. */
async function state(customerId: string) {
  const c = await db.customer.findUniqueOrThrow({ where: { id: customerId } });
  const [identities, conversations, events, surveys] = await Promise.all([
    db.customerIdentity.findMany({ where: { customerId }, orderBy: { id: "asc" } }),
    db.conversation.findMany({ where: { customerId }, orderBy: { id: "asc" }, select: { id: true, originCustomerId: true } }),
    // Less the journey_stage entry a merge writes on its target (merge-facts.test.ts checks it and its removal on undo).
    db.timelineEvent.findMany({ where: { customerId, NOT: { kind: "journey_stage", payload: { path: ["merge"], equals: true } } }, orderBy: { id: "asc" }, select: { id: true } }),
    db.survey.findMany({ where: { customerId }, orderBy: { id: "asc" }, select: { id: true } }),
  ]);
  return {
    name: c.name,
    avatarUrl: c.avatarUrl,
    attributes: c.attributes,
    journeyStage: c.journeyStage,
    journeyStageSetBy: c.journeyStageSetBy,
    lifetimeValue: c.lifetimeValue.toString(),
    lastSeenAt: c.lastSeenAt?.toISOString() ?? null,
    mergedIntoId: c.mergedIntoId,
    identities: identities.map((i) => ({ id: i.id, kind: i.kind, value: i.value, verified: i.verified, source: i.source, origin: i.originCustomerId })),
    conversations: conversations.map((x) => x.id),
    events: events.map((e) => e.id),
    surveys: surveys.map((s) => s.id),
  };
}

async function makeCustomer(emailAddr: string, name: string | null, extra: { attributes?: object; journeyStage?: "purchase" | "retention"; purchases?: number[] } = {}) {
  const first = await recordTouchpoint(email(emailAddr, "first"));
  await recordTouchpoint(email(emailAddr, "second"));
  for (const amount of extra.purchases ?? []) await recordTouchpoint(purchase(emailAddr, amount));
  await db.customer.update({
    where: { id: first.customerId },
    data: { name, attributes: (extra.attributes ?? {}) as object, journeyStage: extra.journeyStage ?? null },
  });
  return first.customerId;
}

describe("merge and exact undo", () => {
  it("merges, then undo restores both customers exactly", async () => {
    const a = await makeCustomer("alice@example.com", "Alice", { attributes: { plan: "pro", shared: "from-a" }, journeyStage: "purchase", purchases: [10, 5.5] });
    const b = await makeCustomer("bob@example.com", null, { attributes: { shared: "from-b", tier: 2 }, purchases: [100] });
    const survey = await db.survey.create({ data: { kind: "nps", customerId: a, channel: "email", token: "tok-a", expiresAt: new Date(Date.now() + 86_400_000) } });
    const beforeA = await state(a);
    const beforeB = await state(b);
    expect(beforeA.surveys).toEqual([survey.id]);

    const seen: DomainEvent[] = [];
    const off = bus.on((e) => void seen.push(e));
    const m = await mergeCustomers({ sourceId: a, targetId: b, actorUserId: agentId });
    off();
    expect(seen.filter((e) => e.type !== "timeline.created")).toEqual([{ type: "customer.merged", sourceId: a, targetId: b, mergeId: m.mergeId }]);
    // The stage recomputed from the merged timeline is entered on it (docs/journey.md, "Merging customers").
    expect(seen.filter((e) => e.type === "timeline.created").map((e) => e.type === "timeline.created" && e.customerId)).toEqual([b]);
    expect(m.moved).toEqual({ identities: 1, conversations: 2, events: 4, surveys: 1 });

    const mergedA = await state(a);
    const mergedB = await state(b);
    expect(mergedA.mergedIntoId).toBe(b);
    expect(mergedA.identities).toEqual([]);
    expect(mergedA.events).toEqual([]);
    expect(mergedB.events.sort()).toEqual([...beforeA.events, ...beforeB.events].sort());
    expect(mergedB.conversations.sort()).toEqual([...beforeA.conversations, ...beforeB.conversations].sort());
    expect(mergedB.identities.map((i) => i.value).sort()).toEqual(["alice@example.com", "bob@example.com"]);
    expect(mergedB.name).toBe("Alice"); // filled the empty name
    expect(mergedB.attributes).toEqual({ plan: "pro", shared: "from-b", tier: 2 }); // target wins
    expect(mergedB.journeyStage).toBe("at_risk"); // from the merged timeline: together they have 4 unresolved conversations in 14 days
    expect(mergedB.lifetimeValue).toBe("115.5");
    expect(mergedB.surveys).toEqual([survey.id]);
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "customer.merge" } });
    expect(audit).toMatchObject({ actorUserId: agentId, actorType: "agent", targetType: "customer", targetId: b });
    // The email of the merged-away customer now finds the survivor.
    const via = await db.customerIdentity.findFirstOrThrow({ where: { value: "alice@example.com" } });
    expect(via.customerId).toBe(b);

    const seen2: DomainEvent[] = [];
    const off2 = bus.on((e) => void seen2.push(e));
    const u = await undoMerge({ mergeId: m.mergeId, actorUserId: agentId });
    off2();
    expect(seen2).toEqual([{ type: "customer.unmerged", sourceId: a, targetId: b, mergeId: m.mergeId }]);
    expect(u.movedBack).toEqual({ identities: 1, conversations: 2, events: 4, surveys: 1 });
    expect(await state(a)).toEqual(beforeA);
    expect(await state(b)).toEqual(beforeB);
    const row = await db.customerMerge.findUniqueOrThrow({ where: { id: m.mergeId } });
    expect(row.undoneAt).not.toBeNull();
    expect(row.undoneById).toBe(agentId);
    expect(await db.auditLog.count({ where: { action: "customer.unmerge", targetId: b } })).toBe(1);
    expect((await listMerges(a)).map((x) => x.id)).toEqual([m.mergeId]);

    await expect(undoMerge({ mergeId: m.mergeId })).rejects.toMatchObject({ code: "already_undone" });
  });

  it("what arrived while merged follows its lineage on undo", async () => {
    const a = await makeCustomer("carol@example.com", "Carol", { purchases: [20] });
    const b = await makeCustomer("dave@example.com", "Dave", { attributes: { vip: true } });
    const beforeA = await state(a);
    const beforeB = await state(b);
    const m = await mergeCustomers({ sourceId: a, targetId: b, actorUserId: null });

    // While merged: Carol writes and buys (lands on Dave's record), Dave writes,
    // an agent replies in Carol's old conversation.
    const carolMsg = await recordTouchpoint(email("carol@example.com", "while merged"));
    const carolBuy = await recordTouchpoint(purchase("carol@example.com", 7.25));
    const daveMsg = await recordTouchpoint(email("dave@example.com", "dave while merged"));
    const carolConv = (await db.conversation.findFirstOrThrow({ where: { originCustomerId: a }, orderBy: { createdAt: "asc" } })).id;
    const reply = await recordTouchpoint({
      channel: "email",
      kind: "message",
      actor: "agent",
      actorUserId: agentId,
      text: "reply",
      conversation: { id: carolConv, inboxId: emailInbox },
      message: { direction: "outbound", bodyText: "reply", platformMessageId: `out-${++seq}` },
    });
    for (const r of [carolMsg, carolBuy, daveMsg, reply]) expect(r.customerId).toBe(b);
    expect((await db.customer.findUniqueOrThrow({ where: { id: b } })).lifetimeValue.toString()).toBe("27.25");
    // An attribute the agent set on the survivor while merged stays with it.
    await db.customer.update({ where: { id: b }, data: { attributes: { vip: true, note: "added later" } } });

    await undoMerge({ mergeId: m.mergeId, actorUserId: agentId });
    const afterA = await state(a);
    const afterB = await state(b);
    expect(afterA.events.sort()).toEqual([...beforeA.events, carolMsg.eventId, carolBuy.eventId, reply.eventId].sort());
    expect(afterB.events.sort()).toEqual([...beforeB.events, daveMsg.eventId].sort());
    expect(afterA.conversations).toContain(carolMsg.conversationId);
    expect(afterB.conversations).toContain(daveMsg.conversationId);
    expect(afterA.identities).toEqual(beforeA.identities);
    expect(afterB.identities).toEqual(beforeB.identities);
    expect(afterA.lifetimeValue).toBe("27.25");
    expect(afterB.lifetimeValue).toBe("0");
    expect(afterA.mergedIntoId).toBeNull();
    expect(afterB.attributes).toEqual({ vip: true, note: "added later" });
    expect(afterA.name).toBe("Carol");
  });

  it("nested: A→B then B→C; undoing B→C gives B back with A's things still in it", async () => {
    const a = await makeCustomer("nest-a@example.com", "Nest A", { purchases: [1] });
    const b = await makeCustomer("nest-b@example.com", "Nest B", { purchases: [2] });
    const c = await makeCustomer("nest-c@example.com", "Nest C", { purchases: [4] });
    const A = await state(a);
    const B = await state(b);
    const C = await state(c);
    const ab = await mergeCustomers({ sourceId: a, targetId: b });
    const afterAB = await state(b);
    const bc = await mergeCustomers({ sourceId: b, targetId: c });
    expect((await state(c)).events.sort()).toEqual([...A.events, ...B.events, ...C.events].sort());
    expect((await state(c)).lifetimeValue).toBe("7");
    // A's merge cannot be undone while its target is merged elsewhere.
    await expect(undoMerge({ mergeId: ab.mergeId })).rejects.toMatchObject({ code: "target_merged" });
    // Merging already-merged customers is refused.
    await expect(mergeCustomers({ sourceId: a, targetId: c })).rejects.toMatchObject({ code: "already_merged" });
    await expect(mergeCustomers({ sourceId: c, targetId: b })).rejects.toMatchObject({ code: "already_merged" });

    // Something arrives through A's email while everything sits on C.
    const late = await recordTouchpoint(email("nest-a@example.com", "late"));
    expect(late.customerId).toBe(c);

    await undoMerge({ mergeId: bc.mergeId });
    const b2 = await state(b);
    expect(b2.mergedIntoId).toBeNull();
    expect(b2.events.sort()).toEqual([...afterAB.events, late.eventId].sort());
    expect(b2.identities).toEqual(afterAB.identities);
    expect(b2.lifetimeValue).toBe("3");
    expect((await state(a)).mergedIntoId).toBe(b);
    expect(await state(c)).toEqual(C);

    await undoMerge({ mergeId: ab.mergeId });
    const a2 = await state(a);
    expect(a2.events.sort()).toEqual([...A.events, late.eventId].sort());
    expect(a2.identities).toEqual(A.identities);
    expect(await state(b)).toEqual(B);
  });

  it("touchpoints racing a merge and its undo never land on a merged-away customer", async () => {
    const a = await makeCustomer("race-a@example.com", "Race A");
    const b = await makeCustomer("race-b@example.com", "Race B");
    const burst = (n: number) => Promise.all(Array.from({ length: n }, () => recordTouchpoint(purchase("race-a@example.com", 1))));
    const [m] = await Promise.all([mergeCustomers({ sourceId: a, targetId: b }), burst(8)]);
    expect(await db.timelineEvent.count({ where: { customerId: a } })).toBe(0);
    const [, during] = await Promise.all([undoMerge({ mergeId: m.mergeId }), burst(8)]);
    expect(during).toHaveLength(8);
    // Everything that came through A's email is A's again, and the money adds up.
    expect(await db.timelineEvent.count({ where: { customerId: b, originCustomerId: a } })).toBe(0);
    expect(await db.timelineEvent.count({ where: { customerId: a } })).toBe(2 + 16);
    expect(Number((await db.customer.findUniqueOrThrow({ where: { id: a } })).lifetimeValue)).toBe(16);
    expect(Number((await db.customer.findUniqueOrThrow({ where: { id: b } })).lifetimeValue)).toBe(0);
  });

  it("refuses nonsense", async () => {
    const a = await makeCustomer("solo@example.com", "Solo");
    await expect(mergeCustomers({ sourceId: a, targetId: a })).rejects.toBeInstanceOf(CustomerMergeError);
    await expect(mergeCustomers({ sourceId: a, targetId: a })).rejects.toMatchObject({ code: "same_customer" });
    await expect(mergeCustomers({ sourceId: a, targetId: "00000000-0000-7000-8000-000000000000" })).rejects.toMatchObject({ code: "not_found" });
    await expect(mergeCustomers({ sourceId: a, targetId: "not-a-uuid" })).rejects.toMatchObject({ code: "not_found" });
    await expect(undoMerge({ mergeId: "00000000-0000-7000-8000-000000000000" })).rejects.toMatchObject({ code: "not_found" });
  });

  it("moves large histories with set-based updates", async () => {
    const a = await makeCustomer("big-a@example.com", "Big A");
    const b = await makeCustomer("big-b@example.com", "Big B");
    const n = 20_000;
    await db.$executeRaw`
      INSERT INTO timeline_events (id, customer_id, origin_customer_id, occurred_at, kind, channel, actor, text, payload)
      SELECT gen_random_uuid(), ${a}::uuid, ${a}::uuid, now() - make_interval(secs => g), 'product_event', 'api', 'customer', 'Viewed /page ' || g, '{}'
      FROM generate_series(1, ${n}) g`;
    const started = Date.now();
    const m = await mergeCustomers({ sourceId: a, targetId: b });
    await undoMerge({ mergeId: m.mergeId });
    const elapsed = Date.now() - started;
    expect(m.moved.events).toBe(n + 2);
    expect(await db.timelineEvent.count({ where: { customerId: a } })).toBe(n + 2);
    expect(await db.timelineEvent.count({ where: { customerId: b } })).toBe(2);
    expect(elapsed).toBeLessThan(30_000);
  });
});

describe("who may merge", () => {
  let billingInbox: string;
  let supervisorId: string;
  let adminId: string;
  beforeAll(async () => {
    // An inbox the agent's team is not granted.
    billingInbox = (await db.inbox.create({ data: { name: "Billing", channel: "email", publicId: "billing@example.test" } })).id;
    supervisorId = (await db.user.create({ data: { email: "sup@example.test", name: "Sup", passwordHash: "x", role: "supervisor" } })).id;
    adminId = (await db.user.create({ data: { email: "admin@example.test", name: "Admin", passwordHash: "x", role: "admin" } })).id;
  });

  /** A customer with one conversation in the billing inbox (hidden from the agent). */
  async function billingCustomer(addr: string) {
    const r = await recordTouchpoint({ ...email(addr, "invoice"), conversation: { inboxId: billingInbox, externalThreadKey: `<${addr}-billing>` } });
    return r.customerId;
  }
  /** A customer known only from a product event: no conversations. */
  async function eventOnlyCustomer(addr: string) {
    return (await recordTouchpoint(purchase(addr, 3))).customerId;
  }
  const agentApi = () => createCaller({ viewer: { userId: agentId, role: "agent", teamIds: [agentTeamId] } });

  it("refuses an agent a customer with a conversation outside their teams' inboxes, in both directions, and changes nothing", async () => {
    const visible = await makeCustomer("seen@example.com", "Seen");
    const hidden = await billingCustomer("hidden@example.com");
    // Seen in the agent's inbox, but with a conversation in billing too.
    const partly = await makeCustomer("partly@example.com", "Partly");
    await recordTouchpoint({ ...email("partly@example.com", "invoice"), conversation: { inboxId: billingInbox, externalThreadKey: "<partly-billing>" } });
    const before = [await state(visible), await state(hidden)];
    const seen: DomainEvent[] = [];
    const off = bus.on((e) => void seen.push(e));
    for (const [sourceId, targetId] of [[visible, hidden], [hidden, visible]] as const) {
      // A customer the agent cannot see at all is, for them, no customer (docs/access.md).
      const err = await mergeCustomers({ sourceId, targetId, actorUserId: agentId }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CustomerMergeError);
      expect(err).toMatchObject({ code: "not_found", message: "No such customer." });
    }
    for (const [sourceId, targetId] of [[visible, partly], [partly, visible]] as const) {
      const err = await mergeCustomers({ sourceId, targetId, actorUserId: agentId }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "forbidden" });
      // No count: how many conversations other teams have is theirs.
      expect((err as Error).message).toBe("You can only merge customers whose conversations are all in your teams' inboxes. Ask a supervisor to do it.");
    }
    off();
    expect(seen.filter((e) => e.type === "customer.merged")).toEqual([]);
    expect([await state(visible), await state(hidden)]).toEqual(before);
    expect(await db.customerMerge.count({ where: { OR: [{ sourceId: visible }, { sourceId: hidden }] } })).toBe(0);
  });

  it("the console procedure answers FORBIDDEN with the service's message", async () => {
    const visible = await makeCustomer("seen2@example.com", "Seen 2");
    const hidden = await billingCustomer("hidden2@example.com");
    const partly = await makeCustomer("partly2@example.com", "Partly 2");
    await recordTouchpoint({ ...email("partly2@example.com", "invoice"), conversation: { inboxId: billingInbox, externalThreadKey: "<partly2-billing>" } });
    const err = await agentApi().customer.merge({ sourceId: partly, targetId: visible }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect(err).toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("Ask a supervisor") });
    expect(await agentApi().customer.merge({ sourceId: hidden, targetId: visible }).catch((e: unknown) => e)).toMatchObject({ code: "NOT_FOUND", message: "No such customer." });
    expect((await db.customer.findUniqueOrThrow({ where: { id: hidden } })).mergedIntoId).toBeNull();
    expect((await db.customer.findUniqueOrThrow({ where: { id: partly } })).mergedIntoId).toBeNull();
  });

  it("lets an agent merge customers without conversations, and ones entirely in their inboxes", async () => {
    const lonely = await eventOnlyCustomer("lonely@example.com");
    const visible = await makeCustomer("seen3@example.com", "Seen 3");
    const m = await agentApi().customer.merge({ sourceId: lonely, targetId: visible });
    expect((await db.customer.findUniqueOrThrow({ where: { id: lonely } })).mergedIntoId).toBe(visible);
    // Two customers with no conversations at all.
    const x = await eventOnlyCustomer("x-only@example.com");
    const y = await eventOnlyCustomer("y-only@example.com");
    await mergeCustomers({ sourceId: x, targetId: y, actorUserId: agentId });
    expect((await db.customer.findUniqueOrThrow({ where: { id: x } })).mergedIntoId).toBe(y);
    await agentApi().customer.undoMerge({ mergeId: m.mergeId });
    expect((await db.customer.findUniqueOrThrow({ where: { id: lonely } })).mergedIntoId).toBeNull();
  });

  it("supervisors and admins merge anyone; an agent may not undo a merge they could not have made", async () => {
    const visible = await makeCustomer("seen4@example.com", "Seen 4");
    const hidden = await billingCustomer("hidden4@example.com");
    const bySupervisor = await mergeCustomers({ sourceId: hidden, targetId: visible, actorUserId: supervisorId });
    await expect(undoMerge({ mergeId: bySupervisor.mergeId, actorUserId: agentId })).rejects.toMatchObject({
      code: "forbidden",
      message: expect.stringMatching(/only undo a merge of customers whose conversations/),
    });
    expect((await db.customer.findUniqueOrThrow({ where: { id: hidden } })).mergedIntoId).toBe(visible);
    await undoMerge({ mergeId: bySupervisor.mergeId, actorUserId: adminId });
    expect((await db.customer.findUniqueOrThrow({ where: { id: hidden } })).mergedIntoId).toBeNull();
    const byAdmin = await mergeCustomers({ sourceId: visible, targetId: hidden, actorUserId: adminId });
    expect(byAdmin.moved.conversations).toBe(2);
  });

  it("an agent's own merge becomes un-undoable for them once a hidden conversation joins it", async () => {
    const a = await makeCustomer("undo-a@example.com", "Undo A");
    const b = await makeCustomer("undo-b@example.com", "Undo B");
    const m = await mergeCustomers({ sourceId: a, targetId: b, actorUserId: agentId });
    // While merged, Undo A writes to billing: the conversation lands on B, outside the agent's inboxes.
    const late = await recordTouchpoint({ ...email("undo-a@example.com", "refund"), conversation: { inboxId: billingInbox, externalThreadKey: "<undo-a-billing>" } });
    expect(late.customerId).toBe(b);
    await expect(undoMerge({ mergeId: m.mergeId, actorUserId: agentId })).rejects.toMatchObject({ code: "forbidden" });
    expect(await codeOf(agentApi().customer.undoMerge({ mergeId: m.mergeId }))).toBe("FORBIDDEN");
    await undoMerge({ mergeId: m.mergeId, actorUserId: supervisorId });
    expect((await db.conversation.findUniqueOrThrow({ where: { id: late.conversationId! } })).customerId).toBe(a);
  });

  it("an unknown or deactivated acting user may not merge", async () => {
    const x = await eventOnlyCustomer("u-x@example.com");
    const y = await eventOnlyCustomer("u-y@example.com");
    await expect(mergeCustomers({ sourceId: x, targetId: y, actorUserId: "00000000-0000-7000-8000-0000000000ff" })).rejects.toMatchObject({ code: "forbidden" });
    const gone = (await db.user.create({ data: { email: "gone@example.test", name: "Gone", passwordHash: "x", role: "admin", deactivatedAt: new Date() } })).id;
    await expect(mergeCustomers({ sourceId: x, targetId: y, actorUserId: gone })).rejects.toMatchObject({ code: "forbidden" });
    expect((await db.customer.findUniqueOrThrow({ where: { id: x } })).mergedIntoId).toBeNull();
  });
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "OK";
  } catch (error) {
    return error instanceof TRPCError ? error.code : `THREW ${(error as Error).message}`;
  }
}
