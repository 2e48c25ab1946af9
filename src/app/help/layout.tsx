import Link from "next/link";
import { ThemeSwitch } from "@/components/theme-switch";

export default function HelpLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="min-h-screen bg-slate-50">
      <header className="border-b border-slate-200 bg-surface">
        <div className="mx-auto flex max-w-5xl items-center justify-between px-6 py-3">
          <Link href="/help" className="flex items-center gap-2 font-semibold tracking-tight">
            <span className="flex h-7 w-7 items-center justify-center rounded-lg bg-brand-600 text-sm font-bold text-white" aria-hidden>
              ?
            </span>
            Help center
          </Link>
          <div className="flex items-center gap-4">
            <nav aria-label="Help center" className="text-sm text-slate-600">
              <Link href="/help" className="hover:text-slate-900">All articles</Link>
            </nav>
            <ThemeSwitch />
          </div>
        </div>
      </header>
      {children}
      <footer className="mx-auto max-w-5xl px-6 py-10 text-center text-xs text-slate-600">Can’t find what you need? Use the chat bubble or email us — a real person answers.</footer>
    </div>
  );
}
