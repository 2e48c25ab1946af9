"use client";
// Supervisor metrics over a chosen period (definitions: docs/metrics.md),
// with charts and a CSV export of the same numbers.
import { useMemo, useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";
import { ErrorState, Skeleton } from "@/components/ui";
import { Kpi, Panel } from "@/components/charts/kpi";
import { AreaTrend, StackedBars, TrendLines } from "@/components/charts/charts";
import { fmtMinutes, fmtNum, fmtPct } from "@/components/charts/format";
import { CHANNEL_COLORS, emotionColor } from "@/components/journey/palette";
import { channelInfo } from "@/components/channel";
import { SURVEY_KINDS } from "@/lib/vocabulary";

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
function preset(days: number) {
  const to = Date.parse(`${iso(Date.now())}T00:00:00Z`);
  return { from: iso(to - (days - 1) * DAY), to: iso(to) };
}

export function MetricsView() {
  const trpc = useTRPC();
  const [period, setPeriod] = useState(() => preset(30));
  const [draft, setDraft] = useState(period);
  const report = useQuery({ ...trpc.metrics.report.queryOptions(period), placeholderData: keepPreviousData });
  const presets = [7, 30, 90, 365];
  const activePreset = presets.find((d) => {
    const p = preset(d);
    return p.from === period.from && p.to === period.to;
  });

  const m = report.data;
  const volumeSeries = useMemo(() => (m ? m.volume.channels.map((c) => ({ key: c, label: channelInfo(c).label, color: CHANNEL_COLORS[c] ?? "#64748b" })) : []), [m]);
  const exportHref = `/api/metrics/export?from=${period.from}&to=${period.to}`;

  return (
    <div className="space-y-5">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Metrics</h1>
          <p className="text-sm text-slate-500">
            {period.from} – {period.to} (UTC days). Definitions in <code className="text-xs">docs/metrics.md</code>.
          </p>
        </div>
        <div className="flex flex-wrap items-end gap-2">
          <div className="flex gap-1 rounded-lg bg-slate-100 p-0.5 text-xs" role="group" aria-label="Period">
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
                {d === 365 ? "12 months" : `${d} days`}
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
              From
              <input type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} className="rounded-md border border-slate-300 px-2 py-1 text-sm text-slate-800" />
            </label>
            <label className="flex flex-col text-slate-500">
              To
              <input type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} className="rounded-md border border-slate-300 px-2 py-1 text-sm text-slate-800" />
            </label>
            <button type="submit" className="rounded-md bg-slate-800 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700">
              Apply
            </button>
          </form>
          <a href={exportHref} className="rounded-md border border-slate-300 bg-surface px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50" download>
            Export CSV
          </a>
        </div>
      </header>

      {report.isError ? <ErrorState error={report.error} retry={() => void report.refetch()} /> : null}
      {!m ? (
        <Skeleton lines={6} />
      ) : (
        <div className={`space-y-5 ${report.isFetching ? "opacity-70 transition-opacity" : ""}`} data-testid="metrics">
          <div className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-7">
            <Kpi label="Conversations" value={fmtNum(m.summary.conversations)} note={`${fmtNum(m.summary.resolved)} resolved`} />
            <Kpi label="First response" value={fmtMinutes(m.summary.firstResponse.median)} note={`median · p90 ${fmtMinutes(m.summary.firstResponse.p90)}`} />
            <Kpi label="Resolution" value={fmtMinutes(m.summary.resolution.median)} note={`median · p90 ${fmtMinutes(m.summary.resolution.p90)}`} />
            <Kpi label="Reopen rate" value={fmtPct(m.summary.reopenRate)} note={`of ${fmtNum(m.summary.reopenBase)} resolved`} tone={(m.summary.reopenRate ?? 0) > 10 ? "warn" : "default"} />
            <Kpi label="CSAT" value={fmtPct(m.summary.csat.score, 0)} note={`4–5 of ${fmtNum(m.summary.csat.responses)} answers`} tone={m.summary.csat.score === null ? "default" : m.summary.csat.score >= 80 ? "good" : m.summary.csat.score < 60 ? "bad" : "warn"} />
            <Kpi
              label="NPS"
              value={m.summary.nps.score === null ? "—" : `${m.summary.nps.score > 0 ? "+" : ""}${Math.round(m.summary.nps.score)}`}
              note={`${fmtNum(m.summary.nps.responses)} answers`}
              tone={m.summary.nps.score === null ? "default" : m.summary.nps.score >= 30 ? "good" : m.summary.nps.score < 0 ? "bad" : "warn"}
            />
            <Kpi label="CES" value={m.summary.ces.score === null ? "—" : m.summary.ces.score.toFixed(1)} note={`mean of ${fmtNum(m.summary.ces.responses)} (1–7)`} />
          </div>

          <div className="grid gap-5 xl:grid-cols-2">
            <Panel title="Volume by channel" actions={<span className="text-xs text-slate-500">new conversations per day</span>}>
              <StackedBars data={m.volume.days} series={volumeSeries} yLabel="New conversations per day by channel" />
            </Panel>
            <Panel title="Backlog" actions={<span className="text-xs text-slate-500">open at the end of each day</span>}>
              <AreaTrend data={m.backlog} dataKey="open" label="Open conversations" color="#6366f1" />
            </Panel>
            <Panel title="Customer feeling" actions={<span className="text-xs text-slate-500">CSAT % and NPS, trailing 7 days</span>}>
              <TrendLines
                data={m.surveyTrend}
                series={[
                  { key: "csat7", label: "CSAT %", color: "#10b981" },
                  { key: "nps7", label: "NPS", color: "#6366f1" },
                ]}
                domain={[-100, 100]}
                yLabel="CSAT and NPS over the trailing 7 days"
              />
            </Panel>
            <Panel title="Survey answers" actions={<span className="text-xs text-slate-500">how many answers gave each score</span>}>
              <Distribution data={m.distribution} />
            </Panel>
          </div>
          <Panel title="Per team">
            <GroupTable rows={m.teams} label="Team" />
          </Panel>
          <Panel title="Per agent">
            <GroupTable rows={m.agents} label="Agent" />
          </Panel>
        </div>
      )}
    </div>
  );
}

