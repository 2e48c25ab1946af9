// Where an answer came from, why it is the local one when it is, and what the console says about it.
export type AnswerSource = "llm" | "fallback";
/** Why an answer is the local one: no provider configured (expected, nothing to warn about), or the provider timed out or failed. */
export type FallbackReason = "no_provider" | "timeout" | "error";

export function fallbackNotice(reason: FallbackReason, what = "summary"): string {
  if (reason === "timeout") return `The AI provider did not answer in time; this is the local ${what}.`;
  if (reason === "error") return `The AI provider failed; this is the local ${what}.`;
  return "Local, no AI provider";
}
