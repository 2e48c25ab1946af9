// Where an answer came from, and what the console says when it is the fallback.
export type AnswerSource = "llm" | "fallback";

/** null reason: no provider configured. */
export function fallbackNotice(reason: "timeout" | "error" | null, what = "summary"): string {
  if (reason === "timeout") return `The AI provider did not answer in time; this is the local ${what}.`;
  if (reason === "error") return `The AI provider failed; this is the local ${what}.`;
  return "Local, no AI provider";
}
