// The widget's language: the inbox's setting when it names one, else the
// visitor's browser languages, else English. The six message files are
// bundled (a few KB gzipped) so no extra request delays the launcher. t()
// understands the two ICU forms our widget messages use, {name} and a
// whole-message {count, plural, ...}; intl-messageformat would triple the bundle.
import { DEFAULT_LOCALE, direction, isLocale, matchLocale, type Locale } from "@/i18n/locales";
import ar from "@/i18n/messages/ar/widget.json";
import de from "@/i18n/messages/de/widget.json";
import en from "@/i18n/messages/en/widget.json";
import es from "@/i18n/messages/es/widget.json";
import fr from "@/i18n/messages/fr/widget.json";
import ptBR from "@/i18n/messages/pt-BR/widget.json";

type Tree = { [k: string]: string | Tree };
const MESSAGES: Record<Locale, Tree> = { en, de, fr, es, "pt-BR": ptBR, ar };

/** Dotted keys of the English file ("composer.placeholder"). */
type Keys<T, P extends string = ""> = { [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Keys<T[K], `${P}${K}.`> }[keyof T & string];
export type MessageKey = Keys<typeof en>;

/** The inbox's language if it names a shipped one, else the browser's best match, else English. */
export function chooseLocale(inboxLocale: unknown, languages: readonly string[] | undefined): Locale {
  if (isLocale(inboxLocale)) return inboxLocale;
  return matchLocale(languages ?? []) ?? DEFAULT_LOCALE;
}

let current: Locale = DEFAULT_LOCALE;

export function setLocale(locale: Locale) {
  current = locale;
}
export function locale(): Locale {
  return current;
}
export function dir(): "rtl" | "ltr" {
  return direction(current);
}

function lookup(tree: Tree, key: string): string | undefined {
  let node: string | Tree | undefined = tree;
  for (const part of key.split(".")) node = typeof node === "object" ? node[part] : undefined;
  return typeof node === "string" ? node : undefined;
}

const PLURAL = /^\{(\w+), plural,(.*)\}$/s;
const OPTION = /\s*(=\d+|\w+)\s*\{([^{}]*)\}/g;

/** Formats one ICU message (the subset above) for a locale. */
export function format(message: string, vars: Record<string, string | number> = {}, loc: Locale = current): string {
  const plural = PLURAL.exec(message);
  if (plural) {
    const n = Number(vars[plural[1]!]);
    const options = new Map<string, string>();
    const re = new RegExp(OPTION.source, "g");
    for (let m = re.exec(plural[2]!); m; m = re.exec(plural[2]!)) options.set(m[1]!, m[2]!);
    const chosen = options.get(`=${n}`) ?? options.get(new Intl.PluralRules(loc).select(n)) ?? options.get("other") ?? "";
    message = chosen.replace(/#/g, new Intl.NumberFormat(loc).format(n));
  }
  return message.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** The message for `key` in the widget's language (English where a translation is missing). */
export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  // Right-to-left: names, emails and titles (often Latin) are bidi-isolated (FSI…PDI) so
  // their punctuation stays with them ("sara@example.test." not ".sara@example.test").
  if (vars && direction(current) === "rtl") {
    vars = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, typeof v === "string" ? `\u2068${v}\u2069` : v]));
  }
  return format(lookup(MESSAGES[current], key) ?? lookup(MESSAGES.en, key) ?? key, vars);
}

export type Theme = "light" | "dark";

/** The inbox's pinned theme, else the host page's colour scheme. */
export function chooseTheme(inboxTheme: unknown, prefersDark: boolean): Theme {
  if (inboxTheme === "light" || inboxTheme === "dark") return inboxTheme;
  return prefersDark ? "dark" : "light";
}
