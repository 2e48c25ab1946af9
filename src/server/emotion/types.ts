// The shape of an emotion as stored on a touchpoint (timeline_events.sentiment_*)
// and shown on the timeline, the journey curve and in rules.

/** Matches the Prisma enum SentimentLabel. */
export type EmotionLabel = "negative" | "neutral" | "positive" | "unscored";

/** score in [-1, 1], null when unscored; cues from FRUSTRATION_CUES. */
export type Emotion = { score: number | null; label: EmotionLabel; cues: string[] };

export const FRUSTRATION_CUES = ["repeated_contact", "caps", "still", "again", "escalation"] as const;
export type FrustrationCue = (typeof FRUSTRATION_CUES)[number];
