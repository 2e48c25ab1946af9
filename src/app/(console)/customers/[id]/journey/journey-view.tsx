"use client";
import Link from "next/link";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import { ErrorState, Skeleton, relativeTime } from "@/components/ui";
import { useSubscription } from "@/components/use-realtime";
import { JourneyLegend, JourneyMapChart, RANGES, type RangeKey } from "@/components/journey/journey-map";
import { STAGE_ORDER, StageBadge, useStageLabel } from "@/components/journey/palette";

// Words: pages.journey.*. Signal kinds with a label (signals.<kind>); others read as themselves.
const SIGNALS = new Set(["wait", "repeat_contact", "handoff", "channel_switch", "reopen", "failed_self_service", "negative_turn"]);

type JourneyT = ReturnType<typeof useTranslations<"pages.journey">>;

function duration(t: JourneyT, from: string, to: string) {
  const d = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  if (d < 1) return t("duration.hours", { n: Math.max(1, Math.round(d * 24)) });
  return t("duration.days", { n: Math.round(d) });
}

/** "9 Mar 2026": English as the page always read it (en-GB), other locales their own way. */
function dateOnly(date: string | Date, locale: string) {
  return new Date(date).toLocaleDateString(locale === "en" ? "en-GB" : locale, { day: "numeric", month: "short", year: "numeric" });
}

export function JourneyView({ customerId }: { customerId: string }) {
  const t = useTranslations("pages.journey");
  const locale = useLocale();
  const numberLocale = locale === "en" ? "en-US" : locale;
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [range, setRange] = useState<RangeKey>("all");
  const map = useQuery(trpc.journey.map.queryOptions({ customerId }));
  const refresh = () => void qc.invalidateQueries({ queryKey: trpc.journey.map.queryKey({ customerId }) });
  useSubscription({ customerId }, { "timeline.created": refresh, "customer.updated": refresh }, refresh);

  if (map.isPending) return <div className="p-6"><Skeleton lines={6} /></div>;
  if (map.isError) {
    return (
      <div className="p-6">
        <ErrorState error={map.error} retry={() => void map.refetch()} />
        <Link href="/customers" className="mt-4 inline-block text-sm text-brand-700 underline">{t("backToCustomers")}</Link>
      </div>
    );
  }
  const d = map.data;
  return (
    <div className="mx-auto max-w-[1400px] space-y-5 px-6 py-5">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <Link href={`/customers/${customerId}`} className="text-sm text-brand-700 hover:underline">← {d.customer.name ?? t("customerFallback")}</Link>
          <h1 className="mt-1 flex items-center gap-3 text-xl font-semibold">
            {d.customer.name ? t("titleNamed", { name: d.customer.name }) : t("titleUnnamed")} <StageBadge stage={d.customer.stage} className="text-sm" />
          </h1>
          <p className="text-sm text-slate-500">
            {t("summary", {
              count: `${d.touchpointCount.count.toLocaleString(numberLocale)}${d.touchpointCount.capped ? "+" : ""}`,
              since: dateOnly(d.customer.createdAt, locale),
              value: d.customer.lifetimeValue.toLocaleString(numberLocale, { style: "currency", currency: "USD" }),
            })}
          </p>
        </div>
        <div className="flex gap-1 rounded-lg bg-slate-100 p-0.5 text-xs" role="group" aria-label={t("rangeLabel")}>
          {RANGES.map((r) => (
            <button key={r.key} type="button" onClick={() => setRange(r.key)} className={`rounded-md px-2.5 py-1 font-medium ${range === r.key ? "bg-surface shadow-sm" : "text-slate-600"}`}>
              {t(`range.${r.key}`)}
            </button>
          ))}
        </div>
      </header>

      <section className="rounded-xl bg-surface p-4 ring-1 ring-slate-200" aria-label={t("mapLabel")}>
        <JourneyMapChart data={d} range={range} />
        <div className="mt-3 border-t border-slate-100 pt-3">
          <JourneyLegend />
        </div>
      </section>

      <div className="grid gap-5 lg:grid-cols-3">
        <StageCard customerId={customerId} data={d} />
        <section className="rounded-xl bg-surface p-4 ring-1 ring-slate-200" aria-label={t("friction.label")}>
          <div className="flex items-center justify-between">
            <h2 className="text-sm font-semibold">{t("friction.title")}</h2>
            <span data-testid="friction-score" className={`rounded-lg px-2.5 py-1 text-lg font-bold tabular-nums ${d.friction.score >= 50 ? "bg-red-100 text-red-700" : d.friction.score >= 25 ? "bg-amber-100 text-amber-800" : "bg-emerald-50 text-emerald-700"}`}>
              {d.friction.score}
              <span className="text-xs font-medium opacity-70">/100</span>
            </span>
          </div>
          {d.friction.signals.length === 0 ? (
            <p className="mt-3 text-sm text-slate-500">{t("friction.none")}</p>
          ) : (
            <ul className="mt-3 space-y-2">
              {d.friction.signals.map((s) => (
                <li key={s.kind} className="text-sm">
                  <div className="flex items-center justify-between">
                    <span className="font-medium text-slate-800">
                      {SIGNALS.has(s.kind) ? t(`signals.${s.kind}` as "signals.wait") : s.kind} <span className="text-slate-500">×{s.count}</span>
                    </span>
                    <span className="text-xs font-semibold text-slate-500">+{s.points}</span>
                  </div>
                  <p className="truncate text-xs text-slate-500" title={s.detail}>{s.detail}</p>
                </li>
              ))}
            </ul>
          )}
          <p className="mt-3 text-xs text-slate-500">{t("friction.points", { count: d.frictionPoints.length })}</p>
        </section>
        <section className="rounded-xl bg-surface p-4 ring-1 ring-slate-200" aria-label={t("history.label")}>
          <h2 className="text-sm font-semibold">{t("history.title")}</h2>
          <ol className="mt-3 space-y-2.5" data-testid="stage-history">
            {[...d.segments].reverse().map((s, i) => (
              <li key={`${s.from}-${i}`} className="flex items-start justify-between gap-2 text-sm">
                <span className="min-w-0">
                  <StageBadge stage={s.stage} />
                  <span className="ms-2 text-xs text-slate-500">{s.reason ?? ""}{s.override ? t("history.setByAgentSuffix") : ""}</span>
                </span>
                <span className="shrink-0 text-end text-xs text-slate-500">
                  {dateOnly(s.from, locale)}
                  <span className="block text-slate-500">{i === 0 ? t("history.forSoFar", { duration: duration(t, s.from, s.to) }) : duration(t, s.from, s.to)}</span>
                </span>
              </li>
            ))}
            {d.segments.length === 0 ? <li className="text-sm text-slate-500">{t("history.none")}</li> : null}
          </ol>
        </section>
      </div>
    </div>
  );
}

