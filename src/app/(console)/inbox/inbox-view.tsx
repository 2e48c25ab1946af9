"use client";
import Link from "next/link";
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/trpc/react";
import { ChannelBadge } from "@/components/channel";
import { EmptyState, ErrorState, Skeleton, relativeTime } from "@/components/ui";
import { useSubscription } from "@/components/use-realtime";

const VIEWS = [
  { id: "mine", label: "Mine" },
  { id: "unassigned", label: "Unassigned" },
  { id: "teams", label: "My teams" },
  { id: "all", label: "All" },
] as const;

const PRIORITY_STYLE: Record<string, string> = {
  urgent: "bg-red-100 text-red-800",
  high: "bg-orange-100 text-orange-800",
  normal: "bg-slate-100 text-slate-600",
  low: "bg-slate-50 text-slate-500",
};

export function InboxView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [view, setView] = useState<(typeof VIEWS)[number]["id"]>("mine");
  const [inboxId, setInboxId] = useState<string | undefined>();
  const counts = useQuery(trpc.conversation.counts.queryOptions({ inboxId }));
  const inboxes = useQuery(trpc.conversation.inboxes.queryOptions());
  const queue = useInfiniteQuery(
    trpc.conversation.queue.infiniteQueryOptions({ view, inboxId, limit: 50 }, { getNextPageParam: (l) => l.nextCursor ?? undefined }),
  );
  const items = queue.data?.pages.flatMap((p) => p.items) ?? [];
  const [fresh, setFresh] = useState(0);
  // Every inbox the agent may see pushes its changes: refresh counts at once,
  // and offer (not force) the refreshed list so the agent keeps their place.
  const onActivity = () => {
    setFresh((n) => n + 1);
    void queryClient.invalidateQueries({ queryKey: trpc.conversation.counts.queryKey() });
  };
  useSubscription({ allInboxes: true }, { "timeline.created": onActivity, "conversation.updated": onActivity });

  return (
    <div className="flex h-full flex-col">
      <header className="border-b border-slate-200 bg-white px-6 pt-5">
        <div className="flex items-center gap-3">
          <h1 className="text-xl font-semibold">Inbox</h1>
          <label htmlFor="inbox-filter" className="sr-only">Inbox</label>
          <select id="inbox-filter" value={inboxId ?? ""} onChange={(e) => setInboxId(e.target.value || undefined)}
            className="ml-auto rounded-lg border border-slate-300 bg-white px-2 py-1.5 text-sm">
            <option value="">All my inboxes</option>
            {inboxes.data?.map((i) => (
              <option key={i.id} value={i.id}>{i.name}</option>
            ))}
          </select>
        </div>
        <div role="tablist" aria-label="Views" className="mt-3 flex gap-1">
          {VIEWS.map((v) => (
            <button key={v.id} role="tab" type="button" aria-selected={view === v.id} onClick={() => setView(v.id)}
              className={`rounded-t-lg border-b-2 px-3 py-2 text-sm font-medium ${view === v.id ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900"}`}>
              {v.label}
              <span className="ml-1.5 rounded-full bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">{counts.data?.[v.id] ?? "…"}</span>
            </button>
          ))}
        </div>
      </header>
      {fresh > 0 ? (
        <button type="button" onClick={() => { setFresh(0); void queue.refetch(); }}
          className="mx-6 mt-3 rounded-lg bg-brand-50 px-3 py-2 text-sm font-medium text-brand-700 ring-1 ring-brand-100 hover:bg-brand-100" aria-live="polite">
          New activity — show latest
        </button>
      ) : null}
      <div className="flex-1 overflow-auto px-6 py-4">
        {queue.isPending ? (
          <Skeleton lines={8} />
        ) : queue.isError ? (
          <ErrorState error={queue.error} retry={() => void queue.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState title="All caught up">No open conversations in this view.</EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100 overflow-hidden rounded-xl border border-slate-200 bg-white" aria-label="Conversations">
            {items.map((c) => (
              <li key={c.id}>
                <Link href={`/conversations/${c.id}`} className="flex items-start gap-3 px-4 py-3 hover:bg-slate-50">
                  <ChannelBadge channel={c.channel} compact />
                  <div className="min-w-0 flex-1">
                    <p className="flex items-center gap-2">
                      <span className="truncate font-medium">{c.customer.name ?? "Unnamed customer"}</span>
                      <span className="text-xs text-slate-400">#{c.number}</span>
                      <span className={`rounded-full px-1.5 py-0.5 text-[11px] font-medium capitalize ${PRIORITY_STYLE[c.priority] ?? ""}`}>{c.priority}</span>
                    </p>
                    <p className="truncate text-sm text-slate-600">{c.subject ? <span className="font-medium">{c.subject} — </span> : null}{c.lastMessagePreview}</p>
                    <p className="mt-0.5 text-xs text-slate-400">
                      {c.inbox.name} · {c.assignee ? c.assignee.name : "Unassigned"}
                      {c.tags.length ? ` · ${c.tags.join(", ")}` : ""}
                    </p>
                  </div>
                  <div className="shrink-0 text-right text-xs">
                    <p className="text-slate-500">{relativeTime(c.lastMessageAt)}</p>
                    {c.waitingSince ? <p className="mt-1 font-medium text-amber-700">waiting {relativeTime(c.waitingSince).replace(" ago", "")}</p> : null}
                    <p className="mt-1 capitalize text-slate-500">{c.status}</p>
                  </div>
                </Link>
              </li>
            ))}
          </ul>
        )}
        {queue.hasNextPage ? (
          <button type="button" onClick={() => void queue.fetchNextPage()} className="mt-4 w-full rounded-lg border border-slate-300 bg-white py-2 text-sm font-medium hover:bg-slate-50">
            {queue.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        ) : null}
      </div>
    </div>
  );
}
