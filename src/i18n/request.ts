// next-intl's per-request configuration (wired in next.config.mjs). Without
// locale routing: the language is the one the agent chose (the NEXT_LOCALE
// cookie, set from Settings → Preferences and kept on their user row), else
// the browser's Accept-Language, else English.
import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { acceptLanguageTags, DEFAULT_LOCALE, isLocale, LOCALE_COOKIE, matchLocale, type Locale } from "./locales";
import { envValue } from "@/env";
import { loadMessages } from "./messages";

export async function requestLocale(): Promise<Locale> {
  const chosen = (await cookies()).get(LOCALE_COOKIE)?.value;
  if (isLocale(chosen)) return chosen;
  return matchLocale(acceptLanguageTags((await headers()).get("accept-language"))) ?? DEFAULT_LOCALE;
}

export default getRequestConfig(async () => {
  const locale = await requestLocale();
  return {
    locale,
    messages: await loadMessages(locale),
    // A missing key in production shows its English text (merged in
    // loadMessages) or its path; it never throws a page away.
    onError(error) {
      if (envValue("NODE_ENV") !== "production") console.warn(`[i18n] ${error.message}`);
    },
    getMessageFallback({ namespace, key }) {
      return [namespace, key].filter(Boolean).join(".");
    },
  };
});
