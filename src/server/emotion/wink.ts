// The one wink-nlp instance (English lite web model, bundled in its package).
// Building it parses the model (~0.3 s), so it is built once, on first use or
// by warmEmotion() at start.
import winkNLP from "wink-nlp";
import model from "wink-eng-lite-web-model";

type Nlp = ReturnType<typeof winkNLP>;
let nlp: Nlp | null = null;

export function wink(): Nlp {
  nlp ??= winkNLP(model, ["sbd", "negation", "sentiment"]);
  return nlp;
}

type Reading = { sentiment: number; stopWords: number; stopWordShare: number };
// The language gate and the polarity read the same text one after the other: read it once.
let last: { text: string; reading: Reading } | null = null;

/** One reading of an English text: its sentiment in [-1, 1] and its English stop words (how many, and their share of its words). */
export function readEnglish(text: string): Reading {
  if (last?.text === text) return last.reading;
  const reading = read(text);
  last = { text, reading };
  return reading;
}

function read(text: string): Reading {
  const n = wink();
  const doc = n.readDoc(text);
  const types = doc.tokens().out(n.its.type) as string[];
  const stop = doc.tokens().out(n.its.stopWordFlag) as boolean[];
  let words = 0;
  let stops = 0;
  types.forEach((t, i) => {
    if (t !== "word") return;
    words++;
    if (stop[i]) stops++;
  });
  return { sentiment: doc.out(n.its.sentiment) as number, stopWords: stops, stopWordShare: words ? stops / words : 0 };
}
