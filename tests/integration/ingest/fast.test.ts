// The one-statement path for known customers' plain events: one round trip,
// the published item exactly what a read gives, duplicates (stored, in the
// batch, racing) reported with the original, and customers' counters the same
// as the full path leaves them.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import pg from "pg";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb, getDb } from "@/server/db";
import { bus, type DomainEvent } from "@/server/events/bus";
import { recordTouchpoint, recordTouchpoints, type TouchpointInput } from "@/server/ingest/record";
import { recordTouchpointGrouped } from "@/server/ingest/group-commit";
import { getTimelineItem } from "@/server/timeline/query";

let t: TestDatabase;
let agentId: string;
let inboxId: string;

beforeAll(async () => {
  t = await useTestDatabase();
  agentId = (await db.user.create({ data: { email: "fast-agent@example.test", name: "Fast Agent", passwordHash: "x" } })).id;
  inboxId = (await db.inbox.create({ data: { name: "Email", channel: "email", publicId: "fast@example.test" } })).id;
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

const ev = (email: string, over: Partial<TouchpointInput> = {}): TouchpointInput => ({
  identities: [{ kind: "email", value: email, verified: true, source: "api" }],
  channel: "api",
  kind: "product_event",
  actor: "customer",
  name: "page_view",
  text: "Viewed /pricing",
  payload: { url: "/pricing" },
  ...over,
});

/** A customer known by this email (created through the full path). */
async function known(email: string, name: string | null = "Known Person"): Promise<string> {
  const r = await recordTouchpoint(ev(email, { name: "signup", text: "Signed up", customerName: name, occurredAt: new Date("2026-01-01T00:00:00Z") }));
  return r.customerId;
}

function capture() {
  const seen: DomainEvent[] = [];
  const off = bus.on((e) => {
    seen.push(e);
  });
  return { seen, off };
}

/** Counts the statements sent on any connection (Prisma's and the pg pool's), Prisma transactions, and re-reads of timeline items, while fn runs. */
async function counting<T>(fn: () => Promise<T>) {
  const query = vi.spyOn(pg.Client.prototype, "query");
  const tx = vi.spyOn(getDb(), "$transaction");
  try {
    const result = await fn();
    const texts = query.mock.calls.map(([q]) => (typeof q === "string" ? q : ((q as { text?: string }).text ?? "")));
    const reads = texts.filter((q) => /WITH page AS \(SELECT e\.\* FROM timeline_events e WHERE e\.id = ANY/.test(q)).length;
    return { result, statements: texts.length, transactions: tx.mock.calls.length, reads };
  } finally {
    query.mockRestore();
    tx.mockRestore();
  }
}

describe("the one-statement path", () => {
  it("writes a known customer's event in one statement, no transaction and no re-read, and publishes the item as a read returns it", async () => {
    const customerId = await known("one@example.com");
    const { seen, off } = capture();
    const { result: r, statements, transactions, reads } = await counting(() =>
      recordTouchpoint(
        ev("One@Example.com", {
          actor: "agent",
          actorUserId: agentId,
          name: "purchase",
          text: "",
          payload: { amount: 12.5, nested: { list: [1, "two", null], ok: true }, "a key": "ü 🙏" },
          occurredAt: new Date("2026-03-04T05:06:07.089Z"),
          dedupeKey: "fast:item",
        }),
      ),
    );
    off();
    expect({ statements, transactions, reads }).toEqual({ statements: 1, transactions: 0, reads: 0 });
    expect(r).toMatchObject({ created: true, customerId, conversationId: null, messageId: null });
    expect(r.occurredAt.toISOString()).toBe("2026-03-04T05:06:07.089Z");
    const created = seen.filter((e) => e.type === "timeline.created");
    expect(created).toHaveLength(1);
    const published = created[0] as Extract<DomainEvent, { type: "timeline.created" }>;
    expect(published).toMatchObject({ customerId, eventId: r.eventId, conversationId: null, inboxId: null, occurredAt: "2026-03-04T05:06:07.089Z" });
    const read = await getTimelineItem(r.eventId);
    expect(read).not.toBeNull();
    expect(published.item).toStrictEqual(read);
    // The fallback text and the agent's name come through as a read shows them.
    expect(read).toMatchObject({ text: "purchase", actorName: "Fast Agent", actorUserId: agentId });
    expect(seen).toContainEqual({ type: "customer.updated", customerId, changes: { lifetimeValueDelta: 12.5 } });
  });

  it("the full path publishes a new customer's event as a read returns it, without reading it back", async () => {
    const { seen, off } = capture();
    const { result: r, transactions, reads } = await counting(() =>
      recordTouchpoint(ev("brand-new@example.com", { actor: "agent", actorUserId: agentId, payload: { b: 2, a: { z: [1, 2], y: null } }, dedupeKey: "fast:new" })),
    );
    off();
    expect({ transactions, reads }).toEqual({ transactions: 1, reads: 0 });
    const published = seen.find((e) => e.type === "timeline.created") as Extract<DomainEvent, { type: "timeline.created" }>;
    expect(published.eventId).toBe(r.eventId);
    expect(published.item).toStrictEqual(await getTimelineItem(r.eventId));
    expect(published.item).toMatchObject({ actorName: "Fast Agent" });
  });

  it("takes a customer id too, and a thousand events in one statement", async () => {
    const customerId = await known("many@example.com");
    const inputs = Array.from({ length: 1000 }, (_, i): TouchpointInput => ({ ...ev("x@example.com"), identities: undefined, customerId, dedupeKey: `fast:many:${i}` }));
    const { result, statements, transactions } = await counting(() => recordTouchpoints(inputs));
    expect(statements).toBe(1);
    expect(transactions).toBe(0);
    expect(result.every((r) => r.created && r.customerId === customerId)).toBe(true);
    expect(await db.timelineEvent.count({ where: { customerId, dedupeKey: { startsWith: "fast:many:" } } })).toBe(1000);
  });

  it("reports duplicates with the original: stored before, twice in one batch, and within one group", async () => {
    const customerId = await known("dup@example.com");
    const first = await recordTouchpoint(ev("dup@example.com", { dedupeKey: "fast:dup:0" }));
    const again = await recordTouchpoint(ev("dup@example.com", { dedupeKey: "fast:dup:0", text: "changed" }));
    expect(again).toEqual({ ...first, created: false });

    const { result: batch, statements } = await counting(() =>
      recordTouchpoints([
        ev("dup@example.com", { dedupeKey: "fast:dup:0" }),
        ev("dup@example.com", { dedupeKey: "fast:dup:1" }),
        ev("dup@example.com", { dedupeKey: "fast:dup:1" }),
        ev("dup@example.com", { dedupeKey: "fast:dup:2" }),
      ]),
    );
    expect(statements).toBe(1);
    expect(batch.map((r) => r.created)).toEqual([false, true, false, true]);
    expect(batch[0]!.eventId).toBe(first.eventId);
    expect(batch[2]).toEqual({ ...batch[1]!, created: false });

    const grouped = await Promise.all(Array.from({ length: 6 }, () => recordTouchpointGrouped(ev("dup@example.com", { dedupeKey: "fast:dup:group" }))));
    expect(grouped.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(grouped.map((r) => r.eventId)).size).toBe(1);
    expect(await db.timelineEvent.count({ where: { customerId, dedupeKey: { startsWith: "fast:dup:" } } })).toBe(4);
  });

  it("a duplicate racing a concurrent insert of its key waits for it and reports that one", async () => {
    const customerId = await known("race@example.com");
    const other = new pg.Client({ connectionString: t.url });
    await other.connect();
    try {
      await other.query("BEGIN");
      const { rows } = await other.query<{ id: string }>(
        `INSERT INTO timeline_events (id, customer_id, origin_customer_id, occurred_at, kind, channel, actor, text, dedupe_key)
         VALUES (gen_random_uuid(), $1, $1, '2026-02-02T00:00:00Z', 'product_event', 'api', 'customer', 'the winner', 'fast:race') RETURNING id`,
        [customerId],
      );
      const pending = recordTouchpoint(ev("race@example.com", { dedupeKey: "fast:race" }));
      // Committed once our statement waits on the key (asked from outside the open transaction).
      let waited = false;
      for (let i = 0; i < 500 && !waited; i++) {
        const waiting = await db.$queryRaw<unknown[]>`
          SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%WITH input AS (%'`;
        waited = waiting.length > 0;
        if (!waited) await new Promise((r) => setTimeout(r, 10));
      }
      expect(waited).toBe(true);
      await other.query("COMMIT");
      const r = await pending;
      expect(r).toMatchObject({ created: false, eventId: rows[0]!.id, customerId });
      expect(r.occurredAt.toISOString()).toBe("2026-02-02T00:00:00.000Z");
      expect(await db.timelineEvent.count({ where: { dedupeKey: "fast:race" } })).toBe(1);
    } finally {
      await other.end();
    }
  });

  it("stamps created_at once the customer's lock is held (undoing a merge tells by it what arrived while merged)", async () => {
    const customerId = await known("stamp@example.com");
    const holder = new pg.Client({ connectionString: t.url });
    await holder.connect();
    try {
      // What a merge does first: lock the customer FOR UPDATE.
      await holder.query("BEGIN");
      await holder.query("SELECT id FROM customers WHERE id = $1 FOR UPDATE", [customerId]);
      const pending = recordTouchpoint(ev("stamp@example.com", { dedupeKey: "fast:stamp" }));
      let waited = false;
      for (let i = 0; i < 500 && !waited; i++) {
        const waiting = await db.$queryRaw<unknown[]>`
          SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%WITH input AS (%'`;
        waited = waiting.length > 0;
        if (!waited) await new Promise((r) => setTimeout(r, 10));
      }
      expect(waited).toBe(true);
      const released = new Date();
      await holder.query("COMMIT");
      const r = await pending;
      const row = await db.timelineEvent.findUniqueOrThrow({ where: { id: r.eventId } });
      expect(row.createdAt.getTime()).toBeGreaterThanOrEqual(released.getTime());
    } finally {
      await holder.end();
    }
  });

  it("an identity moved by a concurrent merge's undo while the statement waited lands where it went", async () => {
    const from = await known("moving@example.com");
    const to = await known("moving-target@example.com");
    const undo = new pg.Client({ connectionString: t.url });
    await undo.connect();
    try {
      // What an undo does: lock both customers, move the identity back, update both rows.
      await undo.query("BEGIN");
      await undo.query("SELECT id FROM customers WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE", [[from, to]]);
      await undo.query("UPDATE customer_identities SET customer_id = $1 WHERE kind = 'email' AND value = 'moving@example.com'", [to]);
      await undo.query("UPDATE customers SET updated_at = now() WHERE id = ANY($1::uuid[])", [[from, to]]);
      const pending = recordTouchpoint(ev("moving@example.com", { dedupeKey: "fast:moving" }));
      let waited = false;
      for (let i = 0; i < 500 && !waited; i++) {
        const waiting = await db.$queryRaw<unknown[]>`
          SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%WITH input AS (%'`;
        waited = waiting.length > 0;
        if (!waited) await new Promise((r) => setTimeout(r, 10));
      }
      expect(waited).toBe(true);
      await undo.query("COMMIT");
      expect((await pending).customerId).toBe(to);
      expect((await db.timelineEvent.findFirstOrThrow({ where: { dedupeKey: "fast:moving" } })).customerId).toBe(to);
    } finally {
      await undo.end();
    }
  });

  it("lands an identity of a merged-away customer, or its id, on the survivor, with the identity's lineage", async () => {
    const survivor = await known("survivor@example.com");
    const gone = await known("gone@example.com");
    // As a merge leaves it when the identity was not moved (older data): the chain is followed.
    await db.customer.update({ where: { id: gone }, data: { mergedIntoId: survivor } });
    const byIdentity = await recordTouchpoint(ev("gone@example.com", { dedupeKey: "fast:merged:1" }));
    const byId = await recordTouchpoint({ ...ev("x@example.com"), identities: undefined, customerId: gone, dedupeKey: "fast:merged:2" });
    expect(byIdentity.customerId).toBe(survivor);
    expect(byId.customerId).toBe(survivor);
    const rows = await db.timelineEvent.findMany({ where: { dedupeKey: { in: ["fast:merged:1", "fast:merged:2"] } }, orderBy: { dedupeKey: "asc" } });
    expect(rows.map((r) => [r.customerId, r.originCustomerId])).toEqual([
      [survivor, gone],
      [survivor, gone],
    ]);
  });

  it("keeps a batch all or nothing: a bad item among known customers' events stores nothing", async () => {
    await known("atomic@example.com");
    const count = await db.timelineEvent.count();
    await expect(
      recordTouchpoints([
        ev("atomic@example.com", { dedupeKey: "fast:atomic:1" }),
        { ...ev("atomic@example.com"), kind: "message", conversation: { inboxId: "00000000-0000-7000-8000-000000000000" }, message: { direction: "inbound", bodyText: "hi" } },
      ]),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(
      recordTouchpoints([ev("atomic@example.com", { dedupeKey: "fast:atomic:2" }), { ...ev("x@example.com"), identities: undefined, customerId: "00000000-0000-7000-8000-000000000001" }]),
    ).rejects.toMatchObject({ code: "not_found" });
    expect(await db.timelineEvent.count()).toBe(count);
  });

  it("in a group, known customers go in one statement and the others through the full path, each with its own result", async () => {
    await known("group-known@example.com");
    const inputs = [
      ev("group-known@example.com", { dedupeKey: "fast:group:1" }),
      ev("group-new@example.com", { dedupeKey: "fast:group:2" }),
      ev("not an email", { dedupeKey: "fast:group:3" }),
      ev("group-known@example.com", { dedupeKey: "fast:group:4" }),
    ];
    const settled = await Promise.allSettled(inputs.map((i) => recordTouchpointGrouped(i)));
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    const ids = await db.timelineEvent.findMany({ where: { dedupeKey: { startsWith: "fast:group:" } }, select: { id: true, dedupeKey: true } });
    expect(ids).toHaveLength(3);
    settled.forEach((s, i) => {
      if (s.status === "fulfilled") expect(ids.find((r) => r.id === s.value.eventId)?.dedupeKey).toBe(`fast:group:${i + 1}`);
    });
  });
});

describe("the same inputs through either path", () => {
  // Two customers alike but for their email; the full path is forced by afterWrite.
  const full = { afterWrite: async () => undefined };
  const script = (email: string, tag: string): TouchpointInput[] => [
    ev(email, { occurredAt: new Date("2026-05-01T10:00:00Z"), dedupeKey: `${tag}:1`, customerName: "  Filled Name  " }),
    ev(email, { name: "purchase", text: "Bought", payload: { amount: 0.1 }, occurredAt: new Date("2026-05-01T09:00:00Z"), dedupeKey: `${tag}:2` }),
    ev(email, { name: "purchase", text: "Bought", payload: { amount: 0.2 }, occurredAt: new Date("2026-05-01T08:00:00Z"), dedupeKey: `${tag}:3`, customerName: "Second Name" }),
    ev(email, { name: "purchase", text: "Bought", payload: { amount: 19.999 }, actor: "system", occurredAt: new Date("2026-06-01T00:00:00Z"), dedupeKey: `${tag}:4` }),
    ev(email, { actor: "agent", actorUserId: agentId, text: "", name: "note_added", occurredAt: new Date("2026-07-01T00:00:00Z"), dedupeKey: `${tag}:5` }),
    ev(email, { name: "purchase", text: "Refund", payload: { amount: -5 }, occurredAt: new Date("2026-04-01T00:00:00Z"), dedupeKey: `${tag}:2` }),
    ev(email, { occurredAt: new Date("2026-05-02T00:00:00Z") }),
  ];

  async function compare(run: (inputs: TouchpointInput[], viaFull: boolean) => Promise<unknown>, label: string) {
    const a = await known(`${label}-fast@example.com`, null);
    const b = await known(`${label}-full@example.com`, null);
    await run(script(`${label}-fast@example.com`, `${label}-a`), false);
    await run(script(`${label}-full@example.com`, `${label}-b`), true);
    const customer = async (id: string) => {
      const c = await db.customer.findUniqueOrThrow({ where: { id } });
      return { name: c.name, lifetimeValue: c.lifetimeValue.toString(), lastSeenAt: c.lastSeenAt, mergedIntoId: c.mergedIntoId, attributes: c.attributes };
    };
    expect(await customer(a)).toEqual(await customer(b));
    expect(await customer(a)).toMatchObject({ name: "Filled Name", lifetimeValue: "20.3", lastSeenAt: new Date("2026-05-02T00:00:00Z") });
    const timeline = async (id: string) =>
      (await db.timelineEvent.findMany({ where: { customerId: id }, orderBy: [{ occurredAt: "asc" }, { id: "asc" }] })).map((e) => ({
        ...e,
        id: undefined,
        customerId: undefined,
        originCustomerId: e.originCustomerId === id,
        createdAt: undefined,
        dedupeKey: e.dedupeKey?.replace(/^.*-[ab]:/, ""),
      }));
    expect(await timeline(a)).toEqual(await timeline(b));
    expect(await timeline(a)).toHaveLength(7);
  }

  it("one at a time", async () => {
    await compare(async (inputs, viaFull) => {
      for (const i of inputs) await recordTouchpoint(i, viaFull ? full : {});
    }, "single");
  });

  it("as one batch", async () => {
    await compare(async (inputs, viaFull) => {
      const { statements, transactions } = await counting(() => recordTouchpoints(inputs, viaFull ? full : {}));
      if (!viaFull) expect({ statements, transactions }).toEqual({ statements: 1, transactions: 0 });
    }, "batch");
  });

  it("with several claims, the strongest verified one names the lineage as the full path decides", async () => {
    // One customer holding identities of two lineages (a merge moved them).
    const owner = await known("lineage@example.com");
    const other = await known("lineage-old@example.com");
    await db.customerIdentity.create({ data: { customerId: owner, originCustomerId: other, kind: "external_id", value: "lineage-ext", verified: true, source: "api" } });
    const claims = (verifiedExt: boolean): TouchpointInput["identities"] => [
      { kind: "email", value: "lineage@example.com", verified: true, source: "api" },
      { kind: "external_id", value: "lineage-ext", verified: verifiedExt, source: "api" },
    ];
    const fast1 = await recordTouchpoint({ ...ev("x@example.com"), identities: claims(true), dedupeKey: "lineage:1" });
    const full1 = await recordTouchpoint({ ...ev("x@example.com"), identities: claims(true), dedupeKey: "lineage:2" }, full);
    const fast2 = await recordTouchpoint({ ...ev("x@example.com"), identities: claims(false), dedupeKey: "lineage:3" });
    const full2 = await recordTouchpoint({ ...ev("x@example.com"), identities: claims(false), dedupeKey: "lineage:4" }, full);
    const origin = async (id: string) => (await db.timelineEvent.findUniqueOrThrow({ where: { id } })).originCustomerId;
    expect([await origin(fast1.eventId), await origin(full1.eventId)]).toEqual([other, other]);
    expect([await origin(fast2.eventId), await origin(full2.eventId)]).toEqual([owner, owner]);
    expect(new Set([fast1, full1, fast2, full2].map((r) => r.customerId))).toEqual(new Set([owner]));
  });
});
