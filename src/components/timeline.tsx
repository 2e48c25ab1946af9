"use client";
// The single view: every touchpoint of one customer, newest first, across all
// channels. Filter chips by channel and kind, "jump to date" (a `to` bound,
// keyset-paged from there), infinite scroll into the past, live updates
// (new items arrive on top; delivery status changes patch items in place).
// In a conversation, that conversation's items are highlighted.
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useId, useMemo, useRef, useState } from "react";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import type { TimelineItem } from "@/server/timeline/query";
import { ChannelBadge, CHANNEL_ORDER, useChannelLabel } from "./channel";
import { EmotionMarker } from "./emotion-marker";
import { EmptyState, ErrorState, Skeleton, formatDateTime } from "./ui";

type T = ReturnType<typeof useTranslations<"components.timeline">>;
import { useConnectionState, useSubscription } from "./use-realtime";

type Channel = (typeof CHANNEL_ORDER)[number];
// Labels: components.timeline.kinds.<id> ("Messages", "Notes", "Ticket changes", …).
const KINDS = [{ id: "message" }, { id: "note" }, { id: "ticket_event" }, { id: "product_event" }, { id: "survey_response" }, { id: "article_view" }, { id: "journey_stage" }] as const;
type Kind = (typeof KINDS)[number]["id"];

function byTimelineOrder(a: TimelineItem, b: TimelineItem) {
  return a.occurredAt === b.occurredAt ? (a.id < b.id ? 1 : -1) : a.occurredAt < b.occurredAt ? 1 : -1;
}

