"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

const ITEMS = [
  { href: "/settings/people", label: "People" },
  { href: "/settings/teams", label: "Teams" },
  { href: "/settings/api-keys", label: "API keys" },
  { href: "/settings/webhooks", label: "Webhooks" },
  { href: "/settings/sla", label: "SLA & business hours" },
  { href: "/settings/rules", label: "Automation rules" },
  { href: "/settings/surveys", label: "Surveys" },
  { href: "/settings/help-center", label: "Help-center articles" },
  { href: "/settings/assistant", label: "Assistant" },
  { href: "/settings/channels", label: "Social channels" },
  { href: "/settings/macros", label: "Macros" },
  { href: "/settings/audit", label: "Audit log" },
];

export function SettingsNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Settings sections" className="flex flex-wrap gap-1 border-b border-slate-200 pb-2 text-sm">
      {ITEMS.map((i) => {
        const active = pathname === i.href || pathname.startsWith(`${i.href}/`);
        return (
          <Link key={i.href} href={i.href} aria-current={active ? "page" : undefined} className={`rounded-md px-3 py-1.5 font-medium ${active ? "bg-brand-50 text-brand-700" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900"}`}>
            {i.label}
          </Link>
        );
      })}
    </nav>
  );
}
