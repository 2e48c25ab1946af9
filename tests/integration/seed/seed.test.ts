// The demo seed and the benchmark volume seed, on isolated real databases:
// the contract logins and inboxes exist, permissions are shaped as the tests
// of other features expect, and the timeline data is internally consistent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import bcrypt from "bcryptjs";
import { randomUUID } from "node:crypto";
import { createTestDatabase, useTestDatabase, type TestDatabase } from "../../helpers/db";
import { createPrisma, disconnectDb } from "@/server/db";
import { hashApiKey } from "@/server/api-keys/hash";
import { SeedNotEmptyError, SHOWCASE_CUSTOMER_NAME, seedDemo } from "@/server/seed/demo";
import { seedVolume } from "@/server/seed/volume";
import { JourneyGenerator, type InboxRef } from "@/server/seed/journeys";
import { USERS, inboxes as inboxCatalog, telegramBotId, type TeamName } from "@/server/seed/catalog";
import { ARTICLES } from "@/server/seed/articles";

const DAY = 86_400_000;
const DEMO_API_KEY = "tl_test_seed_api_key_0123456789";
const NOW = new Date();

describe("seedDemo", () => {
  let t: TestDatabase;
  let result: Awaited<ReturnType<typeof seedDemo>>;
  let ms = 0;
  const savedKey = process.env.DEMO_API_KEY;

  beforeAll(async () => {
    t = await useTestDatabase();
    process.env.DEMO_API_KEY = DEMO_API_KEY;
    const started = Date.now();
    result = await seedDemo(t.prisma, { customers: 40, events: 3000, now: NOW });
    ms = Date.now() - started;
  });
  afterAll(async () => {
    if (savedKey === undefined) delete process.env.DEMO_API_KEY;
    else process.env.DEMO_API_KEY = savedKey;
    await disconnectDb();
    await t?.drop();
  });

  it("creates exactly the requested sizes, quickly", async () => {
    expect(result.customers).toBe(40);
    expect(result.events).toBe(3000);
    expect(await t.prisma.customer.count()).toBe(40);
    expect(await t.prisma.timelineEvent.count()).toBe(3000);
    expect(ms).toBeLessThan(15_000);
  });

  it("creates the demo logins with the right roles and the demo password", async () => {
    const expected = {
      "admin@throughline.test": "admin",
      "supervisor@throughline.test": "supervisor",
      "agent@throughline.test": "agent",
    } as const;
    for (const [email, role] of Object.entries(expected)) {
      const user = await t.prisma.user.findUnique({ where: { email } });
      expect(user, email).not.toBeNull();
      expect(user!.role).toBe(role);
      expect(user!.name).not.toMatch(/admin|agent|supervisor/i);
      expect(await bcrypt.compare("throughline", user!.passwordHash!)).toBe(true);
      expect(await bcrypt.compare("wrong", user!.passwordHash!)).toBe(false);
    }
    expect(await t.prisma.user.count({ where: { role: "agent" } })).toBeGreaterThanOrEqual(5);
  });

  it("creates every contract inbox with its public id and channel", async () => {
    const contract: [string, string][] = [
      ["support@throughline.test", "email"],
      ["demo-widget", "chat"],
      ["100000000000001", "messenger"],
      ["17841400000000001", "instagram"],
      ["100000000000002", "whatsapp"],
      [telegramBotId(), "telegram"],
      ["1000000000000000001", "x"],
      ["billing@throughline.test", "email"],
    ];
    for (const [publicId, channel] of contract) {
      const inbox = await t.prisma.inbox.findUnique({ where: { publicId } });
      expect(inbox, publicId).not.toBeNull();
      expect(inbox!.channel).toBe(channel);
    }
    const widget = await t.prisma.inbox.findUniqueOrThrow({ where: { publicId: "demo-widget" } });
    expect(widget.settings).toMatchObject({ color: "#4f46e5", preChatForm: true, trackPageViews: true });
    expect(widget.secretEnv).toEqual({ identity: "WIDGET_IDENTITY_SECRET" });
    const email = await t.prisma.inbox.findUniqueOrThrow({ where: { publicId: "support@throughline.test" } });
    expect(email.secretEnv).toEqual({ token: "DEMO_INBOX_TOKEN" });
  });

  it("gives the demo agent Support's inboxes only, never the Billing email inbox", async () => {
    const agent = await t.prisma.user.findUniqueOrThrow({
      where: { email: "agent@throughline.test" },
      include: { teams: { include: { team: { include: { inboxes: { include: { inbox: true } } } } } } },
    });
    expect(agent.teams.map((m) => m.team.name)).toEqual(["Support"]);
    const visible = new Set(agent.teams.flatMap((m) => m.team.inboxes.map((i) => i.inbox.publicId)));
    expect(visible.has("billing@throughline.test")).toBe(false);
    expect(visible.has("support@throughline.test")).toBe(true);
    expect(visible.has("demo-widget")).toBe(true);

    const billing = await t.prisma.team.findUniqueOrThrow({ where: { name: "Billing" }, include: { inboxes: { include: { inbox: true } } } });
    expect(billing.inboxes.map((i) => i.inbox.publicId)).toContain("billing@throughline.test");
    const supervisor = await t.prisma.user.findUniqueOrThrow({ where: { email: "supervisor@throughline.test" }, include: { teams: true } });
    expect(supervisor.teams).toHaveLength(3);
  });

  it("assigns the demo agent open work in inboxes they can see", async () => {
    const agent = await t.prisma.user.findUniqueOrThrow({ where: { email: "agent@throughline.test" }, include: { teams: true } });
    const teamIds = agent.teams.map((m) => m.teamId);
    const visible = (await t.prisma.teamInbox.findMany({ where: { teamId: { in: teamIds } } })).map((r) => r.inboxId);
    const mine = await t.prisma.conversation.findMany({ where: { assigneeId: agent.id, status: { in: ["open", "pending", "snoozed"] } } });
    expect(mine.length).toBeGreaterThanOrEqual(1);
    for (const c of mine) expect(visible).toContain(c.inboxId);
    // Every assignee belongs to a team that has the conversation's inbox.
    const bad = await t.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM conversations c
      WHERE c.assignee_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM team_members m JOIN team_inboxes ti ON ti.team_id = m.team_id
        WHERE m.user_id = c.assignee_id AND ti.inbox_id = c.inbox_id)`;
    expect(bad[0]!.n).toBe(0);
    const live = await t.prisma.conversation.count({ where: { status: { in: ["open", "pending", "snoozed"] } } });
    expect(live).toBeGreaterThanOrEqual(5);
    expect(await t.prisma.conversation.count({ where: { status: "open", assigneeId: null } })).toBeGreaterThanOrEqual(0);
  });

  it("keeps timeline events on their origin customer, and one event per message", async () => {
    const [row] = await t.prisma.$queryRaw<{ mismatched: number; messages: number; with_message: number; orphans: number; wrong_kind: number }[]>`
      SELECT
        (SELECT count(*)::int FROM timeline_events WHERE customer_id <> origin_customer_id) AS mismatched,
        (SELECT count(*)::int FROM messages) AS messages,
        (SELECT count(*)::int FROM timeline_events WHERE message_id IS NOT NULL) AS with_message,
        (SELECT count(*)::int FROM messages m WHERE NOT EXISTS (SELECT 1 FROM timeline_events e WHERE e.message_id = m.id)) AS orphans,
        (SELECT count(*)::int FROM messages m JOIN timeline_events e ON e.message_id = m.id
          WHERE e.kind <> (CASE WHEN m.is_note THEN 'note' ELSE 'message' END)::"TimelineKind"
             OR e.inbox_id <> m.inbox_id OR e.conversation_id <> m.conversation_id
             OR (m.is_note AND m.direction <> 'outbound')) AS wrong_kind`;
    expect(row!.mismatched).toBe(0);
    expect(row!.messages).toBeGreaterThan(100);
    expect(row!.with_message).toBe(row!.messages);
    expect(row!.orphans).toBe(0);
    expect(row!.wrong_kind).toBe(0);
    // Conversation-bound events carry the conversation's inbox (the permission filter relies on it).
    const [inbox] = await t.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM timeline_events e JOIN conversations c ON c.id = e.conversation_id
      WHERE e.inbox_id IS DISTINCT FROM c.inbox_id OR e.customer_id <> c.customer_id`;
    expect(inbox!.n).toBe(0);
    const identities = await t.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM customer_identities WHERE customer_id <> origin_customer_id OR source <> 'seed'`;
    expect(identities[0]!.n).toBe(0);
  });

  it("spreads events over more than 12 months, never in the future", async () => {
    const agg = await t.prisma.timelineEvent.aggregate({ _min: { occurredAt: true }, _max: { occurredAt: true } });
    const span = agg._max.occurredAt!.getTime() - agg._min.occurredAt!.getTime();
    expect(span).toBeGreaterThan(365 * DAY);
    expect(agg._max.occurredAt!.getTime()).toBeLessThanOrEqual(NOW.getTime());
    const kinds = await t.prisma.timelineEvent.groupBy({ by: ["kind"], _count: true });
    expect(kinds.map((k) => k.kind).sort()).toEqual(
      ["article_view", "journey_stage", "message", "note", "product_event", "survey_response", "ticket_event"].sort(),
    );
  });

  it("has a rich customer first by name, with events on at least 4 channels including email", async () => {
    const rich = await t.prisma.$queryRaw<{ customer_id: string; channels: string[] }[]>`
      SELECT customer_id, array_agg(DISTINCT channel::text) AS channels FROM timeline_events
      GROUP BY customer_id HAVING count(DISTINCT channel) >= 4 AND bool_or(channel = 'email')`;
    expect(rich.length).toBeGreaterThanOrEqual(1);
    const first = await t.prisma.customer.findFirstOrThrow({ orderBy: { name: "asc" } });
    expect(first.name).toBe(SHOWCASE_CUSTOMER_NAME);
    expect(first.id).toBe(result.showcaseCustomerId);
    const mine = rich.find((r) => r.customer_id === first.id);
    expect(mine?.channels).toEqual(expect.arrayContaining(["email", "chat", "whatsapp", "instagram"]));
    expect(Number(first.lifetimeValue)).toBeGreaterThan(0);
    expect(first.journeyStage).not.toBeNull();
  });

  it("derives lifetime value and journey stage from the customer's own events", async () => {
    const rows = await t.prisma.$queryRaw<{ id: string; ltv: string; sum: string | null; stage: string | null; last_stage: string | null }[]>`
      SELECT c.id, c.lifetime_value::text AS ltv,
        (SELECT sum((payload->>'amount')::numeric)::text FROM timeline_events e WHERE e.customer_id = c.id AND e.kind = 'product_event' AND e.name = 'purchase') AS sum,
        c.journey_stage::text AS stage,
        (SELECT e.name FROM timeline_events e WHERE e.customer_id = c.id AND e.kind = 'journey_stage' ORDER BY occurred_at DESC LIMIT 1) AS last_stage
      FROM customers c`;
    for (const r of rows) {
      expect(Number(r.ltv), r.id).toBeCloseTo(Number(r.sum ?? 0), 2);
      expect(r.stage, r.id).toBe(r.last_stage);
    }
  });

  it("creates surveys, SLA policies, macros, rules, help-center articles and likely duplicates", async () => {
    expect(await t.prisma.surveyResponse.count({ where: { kind: "csat" } })).toBeGreaterThan(0);
    const answered = await t.prisma.surveyResponse.count();
    expect(await t.prisma.timelineEvent.count({ where: { kind: "survey_response" } })).toBe(answered);
    expect(await t.prisma.slaPolicy.count()).toBe(3);
    expect(await t.prisma.macro.count()).toBeGreaterThanOrEqual(4);
    expect(await t.prisma.automationRule.count()).toBe(2);
    const articles = await t.prisma.article.findMany({ where: { status: "published", locale: "en" } });
    expect(articles.length).toBeGreaterThanOrEqual(8);
    for (const a of articles) expect(a.body.length).toBeGreaterThan(300);
    const priyas = await t.prisma.customer.findMany({ where: { name: "Priya Sharma" }, include: { identities: true } });
    expect(priyas).toHaveLength(2);
    const kinds = priyas.map((p) => p.identities.map((i) => i.kind).sort());
    expect(kinds.some((k) => k.includes("email"))).toBe(true);
    expect(kinds.some((k) => k.includes("whatsapp_wa_id") && !k.includes("email"))).toBe(true);
    const failed = await t.prisma.message.findMany({ where: { deliveryStatus: "failed" } });
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed[0]!.deliveryError).toBe("550 5.1.1 Mailbox unavailable");
  });

  it("stores the demo API key as its hash", async () => {
    const key = await t.prisma.apiKey.findFirstOrThrow({ where: { name: "Demo API key" } });
    expect(key.keyHash).toBe(hashApiKey(DEMO_API_KEY));
    expect(key.prefix).toBe(DEMO_API_KEY.slice(0, 10));
    expect(key.scopes).toEqual(["*"]);
  });

  it("refuses to seed a database that is not empty", async () => {
    await expect(seedDemo(t.prisma, { customers: 5, events: 100 })).rejects.toBeInstanceOf(SeedNotEmptyError);
  });
});

describe("seedDemo from several processes at once", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("seeds once; the others find the database seeded", async () => {
    const other = createPrisma(t.url, 2);
    try {
      const results = await Promise.allSettled([
        seedDemo(t.prisma, { customers: 5, events: 200 }),
        seedDemo(other, { customers: 5, events: 200 }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(SeedNotEmptyError);
      expect(await t.prisma.user.count({ where: { email: "agent@throughline.test" } })).toBe(1);
      expect(await t.prisma.customer.count()).toBe(5);
    } finally {
      await other.$disconnect();
    }
  });
});

describe("demo generator", () => {
  it("is deterministic apart from uuids", () => {
    const run = () => {
      const inboxes: InboxRef[] = inboxCatalog().map((i) => ({ ...i, id: randomUUID() }));
      const teamIds = new Map<TeamName, string>([
        ["Support", randomUUID()],
        ["Billing", randomUUID()],
        ["VIP", randomUUID()],
      ]);
      const agents = USERS.filter((u) => u.role !== "admin").map((u) => ({
        id: randomUUID(),
        name: u.name,
        first: u.name.split(" ")[0]!,
        role: u.role,
        teams: u.teams,
        isDemoAgent: u.key === "agent",
      }));
      const articleIds = new Map(ARTICLES.map((x) => [x.slug, randomUUID()]));
      return new JourneyGenerator({ seed: 7, now: NOW, agents, inboxes, teamIds, articleIds }).generate(30, 2000);
    };
    const a = run();
    const b = run();
    const shape = (g: ReturnType<typeof run>) => ({
      customers: g.customers.map((c) => [c.name, c.journeyStage, c.lifetimeValue, c.lastSeenAt]),
      events: g.events.map((e) => [e.at, e.kind, e.channel, e.text]),
      identities: g.identities.map((i) => [i.kind, i.value]),
    });
    expect(a.events).toHaveLength(2000);
    expect(shape(a)).toEqual(shape(b));
  });
});

describe("seedVolume", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("appends customers, spread events and one heavy customer with exactly N events", async () => {
    const started = Date.now();
    const result = await seedVolume(t.url, { customers: 1000, events: 20_000, heavyCustomer: { events: 5000 } });
    const ms = Date.now() - started;
    expect(result.heavyCustomerId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await t.prisma.customer.count()).toBe(1001);
    expect(await t.prisma.customerIdentity.count({ where: { kind: "email" } })).toBe(1001);
    expect(await t.prisma.timelineEvent.count()).toBe(25_000);
    expect(await t.prisma.timelineEvent.count({ where: { customerId: result.heavyCustomerId! } })).toBe(5000);
    const [row] = await t.prisma.$queryRaw<{ mismatched: number; customers_with_events: number; span_days: number; pricing: number }[]>`
      SELECT
        (SELECT count(*)::int FROM timeline_events WHERE customer_id <> origin_customer_id) AS mismatched,
        (SELECT count(DISTINCT customer_id)::int FROM timeline_events) AS customers_with_events,
        (SELECT extract(epoch FROM max(occurred_at) - min(occurred_at))::float8 / 86400 FROM timeline_events) AS span_days,
        (SELECT count(*)::int FROM timeline_events WHERE search_vector @@ plainto_tsquery('simple', 'pricing')) AS pricing`;
    expect(row!.mismatched).toBe(0);
    expect(row!.customers_with_events).toBe(1001);
    expect(row!.span_days).toBeGreaterThan(365);
    expect(row!.pricing).toBeGreaterThan(0);
    const heavySpan = await t.prisma.timelineEvent.aggregate({ where: { customerId: result.heavyCustomerId! }, _min: { occurredAt: true }, _max: { occurredAt: true } });
    expect(heavySpan._max.occurredAt!.getTime() - heavySpan._min.occurredAt!.getTime()).toBeGreaterThan(365 * DAY);
    const heavy = await t.prisma.customer.findUniqueOrThrow({ where: { id: result.heavyCustomerId! }, include: { identities: true } });
    expect(heavy.identities.map((i) => i.kind)).toEqual(["email"]);
    const [ltv] = await t.prisma.$queryRaw<{ total: string }[]>`
      SELECT coalesce(sum((payload->>'amount')::numeric), 0)::text AS total FROM timeline_events
      WHERE customer_id = ${result.heavyCustomerId!}::uuid AND kind = 'product_event' AND name = 'purchase'`;
    expect(Number(heavy.lifetimeValue)).toBeGreaterThan(0);
    expect(Number(heavy.lifetimeValue)).toBeCloseTo(Number(ltv!.total), 2);
    expect(ms).toBeLessThan(30_000);
  });

  it("spreads events over existing customers when asked for no new ones", async () => {
    const before = await t.prisma.timelineEvent.count();
    const result = await seedVolume(t.url, { customers: 0, events: 2000 });
    expect(result).toMatchObject({ customers: 0, events: 2000 });
    expect(await t.prisma.customer.count()).toBe(1001);
    expect(await t.prisma.timelineEvent.count()).toBe(before + 2000);
  });
});
