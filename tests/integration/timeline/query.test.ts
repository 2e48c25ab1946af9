import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { recordTouchpoint, recordTouchpoints, type TouchpointInput } from "@/server/ingest/record";
import { FIRST_PAGE_SQL, getTimelineItem, listTimeline, NEXT_PAGE_SQL, TIMELINE_CHANNELS, type TimelineItem } from "@/server/timeline/query";
import pg from "pg";
import { InvalidCursorError } from "@/server/timeline/cursor";

let t: TestDatabase;
let customerId: string;
let emailInbox: string;
let chatInbox: string;
const original: string[] = [];
const base = Date.parse("2026-03-01T12:00:00.000Z");

const view = (email: string, at: number, i: number | string): TouchpointInput => ({
  identities: [{ kind: "email", value: email, verified: true, source: "api" }],
  channel: "api",
  kind: "product_event",
  actor: "customer",
  name: "page_view",
  // Every third event shares its timestamp with the previous one: ties are broken by id.
  occurredAt: new Date(at),
  text: `Viewed /page/${i}`,
  payload: { path: `/page/${i}` },
});

beforeAll(async () => {
  t = await useTestDatabase();
  emailInbox = (await db.inbox.create({ data: { name: "Email", channel: "email", publicId: "support@example.test" } })).id;
  chatInbox = (await db.inbox.create({ data: { name: "Chat", channel: "chat", publicId: "w" } })).id;
  const inputs = Array.from({ length: 250 }, (_, i) => view("pager@example.com", base - Math.floor(i / 3) * 3 * 60_000 - (i % 3 === 2 ? 60_000 : 0), i));
  const results = await recordTouchpoints(inputs);
  customerId = results[0]!.customerId;
  original.push(...results.map((r) => r.eventId));
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

function assertNewestFirst(items: TimelineItem[]) {
  for (let i = 1; i < items.length; i++) {
    const a = items[i - 1]!;
    const b = items[i]!;
    const ok = a.occurredAt > b.occurredAt || (a.occurredAt === b.occurredAt && a.id > b.id);
    expect(ok, `${a.occurredAt}/${a.id} before ${b.occurredAt}/${b.id}`).toBe(true);
  }
}

describe("listTimeline", () => {
  it("pages exactly while events are inserted between pages", async () => {
    const seen: TimelineItem[] = [];
    let cursor: string | null = null;
    let page = 0;
    const oldest = base - 84 * 3 * 60_000;
    do {
      const res: { items: TimelineItem[]; nextCursor: string | null } = await listTimeline({ customerId, limit: 50, cursor });
      expect(res.items.length).toBeLessThanOrEqual(50);
      seen.push(...res.items);
      cursor = res.nextCursor;
      page++;
      // Between pages: ten newer events, and one older but inside the range still to come.
      if (page <= 3) {
        await recordTouchpoints(Array.from({ length: 10 }, (_, i) => view("pager@example.com", Date.now() + page * 1000 + i, `new-${page}-${i}`)));
        await recordTouchpoint(view("pager@example.com", oldest + page * 1000, `old-${page}`));
      }
    } while (cursor);
    const ids = seen.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length); // nothing repeated
    for (const id of original) expect(ids.filter((x) => x === id)).toHaveLength(1); // nothing skipped
    // The newer inserts sit above the first page and never show up mid-paging.
    expect(seen.some((s) => s.text.startsWith("Viewed /page/new-"))).toBe(false);
    // The older ones inserted below the cursor are picked up by later pages.
    expect(seen.filter((s) => s.text.startsWith("Viewed /page/old-")).length).toBeGreaterThan(0);
    assertNewestFirst(seen);
    expect(await db.timelineEvent.count({ where: { customerId } })).toBe(250 + 33);
  });

  it("returns the full item shape and a null cursor on the last page", async () => {
    const res = await listTimeline({ customerId, limit: 200 });
    expect(res.items).toHaveLength(200);
    expect(res.nextCursor).not.toBeNull();
    const last = await listTimeline({ customerId, limit: 200, cursor: res.nextCursor });
    expect(last.nextCursor).toBeNull();
    expect(last.items.length).toBe(83);
    const item = res.items[0]!;
    expect(Object.keys(item).sort()).toEqual(
      [
        "actor", "actorName", "actorUserId", "attachments", "bodyHtml", "channel", "conversationId", "conversationNumber", "deliveryError", "deliveryStatus",
        "direction", "emotion", "id", "inboxId", "kind", "messageId", "name", "occurredAt", "payload", "quotedText", "remoteImages", "subject", "text",
      ].sort(),
    );
    expect(await getTimelineItem(item.id)).toEqual(item);
    expect(await getTimelineItem("00000000-0000-7000-8000-000000000000")).toBeNull();
    // Limits are clamped, not trusted.
    expect((await listTimeline({ customerId, limit: 100_000 })).items).toHaveLength(200);
    expect((await listTimeline({ customerId, limit: 0 })).items).toHaveLength(1);
  });

  it("rejects a forged cursor", async () => {
    await expect(listTimeline({ customerId, cursor: "bm9wZQ" })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(listTimeline({ customerId, cursor: "%%%" })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it("filters by channel, kind, conversation, time range and inbox scope", async () => {
    const who = [{ kind: "email" as const, value: "filters@example.com", verified: true, source: "email_from" }];
    const mail = await recordTouchpoint({
      identities: who,
      channel: "email",
      kind: "message",
      actor: "customer",
      occurredAt: new Date("2026-02-01T10:00:00Z"),
      text: "mail",
      conversation: { inboxId: emailInbox, externalThreadKey: "<f1>" },
      message: { direction: "inbound", bodyText: "mail", platformMessageId: "f1" },
    });
    const id = mail.customerId;
    const chat = await recordTouchpoint({
      customerId: id,
      channel: "chat",
      kind: "message",
      actor: "customer",
      occurredAt: new Date("2026-02-02T10:00:00Z"),
      text: "chat",
      conversation: { inboxId: chatInbox },
      message: { direction: "inbound", bodyText: "chat" },
    });
    const note = await recordTouchpoint({
      customerId: id,
      channel: "chat",
      kind: "note",
      actor: "agent",
      occurredAt: new Date("2026-02-03T10:00:00Z"),
      text: "internal",
      conversation: { id: chat.conversationId!, inboxId: chatInbox },
      message: { direction: "outbound", bodyText: "internal", isNote: true },
    });
    const buy = await recordTouchpoint({ customerId: id, channel: "api", kind: "product_event", actor: "customer", name: "purchase", occurredAt: new Date("2026-02-04T10:00:00Z"), text: "Purchased", payload: { amount: 1 } });

    const ids = async (q: Parameters<typeof listTimeline>[0]) => (await listTimeline(q)).items.map((i) => i.id);
    expect(await ids({ customerId: id })).toEqual([buy.eventId, note.eventId, chat.eventId, mail.eventId]);
    expect(await ids({ customerId: id, channels: ["email"] })).toEqual([mail.eventId]);
    expect(await ids({ customerId: id, channels: ["email", "api"] })).toEqual([buy.eventId, mail.eventId]);
    expect(await ids({ customerId: id, kinds: ["message"] })).toEqual([chat.eventId, mail.eventId]);
    expect(await ids({ customerId: id, kinds: ["note", "product_event"] })).toEqual([buy.eventId, note.eventId]);
    expect(await ids({ customerId: id, conversationId: chat.conversationId! })).toEqual([note.eventId, chat.eventId]);
    expect(await ids({ customerId: id, from: new Date("2026-02-02T00:00:00Z"), to: new Date("2026-02-03T10:00:00Z") })).toEqual([note.eventId, chat.eventId]);
    // An agent of the email team sees email and inbox-less events, not the chat inbox.
    expect(await ids({ customerId: id, inboxScope: [emailInbox] })).toEqual([buy.eventId, mail.eventId]);
    expect(await ids({ customerId: id, inboxScope: [] })).toEqual([buy.eventId]);
    expect(await ids({ customerId: id, inboxScope: "all" })).toHaveLength(4);

    const items = (await listTimeline({ customerId: id })).items;
    expect(items.find((i) => i.id === mail.eventId)).toMatchObject({ kind: "message", channel: "email", direction: "inbound", conversationId: mail.conversationId, inboxId: emailInbox, deliveryStatus: "received" });
    expect(items.find((i) => i.id === note.eventId)).toMatchObject({ kind: "note", actor: "agent" });
    expect(items.find((i) => i.id === buy.eventId)).toMatchObject({ kind: "product_event", channel: "api", name: "purchase", conversationId: null, direction: null, payload: { amount: 1 } });
  });

  it("the prepared hot path (no filters) answers page for page exactly as the general query", async () => {
    const walk = async (q: Omit<Parameters<typeof listTimeline>[0], "cursor">) => {
      const pages: { ids: string[]; items: TimelineItem[]; nextCursor: string | null }[] = [];
      let cursor: string | null = null;
      do {
        const res: { items: TimelineItem[]; nextCursor: string | null } = await listTimeline({ ...q, cursor });
        pages.push({ ids: res.items.map((i) => i.id), items: res.items, nextCursor: res.nextCursor });
        cursor = res.nextCursor;
      } while (cursor && pages.length < 100);
      return pages;
    };
    for (const inboxScope of [undefined, "all" as const, [emailInbox], [] as string[]]) {
      // Every channel admitted: the same rows through the general (Prisma) query.
      const general = await walk({ customerId, limit: 37, inboxScope, channels: [...TIMELINE_CHANNELS] });
      const hot = await walk({ customerId, limit: 37, inboxScope });
      expect(hot).toEqual(general);
      expect(hot.flatMap((p) => p.ids).length).toBeGreaterThan(200);
    }
  });

  it("keeps the index range scan in the prepared statements' generic plans", async () => {
    const client = new pg.Client({ connectionString: t.url });
    await client.connect();
    try {
      await client.query("SET plan_cache_mode = force_generic_plan");
      await client.query(`PREPARE first_page AS ${FIRST_PAGE_SQL}`);
      await client.query(`PREPARE next_page AS ${NEXT_PAGE_SQL}`);
      // EXECUTE takes no bind parameters: the ids (uuids from the database) are inlined.
      const plan = async (sql: string) => (await client.query<{ "QUERY PLAN": string }>(sql)).rows.map((r) => r["QUERY PLAN"]).join("\n");
      const first = await plan(`EXPLAIN EXECUTE first_page('${customerId}', 51, NULL)`);
      const next = await plan(`EXPLAIN EXECUTE next_page('${customerId}', 51, NULL, now(), '${original[10]}')`);
      for (const p of [first, next]) expect(p).toMatch(/Index Scan using timeline_events_customer_id_occurred_at_id_idx/);
      expect(next).toMatch(/Index Cond: .*occurred_at/s);
    } finally {
      await client.end();
    }
  });

  it("costs one index range scan for the first page", async () => {
    const plan = await db.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
      `EXPLAIN SELECT e.* FROM timeline_events e WHERE e.customer_id = $1::uuid ORDER BY e.occurred_at DESC, e.id DESC LIMIT 51`,
      customerId,
    );
    expect(plan.map((p) => p["QUERY PLAN"]).join("\n")).toMatch(/Index Scan using timeline_events_customer_id_occurred_at_id_idx/);
  });
});
