// Durations shown as evidence read as people say them, and a wait's evidence
// names the wait that was measured (src/server/friction/).
import { describe, expect, it } from "vitest";
import { humanDuration } from "@/server/friction/duration";
import { longestWait, waitText, WAIT_THRESHOLD_MIN, type ConvFacts } from "@/server/friction/score";

const now = new Date("2026-03-02T12:00:00Z");
const MIN = 60_000;
const conv = (o: Partial<ConvFacts>): ConvFacts => ({
  id: "c",
  customerId: "u",
  number: 1,
  channel: "email",
  status: "open",
  createdAt: new Date(now.getTime() - 600 * MIN),
  firstResponseAt: null,
  waitingSince: null,
  reopenCount: 0,
  tags: [],
  subject: null,
  ...o,
});

describe("humanDuration", () => {
  it("shows hours and minutes, rounded down", () => {
    expect(humanDuration(0.4)).toBe("under 1 min");
    expect(humanDuration(59.9)).toBe("59 min");
    expect(humanDuration(60)).toBe("1 h");
    expect(humanDuration(252.7)).toBe("4 h 12 min");
    expect(humanDuration(47 * 60 + 59)).toBe("47 h 59 min");
    expect(humanDuration(3 * 24 * 60 + 125)).toBe("3 days 2 h");
  });

  it("never reads below a threshold the duration passed", () => {
    for (let m = WAIT_THRESHOLD_MIN + 0.5; m < 3000; m += 7.3) {
      const [, h, min] = /^(\d+) (?:h(?: (\d+) min)?|days)/.exec(humanDuration(m))!;
      const shown = humanDuration(m).includes("days") ? Number(h) * 24 * 60 : Number(h) * 60 + Number(min ?? 0);
      expect(shown).toBeGreaterThanOrEqual(WAIT_THRESHOLD_MIN);
      expect(shown).toBeLessThanOrEqual(m);
    }
  });
});

describe("a wait's evidence", () => {
  it("describes the current unanswered wait when it is the longer one, not a quick first reply", () => {
    const c = conv({ firstResponseAt: new Date(now.getTime() - 595 * MIN), waitingSince: new Date(now.getTime() - 252 * MIN) });
    const w = longestWait(c, now);
    expect(w).toEqual({ minutes: 252, kind: "unanswered" });
    expect(waitText(w)).toBe("waiting 4 h 12 min now, unanswered");
  });

  it("describes a slow first reply as such", () => {
    const c = conv({ status: "resolved", firstResponseAt: new Date(now.getTime() - 348 * MIN), waitingSince: null });
    expect(waitText(longestWait(c, now))).toBe("first reply after 4 h 12 min");
  });
});
