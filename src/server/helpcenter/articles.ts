// The help center: articles (Markdown), categories, draft/published, search
// with PostgreSQL full text (the GENERATED, GIN-indexed articles.search_vector:
// title weight A, body weight B, 'english'), "Did this help?" feedback and
// view counting. recordArticleView() is the one entry point for views: it
// counts the view and, for a known customer, records the article_view
// touchpoint on their timeline.
import { db, Prisma } from "@/server/db";
import { recordTouchpoint } from "@/server/ingest/record";
import { isUuid } from "@/server/db/ids";
import { markdownToText, slugify } from "./markdown";
import { DomainError } from "@/server/lib/domain-error";

export const LOCALE_RE = /^[a-z]{2}(-[A-Za-z]{2,4})?$/;
export const DEFAULT_LOCALE = "en";

export class ArticleError extends DomainError {
  constructor(
    public code: "not_found" | "invalid" | "conflict",
    message: string,
  ) {
    super(message);
  }
}

export type ArticleSummary = { id: string; slug: string; locale: string; title: string; category: string; excerpt: string; views: number; updatedAt: Date };
export type SearchHit = ArticleSummary & { rank: number; headline: string };

function excerptOf(body: string, max = 180): string {
  const t = markdownToText(body);
  return t.length > max ? `${t.slice(0, max).replace(/\s+\S*$/, "")}…` : t;
}

/** Published articles of a locale, grouped by category (for /help). */
export async function publishedByCategory(locale = DEFAULT_LOCALE) {
  const rows = await db.article.findMany({
    where: { status: "published", locale },
    orderBy: [{ category: "asc" }, { views: "desc" }, { title: "asc" }],
    select: { id: true, slug: true, locale: true, title: true, category: true, body: true, views: true, updatedAt: true },
  });
  const groups = new Map<string, ArticleSummary[]>();
  for (const r of rows) {
    const { body, ...rest } = r;
    groups.set(r.category, [...(groups.get(r.category) ?? []), { ...rest, excerpt: excerptOf(body) }]);
  }
  return [...groups].map(([category, articles]) => ({ category, articles }));
}

export async function popularArticles(limit = 5, locale = DEFAULT_LOCALE): Promise<ArticleSummary[]> {
  const rows = await db.article.findMany({
    where: { status: "published", locale },
    orderBy: [{ views: "desc" }, { title: "asc" }],
    take: limit,
    select: { id: true, slug: true, locale: true, title: true, category: true, body: true, views: true, updatedAt: true },
  });
  return rows.map(({ body, ...r }) => ({ ...r, excerpt: excerptOf(body) }));
}

export async function listLocales(): Promise<string[]> {
  const rows = await db.article.findMany({ where: { status: "published" }, distinct: ["locale"], select: { locale: true }, orderBy: { locale: "asc" } });
  return rows.map((r) => r.locale);
}

type SearchRow = { id: string; slug: string; locale: string; title: string; category: string; body: string; views: number; updated_at: Date; rank: number; headline: string };

/** Full-text search over published articles: websearch syntax, ts_rank order, highlighted snippet. */
export async function searchArticles(query: string, opts: { locale?: string; limit?: number; includeDrafts?: boolean } = {}): Promise<SearchHit[]> {
  const q = query.trim().slice(0, 200);
  if (!q) return [];
  const limit = Math.min(Math.max(opts.limit ?? 20, 1), 50);
  const locale = opts.locale && LOCALE_RE.test(opts.locale) ? opts.locale : null;
  const rows = await db.$queryRaw<SearchRow[]>`
    SELECT a.id, a.slug, a.locale, a.title, a.category, a.body, a.views, a.updated_at,
           ts_rank(a.search_vector, query)::float8 AS rank,
           ts_headline('english', a.body, query, 'MaxWords=28, MinWords=12, StartSel=<<, StopSel=>>, HighlightAll=false') AS headline
    FROM articles a, websearch_to_tsquery('english', ${q}) AS query
    WHERE a.search_vector @@ query
      ${opts.includeDrafts ? Prisma.empty : Prisma.sql`AND a.status = 'published'`}
      ${locale ? Prisma.sql`AND a.locale = ${locale}` : Prisma.empty}
    ORDER BY rank DESC, a.views DESC, a.id
    LIMIT ${limit}`;
  return rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    locale: r.locale,
    title: r.title,
    category: r.category,
    views: r.views,
    updatedAt: r.updated_at,
    rank: r.rank,
    excerpt: excerptOf(r.body),
    headline: markdownToText(r.headline.replace(/<<|>>/g, (m) => (m === "<<" ? "\u0002" : "\u0003"))).replace(/\u0002/g, "<<").replace(/\u0003/g, ">>"),
  }));
}

export async function getPublishedArticle(locale: string, slug: string) {
  if (!LOCALE_RE.test(locale) || !/^[a-z0-9-]{1,120}$/.test(slug)) return null;
  return db.article.findFirst({
    where: { locale, slug, status: "published" },
    select: { id: true, slug: true, locale: true, title: true, category: true, body: true, views: true, helpfulYes: true, helpfulNo: true, updatedAt: true },
  });
}

