"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";

// Labels: pages.supervisor.tabs.<key>.
const TABS = [
  { href: "/supervisor", key: "board" },
  { href: "/supervisor/metrics", key: "metrics" },
  { href: "/supervisor/funnel", key: "funnel" },
] as const;

export function SupervisorTabs() {
  const t = useTranslations("pages.supervisor.tabs");
  const pathname = usePathname();
  return (
    <nav aria-label={t("label")} className="flex gap-1 rounded-lg bg-slate-100 p-1 text-sm">
      {TABS.map((tab) => {
        const active = pathname === tab.href;
        return (
          <Link
            key={tab.href}
            href={tab.href}
            aria-current={active ? "page" : undefined}
            className={`rounded-md px-3 py-1.5 font-medium ${active ? "bg-surface text-slate-900 shadow-sm" : "text-slate-600 hover:text-slate-900"}`}
          >
            {t(tab.key)}
          </Link>
        );
      })}
    </nav>
  );
}
