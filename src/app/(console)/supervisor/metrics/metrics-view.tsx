"use client";
// Supervisor metrics over a chosen period (definitions: docs/metrics.md),
// with charts and a CSV export of the same numbers.
import { useMemo, useState } from "react";
import { useTranslations } from "next-intl";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";
import { ErrorState, Skeleton } from "@/components/ui";
import { Kpi, Panel } from "@/components/charts/kpi";
import { AreaTrend, StackedBars, TrendLines } from "@/components/charts/charts";
import { useChartFormat, type ChartFormat } from "@/components/charts/format";
import { CHANNEL_COLORS, emotionColor } from "@/components/journey/palette";
import { useChannelLabel } from "@/components/channel";
import { SURVEY_KINDS } from "@/lib/vocabulary";

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
function preset(days: number) {
  const to = Date.parse(`${iso(Date.now())}T00:00:00Z`);
  return { from: iso(to - (days - 1) * DAY), to: iso(to) };
}

export function MetricsView() {
  const trpc = useTRPC();
  const t = useTranslations("pages.supervisor.metrics");
  const f = useChartFormat();
  const channelLabel = useChannelLabel();
  const [period, setPeriod] = useState(() => preset(30));
  const [draft, setDraft] = useState(period);
  const report = useQuery({ ...trpc.metrics.report.queryOptions(period), placeholderData: keepPreviousData });
  const presets = [7, 30, 90, 365];
  const activePreset = presets.find((d) => {
    const p = preset(d);
    return p.from === period.from && p.to === period.to;
  });

  const m = report.data;
  const volumeSeries = useMemo(() => (m ? m.volume.channels.map((c) => ({ key: c, label: channelLabel(c), color: CHANNEL_COLORS[c] ?? "#64748b" })) : []), [m, channelLabel]);
  const exportHref = `/api/metrics/export?from=${period.from}&to=${period.to}`;

  return (
    <div className="space-y-5">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">{t("title")}</h1>
          <p className="text-sm text-slate-500">
            {t.rich("period", { from: period.from, to: period.to, code: (chunks) => <code className="text-xs">{chunks}</code> })}
          </p>
        </div>
        <div className="flex flex-wrap items-end gap-2">
          <div className="flex gap-1 rounded-lg bg-slate-100 p-0.5 text-xs" role="group" aria-label={t("periodLabel")}>
            {presets.map((d) => (
              <button
                key={d}
                type="button"
                onClick={() => {
                  const p = preset(d);
                  setPeriod(p);
                  setDraft(p);
                }}
                className={`rounded-md px-2.5 py-1 font-medium ${activePreset === d ? "bg-surface shadow-sm" : "text-slate-600"}`}
              >
                {d === 365 ? t("months12") : t("days", { days: d })}
              </button>
            ))}
          </div>
          <form
            className="flex items-end gap-1.5 text-xs"
            onSubmit={(e) => {
              e.preventDefault();
              if (draft.from && draft.to) setPeriod(draft);
            }}
          >
            <label className="flex flex-col text-slate-500">
              {t("from")}
              <input type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} className="rounded-md border border-slate-300 px-2 py-1 text-sm text-slate-800" />
            </label>
            <label className="flex flex-col text-slate-500">
              {t("to")}
              <input type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} className="rounded-md border border-slate-300 px-2 py-1 text-sm text-slate-800" />
            </label>
            <button type="submit" className="rounded-md bg-slate-800 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700">
              {t("apply")}
            </button>
          </form>
          <a href={exportHref} className="rounded-md border border-slate-300 bg-surface px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50" download>
            {t("exportCsv")}
          </a>
        </div>
      </header>

      {report.isError ? <ErrorState error={report.error} retry={() => void report.refetch()} /> : null}
      {!m ? (
        <Skeleton lines={6} />
      ) : (
        <div className={`space-y-5 ${report.isFetching ? "opacity-70 transition-opacity" : ""}`} data-testid="metrics">
          <div className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-7">
            <Kpi label={t("kpi.conversations")} value={f.num(m.summary.conversations)} note={t("kpi.resolvedNote", { n: f.num(m.summary.resolved) })} />
            <Kpi label={t("kpi.firstResponse")} value={f.minutes(m.summary.firstResponse.median)} note={t("kpi.medianP90", { p90: f.minutes(m.summary.firstResponse.p90) })} />
            <Kpi label={t("kpi.resolution")} value={f.minutes(m.summary.resolution.median)} note={t("kpi.medianP90", { p90: f.minutes(m.summary.resolution.p90) })} />
            <Kpi label={t("kpi.reopenRate")} value={f.pct(m.summary.reopenRate)} note={t("kpi.ofResolved", { n: f.num(m.summary.reopenBase) })} tone={(m.summary.reopenRate ?? 0) > 10 ? "warn" : "default"} />
            <Kpi label={t("kpi.csat")} value={f.pct(m.summary.csat.score, 0)} note={t("kpi.csatNote", { n: f.num(m.summary.csat.responses) })} tone={m.summary.csat.score === null ? "default" : m.summary.csat.score >= 80 ? "good" : m.summary.csat.score < 60 ? "bad" : "warn"} />
            <Kpi
              label={t("kpi.nps")}
              value={m.summary.nps.score === null ? "—" : `${m.summary.nps.score > 0 ? "+" : ""}${Math.round(m.summary.nps.score)}`}
              note={t("kpi.answers", { n: f.num(m.summary.nps.responses) })}
              tone={m.summary.nps.score === null ? "default" : m.summary.nps.score >= 30 ? "good" : m.summary.nps.score < 0 ? "bad" : "warn"}
            />
            <Kpi label={t("kpi.ces")} value={m.summary.ces.score === null ? "—" : f.fixed(m.summary.ces.score, 1)} note={t("kpi.cesNote", { n: f.num(m.summary.ces.responses) })} />
          </div>

          <div className="grid gap-5 xl:grid-cols-2">
            <Panel title={t("panel.volume")} actions={<span className="text-xs text-slate-500">{t("panel.volumeHint")}</span>}>
              <StackedBars data={m.volume.days} series={volumeSeries} yLabel={t("panel.volumeChart")} />
            </Panel>
            <Panel title={t("panel.backlog")} actions={<span className="text-xs text-slate-500">{t("panel.backlogHint")}</span>}>
              <AreaTrend data={m.backlog} dataKey="open" label={t("panel.backlogSeries")} color="#6366f1" />
            </Panel>
            <Panel title={t("panel.feeling")} actions={<span className="text-xs text-slate-500">{t("panel.feelingHint")}</span>}>
              <TrendLines
                data={m.surveyTrend}
                series={[
                  { key: "csat7", label: t("panel.csatPct"), color: "#10b981" },
                  { key: "nps7", label: t("panel.nps"), color: "#6366f1" },
                ]}
                domain={[-100, 100]}
                yLabel={t("panel.feelingChart")}
              />
            </Panel>
            <Panel title={t("panel.surveyAnswers")} actions={<span className="text-xs text-slate-500">{t("panel.surveyHint")}</span>}>
              <Distribution data={m.distribution} f={f} />
            </Panel>
          </div>
          <Panel title={t("panel.perTeam")}>
            <GroupTable rows={m.teams} dimension="team" label={t("table.team")} f={f} />
          </Panel>
          <Panel title={t("panel.perAgent")}>
            <GroupTable rows={m.agents} dimension="agent" label={t("table.agent")} f={f} />
          </Panel>
        </div>
      )}
    </div>
  );
}

