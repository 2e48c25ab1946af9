"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

const TABS = [
  { href: "/supervisor", label: "Live board" },
  { href: "/supervisor/metrics", label: "Metrics" },
  { href: "/supervisor/funnel", label: "Journey funnel" },
];

export function SupervisorTabs() {
  const pathname = usePathname();
  return (
    <nav aria-label="Supervisor views" className="flex gap-1 rounded-lg bg-slate-100 p-1 text-sm">
      {TABS.map((t) => {
        const active = pathname === t.href;
        return (
          <Link
            key={t.href}
            href={t.href}
            aria-current={active ? "page" : undefined}
            className={`rounded-md px-3 py-1.5 font-medium ${active ? "bg-surface text-slate-900 shadow-sm" : "text-slate-600 hover:text-slate-900"}`}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
