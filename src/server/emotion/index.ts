// Emotion on ingest (issue 17): a sentiment score, a label and frustration cues
// for every inbound customer message and every survey answer. docs/emotion.md.
export { emotionFromColumns, FRUSTRATION_CUES, type Emotion, type EmotionLabel, type FrustrationCue } from "./types";
export { scoreMessage } from "./message";
export { scoreSurveyAnswer } from "./survey";
export { isSharpNegativeTurn } from "./turn";
export { warmEmotion } from "./warm";
