"use client";
import Link from "next/link";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import { EmptyState, ErrorState, Skeleton, initials, relativeTime } from "@/components/ui";

export function CustomerDirectory() {
  const t = useTranslations("pages.customers.directory");
  const locale = useLocale();
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const deferred = useDeferredValue(search.trim());
  const query = useInfiniteQuery(
    trpc.customer.list.infiniteQueryOptions(
      { search: deferred || undefined, limit: 50 },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <div>
      <label htmlFor="customer-search" className="sr-only">{t("searchLabel")}</label>
      <input id="customer-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)}
        placeholder={t("searchPlaceholder")}
        className="mb-4 w-full rounded-lg border border-slate-300 bg-surface px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-100" />
      {query.isPending ? (
        <Skeleton lines={6} />
      ) : query.isError ? (
        <ErrorState error={query.error} retry={() => void query.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={deferred ? t("noMatchTitle", { query: deferred }) : t("emptyTitle")}>
          {deferred ? t("noMatchHint") : t("emptyHint")}
        </EmptyState>
      ) : (
        <ul className="divide-y divide-slate-100 overflow-hidden rounded-xl border border-slate-200 bg-surface" aria-label={t("listLabel")}>
          {items.map((c) => (
            <li key={c.id}>
              <Link href={`/customers/${c.id}`} className="flex items-center gap-3 px-4 py-3 hover:bg-slate-50">
                <span className="flex h-9 w-9 shrink-0 items-center justify-center rounded-full bg-brand-100 text-sm font-semibold text-brand-700" aria-hidden>
                  {initials(c.name)}
                </span>
                <span className="min-w-0 flex-1">
                  <span className="block truncate font-medium">{c.name ?? t("unnamed")}</span>
                  <span className="block truncate text-sm text-slate-500">
                    {c.primaryIdentity ? c.primaryIdentity.value : t("noIdentity")}
                    {c.identityCount > 1 ? ` · ${t("identities", { count: c.identityCount })}` : ""}
                  </span>
                </span>
                {c.openConversations > 0 ? (
                  <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-800">{t("open", { count: c.openConversations })}</span>
                ) : null}
                {c.journeyStage ? <span className="hidden rounded-full bg-slate-100 px-2 py-0.5 text-xs capitalize text-slate-600 sm:inline">{t("stage", { stage: c.journeyStage })}</span> : null}
                <span className="hidden w-28 text-end text-xs text-slate-500 md:inline">{c.lastSeenAt ? relativeTime(c.lastSeenAt, Date.now(), locale) : ""}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {query.hasNextPage ? (
        <button type="button" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}
          className="mt-4 w-full rounded-lg border border-slate-300 bg-surface py-2 text-sm font-medium hover:bg-slate-50 disabled:opacity-60">
          {query.isFetchingNextPage ? t("loading") : t("loadMore")}
        </button>
      ) : null}
    </div>
  );
}
