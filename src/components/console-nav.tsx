"use client";
// The console's navigation rail, mounted on every console page: links, global
// search (command palette), the notification bell, keyboard shortcuts and
// their help overlay. Icons only below 1280 px, labels above.
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { signOut } from "next-auth/react";
import { useState } from "react";
import { CommandPalette } from "./command-palette";
import { Modal } from "./dialog";
import { NotificationBell } from "./notification-bell";
import { Kbd, useGlobalShortcutListener, useShortcutHelp } from "./shortcuts";
import { ThemeSwitch } from "./theme-switch";
import { initials } from "./ui";
import { useTranslations } from "next-intl";

const items = [
  { href: "/inbox", label: "inbox", icon: "M3 7l9 6 9-6M4 5h16a1 1 0 011 1v12a1 1 0 01-1 1H4a1 1 0 01-1-1V6a1 1 0 011-1z" },
  { href: "/customers", label: "customers", icon: "M16 14a4 4 0 10-8 0M12 10a3 3 0 100-6 3 3 0 000 6zM4 20h16" },
  { href: "/supervisor", label: "supervisor", roles: ["supervisor", "admin"], icon: "M4 19V9m6 10V5m6 14v-7m4 7H2" },
  { href: "/help", label: "help", icon: "M12 18h.01M9.1 9a3 3 0 015.8 1c0 2-3 2-3 4M12 22a10 10 0 100-20 10 10 0 000 20z" },
  { href: "/settings", label: "settings", roles: ["admin"], icon: "M12 15a3 3 0 100-6 3 3 0 000 6zM19.4 15a1.7 1.7 0 00.3 1.8l.1.1a2 2 0 11-2.8 2.8l-.1-.1a1.7 1.7 0 00-2.9 1.2V21a2 2 0 11-4 0v-.1a1.7 1.7 0 00-2.9-1.2l-.1.1a2 2 0 11-2.8-2.8l.1-.1A1.7 1.7 0 003 15H3a2 2 0 110-4h.1A1.7 1.7 0 004.6 9l-.1-.1a2 2 0 112.8-2.8l.1.1A1.7 1.7 0 0010 5V5a2 2 0 114 0v.1a1.7 1.7 0 002.9 1.2l.1-.1a2 2 0 112.8 2.8l-.1.1A1.7 1.7 0 0021 11h.1a2 2 0 110 4h-.1z" },
];

function Icon({ d }: { d: string }) {
  return (
    <svg viewBox="0 0 24 24" className="h-4 w-4 shrink-0" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d={d} />
    </svg>
  );
}

