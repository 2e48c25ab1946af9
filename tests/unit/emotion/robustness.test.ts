import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FRUSTRATION_CUES, scoreMessage, scoreSurveyAnswer, warmEmotion, type Emotion } from "@/server/emotion";

function wellFormed(e: Emotion) {
  expect(["negative", "neutral", "positive", "unscored"]).toContain(e.label);
  if (e.label === "unscored") expect(e.score).toBeNull();
  else {
    expect(typeof e.score).toBe("number");
    expect(e.score!).toBeGreaterThanOrEqual(-1);
    expect(e.score!).toBeLessThanOrEqual(1);
  }
  for (const c of e.cues) expect(FRUSTRATION_CUES).toContain(c);
  expect(new Set(e.cues).size).toBe(e.cues.length);
}

describe("scoreMessage on hostile input", () => {
  it("warms without failing, twice", () => {
    expect(() => {
      warmEmotion();
      warmEmotion();
    }).not.toThrow();
  });

  it.each([
    ["empty", ""],
    ["whitespace", " \n\t  \r\n "],
    ["null bytes", "\u0000\u0000\u0000"],
    ["null bytes in words", "still\u0000 not\u0000 working"],
    ["emoji only", "😡😡😡🙃"],
    ["digits and punctuation", "#4471 — 12:30 / 555-0142 !!!"],
    ["50 KB of text", "This is fine. ".repeat(3700)],
    ["50 KB without spaces", "x".repeat(50_000)],
    ["lone surrogates", "\uD800 hello \uDFFF"],
  ])("%s", (_name, text) => {
    const e = scoreMessage(text);
    wellFormed(e);
  });

  it("empty and letterless text is neutral with score 0", () => {
    expect(scoreMessage("")).toEqual({ score: 0, label: "neutral", cues: [] });
    expect(scoreMessage("   ")).toEqual({ score: 0, label: "neutral", cues: [] });
    expect(scoreMessage("\u0000")).toEqual({ score: 0, label: "neutral", cues: [] });
  });

  it("non-strings from an untyped caller do not throw", () => {
    expect(scoreMessage(undefined as unknown as string)).toEqual({ score: 0, label: "neutral", cues: [] });
    expect(scoreMessage(42 as unknown as string)).toEqual({ score: 0, label: "neutral", cues: [] });
  });

  it("any string gives a well-formed emotion", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), fc.boolean(), (text, repeatedContact) => {
        wellFormed(scoreMessage(text, { repeatedContact }));
      }),
      { numRuns: 300 },
    );
  });

  it("any survey answer gives a well-formed emotion", () => {
    fc.assert(
      fc.property(fc.constantFrom("csat" as const, "nps" as const, "ces" as const), fc.double(), fc.integer({ min: -5, max: 20 }), fc.option(fc.string()), (kind, score, max, comment) => {
        wellFormed(scoreSurveyAnswer(kind, score, max, comment));
      }),
      { numRuns: 300 },
    );
  });
});
