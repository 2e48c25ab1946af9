// Number and duration formatting for metrics, in the page's locale. The plain
// functions (fmtMinutes, fmtPct, fmtNum, shortDay) take an optional locale and
// unit words (pages.charts.unit.*); without them they format as English.
// useChartFormat() gives all four bound to the page's locale.
import { useLocale, useTranslations } from "next-intl";
import { useMemo } from "react";

type UnitKey = "seconds" | "minutes" | "hours" | "days";
/** Unit words: "{n} s", "{n} min", "{n} h", "{n} d" (pages.charts.unit). */
export type UnitWords = (key: UnitKey, values: { n: string }) => string;

const ENGLISH_UNITS: UnitWords = (key, { n }) => `${n} ${{ seconds: "s", minutes: "min", hours: "h", days: "d" }[key]}`;

function numberIn(locale: string | undefined, v: number, digits = 0): string {
  if (!locale || locale === "en") return digits ? v.toFixed(digits) : String(v);
  return new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
}

export function fmtMinutes(min: number | null | undefined, locale?: string, units: UnitWords = ENGLISH_UNITS): string {
  if (min === null || min === undefined) return "—";
  if (min < 1) return units("seconds", { n: numberIn(locale, Math.round(min * 60)) });
  if (min < 90) return units("minutes", { n: numberIn(locale, Math.round(min)) });
  const h = min / 60;
  if (h < 48) return units("hours", { n: h < 10 ? numberIn(locale, h, 1) : numberIn(locale, Math.round(h)) });
  return units("days", { n: numberIn(locale, h / 24, 1) });
}

export function fmtPct(n: number | null | undefined, digits = 1, locale?: string): string {
  if (n === null || n === undefined) return "—";
  if (!locale || locale === "en") return `${n.toFixed(digits).replace(/\.0$/, "")}%`;
  return new Intl.NumberFormat(locale, { style: "percent", minimumFractionDigits: 0, maximumFractionDigits: digits }).format(n / 100);
}

export function fmtNum(n: number | null | undefined, locale?: string): string {
  if (n === null || n === undefined) return "—";
  return n.toLocaleString(!locale || locale === "en" ? "en-US" : locale);
}

export function shortDay(day: string, locale?: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return d.toLocaleDateString(!locale || locale === "en" ? "en-GB" : locale, { day: "numeric", month: "short", timeZone: "UTC" });
}

export type ChartFormat = {
  locale: string;
  minutes: (min: number | null | undefined) => string;
  pct: (n: number | null | undefined, digits?: number) => string;
  num: (n: number | null | undefined) => string;
  day: (day: string) => string;
  /** A plain number with a fixed number of decimals ("4.2"). */
  fixed: (n: number, digits: number) => string;
};

export function chartFormat(locale: string, units: UnitWords = ENGLISH_UNITS): ChartFormat {
  return {
    locale,
    minutes: (min) => fmtMinutes(min, locale, units),
    pct: (n, digits = 1) => fmtPct(n, digits, locale),
    num: (n) => fmtNum(n, locale),
    day: (day) => shortDay(day, locale),
    fixed: (n, digits) => numberIn(locale, n, digits),
  };
}

/** The formatters in the page's locale, with its unit words. */
export function useChartFormat(): ChartFormat {
  const locale = useLocale();
  const t = useTranslations("pages.charts.unit");
  return useMemo(() => chartFormat(locale, (key, values) => t(key, values)), [locale, t]);
}
