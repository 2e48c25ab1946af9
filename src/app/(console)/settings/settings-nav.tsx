"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";

// Labels: settings.nav.<key>.
const ITEMS = [
  { href: "/settings/people", key: "people" },
  { href: "/settings/teams", key: "teams" },
  { href: "/settings/api-keys", key: "apiKeys" },
  { href: "/settings/webhooks", key: "webhooks" },
  { href: "/settings/sla", key: "sla" },
  { href: "/settings/rules", key: "rules" },
  { href: "/settings/surveys", key: "surveys" },
  { href: "/settings/help-center", key: "helpCenter" },
  { href: "/settings/assistant", key: "assistant" },
  { href: "/settings/channels", key: "channels" },
  { href: "/settings/macros", key: "macros" },
  { href: "/settings/fields", key: "fields" },
  { href: "/settings/audit", key: "audit" },
] as const;

export function SettingsNav() {
  const t = useTranslations("settings.nav");
  const pathname = usePathname();
  return (
    <nav aria-label={t("label")} className="flex flex-wrap gap-1 border-b border-slate-200 pb-2 text-sm">
      {ITEMS.map((i) => {
        const active = pathname === i.href || pathname.startsWith(`${i.href}/`);
        return (
          <Link key={i.href} href={i.href} aria-current={active ? "page" : undefined} className={`rounded-md px-3 py-1.5 font-medium ${active ? "bg-brand-50 text-brand-700" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900"}`}>
            {t(i.key)}
          </Link>
        );
      })}
    </nav>
  );
}
