"use client";
// The single view: every touchpoint of one customer, newest first, across all
// channels; filter chips; infinite scroll into the past; live updates.
import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTRPC } from "@/trpc/react";
import type { TimelineItem } from "@/server/timeline/query";
import { ChannelBadge, CHANNEL_ORDER, channelInfo } from "./channel";
import { EmptyState, ErrorState, Skeleton, formatDateTime } from "./ui";
import { useConnectionState, useSubscription } from "./use-realtime";

type Channel = (typeof CHANNEL_ORDER)[number];

export function Timeline({ customerId, channelsPresent, conversationId }: { customerId: string; channelsPresent: string[]; conversationId?: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [channels, setChannels] = useState<Channel[]>([]);
  const [live, setLive] = useState<TimelineItem[]>([]);
  const input = { customerId, limit: 50, channels: channels.length ? channels : undefined, conversationId };
  const options = trpc.customer.timeline.infiniteQueryOptions(input, { getNextPageParam: (last) => last.nextCursor ?? undefined });
  const query = useInfiniteQuery(options);
  const connected = useConnectionState();

  const onCreated = useCallback(
    (payload: unknown) => {
      const event = payload as { customerId: string; item?: TimelineItem };
      if (event.customerId !== customerId || !event.item) return;
      const item = event.item;
      if (channels.length && !channels.includes(item.channel as Channel)) return;
      if (conversationId && item.conversationId !== conversationId) return;
      setLive((prev) => (prev.some((p) => p.id === item.id) ? prev : [item, ...prev]));
    },
    [customerId, channels, conversationId],
  );
  useSubscription(
    { customerId },
    {
      "timeline.created": onCreated,
      "timeline.updated": () => void queryClient.invalidateQueries({ queryKey: options.queryKey }),
      "customer.merged": () => void queryClient.invalidateQueries(),
      "customer.unmerged": () => void queryClient.invalidateQueries(),
    },
    // Back from a disconnect: re-read the newest page so nothing is missed.
    () => void queryClient.invalidateQueries({ queryKey: options.queryKey }),
  );
  useEffect(() => setLive([]), [channels]);

  const items = useMemo(() => {
    const fetched = query.data?.pages.flatMap((p) => p.items) ?? [];
    const seen = new Set(fetched.map((i) => i.id));
    const merged = [...live.filter((i) => !seen.has(i.id)), ...fetched];
    return merged.sort((a, b) => (a.occurredAt === b.occurredAt ? (a.id < b.id ? 1 : -1) : a.occurredAt < b.occurredAt ? 1 : -1));
  }, [query.data, live]);

  // Infinite scroll into the past.
  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage();
    }, { rootMargin: "400px" });
    observer.observe(el);
    return () => observer.disconnect();
  }, [query.hasNextPage, query.isFetchingNextPage, query]);

  const toggle = (c: Channel) => setChannels((prev) => (prev.includes(c) ? prev.filter((x) => x !== c) : [...prev, c]));
  const available = CHANNEL_ORDER.filter((c) => channelsPresent.includes(c));

  return (
    <div>
      <div className="mb-4 flex flex-wrap items-center gap-2">
        <h2 className="mr-2 text-base font-semibold">Timeline</h2>
        <div role="group" aria-label="Filter by channel" className="flex flex-wrap gap-1.5">
          {available.map((c) => {
            const on = channels.includes(c);
            return (
              <button key={c} type="button" aria-pressed={on} onClick={() => toggle(c)}
                className={`rounded-full border px-2.5 py-1 text-xs font-medium ${on ? "border-brand-600 bg-brand-600 text-white" : "border-slate-300 bg-white text-slate-700 hover:bg-slate-50"}`}>
                {channelInfo(c).label}
              </button>
            );
          })}
          {channels.length ? (
            <button type="button" onClick={() => setChannels([])} className="px-2 text-xs text-slate-500 underline">Clear</button>
          ) : null}
        </div>
        <span className={`ml-auto flex items-center gap-1.5 text-xs ${connected === false ? "text-amber-700" : "text-slate-500"}`} role="status">
          <span className={`h-2 w-2 rounded-full ${connected ? "bg-emerald-500" : connected === false ? "bg-amber-500" : "bg-slate-300"}`} aria-hidden />
          {connected ? "Live" : connected === false ? "Reconnecting… (may be stale)" : "Connecting…"}
        </span>
      </div>
      {query.isPending ? (
        <Skeleton lines={6} />
      ) : query.isError ? (
        <ErrorState error={query.error} retry={() => void query.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title="Nothing on this timeline yet">{channels.length ? "No touchpoints on the selected channels." : "Touchpoints appear here as they happen."}</EmptyState>
      ) : (
        <ol className="relative space-y-3 border-l border-slate-200 pl-5" aria-label="Touchpoints, newest first" data-testid="timeline">
          {items.map((item) => (
            <TimelineEntry key={item.id} item={item} />
          ))}
        </ol>
      )}
      <div ref={sentinel} aria-hidden className="h-4" />
      {query.isFetchingNextPage ? <p className="py-3 text-center text-sm text-slate-500">Loading older touchpoints…</p> : null}
      {!query.hasNextPage && items.length > 0 ? <p className="py-3 text-center text-xs text-slate-400">Beginning of this customer’s history</p> : null}
    </div>
  );
}

