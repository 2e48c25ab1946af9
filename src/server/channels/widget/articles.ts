// Help-center search for the widget's self-service: published articles only,
// ranked full-text search on the GENERATED, GIN-indexed articles.search_vector
// (title weight A, body weight B, 'english' configuration).
import { db, Prisma } from "@/server/db";
import { markdownToText as plainText } from "@/server/helpcenter/markdown";
import type { WidgetArticle, WidgetArticleHit } from "./protocol";

// Excerpts use the help center's own markdown-to-text.
export { plainText };

/** A search result (GET /api/widget/articles adds its url). */
export type ArticleHit = Omit<WidgetArticleHit, "url">;
export type ArticleFull = WidgetArticle & { excerpt: string; updatedAt: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** About `max` characters of the body around the first query word found. */
export function excerpt(body: string, query: string, max = 160): string {
  const text = plainText(body);
  if (text.length <= max) return text;
  const lower = text.toLowerCase();
  const words = query.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 3);
  let at = -1;
  for (const w of words) {
    const i = lower.indexOf(w.slice(0, Math.max(3, w.length - 2)));
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  let start = at < 0 ? 0 : Math.max(0, at - 40);
  if (start > 0) {
    const space = text.indexOf(" ", start);
    start = space > 0 && space - start < 20 ? space + 1 : start;
  }
  const slice = text.slice(start, start + max);
  const cut = slice.length === max ? slice.replace(/\s+\S*$/, "") : slice;
  return `${start > 0 ? "…" : ""}${cut}${start + max < text.length ? "…" : ""}`;
}

type Row = { id: string; slug: string; title: string; category: string; body: string };

/** Best matches first; an empty query gives the most viewed articles. */
export async function searchArticles(query: string, opts: { limit?: number; locale?: string } = {}): Promise<ArticleHit[]> {
  const q = query.trim().slice(0, 200);
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 3) || 3, 1), 10);
  const locale = opts.locale && /^[a-z]{2}(-[A-Za-z]{2,4})?$/.test(opts.locale) ? opts.locale : null;
  const localeSql = locale ? Prisma.sql`AND a.locale = ${locale}` : Prisma.empty;
  const rows = q
    ? await db.$queryRaw<Row[]>`
        SELECT a.id, a.slug, a.title, a.category, a.body
        FROM articles a, websearch_to_tsquery('english', ${q}) AS query
        WHERE a.status = 'published' AND a.search_vector @@ query ${localeSql}
        ORDER BY ts_rank_cd(a.search_vector, query) DESC, a.views DESC, a.id
        LIMIT ${limit}`
    : await db.$queryRaw<Row[]>`
        SELECT a.id, a.slug, a.title, a.category, a.body
        FROM articles a
        WHERE a.status = 'published' ${localeSql}
        ORDER BY a.views DESC, a.updated_at DESC, a.id
        LIMIT ${limit}`;
  return rows.map((r) => ({ id: r.id, slug: r.slug, title: r.title, category: r.category, excerpt: excerpt(r.body, q) }));
}

export async function getPublishedArticle(id: string): Promise<ArticleFull | null> {
  if (!UUID.test(id)) return null;
  const a = await db.article.findFirst({
    where: { id, status: "published" },
    select: { id: true, slug: true, title: true, category: true, body: true, updatedAt: true },
  });
  if (!a) return null;
  return { ...a, excerpt: excerpt(a.body, ""), updatedAt: a.updatedAt.toISOString() };
}
