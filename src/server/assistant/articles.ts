// Help-center articles for a customer's words: PostgreSQL full-text search
// (the help center's own searchArticles, ranked by ts_rank) with the
// message's content words OR-ed, since a customer's sentence is not a query.
import { db } from "@/server/db";
import { publicUrl } from "@/env";
import { DEFAULT_LOCALE, searchArticles } from "@/server/helpcenter/articles";
import { markdownToText } from "@/server/helpcenter/markdown";

export type FoundArticle = { ref: string; id: string; title: string; url: string; rank: number; headline: string; text: string };

// Words that carry no topic in support messages (the 'english' configuration drops ordinary stop words itself).
const FILLER = new Set(["hi", "hello", "hey", "thanks", "thank", "please", "help", "need", "want", "get", "got", "can", "could", "would", "just", "still", "also", "really", "know", "tell", "let", "there", "anyone", "someone", "today", "yesterday", "or", "and", "not"]);

export function queryWords(text: string, max = 14): string[] {
  const words = text.toLowerCase().normalize("NFKC").match(/\p{L}[\p{L}\p{N}'-]{2,}/gu) ?? [];
  const out: string[] = [];
  for (const raw of words) {
    const w = raw.replace(/'s$/, "").replace(/['-]+$/, "");
    if (w.length < 3 || FILLER.has(w) || w.includes("'") || out.includes(w)) continue;
    out.push(w);
    if (out.length >= max) break;
  }
  return out;
}

export async function articlesFor(text: string, opts: { limit?: number; locale?: string } = {}): Promise<FoundArticle[]> {
  const words = queryWords(text);
  if (words.length === 0) return [];
  const hits = await searchArticles(words.join(" or "), { limit: opts.limit ?? 3, locale: opts.locale ?? DEFAULT_LOCALE });
  if (hits.length === 0) return [];
  const bodies = await db.article.findMany({ where: { id: { in: hits.map((h) => h.id) } }, select: { id: true, body: true } });
  const bodyOf = new Map(bodies.map((b) => [b.id, plainText(b.body)]));
  return hits.map((h, k) => ({
    ref: `A${k + 1}`,
    id: h.id,
    title: h.title,
    url: `${publicUrl()}${h.locale === DEFAULT_LOCALE ? `/help/${h.slug}` : `/help/${h.locale}/${h.slug}`}`,
    rank: h.rank,
    headline: h.headline.replace(/<<|>>/g, ""),
    text: (bodyOf.get(h.id) ?? h.excerpt).slice(0, 2000),
  }));
}

/** An article's text line by line, headings left out (they are not sentences to quote). */
function plainText(markdown: string): string {
  return markdown
    .split(/\n+/)
    .filter((line) => line.trim() && !/^\s*#/.test(line))
    .map((line) => markdownToText(line))
    .filter(Boolean)
    .join("\n");
}

/** The sentences of an article that share most words with the question (at most `n`, in article order). */
export function relevantSentences(articleText: string, question: string, n = 2): string[] {
  const want = new Set(queryWords(question, 30).map(stem));
  const sentences = articleText.split(/(?<=[.!?])\s+|\n+/).map((s) => s.trim()).filter((s) => s.length > 15);
  const scored = sentences.map((s, i) => ({ s, i, score: queryWords(s, 40).filter((w) => want.has(stem(w))).length }));
  const best = scored.filter((x) => x.score > 0).sort((a, b) => b.score - a.score || a.i - b.i).slice(0, n);
  const chosen = best.length ? best : scored.slice(0, n);
  return chosen.sort((a, b) => a.i - b.i).map((x) => x.s);
}

const stem = (w: string) => w.replace(/(ing|ed|es|s)$/, "");
