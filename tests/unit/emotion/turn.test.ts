import { describe, expect, it } from "vitest";
import { isSharpNegativeTurn, scoreMessage, type Emotion } from "@/server/emotion";

const e = (score: number | null, label: Emotion["label"], cues: string[] = []): Emotion => ({ score, label, cues });

describe("the sharp negative turn", () => {
  it("positive or neutral to negative with a drop of at least 0.5", () => {
    expect(isSharpNegativeTurn(e(0.6, "positive"), e(-0.1, "negative"))).toBe(true);
    expect(isSharpNegativeTurn(e(0, "neutral"), e(-0.5, "negative"))).toBe(true);
    expect(isSharpNegativeTurn(e(0, "neutral"), e(-0.3, "negative"))).toBe(false);
  });

  it("a negative message with two or more cues, whatever came before", () => {
    expect(isSharpNegativeTurn(null, e(-0.2, "negative", ["still", "escalation"]))).toBe(true);
    expect(isSharpNegativeTurn(e(-0.5, "negative"), e(-0.2, "negative", ["caps", "again"]))).toBe(true);
    expect(isSharpNegativeTurn(null, e(-0.2, "negative", ["still"]))).toBe(false);
  });

  it("not when already negative, when the current one is not negative, or when unscored", () => {
    expect(isSharpNegativeTurn(e(-0.3, "negative"), e(-0.9, "negative"))).toBe(false);
    expect(isSharpNegativeTurn(e(0.9, "positive"), e(0, "neutral", ["still", "again"]))).toBe(false);
    expect(isSharpNegativeTurn(e(null, "unscored"), e(-0.8, "negative"))).toBe(false);
    expect(isSharpNegativeTurn(e(0.9, "positive"), e(null, "unscored", ["repeated_contact", "caps"]))).toBe(false);
    expect(isSharpNegativeTurn(null, e(-0.9, "negative"))).toBe(false);
  });

  it("on real messages", () => {
    const before = scoreMessage("Thanks, that worked!");
    expect(isSharpNegativeTurn(before, scoreMessage("STILL NOT WORKING. I want a refund."))).toBe(true);
    expect(isSharpNegativeTurn(before, scoreMessage("how do I export my invoices?"))).toBe(false);
  });
});
