// scoreMessage: a customer's inbound message → Emotion, with the library
// chosen by npm run emotion:eval (docs/emotion.md has the figures).
import { scoreWith, type Scorer, type Thresholds } from "./score";
import type { Emotion } from "./types";
import { readEnglish } from "./wink";

/** Tuned on tests/fixtures/emotion/messages.json by npm run emotion:eval. */
export const MESSAGE_THRESHOLDS: Thresholds = { negative: -0.01, positive: 0.23 };

const scorer: Scorer = {
  polarity: (t) => readEnglish(t).sentiment,
  englishStopWords: readEnglish,
  thresholds: MESSAGE_THRESHOLDS,
};

/**
 * A customer's message. repeatedContact: the caller knows this customer wrote
 * before without an answer (adds the cue and pulls the score down a little).
 * Synchronous; never throws (empty or letterless text → neutral, score 0).
 */
export function scoreMessage(text: string, opts?: { repeatedContact?: boolean }): Emotion {
  return scoreWith(scorer, text, opts);
}
