import type { Metadata, Viewport } from "next";
import { cookies } from "next/headers";
import { connection } from "next/server";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getMessages } from "next-intl/server";
import { direction, isLocale, DEFAULT_LOCALE } from "@/i18n/locales";
import { isTheme, THEME_COOKIE } from "@/i18n/theme";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Throughline", template: "%s · Throughline" },
  description: "The helpdesk built around the single view of the customer.",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#0f172a" },
  ],
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request, so Next can stamp the request's CSP nonce
  // (src/proxy.ts) on its scripts; a prerendered page would carry none.
  await connection();
  const found = await getLocale();
  const locale = isLocale(found) ? found : DEFAULT_LOCALE;
  const theme = (await cookies()).get(THEME_COOKIE)?.value;
  return (
    <html lang={locale} dir={direction(locale)} data-theme={isTheme(theme) ? theme : "system"}>
      <body>
        <NextIntlClientProvider locale={locale} messages={clientMessages(await getMessages())}>
          {children}
        </NextIntlClientProvider>
      </body>
    </html>
  );
}

/** What client components may read: not the notification emails' words (server only) nor the widget's (its own bundle). */
function clientMessages(messages: Awaited<ReturnType<typeof getMessages>>) {
  const { email: _email, widget: _widget, ...rest } = messages as Record<string, unknown>;
  return rest as typeof messages;
}
