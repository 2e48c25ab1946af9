"use client";
// recharts wrappers with the console's look: stacked daily bars, trend lines
// and areas. Each takes plain rows and series descriptions. Day ticks and
// tooltips in the page's locale (pages.charts).
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useTranslations } from "next-intl";
import { useChartFormat } from "./format";

export type Series = { key: string; label: string; color: string };

const axis = { fontSize: 11, fill: "#64748b" };
const tooltipStyle = { borderRadius: 8, border: "1px solid #e2e8f0", fontSize: 12, boxShadow: "0 4px 12px rgb(15 23 42 / 0.08)" };

function tickEvery(n: number) {
  return n <= 14 ? 0 : Math.ceil(n / 10) - 1;
}

export function StackedBars({ data, series, height = 240, xKey = "day", yLabel }: { data: Record<string, unknown>[]; series: Series[]; height?: number; xKey?: string; yLabel?: string }) {
  const t = useTranslations("pages.charts");
  const { day: shortDay } = useChartFormat();
  return (
    <div style={{ height }} role="img" aria-label={yLabel ?? t("barChart")}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 4, right: 8, left: -12, bottom: 0 }}>
          <CartesianGrid stroke="#eef2f7" vertical={false} />
          <XAxis dataKey={xKey} tick={axis} tickFormatter={xKey === "day" ? shortDay : undefined} interval={tickEvery(data.length)} tickLine={false} axisLine={{ stroke: "#e2e8f0" }} />
          <YAxis tick={axis} allowDecimals={false} tickLine={false} axisLine={false} width={40} />
          <Tooltip contentStyle={tooltipStyle} labelFormatter={(l) => (xKey === "day" ? shortDay(String(l)) : String(l))} cursor={{ fill: "#f1f5f9" }} />
          <Legend wrapperStyle={{ fontSize: 12 }} iconType="circle" iconSize={8} />
          {series.map((s, i) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} stackId="a" fill={s.color} radius={i === series.length - 1 ? [3, 3, 0, 0] : 0} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function TrendLines({
  data,
  series,
  height = 240,
  domain,
  unit,
  yLabel,
}: {
  data: Record<string, unknown>[];
  series: Series[];
  height?: number;
  domain?: [number | "auto" | "dataMin" | "dataMax", number | "auto" | "dataMin" | "dataMax"];
  unit?: string;
  yLabel?: string;
}) {
  const t = useTranslations("pages.charts");
  const { day: shortDay } = useChartFormat();
  return (
    <div style={{ height }} role="img" aria-label={yLabel ?? t("lineChart")}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 4, right: 8, left: -12, bottom: 0 }}>
          <CartesianGrid stroke="#eef2f7" vertical={false} />
          <XAxis dataKey="day" tick={axis} tickFormatter={shortDay} interval={tickEvery(data.length)} tickLine={false} axisLine={{ stroke: "#e2e8f0" }} />
          <YAxis tick={axis} domain={domain ?? ["auto", "auto"]} tickLine={false} axisLine={false} width={44} unit={unit} />
          <Tooltip contentStyle={tooltipStyle} labelFormatter={(l) => shortDay(String(l))} />
          <Legend wrapperStyle={{ fontSize: 12 }} iconType="circle" iconSize={8} />
          {series.map((s) => (
            <Line key={s.key} type="monotone" dataKey={s.key} name={s.label} stroke={s.color} strokeWidth={2} dot={false} connectNulls isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

export function AreaTrend({ data, dataKey, label, color, height = 240 }: { data: Record<string, unknown>[]; dataKey: string; label: string; color: string; height?: number }) {
  const id = `grad-${dataKey}`;
  const { day: shortDay } = useChartFormat();
  return (
    <div style={{ height }} role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={data} margin={{ top: 4, right: 8, left: -12, bottom: 0 }}>
          <defs>
            <linearGradient id={id} x1="0" y1="0" x2="0" y2="1">
              <stop offset="0%" stopColor={color} stopOpacity={0.35} />
              <stop offset="100%" stopColor={color} stopOpacity={0.02} />
            </linearGradient>
          </defs>
          <CartesianGrid stroke="#eef2f7" vertical={false} />
          <XAxis dataKey="day" tick={axis} tickFormatter={shortDay} interval={tickEvery(data.length)} tickLine={false} axisLine={{ stroke: "#e2e8f0" }} />
          <YAxis tick={axis} allowDecimals={false} tickLine={false} axisLine={false} width={40} />
          <Tooltip contentStyle={tooltipStyle} labelFormatter={(l) => shortDay(String(l))} />
          <Area type="monotone" dataKey={dataKey} name={label} stroke={color} strokeWidth={2} fill={`url(#${id})`} isAnimationActive={false} />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}

export function HorizontalBars({ data, series, height = 240, labelKey = "label" }: { data: Record<string, unknown>[]; series: Series[]; height?: number; labelKey?: string }) {
  const t = useTranslations("pages.charts");
  return (
    <div style={{ height }} role="img" aria-label={t("barChart")}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, left: 8, bottom: 0 }}>
          <CartesianGrid stroke="#eef2f7" horizontal={false} />
          <XAxis type="number" tick={axis} allowDecimals={false} tickLine={false} axisLine={false} />
          <YAxis type="category" dataKey={labelKey} tick={axis} width={96} tickLine={false} axisLine={false} />
          <Tooltip contentStyle={tooltipStyle} cursor={{ fill: "#f1f5f9" }} />
          <Legend wrapperStyle={{ fontSize: 12 }} iconType="circle" iconSize={8} />
          {series.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.color} radius={[0, 3, 3, 0]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
