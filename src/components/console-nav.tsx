"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";

const items = [
  { href: "/inbox", label: "Inbox", icon: "M3 7l9 6 9-6M4 5h16a1 1 0 011 1v12a1 1 0 01-1 1H4a1 1 0 01-1-1V6a1 1 0 011-1z" },
  { href: "/customers", label: "Customers", icon: "M16 14a4 4 0 10-8 0M12 10a3 3 0 100-6 3 3 0 000 6zM4 20h16" },
  { href: "/supervisor", label: "Supervisor", icon: "M4 19V9m6 10V5m6 14v-7m4 7H2" },
  { href: "/help", label: "Help center", icon: "M12 18h.01M9.1 9a3 3 0 015.8 1c0 2-3 2-3 4M12 22a10 10 0 100-20 10 10 0 000 20z" },
  { href: "/settings", label: "Settings", icon: "M12 15a3 3 0 100-6 3 3 0 000 6zM19.4 15a1.7 1.7 0 00.3 1.8l.1.1a2 2 0 11-2.8 2.8l-.1-.1a1.7 1.7 0 00-2.9 1.2V21a2 2 0 11-4 0v-.1a1.7 1.7 0 00-2.9-1.2l-.1.1a2 2 0 11-2.8-2.8l.1-.1A1.7 1.7 0 003 15H3a2 2 0 110-4h.1A1.7 1.7 0 004.6 9l-.1-.1a2 2 0 112.8-2.8l.1.1A1.7 1.7 0 0010 5V5a2 2 0 114 0v.1a1.7 1.7 0 002.9 1.2l.1-.1a2 2 0 112.8 2.8l-.1.1A1.7 1.7 0 0021 11h.1a2 2 0 110 4h-.1z" },
];

export function ConsoleNav({ viewer }: { viewer: { name: string; email: string; role: string } }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex w-56 shrink-0 flex-col border-r border-slate-200 bg-white">
      <a href="#main" className="sr-only focus:not-sr-only focus:m-2 focus:rounded focus:bg-brand-50 focus:p-2">Skip to content</a>
      <div className="flex items-center gap-2 px-4 py-4">
        <div className="flex h-8 w-8 items-center justify-center rounded-lg bg-brand-600 font-bold text-white" aria-hidden>T</div>
        <span className="font-semibold tracking-tight">Throughline</span>
      </div>
      <ul className="flex-1 space-y-0.5 px-2">
        {items.map((item) => {
          const active = pathname === item.href || pathname.startsWith(`${item.href}/`) || (item.href === "/inbox" && pathname.startsWith("/conversations"));
          return (
            <li key={item.href}>
              <Link href={item.href} aria-current={active ? "page" : undefined}
                className={`flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium ${active ? "bg-brand-50 text-brand-700" : "text-slate-700 hover:bg-slate-100"}`}>
                <svg viewBox="0 0 24 24" className="h-4 w-4" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
                  <path d={item.icon} />
                </svg>
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
      <div className="border-t border-slate-200 p-3">
        <p className="truncate text-sm font-medium" title={viewer.email}>{viewer.name}</p>
        <p className="text-xs capitalize text-slate-500">{viewer.role}</p>
        <button type="button" onClick={() => signOut({ callbackUrl: "/login" })} className="mt-2 text-xs font-medium text-slate-600 hover:text-slate-900">
          Sign out
        </button>
      </div>
    </nav>
  );
}
