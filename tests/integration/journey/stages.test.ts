// Journey stages inferred from a scripted journey produce the documented
// sequence; agents can override (respected for 30 days); the bus listener
// keeps stages current as touchpoints arrive.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { recordTouchpoint, type TouchpointInput } from "@/server/ingest/record";
import { evaluateCustomer, overrideStage, startJourneyListener } from "@/server/journey/service";
import { journeyFunnel, journeyMap } from "@/server/journey/map";

let t: TestDatabase;
let agentId: string;
let inboxId: string;
const DAY = 86_400_000;
const HOUR = 3_600_000;

beforeAll(async () => {
  t = await useTestDatabase();
  agentId = (await db.user.create({ data: { email: "agent@example.test", name: "Sam Agent", passwordHash: "x", role: "agent" } })).id;
  inboxId = (await db.inbox.create({ data: { name: "Chat", channel: "chat", publicId: "j-widget" } })).id;
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

function product(email: string, name: string, at: Date, payload: Record<string, unknown> = {}): TouchpointInput {
  return {
    identities: [{ kind: "email", value: email, verified: true, source: "test" }],
    channel: "api",
    kind: "product_event",
    actor: "customer",
    name,
    text: `Event ${name}`,
    payload,
    occurredAt: at,
  };
}

async function stages(customerId: string) {
  const rows = await db.timelineEvent.findMany({ where: { customerId, kind: "journey_stage" }, orderBy: [{ occurredAt: "asc" }, { id: "asc" }] });
  return rows.map((r) => ({ to: r.name, text: r.text, actor: r.actor }));
}

describe("stage inference", () => {
  it("follows the documented sequence for a scripted journey", async () => {
    const email = "journey@example.test";
    const B = Date.now() - 200 * DAY;
    const steps: [TouchpointInput, number][] = [
      [product(email, "page_view", new Date(B), { url: "https://acme.test/blog/hello" }), B],
      [product(email, "page_view", new Date(B + DAY), { url: "https://acme.test/pricing" }), B + DAY],
      [product(email, "sign_up", new Date(B + 2 * DAY), { plan: "trial" }), B + 2 * DAY],
      [product(email, "purchase", new Date(B + 3 * DAY), { amount: 99, plan: "Pro" }), B + 3 * DAY],
      [product(email, "deployment_created", new Date(B + 3 * DAY + 2 * HOUR), {}), B + 3 * DAY + 2 * HOUR],
      [product(email, "login", new Date(B + 40 * DAY), {}), B + 40 * DAY],
    ];
    let customerId = "";
    for (const [input, at] of steps) {
      const r = await recordTouchpoint(input);
      customerId = r.customerId;
      await evaluateCustomer(customerId, { now: new Date(at + 1000) });
    }
    // A promoter's NPS, later a detractor's.
    for (const [score, at] of [
      [10, B + 100 * DAY],
      [3, B + 150 * DAY],
    ] as const) {
      await recordTouchpoint({ customerId, channel: "email", kind: "survey_response", actor: "customer", name: "nps", text: `Rated NPS ${score}/10`, payload: { kind: "nps", score, max: 10 }, occurredAt: new Date(at) });
      await evaluateCustomer(customerId, { now: new Date(at + 1000) });
    }
    expect((await stages(customerId)).map((s) => s.to)).toEqual(["awareness", "consideration", "purchase", "onboarding", "retention", "advocacy", "at_risk"]);
    expect((await stages(customerId)).map((s) => s.text)).toEqual([
      "Journey stage: awareness",
      "Journey stage: awareness → consideration",
      "Journey stage: consideration → purchase",
      "Journey stage: purchase → onboarding",
      "Journey stage: onboarding → retention",
      "Journey stage: retention → advocacy",
      "Journey stage: advocacy → at_risk",
    ]);
    expect((await db.customer.findUniqueOrThrow({ where: { id: customerId } })).journeyStage).toBe("at_risk");

    // Evaluating again changes nothing.
    await evaluateCustomer(customerId, { now: new Date(B + 150 * DAY + 2000) });
    expect(await stages(customerId)).toHaveLength(7);

    // An agent overrides; inference respects it for 30 days.
    await overrideStage(customerId, "retention", agentId, "Spoke to them on the phone, all good");
    const c = await db.customer.findUniqueOrThrow({ where: { id: customerId } });
    expect(c.journeyStage).toBe("retention");
    expect(c.journeyStageSetBy).toBe(agentId);
    const last = (await stages(customerId)).at(-1)!;
    expect(last).toMatchObject({ to: "retention", actor: "agent", text: "Journey stage: at_risk → retention (set by Sam Agent)" });
    const held = await evaluateCustomer(customerId);
    expect(held).toMatchObject({ changed: false, overridden: true });
    // After 30 days inference takes over again (the customer has been silent: at risk).
    const later = await evaluateCustomer(customerId, { now: new Date(Date.now() + 31 * DAY) });
    expect(later).toMatchObject({ changed: true, to: "at_risk" });
    expect((await db.customer.findUniqueOrThrow({ where: { id: customerId } })).journeyStageSetBy).toBeNull();

    // The journey map shows the stage track, the touchpoints and the survey emotions.
    const map = await journeyMap(customerId, "all");
    expect(map!.segments.map((s) => s.stage)).toEqual(["awareness", "consideration", "purchase", "onboarding", "retention", "advocacy", "at_risk", "retention", "at_risk"]);
    expect(map!.touchpoints.filter((p) => p.kind === "survey_response").map((p) => p.score)).toEqual([10, 3]);
  });

  it("marks 3+ unresolved contacts in 14 days as at risk", async () => {
    const email = "busy@example.test";
    const now = Date.now();
    const first = await recordTouchpoint(product(email, "purchase", new Date(now - 60 * DAY), { amount: 29 }));
    await recordTouchpoint(product(email, "login", new Date(now - 5 * DAY)));
    expect((await evaluateCustomer(first.customerId)).to).toBe("retention");
    for (let i = 0; i < 3; i++) {
      await recordTouchpoint({
        customerId: first.customerId,
        channel: "chat",
        kind: "message",
        actor: "customer",
        text: `still broken ${i}`,
        conversation: { inboxId, externalThreadKey: `busy-${i}` },
        message: { direction: "inbound", bodyText: `still broken ${i}` },
      });
    }
    const e = await evaluateCustomer(first.customerId);
    expect(e).toMatchObject({ changed: true, to: "at_risk", reason: "3 unresolved contacts in 14 days" });
  });

  it("is kept current by the bus listener", async () => {
    const off = startJourneyListener(50);
    try {
      const r = await recordTouchpoint(product("live@example.test", "page_view", new Date(), { url: "https://acme.test/" }));
      await expect.poll(async () => (await db.customer.findUniqueOrThrow({ where: { id: r.customerId } })).journeyStage, { timeout: 5000 }).toBe("awareness");
      await recordTouchpoint(product("live@example.test", "page_view", new Date(), { path: "/docs/getting-started" }));
      await expect.poll(async () => (await db.customer.findUniqueOrThrow({ where: { id: r.customerId } })).journeyStage, { timeout: 5000 }).toBe("consideration");
      await recordTouchpoint(product("live@example.test", "purchase", new Date(), { amount: 499 }));
      await expect.poll(async () => (await db.customer.findUniqueOrThrow({ where: { id: r.customerId } })).journeyStage, { timeout: 5000 }).toBe("purchase");
      await new Promise((res) => setTimeout(res, 300));
      expect((await stages(r.customerId)).map((s) => s.to)).toEqual(["awareness", "consideration", "purchase"]);
    } finally {
      off();
    }
  });

  it("aggregates a funnel", async () => {
    const f = await journeyFunnel();
    const by = Object.fromEntries(f.stages.map((s) => [s.stage, s]));
    expect(by.awareness!.reached).toBe(2);
    expect(by.consideration!.reached).toBe(2);
    expect(by.consideration!.conversion).toBe(100);
    expect(by.purchase!.reached).toBe(2);
    expect(by.at_risk!.current).toBe(2);
    expect(by.awareness!.medianDaysInStage).not.toBeNull();
  });
});

describe("batched evaluation", () => {
  it("evaluates many customers in one pass exactly as one by one, in the order asked", async () => {
    const now = Date.now();
    const looking = await recordTouchpoint(product("batch-look@example.test", "page_view", new Date(now - HOUR), { url: "https://acme.test/pricing" }));
    const buying = await recordTouchpoint(product("batch-buy@example.test", "purchase", new Date(now - HOUR), { amount: 10 }));
    const quiet = await recordTouchpoint(product("batch-quiet@example.test", "page_view", new Date(now - HOUR), { url: "https://acme.test/blog" }));
    const ids = [buying.customerId, "not-a-uuid", looking.customerId, "00000000-0000-7000-8000-00000000beef", quiet.customerId];
    const { evaluateCustomers } = await import("@/server/journey/service");
    const results = await evaluateCustomers(ids);
    expect(results.map((r) => r.customerId)).toEqual(ids);
    expect(results.map((r) => [r.changed, r.to])).toEqual([
      [true, "purchase"],
      [false, null],
      [true, "consideration"],
      [false, null],
      [true, "awareness"],
    ]);
    for (const [id, stage] of [[buying.customerId, "purchase"], [looking.customerId, "consideration"], [quiet.customerId, "awareness"]] as const) {
      expect((await stages(id)).map((s) => s.to)).toEqual([stage]);
      expect((await db.customer.findUniqueOrThrow({ where: { id } })).journeyStage).toBe(stage);
    }
    // A second pass (another process, a redelivery) changes nothing and writes nothing.
    expect((await evaluateCustomers(ids)).filter((r) => r.changed)).toEqual([]);
    expect((await stages(buying.customerId)).length).toBe(1);
  });
});