const KIND_LABEL = { csat: "CSAT (1–5)", nps: "NPS (0–10)", ces: "CES (1–7)" } as const;

function Distribution({ data }: { data: Record<"csat" | "nps" | "ces", { score: number; n: number }[]> }) {
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
              {KIND_LABEL[k]} <span className="text-slate-500">· {total}</span>
            </p>
            <div className="mt-2 flex flex-1 items-end gap-0.5 border-b border-slate-200">
              {rows.map((r) => (
                <div key={r.score} className="flex flex-1 flex-col items-center justify-end" title={`${r.n} answered ${r.score}`}>
                  <span className="text-[10px] text-slate-500 tabular-nums">{r.n || ""}</span>
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

function GroupTable({ rows, label }: { rows: Row[]; label: string }) {
  const max = Math.max(1, ...rows.map((r) => r.conversations));
  return (
    <div className="-mx-4 overflow-x-auto">
      <table className="w-full text-sm">
        <thead className="border-b border-slate-100 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="px-4 py-2 text-left font-medium">{label}</th>
            <th className="px-3 py-2 text-left font-medium">Conversations</th>
            <th className="px-3 py-2 text-right font-medium">Resolved</th>
            <th className="px-3 py-2 text-right font-medium">1st response</th>
            <th className="px-3 py-2 text-right font-medium">Resolution</th>
            <th className="px-3 py-2 text-right font-medium">Reopened</th>
            <th className="px-3 py-2 text-right font-medium">CSAT</th>
            <th className="px-3 py-2 pr-4 text-right font-medium">Open now</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.id ?? "none"} className={r.id === null ? "text-slate-500" : ""}>
              <td className="px-4 py-2 font-medium text-slate-800">{r.name}</td>
              <td className="px-3 py-2">
                <span className="flex items-center gap-2">
                  <span className="h-1.5 w-24 overflow-hidden rounded-full bg-slate-100">
                    <span className="block h-full rounded-full bg-brand-500" style={{ width: `${(100 * r.conversations) / max}%` }} />
                  </span>
                  <span className="tabular-nums">{r.conversations}</span>
                </span>
              </td>
              <td className="px-3 py-2 text-right tabular-nums">{r.resolved}</td>
              <td className="px-3 py-2 text-right tabular-nums">{fmtMinutes(r.firstResponseMedian)}</td>
              <td className="px-3 py-2 text-right tabular-nums">{fmtMinutes(r.resolutionMedian)}</td>
              <td className="px-3 py-2 text-right tabular-nums">{fmtPct(r.reopenRate, 0)}</td>
              <td className="px-3 py-2 text-right tabular-nums">
                {fmtPct(r.csat, 0)}
                {r.csatResponses ? <span className="ml-1 text-xs text-slate-500">({r.csatResponses})</span> : null}
              </td>
              <td className="px-3 py-2 pr-4 text-right tabular-nums">{r.open}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
