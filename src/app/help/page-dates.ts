// next-intl's date formatter for the public pages' dates. English keeps the
// day-month-year order these pages have always shown ("4 December 2026", as
// en-GB); every other language uses its own. getFormatter({ locale }) cannot do
// this: our request config (src/i18n/request.ts) picks the locale itself.
import { createFormatter } from "next-intl";
import { getFormatter, getLocale, getTimeZone } from "next-intl/server";

export async function pageDateFormatter() {
  const locale = await getLocale();
  if (locale !== "en") return getFormatter();
  return createFormatter({ locale: "en-GB", timeZone: await getTimeZone() });
}