export function ConsoleNav({ viewer }: { viewer: { name: string; email: string; role: string } }) {
  const t = useTranslations("nav.consoleNav");
  const shortcutHelp = useShortcutHelp();
  const pathname = usePathname();
  const router = useRouter();
  const [searchOpen, setSearchOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);

  useGlobalShortcutListener({
    "mod+k": () => setSearchOpen(true),
    "/": () => setSearchOpen(true),
    "?": () => setHelpOpen(true),
    "g i": () => router.push("/inbox"),
    "g c": () => router.push("/customers"),
  });

  return (
    <nav aria-label={t("label")} className="sticky top-0 flex h-screen w-16 shrink-0 flex-col border-e border-slate-200 bg-surface xl:w-56">
      <a href="#main" className="sr-only focus:not-sr-only focus:m-2 focus:rounded focus:bg-brand-50 focus:p-2">{t("skip")}</a>
      <div className="flex items-center gap-2 px-4 py-4">
        <div className="flex h-8 w-8 shrink-0 items-center justify-center rounded-lg bg-brand-600 font-bold text-white" aria-hidden>T</div>
        <span className="hidden font-semibold tracking-tight xl:inline">Throughline</span>
      </div>
      <div className="px-2 pb-2">
        <button
          type="button"
          onClick={() => setSearchOpen(true)}
          className="flex w-full items-center gap-3 rounded-lg border border-slate-200 px-3 py-2 text-sm text-slate-600 hover:bg-slate-50"
          aria-keyshortcuts="Control+K Meta+K /"
          data-testid="open-search"
        >
          <Icon d="M11 18a7 7 0 100-14 7 7 0 000 14zM20 20l-3.5-3.5" />
          <span className="sr-only xl:not-sr-only">{t("search")}</span>
          <span className="ms-auto hidden xl:inline">
            <Kbd>⌘K</Kbd>
          </span>
        </button>
      </div>
      <ul className="flex-1 space-y-0.5 px-2">
        {items.filter((item) => !("roles" in item) || (item.roles as string[]).includes(viewer.role)).map((item) => {
          const active = pathname === item.href || pathname.startsWith(`${item.href}/`) || (item.href === "/inbox" && pathname.startsWith("/conversations"));
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={active ? "page" : undefined}
                title={t(`item.${item.label}`)}
                className={`flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium ${active ? "bg-brand-50 text-brand-700" : "text-slate-700 hover:bg-slate-100"}`}
              >
                <Icon d={item.icon} />
                <span className="sr-only xl:not-sr-only">{t(`item.${item.label}`)}</span>
              </Link>
            </li>
          );
        })}
      </ul>
      <div className="space-y-0.5 px-2 pb-2">
        <NotificationBell compact />
        <button
          type="button"
          onClick={() => setHelpOpen(true)}
          className="flex w-full items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100"
          aria-keyshortcuts="Shift+?"
        >
          <Icon d="M4 6h16v12H4zM7 10h.01M11 10h.01M15 10h.01M8 14h8" />
          <span className="sr-only xl:not-sr-only">{t("shortcuts")}</span>
        </button>
      </div>
      <div className="border-t border-slate-200 p-3">
        <div className="mb-3">
          <ThemeSwitch layout="rail" />
        </div>
        <div className="flex items-center gap-2">
          <span className="flex h-8 w-8 shrink-0 items-center justify-center rounded-full bg-slate-200 text-xs font-semibold text-slate-700" aria-hidden title={viewer.name}>
            {initials(viewer.name)}
          </span>
          <div className="hidden min-w-0 xl:block">
            <p className="truncate text-sm font-medium" title={viewer.email}>{viewer.name}</p>
            <p className="text-xs text-slate-600">{t("role", { role: viewer.role })}</p>
          </div>
        </div>
        <button type="button" onClick={() => signOut({ callbackUrl: "/login" })} title={t("signOut")} className="mt-2 flex items-center gap-1.5 rounded-md px-1 py-0.5 text-xs font-medium text-slate-600 hover:text-slate-900">
          <Icon d="M15 12H4M8 8l-4 4 4 4M14 4h5a1 1 0 011 1v14a1 1 0 01-1 1h-5" />
          <span className="sr-only xl:not-sr-only">{t("signOut")}</span>
        </button>
      </div>
      <CommandPalette open={searchOpen} onClose={() => setSearchOpen(false)} />
      <Modal open={helpOpen} onClose={() => setHelpOpen(false)} title={t("shortcuts")} className="max-w-2xl">
        <div className="mt-4 grid gap-6 sm:grid-cols-3">
          {shortcutHelp.map((g) => (
            <section key={g.group} aria-label={g.group}>
              <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{g.group}</h3>
              <dl className="mt-2 space-y-1.5 text-sm">
                {g.items.map((it) => (
                  <div key={it.label} className="flex items-start justify-between gap-3">
                    <dt className="text-slate-700">{it.label}</dt>
                    <dd className="flex shrink-0 gap-1">
                      {it.keys.map((k) => (
                        <Kbd key={k}>{k}</Kbd>
                      ))}
                    </dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
        <div className="mt-5 flex justify-end">
          <button type="button" onClick={() => setHelpOpen(false)} className="rounded-lg bg-brand-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-brand-700">
            {t("close")}
          </button>
        </div>
      </Modal>
    </nav>
  );
}
