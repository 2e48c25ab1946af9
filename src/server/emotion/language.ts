// Which texts the English lexicon scorers may read. Anything else is
// "unscored", never guessed. The detector (tinyld) is unreliable on short
// texts and on acronyms ("CSV" alone reads as Hungarian), so a text is called
// non-English only when it is mostly in a non-Latin script, or when hardly any
// of its words are English stop words (wink-nlp's list), it has enough
// letters, and the detector puts another language clearly ahead of English.
// Short English ("ok", "thx!", "👍") is always scored.
import { detectAll } from "tinyld";
import { countLetters } from "./text";

/** Below this many letters (after stripping URLs, ids and acronyms) a Latin-script text is scored. */
export const MIN_LETTERS_TO_REJECT = 12;
/** The detector's score for the top language must reach this… */
export const MIN_TOP_ACCURACY = 0.1;
/** …and English, if listed, must score under this fraction of it. */
export const MAX_ENGLISH_RATIO = 0.5;
/** A text with at least this share of English stop words, and at least MIN_ENGLISH_STOP_WORDS of them, is English. */
export const MIN_ENGLISH_STOP_SHARE = 0.2;
/** One stop word is weak evidence: "an", "per", "in", "me" are words of other languages too. */
export const MIN_ENGLISH_STOP_WORDS = 2;
/** Constructed and classical languages: nobody writes to support in them, so a detection of one is the detector misreading English ("the error says 'quota exceeded'" reads as Klingon). */
const NOT_CUSTOMER_LANGUAGES = new Set(["tlh", "vo", "eo", "la"]);
/** Only the start is read for the language. */
const SAMPLE_CHARS = 600;

/** What the detector reads: no URLs, addresses, handles, tokens with digits, all-caps acronyms or code punctuation. */
export function detectionSample(text: string): string {
  return text
    .slice(0, SAMPLE_CHARS)
    .replace(/\b(?:https?:\/\/|www\.)\S+/gi, " ")
    .replace(/\S+@\S+/g, " ")
    .replace(/(^|\s)[@#]\S+/g, " ")
    .replace(/\S*\d\S*/g, " ")
    .replace(/\b\p{Lu}{2,}\b/gu, " ")
    .replace(/[{}[\]<>"=_:;/\\|`~^*()]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

export type LanguageVerdict = { english: boolean; reason: "no_letters" | "non_latin_script" | "too_short" | "detected_english" | "english_words" | "detected_other" | "not_confident" };

/** The English stop words of a text: how many, and their share of its words. */
export type EnglishStopWords = (text: string) => { stopWords: number; stopWordShare: number };

export function judgeLanguage(text: string, englishStopWords: EnglishStopWords): LanguageVerdict {
  const letters = countLetters(text);
  if (letters === 0) return { english: true, reason: "no_letters" };
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
  if ((letters - latin) / letters > 0.5) return { english: false, reason: "non_latin_script" };
  // English function words settle it without the detector (the common case, and the cheap one).
  const stop = englishStopWords(text);
  if (stop.stopWords >= MIN_ENGLISH_STOP_WORDS && stop.stopWordShare >= MIN_ENGLISH_STOP_SHARE) return { english: true, reason: "english_words" };
  const sample = detectionSample(text);
  if (countLetters(sample) < MIN_LETTERS_TO_REJECT) return { english: true, reason: "too_short" };
  const found = detectAll(sample).filter((f) => !NOT_CUSTOMER_LANGUAGES.has(f.lang));
  const top = found[0];
  if (!top || top.lang === "en") return { english: true, reason: "detected_english" };
  const en = found.find((f) => f.lang === "en")?.accuracy ?? 0;
  if (top.accuracy >= MIN_TOP_ACCURACY && en < top.accuracy * MAX_ENGLISH_RATIO) return { english: false, reason: "detected_other" };
  return { english: true, reason: "not_confident" };
}