function Distribution({ data, f }: { data: Record<"csat" | "nps" | "ces", { score: number; n: number }[]>; f: ChartFormat }) {
  const t = useTranslations("pages.supervisor.metrics.distribution");
  return (
    <div className="grid h-[240px] grid-cols-[repeat(3,minmax(0,1fr))] gap-4 pt-2">
      {SURVEY_KINDS.map((k) => {
        const rows = data[k];
        const max = Math.max(1, ...rows.map((r) => r.n));
        const total = rows.reduce((t, r) => t + r.n, 0);
        const top = rows[rows.length - 1]!.score;
        return (
          <div key={k} className="flex min-w-0 flex-col">
            <p className="text-xs font-medium text-slate-600">
              {t(k)} <span className="text-slate-500">· {f.num(total)}</span>
            </p>
            <div className="mt-2 flex flex-1 items-end gap-0.5 border-b border-slate-200">
              {rows.map((r) => (
                <div key={r.score} className="flex flex-1 flex-col items-center justify-end" title={t("bar", { n: f.num(r.n), score: r.score })}>
                  <span className="text-[10px] text-slate-500 tabular-nums">{r.n ? f.num(r.n) : ""}</span>
                  <span className="w-full rounded-t" style={{ height: `${(150 * r.n) / max}px`, background: emotionColor(r.score, top), minHeight: r.n ? 2 : 0 }} />
                </div>
              ))}
            </div>
            <div className="mt-1 flex gap-0.5">
              {rows.map((r) => (
                <span key={r.score} className="flex-1 text-center text-[10px] text-slate-500">
                  {r.score}
                </span>
              ))}
            </div>
          </div>
        );
      })}
    </div>
  );
}

