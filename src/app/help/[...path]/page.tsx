// One help-center article: /help/<slug> (default locale) or /help/<locale>/<slug>.
// Markdown is rendered by our own escaping renderer (src/server/helpcenter/markdown.ts).
import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { pageDateFormatter } from "../page-dates";
import { DEFAULT_LOCALE, getPublishedArticle, recordArticleView, relatedArticles } from "@/server/helpcenter/articles";
import { markdownToText, renderMarkdown } from "@/server/helpcenter/markdown";
import { articleFeedback } from "../actions";
import { SearchBox } from "../search-box";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ path: string[] }>; searchParams: Promise<Record<string, string | undefined>> };

async function load(path: string[]) {
  if (path.length === 1) return getPublishedArticle(DEFAULT_LOCALE, path[0]!);
  if (path.length === 2) return getPublishedArticle(path[0]!, path[1]!);
  return null;
}

export async function generateMetadata({ params }: Props) {
  const a = await load((await params).path);
  if (a) return { title: a.title, description: markdownToText(a.body).slice(0, 160) };
  const t = await getTranslations("help.notFound");
  return { title: t("title") };
}

const href = (a: { locale: string; slug: string }) => (a.locale === DEFAULT_LOCALE ? `/help/${a.slug}` : `/help/${a.locale}/${a.slug}`);

export default async function ArticlePage({ params, searchParams }: Props) {
  const { path } = await params;
  const sp = await searchParams;
  const article = await load(path);
  if (!article) notFound();
  // Anonymous views are counted here; a known widget visitor's view is recorded by the widget.
  if (!sp.feedback) await recordArticleView(article.id).catch(() => undefined);
  const { html, headings } = renderMarkdown(article.body);
  const related = await relatedArticles(article);
  const self = href(article);
  const t = await getTranslations("help.article");
  const format = await pageDateFormatter();
  return (
    <main className="mx-auto max-w-5xl px-6 py-8">
      <div className="mb-6 max-w-md">
        <SearchBox locale={article.locale} />
      </div>
      <nav aria-label={t("breadcrumb")} className="text-sm text-slate-500">
        <Link href="/help" className="hover:underline">{t("helpCenter")}</Link> <span aria-hidden className="inline-block rtl:-scale-x-100">›</span> {article.category}
      </nav>
      <div className="mt-3 grid gap-8 lg:grid-cols-[minmax(0,1fr)_240px]">
        <article className="rounded-2xl bg-surface p-6 ring-1 ring-slate-200 sm:p-8">
          <h1 className="text-2xl font-semibold tracking-tight">{article.title}</h1>
          <p className="mt-1 text-xs text-slate-500">{t("updated", { date: format.dateTime(article.updatedAt, { day: "numeric", month: "long", year: "numeric" }) })}</p>
          <div className="mt-6 text-[15px] leading-7 text-slate-700 [&_a]:text-brand-700 [&_a]:underline [&_blockquote]:my-4 [&_blockquote]:border-s-4 [&_blockquote]:border-brand-100 [&_blockquote]:ps-4 [&_blockquote]:text-slate-600 [&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 [&_code]:py-0.5 [&_code]:text-[13px] [&_h2]:mt-8 [&_h2]:mb-2 [&_h2]:text-lg [&_h2]:font-semibold [&_h2]:text-slate-900 [&_h3]:mt-6 [&_h3]:mb-1 [&_h3]:font-semibold [&_h3]:text-slate-900 [&_hr]:my-6 [&_li]:my-1 [&_ol]:my-3 [&_ol]:list-decimal [&_ol]:ps-6 [&_p]:my-3 [&_pre]:my-4 [&_pre]:overflow-x-auto [&_pre]:rounded-xl [&_pre]:bg-slate-900 [&_pre]:p-4 [&_pre]:text-slate-100 [&_pre_code]:bg-transparent [&_pre_code]:p-0 [&_pre_code]:text-slate-100 [&_strong]:font-semibold [&_strong]:text-slate-900 [&_ul]:my-3 [&_ul]:list-disc [&_ul]:ps-6" dangerouslySetInnerHTML={{ __html: html }} />
          <section aria-labelledby="helpful-h" className="mt-10 rounded-xl bg-slate-50 p-4 text-center">
            {sp.feedback ? (
              <p id="helpful-h" role="status" className="text-sm font-medium text-slate-700">
                {sp.feedback === "yes" ? t("feedbackYes") : t("feedbackNo")}
              </p>
            ) : (
              <form action={articleFeedback} className="flex flex-wrap items-center justify-center gap-3">
                <h2 id="helpful-h" className="text-sm font-medium text-slate-700">{t("didThisHelp")}</h2>
                <input type="hidden" name="articleId" value={article.id} />
                <input type="hidden" name="back" value={self} />
                <button name="helpful" value="yes" className="rounded-lg bg-surface px-4 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-emerald-50 hover:ring-emerald-300">{t("yes")}</button>
                <button name="helpful" value="no" className="rounded-lg bg-surface px-4 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-red-50 hover:ring-red-300">{t("no")}</button>
              </form>
            )}
          </section>
        </article>
        <aside className="space-y-5 text-sm">
          {headings.length > 1 ? (
            <nav aria-label={t("onThisPage")} className="rounded-xl bg-surface p-4 ring-1 ring-slate-200">
              <h2 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{t("onThisPage")}</h2>
              <ul className="mt-2 space-y-1.5">
                {headings.map((h) => (
                  <li key={h.id} className={h.level > 2 ? "ps-3" : ""}>
                    <a href={`#${h.id}`} className="text-slate-700 hover:text-brand-700 hover:underline">{h.text}</a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          {related.length ? (
            <nav aria-label={t("related")} className="rounded-xl bg-surface p-4 ring-1 ring-slate-200">
              <h2 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{t("moreIn", { category: article.category })}</h2>
              <ul className="mt-2 space-y-1.5">
                {related.map((r) => (
                  <li key={r.id}>
                    <Link href={href(r)} className="text-slate-700 hover:text-brand-700 hover:underline">{r.title}</Link>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
        </aside>
      </div>
    </main>
  );
}