export function Timeline({
  customerId,
  channelsPresent,
  highlightConversationId,
  onFirstItems,
}: {
  customerId: string;
  channelsPresent: string[];
  /** The open conversation: its items are highlighted, and "only this conversation" filters to it. */
  highlightConversationId?: string;
  onFirstItems?: () => void;
}) {
  const t = useTranslations("components.timeline");
  const locale = useLocale();
  const channelLabel = useChannelLabel();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [channels, setChannels] = useState<Channel[]>([]);
  const [kinds, setKinds] = useState<Kind[]>([]);
  const [onlyThis, setOnlyThis] = useState(false);
  const [jumpDate, setJumpDate] = useState("");
  const [live, setLive] = useState<TimelineItem[]>([]);
  const [patched, setPatched] = useState<Record<string, TimelineItem>>({});
  const dateId = useId();
  const to = jumpDate ? new Date(`${jumpDate}T23:59:59.999`) : undefined;
  const input = {
    customerId,
    limit: 50,
    channels: channels.length ? channels : undefined,
    kinds: kinds.length ? kinds : undefined,
    conversationId: onlyThis ? highlightConversationId : undefined,
    to,
  };
  const options = trpc.customer.timeline.infiniteQueryOptions(input, { getNextPageParam: (last) => last.nextCursor ?? undefined });
  const query = useInfiniteQuery(options);
  const connected = useConnectionState();

  const matches = useCallback(
    (item: TimelineItem) => {
      if (channels.length && !channels.includes(item.channel as Channel)) return false;
      if (kinds.length && !kinds.includes(item.kind as Kind)) return false;
      if (onlyThis && item.conversationId !== highlightConversationId) return false;
      return true;
    },
    [channels, kinds, onlyThis, highlightConversationId],
  );

  const onCreated = useCallback(
    (payload: unknown) => {
      const event = payload as { customerId: string; item?: TimelineItem };
      if (event.customerId !== customerId || !event.item) return;
      const item = event.item;
      // Looking at the past: new items belong above what is shown, not in it.
      if (jumpDate || !matches(item)) return;
      setLive((prev) => (prev.some((p) => p.id === item.id) ? prev : [item, ...prev]));
    },
    [customerId, jumpDate, matches],
  );
  const onUpdated = useCallback(
    (payload: unknown) => {
      const event = payload as { customerId: string; eventId: string; item?: TimelineItem };
      if (event.customerId !== customerId) return;
      if (event.item) setPatched((prev) => ({ ...prev, [event.item!.id]: event.item! }));
      else void queryClient.invalidateQueries({ queryKey: options.queryKey });
    },
    [customerId, queryClient, options.queryKey],
  );
  useSubscription(
    { customerId },
    {
      "timeline.created": onCreated,
      "timeline.updated": onUpdated,
      "customer.merged": () => void queryClient.invalidateQueries(),
      "customer.unmerged": () => void queryClient.invalidateQueries(),
    },
    // Back from a disconnect: re-read the newest page so nothing is missed.
    () => void queryClient.invalidateQueries({ queryKey: options.queryKey }),
  );
  useEffect(() => setLive([]), [channels, kinds, onlyThis, jumpDate, customerId]);

  const items = useMemo(() => {
    const fetched = query.data?.pages.flatMap((p) => p.items) ?? [];
    const seen = new Set(fetched.map((i) => i.id));
    const merged = [...live.filter((i) => !seen.has(i.id)), ...fetched].map((i) => patched[i.id] ?? i);
    return merged.sort(byTimelineOrder);
  }, [query.data, live, patched]);

  const reported = useRef(false);
  useEffect(() => {
    if (!reported.current && items.length > 0) {
      reported.current = true;
      onFirstItems?.();
    }
  }, [items.length, onFirstItems]);

  // Infinite scroll into the past.
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && hasNextPage && !isFetchingNextPage) void fetchNextPage();
      },
      { rootMargin: "600px" },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const toggle = <T,>(set: (fn: (prev: T[]) => T[]) => void, v: T) => set((prev) => (prev.includes(v) ? prev.filter((x) => x !== v) : [...prev, v]));
  const available = CHANNEL_ORDER.filter((c) => channelsPresent.includes(c));
  const filtered = channels.length > 0 || kinds.length > 0 || onlyThis;

  return (
    <div>
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <h2 className="mr-1 text-base font-semibold">{t("title")}</h2>
        <span className={`flex items-center gap-1.5 text-xs ${connected === false ? "text-amber-800" : "text-slate-600"}`} role="status">
          <span className={`h-2 w-2 rounded-full ${connected ? "bg-emerald-500" : connected === false ? "bg-amber-500" : "bg-slate-300"}`} aria-hidden />
          {connected ? t("live") : connected === false ? t("reconnecting") : t("connecting")}
        </span>
        <div className="ml-auto flex items-center gap-2">
          <label htmlFor={dateId} className="text-xs font-medium text-slate-600">
            {t("jumpToDate")}
          </label>
          <input
            id={dateId}
            type="date"
            value={jumpDate}
            max={new Date().toISOString().slice(0, 10)}
            onChange={(e) => setJumpDate(e.target.value)}
            className="rounded-md border border-slate-300 bg-surface px-2 py-1 text-xs"
          />
          {jumpDate ? (
            <button type="button" onClick={() => setJumpDate("")} className="rounded-md px-2 py-1 text-xs font-medium text-brand-700 hover:bg-brand-50">
              {t("backToNewest")}
            </button>
          ) : null}
        </div>
      </div>
      <div className="mb-4 space-y-2">
        <div role="group" aria-label={t("filterByChannel")} className="flex flex-wrap items-center gap-1.5">
          <span className="mr-1 text-xs font-medium text-slate-600" aria-hidden>
            {t("channels")}
          </span>
          {available.map((c) => {
            const on = channels.includes(c);
            return (
              <button
                key={c}
                type="button"
                aria-pressed={on}
                onClick={() => toggle(setChannels, c)}
                className={`rounded-full border px-2.5 py-1 text-xs font-medium ${on ? "border-brand-600 bg-brand-600 text-white" : "border-slate-300 bg-surface text-slate-700 hover:bg-slate-50"}`}
              >
                {channelLabel(c)}
              </button>
            );
          })}
        </div>
        <div role="group" aria-label={t("filterByKind")} className="flex flex-wrap items-center gap-1.5">
          <span className="mr-1 text-xs font-medium text-slate-600" aria-hidden>
            {t("kindsLabel")}
          </span>
          {KINDS.map((k) => {
            const on = kinds.includes(k.id);
            return (
              <button
                key={k.id}
                type="button"
                aria-pressed={on}
                onClick={() => toggle(setKinds, k.id)}
                className={`rounded-full border px-2.5 py-1 text-xs font-medium ${on ? "border-slate-800 bg-slate-800 text-white" : "border-slate-300 bg-surface text-slate-700 hover:bg-slate-50"}`}
              >
                {t(`kinds.${k.id}`)}
              </button>
            );
          })}
          {highlightConversationId ? (
            <button
              type="button"
              aria-pressed={onlyThis}
              onClick={() => setOnlyThis((v) => !v)}
              className={`rounded-full border px-2.5 py-1 text-xs font-medium ${onlyThis ? "border-amber-600 bg-amber-600 text-white" : "border-amber-300 bg-amber-50 text-amber-900 hover:bg-amber-100"}`}
            >
              {t("onlyThis")}
            </button>
          ) : null}
          {filtered ? (
            <button
              type="button"
              onClick={() => {
                setChannels([]);
                setKinds([]);
                setOnlyThis(false);
              }}
              className="px-2 text-xs text-slate-600 underline"
            >
              {t("clearFilters")}
            </button>
          ) : null}
        </div>
      </div>
      {jumpDate ? (
        <p className="mb-3 rounded-lg bg-slate-100 px-3 py-2 text-sm text-slate-700" role="status">
          {t("showingUpTo", { date: new Date(`${jumpDate}T12:00:00`).toLocaleDateString(locale === "en" ? "en-GB" : locale, { day: "numeric", month: "long", year: "numeric" }) })}
        </p>
      ) : null}
      {query.isPending ? (
        <Skeleton lines={6} />
      ) : query.isError ? (
        <ErrorState error={query.error} retry={() => void query.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={t("emptyTitle")}>{filtered || jumpDate ? t("emptyFiltered") : t("emptyHint")}</EmptyState>
      ) : (
        <ol className="relative space-y-3 border-l border-slate-200 pl-5" aria-label={t("listLabel")} data-testid="timeline">
          {items.map((item) => (
            <TimelineEntry key={item.id} item={item} highlight={Boolean(highlightConversationId && item.conversationId === highlightConversationId)} />
          ))}
        </ol>
      )}
      <div ref={sentinel} aria-hidden className="h-4" />
      {query.isFetchingNextPage ? (
        <p className="py-3 text-center text-sm text-slate-600" role="status">
          {t("loadingOlder")}
        </p>
      ) : null}
      {query.isFetchNextPageError ? <ErrorState error={query.error} retry={() => void query.fetchNextPage()} /> : null}
      {!query.hasNextPage && items.length > 0 ? <p className="py-3 text-center text-xs text-slate-500">{t("beginning")}</p> : null}
    </div>
  );
}

