import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { ThemeSwitch } from "@/components/theme-switch";

export default async function HelpLayout({ children }: { children: React.ReactNode }) {
  const t = await getTranslations("help.layout");
  return (
    <div className="min-h-screen bg-slate-50">
      <header className="border-b border-slate-200 bg-surface">
        <div className="mx-auto flex max-w-5xl items-center justify-between px-6 py-3">
          <Link href="/help" className="flex items-center gap-2 font-semibold tracking-tight">
            <span className="flex h-7 w-7 items-center justify-center rounded-lg bg-brand-600 text-sm font-bold text-white" aria-hidden>
              ?
            </span>
            {t("home")}
          </Link>
          <div className="flex items-center gap-4">
            <nav aria-label={t("navLabel")} className="text-sm text-slate-600">
              <Link href="/help" className="hover:text-slate-900">{t("allArticles")}</Link>
            </nav>
            <ThemeSwitch />
          </div>
        </div>
      </header>
      {children}
      <footer className="mx-auto max-w-5xl px-6 py-10 text-center text-xs text-slate-600">{t("footer")}</footer>
    </div>
  );
}
