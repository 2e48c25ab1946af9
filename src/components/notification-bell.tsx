"use client";
// The bell: unread count (pushed live with notification.created on the
// agent's own room), a popover list of mentions, mark read on open.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import { useTRPC } from "@/trpc/react";
import { relativeTime } from "./ui";
import { useSocketEvent } from "./use-realtime";

type MentionData = { conversationId?: string; conversationNumber?: number; byName?: string; excerpt?: string; customerName?: string | null };

export function NotificationBell({ compact }: { compact?: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const ref = useRef<HTMLDivElement>(null);
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

  useEffect(() => {
    if (!open) return;
    const onDoc = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") setOpen(false);
    };
    document.addEventListener("mousedown", onDoc);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onDoc);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  const count = unread.data ?? 0;
  return (
    <div ref={ref} className="relative">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => {
          const next = !open;
          setOpen(next);
          if (next && count) markRead.mutate({});
        }}
        className="relative flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100"
        data-testid="notification-bell"
      >
        <svg viewBox="0 0 24 24" className="h-4 w-4" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
          <path d="M18 8a6 6 0 10-12 0c0 7-3 9-3 9h18s-3-2-3-9M13.7 21a2 2 0 01-3.4 0" />
        </svg>
        <span className={compact ? "sr-only xl:not-sr-only" : ""}>Notifications</span>
        {count ? <span className="sr-only"> ({count} unread)</span> : null}
        {count ? (
          <span className="absolute left-6 top-1 min-w-4 rounded-full bg-red-600 px-1 text-center text-[10px] font-bold leading-4 text-white" aria-hidden data-testid="notification-count">
            {count > 99 ? "99+" : count}
          </span>
        ) : null}
      </button>
      {open ? (
        <div id={panelId} role="region" aria-label="Notifications" className="absolute bottom-0 left-full z-40 ml-2 w-80 rounded-xl border border-slate-200 bg-white p-2 shadow-xl">
          <p className="px-2 py-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Notifications</p>
          {list.isPending ? (
            <p className="px-2 py-4 text-sm text-slate-500" role="status">Loading…</p>
          ) : list.isError ? (
            <p className="px-2 py-4 text-sm text-red-700" role="alert">{list.error.message}</p>
          ) : list.data.length === 0 ? (
            <p className="px-2 py-4 text-sm text-slate-500">No notifications yet. You’ll hear here when someone @mentions you.</p>
          ) : (
            <ul className="max-h-96 overflow-auto">
              {list.data.map((n) => {
                const d = n.data as MentionData;
                return (
                  <li key={n.id}>
                    <Link
                      href={d.conversationId ? `/conversations/${d.conversationId}` : "/inbox"}
                      onClick={() => setOpen(false)}
                      className={`block rounded-lg px-2 py-2 text-sm hover:bg-slate-50 ${n.readAt ? "" : "bg-brand-50/60"}`}
                    >
                      <span className="block">
                        <span className="font-medium">{d.byName ?? "Someone"}</span> mentioned you in #{d.conversationNumber}
                        {d.customerName ? ` (${d.customerName})` : ""}
                      </span>
                      {d.excerpt ? <span className="mt-0.5 block truncate text-xs text-slate-600">{d.excerpt}</span> : null}
                      <span className="mt-0.5 block text-xs text-slate-500">{relativeTime(n.createdAt)}</span>
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
