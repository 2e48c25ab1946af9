// A customer message → Emotion: language gate, lexicon polarity, cues, the
// cues' pull on the score, the label from the thresholds. The parts that
// differ between the candidate libraries (polarity, thresholds) are
// parameters, so npm run emotion:eval measures exactly this pipeline.
import { detectCues } from "./cues";
import { judgeLanguage, type EnglishStopWords } from "./language";
import { countLetters, hasPictographs, prepareText } from "./text";
import type { Emotion, EmotionLabel, FrustrationCue } from "./types";

/** Scores above `positive` are positive, below `negative` negative, the rest neutral. */
export type Thresholds = { negative: number; positive: number };

/** How much each cue pulls the score down (summed, at most CUE_PULL_MAX). */
export const CUE_PULL: Record<FrustrationCue, number> = { repeated_contact: 0.15, caps: 0.1, still: 0.1, again: 0.1, escalation: 0.15 };
export const CUE_PULL_MAX = 0.4;

export type Polarity = (text: string) => number;

export type Scorer = {
  /** The lexicon's polarity of a text, in [-1, 1]. */
  polarity: Polarity;
  /** A text's English stop words (the language gate's English evidence). */
  englishStopWords: EnglishStopWords;
  thresholds: Thresholds;
};

export function clamp(x: number): number {
  if (!Number.isFinite(x)) return 0;
  return Math.max(-1, Math.min(1, x));
}

export function labelOf(score: number, t: Thresholds): EmotionLabel {
  if (score > t.positive) return "positive";
  if (score < t.negative) return "negative";
  return "neutral";
}

export function cuePull(cues: readonly FrustrationCue[]): number {
  return Math.min(CUE_PULL_MAX, cues.reduce((sum, c) => sum + CUE_PULL[c], 0));
}

const NEUTRAL: Emotion = { score: 0, label: "neutral", cues: [] };

export function scoreWith(scorer: Scorer, rawText: string, opts: { repeatedContact?: boolean } = {}): Emotion {
  try {
    const text = prepareText(rawText);
    const known: FrustrationCue[] = opts.repeatedContact ? ["repeated_contact"] : [];
    if (countLetters(text) === 0 && !hasPictographs(text)) return { ...NEUTRAL, cues: known };
    if (!judgeLanguage(text, scorer.englishStopWords).english) return { score: null, label: "unscored", cues: known };
    const raw = clamp(scorer.polarity(text));
    const cues = detectCues(text, raw < scorer.thresholds.negative);
    for (const c of known) if (!cues.includes(c)) cues.push(c);
    const score = clamp(raw - cuePull(cues));
    return { score: Math.round(score * 1000) / 1000, label: labelOf(score, scorer.thresholds), cues };
  } catch {
    // A scorer must never fail an ingest; an unreadable text counts as neutral.
    return { ...NEUTRAL, cues: opts.repeatedContact ? ["repeated_contact"] : [] };
  }
}
