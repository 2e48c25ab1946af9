// The languages Throughline ships, in one place for the console (next-intl),
// the help center, the survey pages, emails and the widget. No server imports:
// the widget bundle uses this file too.
export const LOCALES = ["en", "de", "fr", "es", "pt-BR", "ar"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";
/** Right-to-left scripts among the shipped locales. */
export const RTL_LOCALES: ReadonlySet<Locale> = new Set<Locale>(["ar"]);
/** Each locale named in its own language, for pickers. */
export const LOCALE_NAMES: Record<Locale, string> = {
  en: "English",
  de: "Deutsch",
  fr: "Français",
  es: "Español",
  "pt-BR": "Português (Brasil)",
  ar: "العربية",
};
/** The cookie that remembers a chosen console language (and the one next-intl reads). */
export const LOCALE_COOKIE = "NEXT_LOCALE";

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

export function direction(locale: Locale): "rtl" | "ltr" {
  return RTL_LOCALES.has(locale) ? "rtl" : "ltr";
}

/**
 * The best shipped locale for a list of language tags, most wanted first
 * (navigator.languages, or an Accept-Language header's tags by weight):
 * an exact match ("pt-BR"), else the same language ("pt-PT" → "pt-BR",
 * "de-AT" → "de"), else null.
 */
export function matchLocale(tags: readonly string[]): Locale | null {
  for (const raw of tags) {
    const tag = raw.trim();
    if (!tag) continue;
    const exact = LOCALES.find((l) => l.toLowerCase() === tag.toLowerCase());
    if (exact) return exact;
    const language = tag.split("-")[0]!.toLowerCase();
    const sameLanguage = LOCALES.find((l) => l.split("-")[0]!.toLowerCase() === language);
    if (sameLanguage) return sameLanguage;
  }
  return null;
}

/** The tags of an Accept-Language header, highest weight first. */
export function acceptLanguageTags(header: string | null | undefined): string[] {
  if (!header) return [];
  return header
    .split(",")
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag: tag!.trim(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((t) => t.tag && t.tag !== "*" && t.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((t) => t.tag);
}