const DELIVERY_STATUSES = new Set(["queued", "sending", "sent", "delivered", "read", "failed"]);

function DeliveryStatus({ item }: { item: TimelineItem }) {
  const t = useTranslations("components.timeline");
  const trpc = useTRPC();
  const retry = useMutation(trpc.conversation.retryDelivery.mutationOptions());
  const status = item.deliveryStatus;
  if (!status) return null;
  return (
    <div className={`mt-1 flex items-center justify-end gap-2 text-xs ${status === "failed" ? "text-red-700" : "text-slate-600"}`}>
      <p data-testid="delivery-status" data-status={status}>
        {status === "failed"
          ? t("delivery.failedBecause", { reason: item.deliveryError ?? t("delivery.unknownReason") })
          : status === "queued" && item.deliveryError
            ? t("delivery.queuedBecause", { reason: item.deliveryError })
            : DELIVERY_STATUSES.has(status)
              ? t(`delivery.${status}`)
              : status}
      </p>
      {status === "failed" && item.messageId ? (
        <button
          type="button"
          disabled={retry.isPending}
          onClick={() => retry.mutate({ messageId: item.messageId! })}
          className="rounded-md bg-surface px-2 py-0.5 font-semibold text-red-800 ring-1 ring-red-200 hover:bg-red-50 disabled:opacity-60"
        >
          {retry.isPending ? t("delivery.retrying") : t("delivery.retry")}
        </button>
      ) : null}
      {retry.isError ? <span role="alert">{retry.error.message}</span> : null}
    </div>
  );
}

