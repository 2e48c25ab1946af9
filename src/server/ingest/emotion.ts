// Which touchpoints carry an emotion, and what it is (src/server/emotion/):
// a customer's inbound message on any channel (its text), or a survey answer
// (its score on its scale, and the comment). Agent and system items, notes,
// product and ticket events carry none. Computed once per touchpoint on
// ingest, before the transaction, so the write itself stays the same work.
import { scoreMessage, scoreSurveyAnswer, type Emotion } from "@/server/emotion";

/** What the decision reads of a touchpoint (./touchpoint.ts TouchpointInput has these). */
type Scorable = {
  actor: string;
  kind: string;
  text: string;
  name?: string | null;
  payload?: Record<string, unknown>;
  message?: { direction: string; bodyText: string; isNote?: boolean; isAutoReply?: boolean };
};

const SURVEY_KINDS = new Set(["csat", "nps", "ces"]);

export function touchpointEmotion(input: Scorable, opts: { repeatedContact?: boolean } = {}): Emotion | null {
  if (input.actor !== "customer") return null;
  if (input.kind === "message") {
    if (!input.message || input.message.direction !== "inbound" || input.message.isNote || input.message.isAutoReply) return null;
    return scoreMessage(input.message.bodyText || input.text, opts);
  }
  if (input.kind === "survey_response") {
    const p = input.payload ?? {};
    const kind = String(p.kind ?? input.name ?? "");
    const score = Number(p.score);
    const max = Number(p.max);
    if (!SURVEY_KINDS.has(kind) || !Number.isFinite(score) || !Number.isFinite(max)) return null;
    return scoreSurveyAnswer(kind as "csat" | "nps" | "ces", score, max, typeof p.comment === "string" ? p.comment : null);
  }
  return null;
}

/** The stored columns of an emotion (timeline_events.sentiment_score, sentiment_label, frustration_cues). */
export function emotionColumns(e: Emotion | null) {
  return { sentimentScore: e?.score ?? null, sentimentLabel: e?.label ?? null, frustrationCues: e?.cues ?? [] };
}
