// Quality guard for the assistant's local fallback on the fixture histories
// (tests/fixtures/assistant/cases.json): summary fact recall and suggestion
// hit rate @3 must stay at or above the floors measured with
// `npm run assistant:eval` (docs/assistant.md). No timing assertions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { disconnectDb } from "@/server/db";
import { evaluate, loadCases, readCases } from "../../fixtures/assistant/evaluate";
import { noProvider } from "./world";

// Measured 2026-12-04 (npm run assistant:eval): recall 54/54, hit rate 13/13, bot 10 right / 0 wrong / 3 handovers; the floors leave room for one miss each.
const RECALL_FLOOR = 0.95;
const HIT_RATE_FLOOR = 0.92;

let t: TestDatabase;
beforeAll(async () => {
  noProvider();
  t = await useTestDatabase();
});
afterAll(async () => {
  await disconnectDb();
  await t?.drop();
});

describe("assistant quality on the fixture histories (local fallback)", () => {
  it("recalls the expected facts and suggests the right article", async () => {
    const cases = readCases();
    expect(cases.length).toBeGreaterThanOrEqual(12);
    const e = await evaluate(await loadCases(cases));
    const missed = e.results.flatMap((r) => r.facts.filter((f) => !f.recalled).map((f) => `${r.id}: ${f.about}`));
    const wrong = e.results.filter((r) => !r.hit).map((r) => `${r.id}: wanted ${r.article}, got ${r.top3.join(", ")}`);
    expect(e.results.every((r) => r.source === "fallback")).toBe(true);
    expect(e.recall, `missed facts:\n${missed.join("\n")}`).toBeGreaterThanOrEqual(RECALL_FLOOR);
    expect(e.hitRate, `wrong suggestions:\n${wrong.join("\n")}`).toBeGreaterThanOrEqual(HIT_RATE_FLOOR);
    // The answer bot's local fallback: never the wrong article (it hands over instead), and answers most (measured 10 of 13).
    expect(e.bot.wrong).toBe(0);
    expect(e.bot.right).toBeGreaterThanOrEqual(9);
  });
});
