"use client";
// Global search (Ctrl/Cmd+K or "/"): customers by name or any identity value,
// conversations by #number or subject, and message text (full-text, ranked).
// A combobox: arrows move, Enter opens, Esc closes.
import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useDeferredValue, useEffect, useId, useMemo, useRef, useState } from "react";
import { useTRPC } from "@/trpc/react";
import { ChannelBadge } from "./channel";
import { Modal } from "./dialog";
import { initials, relativeTime } from "./ui";

// Group labels: components.commandPalette.groups.<group> ("Customers", "Conversations", "Messages").
const GROUPS = ["customers", "conversations", "messages"] as const;
type Result = { id: string; group: (typeof GROUPS)[number]; href: string; title: string; detail: string; channel?: string };

export function CommandPalette({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useTranslations("components.commandPalette");
  const locale = useLocale();
  const trpc = useTRPC();
  const router = useRouter();
  const [query, setQuery] = useState("");
  const deferred = useDeferredValue(query.trim());
  const [debounced, setDebounced] = useState("");
  const [active, setActive] = useState(0);
  const listId = useId();
  const labelId = useId();
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const t = setTimeout(() => setDebounced(deferred), 180);
    return () => clearTimeout(t);
  }, [deferred]);
  useEffect(() => {
    if (open) {
      setQuery("");
      setDebounced("");
      setActive(0);
      setTimeout(() => inputRef.current?.focus(), 0);
    }
  }, [open]);

  const search = useQuery({ ...trpc.search.global.queryOptions({ query: debounced }), enabled: open && debounced.length > 0, staleTime: 10_000 });

  const results = useMemo<Result[]>(() => {
    const d = search.data;
    if (!d) return [];
    return [
      ...d.customers.map((c) => ({
        id: `cust-${c.id}`,
        group: "customers" as const,
        href: `/customers/${c.id}`,
        title: c.name ?? t("unnamedCustomer"),
        detail: [c.identity?.value, c.openConversations ? t("openCount", { count: c.openConversations }) : ""].filter(Boolean).join(" · "),
      })),
      ...d.conversations.map((c) => ({
        id: `conv-${c.id}`,
        group: "conversations" as const,
        href: `/conversations/${c.id}`,
        title: `#${c.number} ${c.subject ?? ""}`.trim(),
        detail: `${c.customerName ?? t("customer")} · ${t("status", { status: c.status })} · ${relativeTime(c.lastMessageAt, Date.now(), locale)}`,
        channel: c.channel,
      })),
      ...d.messages.map((m) => ({
        id: `msg-${m.eventId}`,
        group: "messages" as const,
        href: m.conversationId ? `/conversations/${m.conversationId}` : `/customers/${m.customerId}`,
        title: m.snippet,
        detail: `${m.customerName ?? t("customer")}${m.conversationNumber ? ` · #${m.conversationNumber}` : ""} · ${relativeTime(m.occurredAt, Date.now(), locale)}`,
        channel: m.channel,
      })),
    ];
  }, [search.data, t, locale]);

  useEffect(() => setActive(0), [search.data]);

  const go = (r: Result | undefined) => {
    if (!r) return;
    onClose();
    router.push(r.href);
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setActive((a) => Math.min(a + 1, results.length - 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === "Enter") {
      e.preventDefault();
      go(results[active]);
    }
  };

  useEffect(() => {
    document.getElementById(`${listId}-${active}`)?.scrollIntoView({ block: "nearest" });
  }, [active, listId]);

  let index = -1;
  return (
    <Modal open={open} onClose={onClose} title={t("title")} labelledBy={labelId} className="max-w-2xl self-start mt-[12vh]">
      <h2 id={labelId} className="sr-only">{t("title")}</h2>
      <div className="flex items-center gap-2 border-b border-slate-200 pb-3">
        <svg viewBox="0 0 24 24" className="h-5 w-5 text-slate-400" fill="none" stroke="currentColor" strokeWidth={2} aria-hidden>
          <circle cx="11" cy="11" r="7" />
          <path d="M20 20l-3.5-3.5" />
        </svg>
        <input
          ref={inputRef}
          role="combobox"
          aria-expanded={results.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={results.length ? `${listId}-${active}` : undefined}
          aria-label={t("inputLabel")}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onKeyDown}
          placeholder={t("placeholder")}
          className="w-full bg-transparent text-base outline-none placeholder:text-slate-500"
        />
      </div>
      <div className="mt-2 max-h-[55vh] overflow-auto" aria-live="polite">
        {!debounced ? (
          <p className="px-2 py-6 text-center text-sm text-slate-500">{t("hint")}</p>
        ) : search.isPending ? (
          <p className="px-2 py-6 text-center text-sm text-slate-500" role="status">{t("searching")}</p>
        ) : search.isError ? (
          <p className="px-2 py-6 text-center text-sm text-red-700" role="alert">{t("failed", { message: search.error.message })}</p>
        ) : results.length === 0 ? (
          <p className="px-2 py-6 text-center text-sm text-slate-500">{t("nothingFound", { query: debounced })}</p>
        ) : null}
        <ul id={listId} role="listbox" aria-label={t("resultsLabel")} className={results.length ? "" : "hidden"}>
          {GROUPS.map((g) => {
            const items = results.filter((r) => r.group === g);
            if (!items.length) return null;
            return (
              <li key={g} role="presentation">
                <p className="px-2 pb-1 pt-3 text-xs font-semibold uppercase tracking-wide text-slate-500" aria-hidden>
                  {t(`groups.${g}`)}
                </p>
                <ul role="group" aria-label={t(`groups.${g}`)}>
                  {items.map((r) => {
                    index += 1;
                    const i = index;
                    return (
                      <li
                        key={r.id}
                        id={`${listId}-${i}`}
                        role="option"
                        aria-selected={i === active}
                        onMouseMove={() => setActive(i)}
                        onClick={() => go(r)}
                        className={`flex cursor-pointer items-center gap-3 rounded-lg px-2 py-2 ${i === active ? "bg-brand-50 ring-1 ring-brand-100" : ""}`}
                      >
                        {r.group === "customers" ? (
                          <span className="flex h-7 w-7 shrink-0 items-center justify-center rounded-full bg-brand-100 text-xs font-semibold text-brand-700" aria-hidden>
                            {initials(r.title)}
                          </span>
                        ) : (
                          <ChannelBadge channel={r.channel ?? "system"} compact />
                        )}
                        <span className="min-w-0 flex-1">
                          <span className="block truncate text-sm font-medium">{r.title}</span>
                          <span className="block truncate text-xs text-slate-600">{r.detail}</span>
                        </span>
                      </li>
                    );
                  })}
                </ul>
              </li>
            );
          })}
        </ul>
      </div>
    </Modal>
  );
}
