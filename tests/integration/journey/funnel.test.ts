// The journey funnel over crafted stage histories that skip steps: a step
// counts only customers who passed every earlier step, so counts never grow
// down the funnel and no conversion passes 100 % (docs/journey.md).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { recordTouchpoint } from "@/server/ingest/record";
import { journeyFunnel } from "@/server/journey/map";
import { FUNNEL_STAGES, type Stage } from "@/server/journey/rules";

let t: TestDatabase;
const DAY = 86_400_000;

// name → stage history, oldest first (the last one is the current stage).
const HISTORIES: Record<string, Stage[]> = {
  A: ["awareness", "consideration", "purchase", "onboarding", "retention"],
  B: ["awareness", "consideration", "purchase", "onboarding"],
  C: ["awareness", "consideration", "onboarding"], // skipped purchase (evaluated after the 24 h purchase stage)
  J: ["awareness", "consideration", "onboarding"],
  D: ["purchase", "onboarding", "retention"], // bought through the API: no awareness, no consideration
  E: ["awareness", "consideration", "purchase", "at_risk"],
  F: ["awareness", "at_risk"], // at risk without ever purchasing
  G: ["awareness", "consideration", "purchase", "onboarding", "advocacy"], // promoter during onboarding: skipped retention
  I: ["awareness", "consideration", "purchase", "onboarding", "retention", "advocacy"],
  H: [], // no stage yet
};

beforeAll(async () => {
  t = await useTestDatabase();
  const start = Date.now() - 300 * DAY;
  for (const [name, stages] of Object.entries(HISTORIES)) {
    const c = await db.customer.create({ data: { name, journeyStage: stages.at(-1) ?? null } });
    let from: Stage | null = null;
    for (const [i, to] of stages.entries()) {
      await recordTouchpoint({
        customerId: c.id,
        channel: "system",
        kind: "journey_stage",
        actor: "system",
        name: to,
        text: from ? `Journey stage: ${from} → ${to}` : `Journey stage: ${to}`,
        occurredAt: new Date(start + i * 10 * DAY),
        payload: { from, to, reason: "test" },
      });
      from = to;
    }
  }
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

describe("journey funnel", () => {
  it("counts a step only for customers who passed every earlier step: monotone, rates ≤ 100 %, exact numbers", async () => {
    const f = await journeyFunnel();
    const by = Object.fromEntries(f.stages.map((s) => [s.stage, s]));
    const steps = FUNNEL_STAGES.map((s) => by[s]!.step);
    expect(steps).toEqual([8, 7, 5, 4, 2, 1]);
    for (let i = 1; i < steps.length; i++) expect(steps[i]!).toBeLessThanOrEqual(steps[i - 1]!);
    for (const s of f.stages) if (s.conversion !== null) expect(s.conversion).toBeLessThanOrEqual(100);
    expect(FUNNEL_STAGES.map((s) => by[s]!.conversion)).toEqual([null, 87.5, 71.4, 80, 50, 50]);

    // Stage counts stay available beside the funnel, skips included: more reached onboarding than purchase.
    expect(Object.fromEntries(f.stages.map((s) => [s.stage, s.reached]))).toEqual({
      awareness: 8,
      consideration: 7,
      purchase: 6,
      onboarding: 7,
      retention: 3,
      advocacy: 2,
      at_risk: 2,
    });
    expect(Object.fromEntries(f.stages.map((s) => [s.stage, s.current]))).toEqual({
      awareness: 0,
      consideration: 0,
      purchase: 0,
      onboarding: 3,
      retention: 2,
      advocacy: 2,
      at_risk: 2,
    });
    // At risk: of the 8 who reached purchase or a later lifecycle stage, one (E) was ever at risk; F never purchased.
    expect(by.at_risk!.step).toBeNull();
    expect(f.purchased).toBe(8);
    expect(by.at_risk!.conversion).toBe(12.5);
    expect(f.customers).toBe(10);
    expect(f.withoutStage).toBe(1);
  });

  it("is empty, not a division by zero, for a cohort with nobody in it", async () => {
    const f = await journeyFunnel({ start: new Date(Date.now() - 900 * DAY), end: new Date(Date.now() - 800 * DAY) });
    expect(f.stages.map((s) => [s.step, s.conversion])).toEqual([
      [0, null],
      [0, null],
      [0, null],
      [0, null],
      [0, null],
      [0, null],
      [null, null],
    ]);
    expect(f.customers).toBe(0);
  });
});