type Row = { id: string | null; name: string; conversations: number; resolved: number; firstResponseMedian: number | null; resolutionMedian: number | null; reopenRate: number | null; csat: number | null; csatResponses: number; open: number };

function GroupTable({ rows, dimension, label, f }: { rows: Row[]; dimension: "team" | "agent"; label: string; f: ChartFormat }) {
  const t = useTranslations("pages.supervisor.metrics.table");
  const max = Math.max(1, ...rows.map((r) => r.conversations));
  return (
    <div className="-mx-4 overflow-x-auto">
      <table className="w-full text-sm">
        <thead className="border-b border-slate-100 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="px-4 py-2 text-start font-medium">{label}</th>
            <th className="px-3 py-2 text-start font-medium">{t("conversations")}</th>
            <th className="px-3 py-2 text-end font-medium">{t("resolved")}</th>
            <th className="px-3 py-2 text-end font-medium">{t("firstResponse")}</th>
            <th className="px-3 py-2 text-end font-medium">{t("resolution")}</th>
            <th className="px-3 py-2 text-end font-medium">{t("reopened")}</th>
            <th className="px-3 py-2 text-end font-medium">{t("csat")}</th>
            <th className="px-3 py-2 pe-4 text-end font-medium">{t("openNow")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.id ?? "none"} className={r.id === null ? "text-slate-500" : ""}>
              <td className="px-4 py-2 font-medium text-slate-800">{r.id === null ? t(dimension === "agent" ? "unassigned" : "noTeam") : r.name}</td>
              <td className="px-3 py-2">
                <span className="flex items-center gap-2">
                  <span className="h-1.5 w-24 overflow-hidden rounded-full bg-slate-100">
                    <span className="block h-full rounded-full bg-brand-500" style={{ width: `${(100 * r.conversations) / max}%` }} />
                  </span>
                  <span className="tabular-nums">{f.num(r.conversations)}</span>
                </span>
              </td>
              <td className="px-3 py-2 text-end tabular-nums">{f.num(r.resolved)}</td>
              <td className="px-3 py-2 text-end tabular-nums">{f.minutes(r.firstResponseMedian)}</td>
              <td className="px-3 py-2 text-end tabular-nums">{f.minutes(r.resolutionMedian)}</td>
              <td className="px-3 py-2 text-end tabular-nums">{f.pct(r.reopenRate, 0)}</td>
              <td className="px-3 py-2 text-end tabular-nums">
                {f.pct(r.csat, 0)}
                {r.csatResponses ? <span className="ms-1 text-xs text-slate-500">({f.num(r.csatResponses)})</span> : null}
              </td>
              <td className="px-3 py-2 pe-4 text-end tabular-nums">{f.num(r.open)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
