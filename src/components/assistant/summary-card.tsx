"use client";
// The assistant's summary in the customer sidebar: what they bought, what went
// wrong, what was promised, open questions, the last survey and recent mood,
// each claim citing the timeline items it comes from. Its own query, started
// only once the timeline has loaded, so it never delays the timeline's first
// paint; a skeleton meanwhile. Labelled when the local fallback answered.
import { useIsFetching, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import { Skeleton, formatDateTime as formatDateTimeIn } from "../ui";

// English titles; the card shows components.summary.sections.<section>.
const SECTION_TITLES: Record<string, string> = {
  conversation: "This conversation",
  purchase: "What they bought",
  open_conversations: "Open conversations",
  problems: "What went wrong",
  promises: "What was promised",
  open_questions: "Open questions",
  survey: "Last survey",
  emotion: "Recent mood",
  other: "Also",
};

type Ref = { eventId: string; occurredAt: string; channel: string; kind: string; excerpt: string };

export function SummaryCard({ customerId, conversationId }: { customerId: string; conversationId?: string }) {
  const t = useTranslations("components.summary");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const timelineKey = useMemo(() => trpc.customer.timeline.pathKey(), [trpc]);
  const timelineFetching = useIsFetching({ queryKey: timelineKey }) > 0;
  const [ready, setReady] = useState(false);
  // Once the timeline's first page is in (or after 3 s, should this page have none): then the summary starts.
  useEffect(() => {
    if (ready) return;
    const timelineIn = qc.getQueryCache().findAll({ queryKey: timelineKey }).some((q) => q.state.status !== "pending");
    const t = window.setTimeout(() => setReady(true), timelineIn && !timelineFetching ? 0 : 3000);
    return () => window.clearTimeout(t);
  }, [ready, timelineFetching, qc, timelineKey]);
  const summary = useQuery({ ...trpc.assistant.summary.queryOptions({ customerId, conversationId }), enabled: ready, staleTime: 60_000, retry: false });

  return (
    <section className="mt-5 rounded-lg bg-slate-50 p-3" aria-label={t("label")} data-testid="assistant-summary" data-source={summary.data?.source}>
      <h3 className="flex flex-wrap items-center gap-2 text-xs font-semibold uppercase tracking-wide text-slate-600">
        {t("title")}
        {summary.data ? (
          <span className={`rounded-full px-1.5 py-0.5 text-[10px] normal-case tracking-normal ${summary.data.source === "llm" ? "bg-brand-100 text-brand-800" : "bg-slate-200 text-slate-700"}`} data-testid="assistant-summary-label">
            {summary.data.source === "llm" ? t("ai", { model: summary.data.model ?? t("provider") }) : t("local")}
          </span>
        ) : null}
      </h3>
      {!ready || summary.isPending ? (
        <div className="mt-2" aria-busy="true">
          <Skeleton lines={3} />
        </div>
      ) : summary.isError ? (
        <p className="mt-2 text-sm text-slate-600" role="status">
          {summary.error.data?.code === "FORBIDDEN" ? summary.error.message : t("unavailable")}{" "}
          {summary.error.data?.code === "FORBIDDEN" ? null : (
            <button type="button" className="font-medium text-brand-700 hover:underline" onClick={() => void summary.refetch()}>
              {t("retry")}
            </button>
          )}
        </p>
      ) : (
        <SummaryBody notice={summary.data.fallback === "timeout" || summary.data.fallback === "error" ? t(`fallback.${summary.data.fallback}`) : null} claims={summary.data.claims} />
      )}
    </section>
  );
}

function SummaryBody({ claims, notice }: { claims: { section: string; text: string; refs: Ref[] }[]; notice: string | null }) {
  const t = useTranslations("components.summary");
  const sections = [...new Set(claims.map((c) => c.section))];
  return (
    <div className="mt-2 space-y-2 text-sm">
      {notice ? (
        <p className="rounded bg-amber-50 px-2 py-1 text-xs text-amber-900" role="status">
          {notice}
        </p>
      ) : null}
      {claims.length === 0 ? <p className="text-slate-600">{t("empty")}</p> : null}
      {sections.map((s) => (
        <div key={s}>
          <p className="text-xs font-medium text-slate-600">{Object.hasOwn(SECTION_TITLES, s) ? t(`sections.${s}`) : s}</p>
          <ul className="mt-0.5 space-y-1">
            {claims
              .filter((c) => c.section === s)
              .map((c, i) => (
                <ClaimLine key={`${s}-${i}`} text={c.text} refs={c.refs} />
              ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

function ClaimLine({ text, refs }: { text: string; refs: Ref[] }) {
  const t = useTranslations("components.summary");
  const locale = useLocale();
  const formatDateTime = (d: Date | string) => formatDateTimeIn(d, locale);
  const [shown, setShown] = useState<Ref | null>(null);
  return (
    <li className="leading-5 text-slate-800" data-testid="assistant-claim">
      {text}{" "}
      {refs.map((r, k) => (
        <button
          key={r.eventId}
          type="button"
          data-event-ref={r.eventId}
          title={`${formatDateTime(r.occurredAt)} · ${r.channel}: ${r.excerpt}`}
          aria-label={t("sourceLabel", { n: String(k + 1), channel: r.channel, date: formatDateTime(r.occurredAt) })}
          className="ml-0.5 rounded bg-surface px-1 text-[10px] font-semibold text-brand-700 ring-1 ring-slate-200 hover:bg-brand-50"
          onClick={() => {
            setShown((prev) => (prev?.eventId === r.eventId ? null : r));
            showInTimeline(r.eventId);
          }}
        >
          {k + 1}
        </button>
      ))}
      {shown ? (
        <span className="mt-1 block rounded border-l-2 border-brand-300 bg-surface px-2 py-1 text-xs text-slate-700" data-testid="assistant-claim-source">
          {formatDateTime(shown.occurredAt)} · {shown.channel} · {shown.kind.replace("_", " ")}: {shown.excerpt}
        </span>
      ) : null}
    </li>
  );
}

/** Scrolls to and briefly highlights the cited item when the timeline has it on screen (anchored by event id). */
function showInTimeline(eventId: string) {
  const el = document.querySelector<HTMLElement>(`[data-event-id="${CSS.escape(eventId)}"], #event-${CSS.escape(eventId)}`);
  if (!el) return;
  el.scrollIntoView({ behavior: "smooth", block: "center" });
  el.classList.add("ring-2", "ring-amber-400", "rounded-lg");
  window.setTimeout(() => el.classList.remove("ring-2", "ring-amber-400", "rounded-lg"), 2000);
}