function StageCard({ customerId, data }: { customerId: string; data: { customer: { stage: string | null; overriddenBy: string | null; overrideUntil: string | null } } }) {
  const t = useTranslations("pages.journey.stageCard");
  const locale = useLocale();
  const stageLabel = useStageLabel();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [stage, setStage] = useState<string>(data.customer.stage ?? "awareness");
  const [note, setNote] = useState("");
  const done = () => {
    setNote("");
    void qc.invalidateQueries({ queryKey: trpc.journey.map.queryKey({ customerId }) });
    void qc.invalidateQueries({ queryKey: trpc.customer.pathKey() });
  };
  const set = useMutation(trpc.journey.setStage.mutationOptions({ onSuccess: done }));
  const clear = useMutation(trpc.journey.clearOverride.mutationOptions({ onSuccess: done }));
  return (
    <section className="rounded-xl bg-surface p-4 ring-1 ring-slate-200" aria-label={t("label")}>
      <h2 className="text-sm font-semibold">{t("title")}</h2>
      <div className="mt-2 flex items-center gap-2">
        <StageBadge stage={data.customer.stage} className="text-sm" />
        {data.customer.overriddenBy ? (
          <span className="text-xs text-slate-500">{data.customer.overrideUntil ? t("setByAgentResumes", { when: relativeTime(data.customer.overrideUntil, Date.now(), locale) }) : t("setByAgent")}</span>
        ) : (
          <span className="text-xs text-slate-500">{t("inferred")}</span>
        )}
      </div>
      <form
        className="mt-4 space-y-2"
        onSubmit={(e) => {
          e.preventDefault();
          set.mutate({ customerId, stage: stage as (typeof STAGE_ORDER)[number], note: note || null });
        }}
      >
        <label className="block text-xs font-medium text-slate-600">
          {t("correct")}
          <select value={stage} onChange={(e) => setStage(e.target.value)} className="mt-1 block w-full rounded-md border border-slate-300 bg-surface px-2 py-1.5 text-sm">
            {STAGE_ORDER.map((s) => (
              <option key={s} value={s}>{stageLabel(s)}</option>
            ))}
          </select>
        </label>
        <label className="block text-xs font-medium text-slate-600">
          {t("why")}
          <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm" placeholder={t("whyPlaceholder")} />
        </label>
        <div className="flex items-center gap-2">
          <button type="submit" disabled={set.isPending} className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50">{t("submit")}</button>
          {data.customer.overriddenBy ? (
            <button type="button" onClick={() => clear.mutate({ customerId })} disabled={clear.isPending} className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50">
              {t("automatic")}
            </button>
          ) : null}
        </div>
        <p className="text-xs text-slate-500">{t("holds")}</p>
        {set.isError ? <ErrorState error={set.error} /> : null}
        {clear.isError ? <ErrorState error={clear.error} /> : null}
      </form>
    </section>
  );
}
