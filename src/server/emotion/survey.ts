// A survey answer → Emotion. The answer's place on its scale decides the label;
// the comment (when English) adds its cues and nudges the score.
// The scales are src/server/surveys/service.ts SURVEY_SCALES (CES: 1 = very
// difficult … 7 = very easy); repeated here, not imported, so the scorer stays
// free of the survey service and its database.
import { scoreMessage } from "./message";
import { clamp } from "./score";
import type { Emotion, EmotionLabel } from "./types";

export type SurveyKind = "csat" | "nps" | "ces";

/** min/max of each scale and its neutral band [from, to]; below is negative, above positive. */
export const SURVEY_BANDS: Record<SurveyKind, { min: number; max: number; neutral: [number, number] }> = {
  csat: { min: 1, max: 5, neutral: [3, 3] }, // 1–2 negative, 3 neutral, 4–5 positive
  nps: { min: 0, max: 10, neutral: [7, 8] }, // detractors 0–6, passives 7–8, promoters 9–10
  ces: { min: 1, max: 7, neutral: [4, 4] }, // 1–3 negative (hard), 4 neutral, 5–7 positive (easy)
};

/** How far an English comment's own score moves the answer's score. */
export const COMMENT_WEIGHT = 0.2;

/**
 * The scale's score, from the band edges outwards: the nearest negative step is
 * -0.25 and the lowest -1, the neutral band 0, the nearest positive step 0.25
 * and the highest 1 — so the sign always agrees with the label.
 */
function placeOnScale(kind: SurveyKind, value: number): { score: number; label: EmotionLabel } {
  const { min, max, neutral } = SURVEY_BANDS[kind];
  const [from, to] = neutral;
  if (value < from) {
    const steps = from - 1 - min;
    return { score: steps > 0 ? -0.25 - (0.75 * (from - 1 - value)) / steps : -1, label: "negative" };
  }
  if (value > to) {
    const steps = max - to - 1;
    return { score: steps > 0 ? 0.25 + (0.75 * (value - to - 1)) / steps : 1, label: "positive" };
  }
  return { score: 0, label: "neutral" };
}

/**
 * A survey answer: `score` out of `max` on the kind's scale (a different max
 * is rescaled onto the standard one; out-of-range values are clamped into it).
 * A non-numeric score is unscored. Never throws.
 */
export function scoreSurveyAnswer(kind: SurveyKind, score: number, max: number, comment?: string | null): Emotion {
  const bands = SURVEY_BANDS[kind];
  if (!bands || !Number.isFinite(score)) return { score: null, label: "unscored", cues: [] };
  let value = score;
  if (Number.isFinite(max) && max > bands.min && max !== bands.max) {
    value = Math.round(bands.min + ((score - bands.min) * (bands.max - bands.min)) / (max - bands.min));
  }
  value = Math.max(bands.min, Math.min(bands.max, value));
  const placed = placeOnScale(kind, value);
  const text = typeof comment === "string" ? comment.trim() : "";
  if (!text) return { score: placed.score, label: placed.label, cues: [] };
  const said = scoreMessage(text);
  const nudge = said.score === null ? 0 : COMMENT_WEIGHT * said.score;
  return { score: Math.round(clamp(placed.score + nudge) * 1000) / 1000, label: placed.label, cues: said.cues };
}
