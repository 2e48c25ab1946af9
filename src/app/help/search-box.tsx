import { getTranslations } from "next-intl/server";

export function articleHref(a: { locale: string; slug: string }) {
  return a.locale === "en" ? `/help/${a.slug}` : `/help/${a.locale}/${a.slug}`;
}

/** locale: the articles' language (a hidden field), not the page's; the page's language picks the words. */
export async function SearchBox({ q, locale, big = false }: { q?: string; locale?: string; big?: boolean }) {
  const t = await getTranslations("help.search");
  return (
    <form action="/help" method="get" role="search" className="relative">
      <label htmlFor="help-q" className="sr-only">{t("label")}</label>
      <input
        id="help-q"
        name="q"
        defaultValue={q}
        placeholder={t("placeholder")}
        className={`w-full rounded-xl border border-slate-300 bg-surface pe-24 shadow-sm focus:border-brand-500 focus:outline-none ${big ? "px-5 py-4 text-base" : "px-4 py-2.5 text-sm"}`}
      />
      {locale && locale !== "en" ? <input type="hidden" name="locale" value={locale} /> : null}
      <button type="submit" className={`absolute top-1/2 end-2 -translate-y-1/2 rounded-lg bg-brand-600 font-medium text-white hover:bg-brand-700 ${big ? "px-4 py-2.5" : "px-3 py-1.5 text-sm"}`}>
        {t("button")}
      </button>
    </form>
  );
}

/** "a <<match>> b" → text with <mark>s, built from plain strings (no HTML injection). */
export function Highlighted({ text }: { text: string }) {
  const parts = text.split(/(<<[^<>]*>>)/g);
  return (
    <>
      {parts.map((p, i) =>
        p.startsWith("<<") && p.endsWith(">>") ? (
          <mark key={i} className="rounded bg-amber-100 px-0.5 text-slate-900">
            {p.slice(2, -2)}
          </mark>
        ) : (
          <span key={i}>{p}</span>
        ),
      )}
    </>
  );
}
