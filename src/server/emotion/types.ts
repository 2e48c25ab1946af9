// The shape of an emotion as stored on a touchpoint (timeline_events.sentiment_*)
// and shown on the timeline, the journey curve and in rules.

/** Matches the Prisma enum SentimentLabel. */
export type EmotionLabel = "negative" | "neutral" | "positive" | "unscored";

/** score in [-1, 1], null when unscored; cues from FRUSTRATION_CUES. */
export type Emotion = { score: number | null; label: EmotionLabel; cues: string[] };

export const FRUSTRATION_CUES = ["repeated_contact", "caps", "still", "again", "escalation"] as const;
export type FrustrationCue = (typeof FRUSTRATION_CUES)[number];

/**
 * The emotion of a stored row (timeline_events.sentiment_score, sentiment_label,
 * frustration_cues), or null for a row that was never scored. One reading for
 * the timeline, the journey map, rules, webhooks and the write path.
 */
export function emotionFromColumns(score: number | null | undefined, label: EmotionLabel | null | undefined, cues: readonly string[] | null | undefined): Emotion | null {
  return label ? { score: score ?? null, label, cues: cues ? [...cues] : [] } : null;
}
