import { describe, expect, it } from "vitest";
import { scoreSurveyAnswer } from "@/server/emotion";

const label = (kind: "csat" | "nps" | "ces", score: number, max: number) => scoreSurveyAnswer(kind, score, max).label;

describe("survey answers", () => {
  it("CSAT 1–5: 1–2 negative, 3 neutral, 4–5 positive", () => {
    expect([1, 2, 3, 4, 5].map((s) => label("csat", s, 5))).toEqual(["negative", "negative", "neutral", "positive", "positive"]);
  });

  it("NPS 0–10: 0–6 negative, 7–8 neutral, 9–10 positive", () => {
    expect([0, 6, 7, 8, 9, 10].map((s) => label("nps", s, 10))).toEqual(["negative", "negative", "neutral", "neutral", "positive", "positive"]);
  });

  it("CES 1–7, 7 = very easy (src/server/surveys/): 1–3 negative, 4 neutral, 5–7 positive", () => {
    expect([1, 3, 4, 5, 7].map((s) => label("ces", s, 7))).toEqual(["negative", "negative", "neutral", "positive", "positive"]);
  });

  it("scores agree in sign with the label and span [-1, 1]", () => {
    expect(scoreSurveyAnswer("csat", 1, 5).score).toBe(-1);
    expect(scoreSurveyAnswer("csat", 3, 5).score).toBe(0);
    expect(scoreSurveyAnswer("csat", 5, 5).score).toBe(1);
    expect(scoreSurveyAnswer("nps", 6, 10).score!).toBeLessThan(0);
    expect(scoreSurveyAnswer("nps", 9, 10).score!).toBeGreaterThan(0);
    expect(scoreSurveyAnswer("ces", 5, 7).score!).toBeGreaterThan(0);
  });

  it("the comment adds cues and nudges the score, never the label", () => {
    const bare = scoreSurveyAnswer("csat", 2, 5);
    const angry = scoreSurveyAnswer("csat", 2, 5, "Still not fixed. I want to speak to a manager.");
    expect(angry.label).toBe("negative");
    expect(angry.cues).toEqual(expect.arrayContaining(["still", "escalation"]));
    expect(angry.score!).toBeLessThan(bare.score!);
    const happy = scoreSurveyAnswer("csat", 4, 5, "Great help, thank you!");
    expect(happy.score!).toBeGreaterThan(scoreSurveyAnswer("csat", 4, 5).score!);
    expect(scoreSurveyAnswer("nps", 10, 10, "terrible").label).toBe("positive");
  });

  it("a non-English comment neither nudges nor adds cues", () => {
    expect(scoreSurveyAnswer("csat", 4, 5, "Sehr gute Hilfe, vielen Dank für die schnelle Antwort!")).toEqual(scoreSurveyAnswer("csat", 4, 5));
  });

  it("rescales another max and clamps out-of-range values, never throws", () => {
    expect(label("csat", 10, 10)).toBe("positive");
    expect(label("csat", 1, 10)).toBe("negative");
    expect(label("csat", 9, 5)).toBe("positive");
    expect(label("nps", -3, 10)).toBe("negative");
    expect(scoreSurveyAnswer("nps", Number.NaN, 10)).toEqual({ score: null, label: "unscored", cues: [] });
    expect(() => scoreSurveyAnswer("ces", 4, 0, "\u0000")).not.toThrow();
  });
});