/** Other published articles of the same category. */
export async function relatedArticles(article: { id: string; category: string; locale: string }, limit = 4) {
  return db.article.findMany({
    where: { status: "published", locale: article.locale, category: article.category, id: { not: article.id } },
    orderBy: [{ views: "desc" }, { title: "asc" }],
    take: limit,
    select: { id: true, slug: true, locale: true, title: true },
  });
}

/** Counts a view; for a known customer also records the article_view touchpoint (once per minute). */
export async function recordArticleView(articleId: string, customerId?: string | null) {
  if (!isUuid(articleId)) throw new ArticleError("not_found", "No such article.");
  const article = await db.article.findUnique({ where: { id: articleId }, select: { id: true, slug: true, title: true, category: true, locale: true, status: true } });
  if (!article || article.status !== "published") throw new ArticleError("not_found", "No such article.");
  let eventId: string | null = null;
  let counted = true;
  if (customerId && isUuid(customerId)) {
    const minute = Math.floor(Date.now() / 60_000);
    const r = await recordTouchpoint({
      customerId,
      channel: "system",
      kind: "article_view",
      actor: "customer",
      name: article.slug,
      text: `Viewed article “${article.title}”`,
      payload: { articleId: article.id, slug: article.slug, title: article.title, category: article.category, locale: article.locale },
      dedupeKey: `helpcenter:article_view:${customerId}:${article.id}:${minute}`,
    });
    eventId = r.eventId;
    counted = r.created;
  }
  if (counted) await db.article.update({ where: { id: article.id }, data: { views: { increment: 1 } } });
  return { articleId: article.id, eventId, counted };
}

/** "Did this help?" */
export async function recordFeedback(articleId: string, helpful: boolean) {
  if (!isUuid(articleId)) throw new ArticleError("not_found", "No such article.");
  const n = await db.article.updateMany({
    where: { id: articleId, status: "published" },
    data: helpful ? { helpfulYes: { increment: 1 } } : { helpfulNo: { increment: 1 } },
  });
  if (n.count === 0) throw new ArticleError("not_found", "No such article.");
}

// ------------------------------------------------------------------ admin

export type ArticleInput = { slug?: string; locale: string; title: string; body: string; category: string; status: "draft" | "published" };

function checkInput(a: ArticleInput): Required<ArticleInput> {
  const title = a.title.trim();
  const category = a.category.trim();
  const locale = a.locale.trim() || DEFAULT_LOCALE;
  const slug = (a.slug?.trim() || slugify(title)).toLowerCase();
  if (!title || title.length > 200) throw new ArticleError("invalid", "The title must be 1–200 characters.");
  if (!category || category.length > 80) throw new ArticleError("invalid", "The category must be 1–80 characters.");
  if (!LOCALE_RE.test(locale)) throw new ArticleError("invalid", "The locale must look like en or pt-BR.");
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug) || slug.length > 120) throw new ArticleError("invalid", "The slug may contain lower-case letters, digits and dashes.");
  if (a.body.length > 200_000) throw new ArticleError("invalid", "The article is too long.");
  return { slug, locale, title, category, body: a.body, status: a.status };
}

export async function adminListArticles() {
  return db.article.findMany({
    orderBy: [{ category: "asc" }, { title: "asc" }],
    select: { id: true, slug: true, locale: true, title: true, category: true, status: true, views: true, helpfulYes: true, helpfulNo: true, updatedAt: true },
  });
}

export async function adminGetArticle(id: string) {
  if (!isUuid(id)) throw new ArticleError("not_found", "No such article.");
  const a = await db.article.findUnique({ where: { id } });
  if (!a) throw new ArticleError("not_found", "No such article.");
  const { searchVector: _sv, ...rest } = a as typeof a & { searchVector?: unknown };
  return rest;
}

export async function saveArticle(id: string | null, input: ArticleInput) {
  const data = checkInput(input);
  try {
    if (!id) return await db.article.create({ data, select: { id: true, slug: true, locale: true } });
    if (!isUuid(id)) throw new ArticleError("not_found", "No such article.");
    return await db.article.update({ where: { id }, data, select: { id: true, slug: true, locale: true } });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002" || /unique/i.test((error as Error).message)) {
      throw new ArticleError("conflict", `An article with the slug “${data.slug}” already exists in ${data.locale}.`);
    }
    if ((error as { code?: string }).code === "P2025") throw new ArticleError("not_found", "No such article.");
    throw error;
  }
}

export async function deleteArticle(id: string) {
  if (!isUuid(id)) throw new ArticleError("not_found", "No such article.");
  const n = await db.article.deleteMany({ where: { id } });
  if (n.count === 0) throw new ArticleError("not_found", "No such article.");
}

export async function categories(): Promise<string[]> {
  const rows = await db.article.findMany({ distinct: ["category"], select: { category: true }, orderBy: { category: "asc" } });
  return rows.map((r) => r.category);
}
