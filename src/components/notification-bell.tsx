"use client";
// The bell: unread count (pushed live with notification.created on the
// agent's own room) and a popover of the newest notifications, each one
// readable line from describeNotification (who, what, about which
// conversation or customer) linking to it. What the popover shows is marked
// read when it opens (still highlighted until it closes). Keyboard: the
// button opens it and focus moves to the first item, ↑/↓/Home/End move
// between items, Escape closes it and returns to the button.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useId, useRef, useState } from "react";
import { useTRPC } from "@/trpc/react";
import { describeNotification, type NotificationLine, type NotificationTranslator } from "./notification-line";
import { relativeTime } from "./ui";
import { useSocketEvent } from "./use-realtime";

// Labels: components.notifications.tones.<tone> ("Mention", "SLA at risk", …).
const TONE_DOT: Record<NotificationLine["tone"], string> = {
  mention: "bg-brand-600",
  rule: "bg-violet-600",
  warning: "bg-amber-500",
  danger: "bg-red-600",
  info: "bg-slate-400",
};

export function NotificationBell({ compact }: { compact?: boolean }) {
  const t = useTranslations("components.notifications");
  const locale = useLocale();
  const lang = { t: t as unknown as NotificationTranslator, locale };
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const headingId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  // Unread when this opening showed them: they stay highlighted until the popover closes.
  const [freshIds, setFreshIds] = useState<Set<string>>(new Set());
  const unread = useQuery(trpc.notification.unreadCount.queryOptions());
  const list = useQuery({ ...trpc.notification.list.queryOptions({ limit: 20 }), enabled: open });
  const markRead = useMutation(
    trpc.notification.markRead.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.notification.unreadCount.queryKey() }),
    }),
  );
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.notification.unreadCount.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.notification.list.queryKey() });
  };
  useSocketEvent("notification.created", refresh, refresh);

  const close = (focusButton: boolean) => {
    setOpen(false);
    setFreshIds(new Set());
    void queryClient.invalidateQueries({ queryKey: trpc.notification.list.queryKey() });
    if (focusButton) button.current?.focus();
  };

  // Mark read what the open popover shows (also what arrives while it is open).
  const shownUnread = open && list.data ? list.data.filter((n) => !n.readAt && !freshIds.has(n.id)).map((n) => n.id) : [];
  const shownKey = shownUnread.join(",");
  useEffect(() => {
    if (!shownKey) return;
    const ids = shownKey.split(",");
    setFreshIds((prev) => new Set([...prev, ...ids]));
    markRead.mutate({ ids });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shownKey]);

  // Focus the first item once the list is there.
  const loaded = open && list.isSuccess;
  useEffect(() => {
    if (!loaded) return;
    const first = listRef.current?.querySelector<HTMLAnchorElement>("a");
    (first ?? document.getElementById(headingId))?.focus();
  }, [loaded, headingId]);

  useEffect(() => {
    if (!open) return;
    const onDoc = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) close(false);
    };
    document.addEventListener("mousedown", onDoc);
    return () => document.removeEventListener("mousedown", onDoc);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  const onPanelKey = (e: React.KeyboardEvent) => {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      return close(true);
    }
    const links = [...(listRef.current?.querySelectorAll<HTMLAnchorElement>("a") ?? [])];
    if (!links.length || !["ArrowDown", "ArrowUp", "Home", "End"].includes(e.key)) return;
    e.preventDefault();
    const i = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next = e.key === "Home" ? 0 : e.key === "End" ? links.length - 1 : e.key === "ArrowDown" ? Math.min(i + 1, links.length - 1) : Math.max(i - 1, 0);
    links[next]?.focus();
  };

  const count = unread.data ?? 0;
  return (
    <div ref={ref} className="relative">
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => (open ? close(false) : setOpen(true))}
        className="relative flex w-full items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100"
        data-testid="notification-bell"
      >
        <svg viewBox="0 0 24 24" className="h-4 w-4" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
          <path d="M18 8a6 6 0 10-12 0c0 7-3 9-3 9h18s-3-2-3-9M13.7 21a2 2 0 01-3.4 0" />
        </svg>
        <span className={compact ? "sr-only xl:not-sr-only" : ""}>{t("title")}</span>
        {count ? <span className="sr-only"> {t("unreadCount", { count })}</span> : null}
        {count ? (
          <span className="absolute start-6 top-1 min-w-4 rounded-full bg-red-600 px-1 text-center text-[10px] font-bold leading-4 text-white" aria-hidden data-testid="notification-count">
            {count > 99 ? "99+" : count}
          </span>
        ) : null}
      </button>
      {open ? (
        <div
          id={panelId}
          role="region"
          aria-labelledby={headingId}
          onKeyDown={onPanelKey}
          className="absolute bottom-0 start-full z-40 ms-2 w-96 max-w-[calc(100vw-5rem)] rounded-xl border border-slate-200 bg-surface p-2 shadow-xl"
          data-testid="notification-panel"
        >
          <div className="flex items-center justify-between gap-2 px-2 py-1">
            <h2 id={headingId} tabIndex={-1} className="text-xs font-semibold uppercase tracking-wide text-slate-600 focus:outline-none">
              {t("title")}
            </h2>
            {count > 0 ? (
              <button type="button" onClick={() => markRead.mutate({})} className="rounded px-1.5 py-0.5 text-xs font-medium text-brand-700 hover:bg-brand-50">
                {t("markAllRead")}
              </button>
            ) : null}
          </div>
          {list.isPending ? (
            <p className="px-2 py-4 text-sm text-slate-600" role="status">
              {t("loading")}
            </p>
          ) : list.isError ? (
            <p className="px-2 py-4 text-sm text-red-700" role="alert">
              {list.error.message}
            </p>
          ) : list.data.length === 0 ? (
            <div className="px-2 py-6 text-center" data-testid="notification-empty">
              <p className="text-sm font-medium text-slate-800">{t("emptyTitle")}</p>
              <p className="mt-1 text-xs text-slate-600">{t("emptyHint")}</p>
            </div>
          ) : (
            <ul ref={listRef} className="max-h-[28rem] space-y-0.5 overflow-auto" aria-label={t("listLabel")}>
              {list.data.map((n) => {
                const l = describeNotification(n, lang);
                const isNew = !n.readAt || freshIds.has(n.id);
                const toneLabel = t(`tones.${l.tone}`);
                return (
                  <li key={n.id}>
                    <Link
                      href={l.href}
                      onClick={() => close(false)}
                      data-testid="notification-item"
                      data-kind={n.kind}
                      className={`flex gap-2.5 rounded-lg px-2 py-2 text-sm hover:bg-slate-50 focus:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 ${isNew ? "bg-brand-50/60" : ""}`}
                    >
                      <span className={`mt-1.5 h-2 w-2 shrink-0 rounded-full ${TONE_DOT[l.tone]}`} title={toneLabel} aria-hidden />
                      <span className="min-w-0 flex-1">
                        <span className="block text-slate-800" data-testid="notification-line">
                          <span className="font-semibold text-slate-900">{l.actor}</span>
                          {l.action ? ` ${l.action}` : ""}
                          {l.object ? <span className="font-medium text-slate-900"> {l.object}</span> : null}
                          {l.after ? ` ${l.after}` : ""}
                        </span>
                        {l.detail ? <span className="mt-0.5 block truncate text-xs text-slate-600">{l.detail}</span> : null}
                        <span className="mt-0.5 block text-xs text-slate-600">
                          {isNew ? <span className="sr-only">{`${t("unread")} `}</span> : null}
                          {toneLabel} · <time dateTime={new Date(n.createdAt).toISOString()}>{relativeTime(n.createdAt, Date.now(), locale)}</time>
                        </span>
                      </span>
                    </Link>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      ) : null}
    </div>
  );
}