function TimelineEntry({ item, highlight }: { item: TimelineItem; highlight: boolean }) {
  const t = useTranslations("components.timeline");
  const locale = useLocale();
  const time = (
    <time dateTime={item.occurredAt} className="text-xs text-slate-600">
      {formatDateTime(item.occurredAt, locale)}
    </time>
  );
  const marker = <span className={`absolute -left-[26px] mt-1.5 h-2.5 w-2.5 rounded-full border-2 border-surface ${highlight ? "bg-brand-600" : "bg-slate-400"}`} aria-hidden />;
  const here = highlight ? <span className="sr-only">{t("thisConversation")}</span> : null;
  const conv = item.conversationNumber ? (
    <span className={`text-xs ${highlight ? "font-semibold text-brand-700" : "text-slate-500"}`}>#{item.conversationNumber}</span>
  ) : null;
  const meta = (
    <div className="mb-1 flex flex-wrap items-center gap-2">
      <ChannelBadge channel={item.channel} />
      <span className="text-xs font-medium text-slate-800">{actorLabel(item, t)}</span>
      {conv}
      {time}
      {item.emotion ? <EmotionMarker emotion={item.emotion} /> : null}
      {here}
    </div>
  );
  const dataProps = { "data-event-id": item.id, "data-kind": item.kind, "data-channel": item.channel, "data-conversation": item.conversationId ?? undefined, "data-highlight": highlight ? "true" : undefined };

  if (item.kind === "message" || item.kind === "note") {
    const outbound = item.direction === "outbound";
    const note = item.kind === "note";
    return (
      <li className="relative" {...dataProps}>
        {marker}
        {meta}
        <div
          className={`max-w-3xl rounded-xl px-4 py-3 text-sm shadow-sm ${note ? "border border-amber-200 bg-amber-50" : outbound ? "bg-brand-50 ring-1 ring-brand-100" : "bg-surface ring-1 ring-slate-200"} ${highlight && !note ? "ring-2 ring-brand-200" : ""}`}
        >
          {note ? <p className="mb-1 text-xs font-semibold text-amber-900">{t("internalNote")}</p> : null}
          {item.subject ? <p className="mb-1 font-medium">{item.subject}</p> : null}
          {item.bodyHtml ? <EmailBody html={item.bodyHtml} remoteImages={item.remoteImages} /> : <p className="whitespace-pre-wrap break-words">{item.text}</p>}
          {item.quotedText ? (
            <details className="mt-2 text-xs text-slate-600">
              <summary className="cursor-pointer select-none">{t("showQuoted")}</summary>
              <pre className="mt-1 whitespace-pre-wrap font-sans">{item.quotedText}</pre>
            </details>
          ) : null}
          {item.attachments.length ? (
            <ul className="mt-2 flex flex-wrap gap-2" aria-label={t("attachments")}>
              {item.attachments.map((a) => (
                <li key={a.id}>
                  <a href={`/api/attachments/${a.id}`} download={a.filename} className="inline-flex items-center gap-1 rounded-md bg-surface px-2 py-1 text-xs ring-1 ring-slate-200 hover:bg-slate-50">
                    <span aria-hidden>📎</span> {a.filename} <span className="text-slate-600">{t("sizeKb", { size: String(Math.max(1, Math.ceil(a.size / 1024))) })}</span>
                  </a>
                </li>
              ))}
            </ul>
          ) : null}
          {outbound && !note ? <DeliveryStatus item={item} /> : null}
        </div>
      </li>
    );
  }
  const tone: Record<string, string> = {
    product_event: "text-amber-900",
    survey_response: "text-violet-900",
    article_view: "text-teal-900",
    journey_stage: "text-indigo-900",
    ticket_event: "text-slate-700",
  };
  return (
    <li className="relative" {...dataProps}>
      {marker}
      <p className={`text-sm leading-6 ${highlight ? "rounded-lg bg-brand-50/60 px-2 py-0.5" : ""}`}>
        <ChannelBadge channel={item.channel} compact />{" "}
        {item.actor === "agent" && item.actorName ? <span className="text-xs font-medium text-slate-800">{item.actorName}: </span> : null}
        <span className={`font-medium ${tone[item.kind] ?? ""}`}>{item.text}</span>{" "}
        <span className="whitespace-nowrap">
          {conv} {time}
        </span>
        {item.emotion ? <> <EmotionMarker emotion={item.emotion} /></> : null}
        {here}
      </p>
    </li>
  );
}

/**
 * Email HTML arrives with remote images blocked (the server keeps each one's
 * URL in data-remote-src and a signed link to our image proxy in
 * data-proxy-src). Only on request do they load, and then through our server,
 * so the sender learns nothing about the agent's browser.
 */
function EmailBody({ html, remoteImages }: { html: string; remoteImages: number }) {
  const t = useTranslations("components.timeline");
  const body = useRef<HTMLDivElement>(null);
  const loaded = useRef<HTMLSpanElement>(null);
  const [load, setLoad] = useState(false);
  // The button goes away: keyboard focus moves to what replaced it.
  useEffect(() => {
    if (load) loaded.current?.focus();
  }, [load]);
  // After every render of new HTML too (a live update replaces the markup).
  useEffect(() => {
    if (!load || !body.current) return;
    for (const img of body.current.querySelectorAll<HTMLImageElement>("img[data-proxy-src]")) {
      const proxied = img.dataset.proxySrc!;
      if (proxied.startsWith("/api/image-proxy?") && img.getAttribute("src") !== proxied) img.src = proxied;
    }
  }, [load, html]);
  return (
    <>
      {remoteImages > 0 ? (
        <p className="mb-2 flex flex-wrap items-center gap-2 rounded-md bg-slate-50 px-2 py-1 text-xs text-slate-700 ring-1 ring-slate-200" aria-live="polite">
          {load ? (
            <span ref={loaded} tabIndex={-1} className="outline-none">
              {t("remoteLoaded")}
            </span>
          ) : (
            <>
              <span>{t("remoteBlocked", { count: remoteImages })}</span>
              <button
                type="button"
                onClick={() => setLoad(true)}
                className="rounded font-medium text-brand-700 underline hover:text-brand-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
              >
                {t("loadImages")}
              </button>
            </>
          )}
        </p>
      ) : null}
      <div ref={body} className="email-body" dangerouslySetInnerHTML={{ __html: html }} />
    </>
  );
}

function actorLabel(item: TimelineItem, t: T) {
  if (item.actor === "agent") return item.actorName ?? t("actors.agent");
  // The widget answer bot's turns (src/server/assistant/bot.ts).
  if ((item.payload as { bot?: unknown } | null)?.bot === true) return t("actors.bot");
  if (item.actor === "system") return t("actors.system");
  return item.direction === "outbound" ? t("actors.agent") : t("actors.customer");
}
