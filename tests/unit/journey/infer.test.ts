import { describe, expect, it } from "vitest";
import { inferStage, type JourneyFacts } from "@/server/journey/rules";

const DAY = 86_400_000;
const T0 = Date.parse("2026-01-01T00:00:00Z");
const none: JourneyFacts = {
  firstActivityAt: null,
  lastActivityAt: null,
  considerationAt: null,
  firstPurchaseAt: null,
  lastPurchaseAt: null,
  activityAfterFirstPurchaseAt: null,
  latestNps: null,
  lastReferralAt: null,
  lastPaymentFailedAt: null,
  lastCancelledAt: null,
  unresolvedRecentContacts: 0,
};
const stage = (f: Partial<JourneyFacts>, now: number) => inferStage({ ...none, ...f }, now)?.stage ?? null;

describe("inferStage", () => {
  it("has no stage without activity", () => {
    expect(stage({}, T0)).toBeNull();
  });
  it("follows the lifecycle", () => {
    const visit = { firstActivityAt: T0, lastActivityAt: T0 };
    expect(stage(visit, T0)).toBe("awareness");
    const research = { ...visit, considerationAt: T0 + DAY, lastActivityAt: T0 + DAY };
    expect(stage(research, T0 + DAY)).toBe("consideration");
    const bought = { ...research, firstPurchaseAt: T0 + 2 * DAY, lastPurchaseAt: T0 + 2 * DAY, lastActivityAt: T0 + 2 * DAY };
    expect(stage(bought, T0 + 2 * DAY)).toBe("purchase");
    // Purchase lasts until the next activity, or a day.
    expect(stage(bought, T0 + 2 * DAY + 23 * 3_600_000)).toBe("purchase");
    expect(stage(bought, T0 + 3 * DAY + 1)).toBe("onboarding");
    const active = { ...bought, activityAfterFirstPurchaseAt: T0 + 2 * DAY + 3_600_000, lastActivityAt: T0 + 20 * DAY };
    expect(stage(active, T0 + 2 * DAY + 3_600_000)).toBe("onboarding");
    expect(stage(active, T0 + 31 * DAY)).toBe("onboarding");
    expect(stage(active, T0 + 33 * DAY)).toBe("retention");
  });
  it("makes promoters and referrers advocates, detractors at risk", () => {
    const customer = { firstActivityAt: T0, lastActivityAt: T0 + 100 * DAY, firstPurchaseAt: T0, lastPurchaseAt: T0 + 90 * DAY, activityAfterFirstPurchaseAt: T0 + DAY };
    expect(stage({ ...customer, latestNps: { score: 9, at: T0 + 100 * DAY } }, T0 + 101 * DAY)).toBe("advocacy");
    expect(stage({ ...customer, lastReferralAt: T0 + 100 * DAY }, T0 + 101 * DAY)).toBe("advocacy");
    expect(stage({ ...customer, latestNps: { score: 6, at: T0 + 100 * DAY } }, T0 + 101 * DAY)).toBe("at_risk");
    expect(stage({ ...customer, latestNps: { score: 7, at: T0 + 100 * DAY } }, T0 + 101 * DAY)).toBe("retention");
    // A detractor answer stops counting after 90 days.
    expect(stage({ ...customer, latestNps: { score: 3, at: T0 + 100 * DAY }, lastActivityAt: T0 + 189 * DAY }, T0 + 191 * DAY)).toBe("retention");
  });
  it("flags unresolved contacts, payment failures, cancellations and silence", () => {
    const customer = { firstActivityAt: T0, lastActivityAt: T0 + 40 * DAY, firstPurchaseAt: T0, lastPurchaseAt: T0, activityAfterFirstPurchaseAt: T0 + DAY };
    expect(stage({ ...customer, unresolvedRecentContacts: 3 }, T0 + 41 * DAY)).toBe("at_risk");
    expect(stage({ ...customer, unresolvedRecentContacts: 2 }, T0 + 41 * DAY)).toBe("retention");
    expect(stage({ ...customer, lastPaymentFailedAt: T0 + 39 * DAY }, T0 + 41 * DAY)).toBe("at_risk");
    expect(stage({ ...customer, lastPaymentFailedAt: T0 + 39 * DAY, lastPurchaseAt: T0 + 40 * DAY }, T0 + 41 * DAY)).toBe("retention");
    expect(stage({ ...customer, lastCancelledAt: T0 + 40 * DAY }, T0 + 41 * DAY)).toBe("at_risk");
    expect(stage(customer, T0 + 70 * DAY)).toBe("at_risk");
    // A lead who never bought is not "at risk" for being quiet.
    expect(stage({ firstActivityAt: T0, lastActivityAt: T0 }, T0 + 100 * DAY)).toBe("awareness");
  });
});
