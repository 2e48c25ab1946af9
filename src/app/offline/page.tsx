// The offline shell: the service worker (public/sw.js) caches this page when it
// installs and shows it in place of any console page the network cannot load.
// It must work with nothing but the cache: no session, no data, no API call.
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { RetryButton } from "./retry-button";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("common");
  return { title: t("offline") };
}

export default async function OfflinePage() {
  const t = await getTranslations("common");
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-50 p-6" data-testid="offline-shell">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-surface p-6 text-center shadow-sm">
        <div className="mx-auto flex h-12 w-12 items-center justify-center rounded-xl bg-brand-600 text-white" aria-hidden>
          <svg viewBox="0 0 24 24" className="h-6 w-6" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round">
            <path d="M2 8.5a15 15 0 0 1 20 0M5 12a10 10 0 0 1 14 0M8.5 15.5a5 5 0 0 1 7 0M12 19h.01M3 3l18 18" />
          </svg>
        </div>
        <h1 className="mt-4 text-lg font-semibold text-slate-900">{t("offline")}</h1>
        <p className="mt-1 text-sm text-slate-600">Throughline</p>
        <RetryButton label={t("retry")} />
      </div>
    </main>
  );
}