function TimelineEntry({ item }: { item: TimelineItem }) {
  const time = (
    <time dateTime={item.occurredAt} className="text-xs text-slate-500">
      {formatDateTime(item.occurredAt)}
    </time>
  );
  const marker = <span className="absolute -left-[26px] mt-1.5 h-2.5 w-2.5 rounded-full border-2 border-white bg-slate-400" aria-hidden />;
  const meta = (
    <div className="mb-1 flex flex-wrap items-center gap-2">
      <ChannelBadge channel={item.channel} />
      <span className="text-xs font-medium text-slate-700">{actorLabel(item)}</span>
      {item.conversationNumber ? <span className="text-xs text-slate-400">#{item.conversationNumber}</span> : null}
      {time}
    </div>
  );

  if (item.kind === "message" || item.kind === "note") {
    const outbound = item.direction === "outbound";
    const note = item.kind === "note";
    return (
      <li className="relative" data-kind={item.kind} data-channel={item.channel}>
        {marker}
        {meta}
        <div className={`max-w-3xl rounded-xl px-4 py-3 text-sm shadow-sm ${note ? "border border-amber-200 bg-amber-50" : outbound ? "bg-brand-50 ring-1 ring-brand-100" : "bg-white ring-1 ring-slate-200"}`}>
          {note ? <p className="mb-1 text-xs font-semibold text-amber-800">Internal note</p> : null}
          {item.subject ? <p className="mb-1 font-medium">{item.subject}</p> : null}
          {item.bodyHtml ? (
            <div className="email-body" dangerouslySetInnerHTML={{ __html: item.bodyHtml }} />
          ) : (
            <p className="whitespace-pre-wrap break-words">{item.text}</p>
          )}
          {item.quotedText ? (
            <details className="mt-2 text-xs text-slate-500">
              <summary className="cursor-pointer select-none">Show quoted text</summary>
              <pre className="mt-1 whitespace-pre-wrap font-sans">{item.quotedText}</pre>
            </details>
          ) : null}
          {item.attachments.length ? (
            <ul className="mt-2 flex flex-wrap gap-2" aria-label="Attachments">
              {item.attachments.map((a) => (
                <li key={a.id}>
                  <a href={`/api/attachments/${a.id}`} className="inline-flex items-center gap-1 rounded-md bg-white px-2 py-1 text-xs ring-1 ring-slate-200 hover:bg-slate-50">
                    📎 {a.filename} <span className="text-slate-400">({Math.ceil(a.size / 1024)} KB)</span>
                  </a>
                </li>
              ))}
            </ul>
          ) : null}
          {outbound && item.deliveryStatus && !note ? (
            <p className={`mt-1 text-right text-xs ${item.deliveryStatus === "failed" ? "text-red-700" : "text-slate-500"}`} data-testid="delivery-status">
              {item.deliveryStatus === "failed" ? `Failed: ${item.deliveryError ?? "unknown reason"}` : item.deliveryStatus}
            </p>
          ) : null}
        </div>
      </li>
    );
  }
  const tone: Record<string, string> = {
    product_event: "text-amber-900",
    survey_response: "text-violet-900",
    article_view: "text-teal-900",
    journey_stage: "text-indigo-900",
    ticket_event: "text-slate-600",
  };
  return (
    <li className="relative" data-kind={item.kind} data-channel={item.channel}>
      {marker}
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <ChannelBadge channel={item.channel} compact />
        <span className={`font-medium ${tone[item.kind] ?? ""}`}>{item.text}</span>
        {item.conversationNumber ? <span className="text-xs text-slate-400">#{item.conversationNumber}</span> : null}
        {time}
      </div>
    </li>
  );
}

function actorLabel(item: TimelineItem) {
  if (item.actor === "agent") return item.actorName ?? "Agent";
  if (item.actor === "system") return "System";
  return item.direction === "outbound" ? "Agent" : "Customer";
}
