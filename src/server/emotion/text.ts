// What of a message the scorer reads: control characters and null bytes
// removed, and at most MAX_CHARS (a long email's new text is at its top; the
// rest is usually quoted history, and the cost stays bounded).

export const MAX_CHARS = 4000;

export function prepareText(text: unknown): string {
  if (typeof text !== "string") return "";
  return text.slice(0, MAX_CHARS).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, " ");
}

/** Letters of any script. */
export function countLetters(text: string): number {
  return text.match(/\p{L}/gu)?.length ?? 0;
}

/** Emoji and other pictographs (they carry feeling without letters). */
export function hasPictographs(text: string): boolean {
  return /\p{Extended_Pictographic}/u.test(text);
}

/** Sentences, roughly: the scope a cue word is read in. */
export function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+|\n+/).filter((s) => s.trim().length > 0);
}
