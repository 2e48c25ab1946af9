// The sharp negative turn: the friction signal on the journey map and the
// rule trigger. Documented in docs/emotion.md.
import type { Emotion } from "./types";

/** The fall in score that counts as sharp. */
export const SHARP_DROP = 0.5;
/** This many frustration cues on a negative message are a sharp turn by themselves. */
export const SHARP_CUES = 2;

/**
 * True when `current` is negative and either
 * - carries at least SHARP_CUES frustration cues (whatever came before), or
 * - `previous` was not negative (label positive/neutral, or score ≥ 0) and the
 *   score fell by at least SHARP_DROP.
 * Unscored emotions never turn (nothing is known), and an already-negative
 * customer getting more negative without cues is a low, not a turn.
 */
export function isSharpNegativeTurn(previous: Emotion | null, current: Emotion): boolean {
  if (current.label !== "negative" || current.score === null) return false;
  if (current.cues.length >= SHARP_CUES) return true;
  if (!previous || previous.score === null || previous.label === "unscored") return false;
  const wasNotNegative = previous.label === "positive" || previous.label === "neutral" || previous.score >= 0;
  return wasNotNegative && previous.score - current.score >= SHARP_DROP;
}
