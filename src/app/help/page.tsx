// The public help center: search (PostgreSQL full text) and articles by category.
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { DEFAULT_LOCALE, LOCALE_RE, listLocales, popularArticles, publishedByCategory, searchArticles } from "@/server/helpcenter/articles";
import { Highlighted, SearchBox, articleHref } from "./search-box";

export const dynamic = "force-dynamic";
export async function generateMetadata() {
  const t = await getTranslations("help.home");
  return { title: t("metaTitle") };
}

export default async function HelpCenter({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  const t = await getTranslations("help.home");
  const q = (sp.q ?? "").trim().slice(0, 200);
  const locale = sp.locale && LOCALE_RE.test(sp.locale) ? sp.locale : DEFAULT_LOCALE;
  const [groups, popular, locales, hits] = await Promise.all([
    q ? Promise.resolve([]) : publishedByCategory(locale),
    q ? Promise.resolve([]) : popularArticles(5, locale),
    listLocales(),
    q ? searchArticles(q, { locale, limit: 20 }) : Promise.resolve([]),
  ]);
  return (
    <main>
      <section className="bg-gradient-to-b from-brand-600 to-brand-700 text-white">
        <div className="mx-auto max-w-3xl px-6 py-12 text-center">
          <h1 className="text-3xl font-semibold tracking-tight">{t("title")}</h1>
          <p className="mt-2 text-brand-100">{t("subtitle")}</p>
          <div className="mt-6 text-start text-slate-900">
            <SearchBox q={q} locale={locale} big />
          </div>
          {locales.length > 1 ? (
            <p className="mt-3 text-sm text-brand-100">
              {t("language")}{" "}
              {locales.map((l) => (
                <Link key={l} href={l === DEFAULT_LOCALE ? "/help" : `/help?locale=${l}`} className={`mx-1 underline-offset-2 ${l === locale ? "font-semibold text-white underline" : "hover:underline"}`}>
                  {l}
                </Link>
              ))}
            </p>
          ) : null}
        </div>
      </section>

      <div className="mx-auto max-w-5xl px-6 py-8">
        {q ? (
          <section aria-labelledby="results-h">
            <h2 id="results-h" className="text-lg font-semibold">
              {hits.length ? t("results", { count: hits.length, query: q }) : t("noResults", { query: q })}
            </h2>
            {hits.length === 0 ? <p className="mt-2 text-sm text-slate-600">{t.rich("tryOther", { browse: (chunks) => <Link className="text-brand-700 underline" href="/help">{chunks}</Link> })}</p> : null}
            <ol className="mt-4 space-y-3" data-testid="help-results">
              {hits.map((h) => (
                <li key={h.id} className="rounded-xl bg-surface p-4 ring-1 ring-slate-200 hover:ring-brand-300">
                  <Link href={articleHref(h)} className="text-base font-semibold text-brand-700 hover:underline">{h.title}</Link>
                  <p className="text-xs text-slate-500">{h.category}</p>
                  <p className="mt-1 text-sm text-slate-700">
                    <Highlighted text={h.headline || h.excerpt} />…
                  </p>
                </li>
              ))}
            </ol>
          </section>
        ) : (
          <div className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_280px]">
            <div className="grid gap-5 md:grid-cols-2">
              {groups.length === 0 ? <p className="text-slate-500">{t("noArticles")}</p> : null}
              {groups.map((g) => (
                <section key={g.category} className="rounded-xl bg-surface p-5 ring-1 ring-slate-200">
                  <h2 className="font-semibold">{g.category}</h2>
                  <ul className="mt-3 space-y-3">
                    {g.articles.map((a) => (
                      <li key={a.id}>
                        <Link href={articleHref(a)} className="font-medium text-brand-700 hover:underline">{a.title}</Link>
                        <p className="line-clamp-2 text-sm text-slate-600">{a.excerpt}</p>
                      </li>
                    ))}
                  </ul>
                </section>
              ))}
            </div>
            {popular.length ? (
              <aside aria-labelledby="popular-h" className="h-fit rounded-xl bg-surface p-5 ring-1 ring-slate-200">
                <h2 id="popular-h" className="font-semibold">{t("popular")}</h2>
                <ol className="mt-3 space-y-2 text-sm">
                  {popular.map((a, i) => (
                    <li key={a.id} className="flex gap-2">
                      <span className="text-slate-500 tabular-nums">{i + 1}.</span>
                      <Link href={articleHref(a)} className="text-slate-800 hover:text-brand-700 hover:underline">{a.title}</Link>
                    </li>
                  ))}
                </ol>
              </aside>
            ) : null}
          </div>
        )}
      </div>
    </main>
  );
}
