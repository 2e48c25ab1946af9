"use client";
// The journey map: the customer's stages over time as a horizontal track,
// every touchpoint placed on it in a row per channel, the customer's emotion
// as a curve through their scored messages and survey answers (−1 … +1, over
// the stage bands; survey answers as coloured dots with their score), and
// friction points marked (a sharp negative turn is one). Words:
// pages.journey.map and .legend; dates in the page's locale.
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useMemo, useRef, useState } from "react";
import type { AppRouter } from "@/server/api/root";
import type { inferRouterOutputs } from "@trpc/server";
import { CHANNEL_ORDER, useChannelLabel } from "@/components/channel";
import { CHANNEL_COLORS, STAGE_COLORS, emotionColor, useStageLabel } from "./palette";

type MapData = inferRouterOutputs<AppRouter>["journey"]["map"];
type Touch = MapData["touchpoints"][number];

const DAY = 86_400_000;
// Labels: pages.journey.range.<key>.
export const RANGES = [
  { key: "all", days: null },
  { key: "365", days: 365 },
  { key: "90", days: 90 },
  { key: "30", days: 30 },
] as const;
export type RangeKey = (typeof RANGES)[number]["key"];

const LABEL_W = 112;
const PAD_R = 18;
const STAGE_H = 34;
const FEEL_H = 76;
const ROW_H = 28;
const FRICTION_H = 34;
const AXIS_H = 26;
const GAP = 10;

const EMOTION_COLOR: Record<string, string> = { negative: "#dc2626", neutral: "#64748b", positive: "#16a34a" };
// Known cue and friction kinds (pages.journey.map.cue.* / .frictionKind.*); others read as themselves.
const CUES = new Set(["repeated_contact", "caps", "still", "again", "escalation"]);
const FRICTION_KINDS = new Set(["wait", "repeat_contact", "handoff", "channel_switch", "reopen", "failed_self_service", "negative_turn"]);
const TOUCH_KINDS = new Set(["message", "note", "ticket_event", "product_event", "survey_response", "article_view", "journey_stage"]);

type MapT = ReturnType<typeof useTranslations<"pages.journey.map">>;

function emotionLine(t: MapT, locale: string, e: NonNullable<Touch["emotion"]>): string {
  const score = e.score ?? 0;
  const abs = locale === "en" ? Math.abs(score).toFixed(2) : new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(Math.abs(score));
  const signed = `${score > 0 ? "+" : score < 0 ? "−" : ""}${abs}`;
  const cues = e.cues.map((c) => (CUES.has(c) ? t(`cue.${c}` as "cue.caps") : c)).join(", ");
  return `${t("feelingLine", { label: t("emotion", { label: e.label }), score: signed })}${e.cues.length ? ` · ${cues}` : ""}`;
}

type Hover = { x: number; y: number; title: string; lines: string[] };

function useWidth() {
  const ref = useRef<HTMLDivElement>(null);
  const [w, setW] = useState(1000);
  useEffect(() => {
    if (!ref.current) return;
    const ro = new ResizeObserver((entries) => setW(Math.max(480, Math.floor(entries[0]!.contentRect.width))));
    ro.observe(ref.current);
    return () => ro.disconnect();
  }, []);
  return [ref, w] as const;
}

/** en → "en-GB" (9 Mar 2026), as the map always read; other locales as themselves. */
const dateLocale = (locale: string) => (locale === "en" ? "en-GB" : locale);

function fmtDate(t: number | string, locale: string) {
  return new Date(t).toLocaleString(dateLocale(locale), { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
}

function ticks(t0: number, t1: number, locale: string): { t: number; label: string }[] {
  const span = t1 - t0;
  const out: { t: number; label: string }[] = [];
  const d = new Date(t0);
  if (span > 120 * DAY) {
    // Months (every 2nd or 3rd when long).
    const step = span > 600 * DAY ? 3 : span > 300 * DAY ? 2 : 1;
    let c = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
    while (c.getTime() < t1) {
      if (c.getUTCMonth() % step === 0) out.push({ t: c.getTime(), label: c.toLocaleDateString(dateLocale(locale), { month: "short", year: c.getUTCMonth() === 0 || out.length === 0 ? "2-digit" : undefined, timeZone: "UTC" }) });
      c = new Date(Date.UTC(c.getUTCFullYear(), c.getUTCMonth() + 1, 1));
    }
  } else {
    const step = span > 45 * DAY ? 7 : span > 14 * DAY ? 3 : 1;
    let c = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
    for (let i = 0; c < t1; c += DAY, i++) {
      if (i % step === 0) out.push({ t: c, label: new Date(c).toLocaleDateString(dateLocale(locale), { day: "numeric", month: "short", timeZone: "UTC" }) });
    }
  }
  return out;
}

export function JourneyMapChart({ data, range }: { data: MapData; range: RangeKey }) {
  const t = useTranslations("pages.journey.map");
  const channelLabel = useChannelLabel();
  const locale = useLocale();
  const stageLabel = useStageLabel();
  const router = useRouter();
  const [ref, width] = useWidth();
  const [hover, setHover] = useState<Hover | null>(null);
  const now = Date.now();
  const days = RANGES.find((r) => r.key === range)!.days;

  const model = useMemo(() => {
    const all = [...data.touchpoints.map((p) => Date.parse(p.at)), ...data.segments.map((s) => Date.parse(s.from))];
    const first = all.length ? Math.min(...all) : now - 30 * DAY;
    const t0 = days ? Math.max(now - days * DAY, first - DAY) : first - Math.max(DAY, (now - first) * 0.01);
    const t1 = now + Math.max(3_600_000, (now - t0) * 0.01);
    const inRange = (t: number) => t >= t0 && t <= t1;
    const touches = data.touchpoints.filter((p) => inRange(Date.parse(p.at)));
    const surveys = touches.filter((p) => p.kind === "survey_response");
    const others = touches.filter((p) => p.kind !== "survey_response");
    // The curve: every scored touchpoint in time order (unscored languages are left out, never guessed).
    const felt = touches.filter((p) => p.emotion && p.emotion.label !== "unscored" && p.emotion.score !== null);
    const channels = CHANNEL_ORDER.filter((c) => others.some((p) => p.channel === c));
    const friction = data.frictionPoints.filter((f) => inRange(Date.parse(f.at)));
    return { t0, t1, surveys, others, channels, friction, felt };
  }, [data, days, now]);

  const plotW = width - LABEL_W - PAD_R;
  const x = (t: number) => LABEL_W + ((t - model.t0) / (model.t1 - model.t0)) * plotW;
  const yStage = 0;
  const yFeel = STAGE_H + GAP;
  // Emotion score −1 … +1 → the Feeling band, +1 at its top.
  const feelY = (score: number) => yFeel + FEEL_H / 2 - Math.max(-1, Math.min(1, score)) * (FEEL_H / 2 - 9);
  const yRows = yFeel + FEEL_H + GAP / 2;
  const yFriction = yRows + model.channels.length * ROW_H + GAP / 2;
  const yAxis = yFriction + FRICTION_H;
  const height = yAxis + AXIS_H;

  const show = (e: React.MouseEvent, title: string, lines: string[]) => {
    const box = (e.currentTarget as SVGElement).ownerSVGElement!.getBoundingClientRect();
    setHover({ x: e.clientX - box.left, y: e.clientY - box.top, title, lines });
  };
  const open = (p: Touch) => {
    if (p.conversationId) router.push(`/conversations/${p.conversationId}`);
  };

  return (
    <div ref={ref} className="relative w-full select-none" data-testid="journey-map">
      <svg width={width} height={height} role="img" aria-label={data.customer.name ? t("labelNamed", { name: data.customer.name }) : t("labelUnnamed")} className="block" onMouseLeave={() => setHover(null)}>
        {/* Row backgrounds and labels */}
        <text x={LABEL_W - 10} y={yStage + STAGE_H / 2 + 4} textAnchor="end" className="fill-slate-500 text-[11px] font-medium">
          {t("stage")}
        </text>
        <rect x={LABEL_W} y={yFeel} width={plotW} height={FEEL_H} rx={6} fill="#f8fafc" />
        {/* The stage bands behind the emotion curve */}
        {data.segments.map((sg, i) => {
          const a = Math.max(Date.parse(sg.from), model.t0);
          const b = Math.min(Date.parse(sg.to), model.t1);
          if (b <= a) return null;
          return <rect key={`band-${i}`} x={x(a)} y={yFeel} width={Math.max(1, x(b) - x(a))} height={FEEL_H} fill={(STAGE_COLORS[sg.stage] ?? STAGE_COLORS.awareness!).soft} />;
        })}
        <line x1={LABEL_W} x2={LABEL_W + plotW} y1={yFeel + FEEL_H / 2} y2={yFeel + FEEL_H / 2} stroke="#cbd5e1" strokeDasharray="3 3" />
        <text x={LABEL_W - 10} y={yFeel + FEEL_H / 2 + 4} textAnchor="end" className="fill-slate-500 text-[11px] font-medium">
          {t("feeling")}
        </text>
        <text x={LABEL_W - 10} y={yFeel + 11} textAnchor="end" className="fill-emerald-700 text-[9px]">
          {t("positive")}
        </text>
        <text x={LABEL_W - 10} y={yFeel + FEEL_H - 4} textAnchor="end" className="fill-red-700 text-[9px]">
          {t("negative")}
        </text>
        {model.channels.map((c, i) => (
          <g key={c}>
            <rect x={LABEL_W} y={yRows + i * ROW_H} width={plotW} height={ROW_H} fill={i % 2 ? "#ffffff" : "#f8fafc"} />
            <circle cx={LABEL_W - 98} cy={yRows + i * ROW_H + ROW_H / 2} r={4} fill={CHANNEL_COLORS[c] ?? "#64748b"} />
            <text x={LABEL_W - 10} y={yRows + i * ROW_H + ROW_H / 2 + 4} textAnchor="end" className="fill-slate-600 text-[11px]">
              {channelLabel(c)}
            </text>
          </g>
        ))}
        <rect x={LABEL_W} y={yFriction + 4} width={plotW} height={FRICTION_H - 8} rx={6} fill="#fef2f2" />
        <text x={LABEL_W - 10} y={yFriction + FRICTION_H / 2 + 4} textAnchor="end" className="fill-red-700 text-[11px] font-medium">
          {t("friction")}
        </text>

        {/* Grid */}
        {ticks(model.t0, model.t1, locale).map((tk) => (
          <g key={tk.t}>
            <line x1={x(tk.t)} x2={x(tk.t)} y1={yFeel} y2={yAxis} stroke="#e2e8f0" strokeDasharray="2 4" />
            <text x={x(tk.t)} y={yAxis + 16} textAnchor="middle" className="fill-slate-500 text-[10px]">
              {tk.label}
            </text>
          </g>
        ))}

        {/* Stage track */}
        {data.segments.map((s, i) => {
          const a = Math.max(Date.parse(s.from), model.t0);
          const b = Math.min(Date.parse(s.to), model.t1);
          if (b <= a) return null;
          const c = STAGE_COLORS[s.stage] ?? STAGE_COLORS.awareness!;
          const w = Math.max(2, x(b) - x(a));
          return (
            <g key={`${s.from}-${i}`} onMouseMove={(e) => show(e, stageLabel(s.stage), [t("span", { from: fmtDate(s.from, locale), to: i === data.segments.length - 1 ? t("now") : fmtDate(s.to, locale) }), s.reason ?? "", s.override ? t("setByAgent") : ""].filter(Boolean))}>
              <rect x={x(a)} y={yStage + 2} width={w} height={STAGE_H - 4} rx={5} fill={c.fill} stroke="#fff" strokeWidth={1.5} />
              {s.override ? <rect x={x(a)} y={yStage + 2} width={w} height={STAGE_H - 4} rx={5} fill="url(#hatch)" /> : null}
              {w > 76 ? (
                <text x={x(a) + w / 2} y={yStage + STAGE_H / 2 + 4} textAnchor="middle" className="fill-white text-[11px] font-semibold" style={{ pointerEvents: "none" }}>
                  {stageLabel(s.stage)}
                </text>
              ) : null}
            </g>
          );
        })}
        <defs>
          <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" strokeOpacity="0.35" strokeWidth="2" />
          </pattern>
        </defs>

        {/* Friction guides across the rows */}
        {model.friction.map((f, i) => (
          <line key={`fl-${i}`} x1={x(Date.parse(f.at))} x2={x(Date.parse(f.at))} y1={yRows} y2={yFriction + 4} stroke="#ef4444" strokeOpacity={0.18} />
        ))}

        {/* Touchpoints per channel row */}
        {model.others.map((p) => {
          const row = model.channels.indexOf(p.channel as (typeof CHANNEL_ORDER)[number]);
          if (row < 0) return null;
          const cx = x(Date.parse(p.at));
          const cy = yRows + row * ROW_H + ROW_H / 2;
          const color = CHANNEL_COLORS[p.channel] ?? "#64748b";
          const kind = TOUCH_KINDS.has(p.kind) ? t("kind", { kind: p.kind }) : p.kind.replace("_", " ");
          const lines = [fmtDate(p.at, locale), `${channelLabel(p.channel)} · ${kind} · ${t("actor", { actor: p.actor })}`];
          const title = p.text || p.name || p.kind;
          const common = {
            onMouseMove: (e: React.MouseEvent) => show(e, title, lines),
            onClick: () => open(p),
            style: { cursor: p.conversationId ? "pointer" : "default" },
            "data-kind": p.kind,
          } as const;
          if (p.kind === "product_event" && (p.name === "page_view" || p.name === "login")) {
            return <circle key={p.id} cx={cx} cy={cy} r={2.5} fill={color} fillOpacity={0.45} {...common} />;
          }
          if (p.kind === "product_event") {
            const big = p.name === "purchase";
            const half = big ? 4.5 : 3;
            return <rect key={p.id} x={cx - half} y={cy - half} width={half * 2} height={half * 2} transform={`rotate(45 ${cx} ${cy})`} fill={big ? "#f59e0b" : "#fbbf24"} fillOpacity={big ? 1 : 0.6} stroke="#b45309" strokeWidth={big ? 1 : 0} {...common} />;
          }
          if (p.kind === "article_view") {
            return <path key={p.id} d={`M${cx} ${cy - 5} L${cx + 5} ${cy + 4} L${cx - 5} ${cy + 4} Z`} fill="#64748b" fillOpacity={0.8} {...common} />;
          }
          if (p.kind === "ticket_event" || p.kind === "note") {
            return <rect key={p.id} x={cx - 1} y={cy - 6} width={2} height={12} fill="#94a3b8" {...common} />;
          }
          const inbound = p.actor === "customer";
          return <circle key={p.id} cx={cx} cy={cy} r={4.5} fill={inbound ? color : "#ffffff"} stroke={color} strokeWidth={1.8} {...common} />;
        })}

        {/* The emotion curve, then its points (survey answers as dots with their score) */}
        {model.felt.length > 1 ? (
          <path
            d={model.felt.map((p, i) => `${i ? "L" : "M"}${x(Date.parse(p.at)).toFixed(1)} ${feelY(p.emotion!.score!).toFixed(1)}`).join(" ")}
            fill="none"
            stroke="#475569"
            strokeOpacity={0.55}
            strokeWidth={1.5}
            strokeLinejoin="round"
            data-testid="emotion-curve"
          />
        ) : null}
        {model.felt.filter((p) => p.kind !== "survey_response").map((p) => (
          <circle
            key={`feel-${p.id}`}
            cx={x(Date.parse(p.at))}
            cy={feelY(p.emotion!.score!)}
            r={3.5}
            fill={EMOTION_COLOR[p.emotion!.label] ?? "#64748b"}
            stroke="#fff"
            strokeWidth={1}
            data-kind="emotion"
            data-label={p.emotion!.label}
            onMouseMove={(e) => show(e, p.text || p.kind, [fmtDate(p.at, locale), emotionLine(t, locale, p.emotion!)])}
            onClick={() => open(p)}
            style={{ cursor: p.conversationId ? "pointer" : "default" }}
          />
        ))}
        {model.surveys.map((p) => {
          const cx = x(Date.parse(p.at));
          const cy = p.emotion && p.emotion.score !== null ? feelY(p.emotion.score) : yFeel + FEEL_H / 2;
          const max = p.max ?? (p.name === "nps" ? 10 : p.name === "ces" ? 7 : 5);
          const fill = p.score === null ? "#94a3b8" : emotionColor(p.score, max);
          return (
            <g key={p.id} onMouseMove={(e) => show(e, p.text, [fmtDate(p.at, locale), `${(p.name ?? t("survey")).toUpperCase()} ${p.score ?? "?"}/${max}`, ...(p.emotion ? [emotionLine(t, locale, p.emotion)] : [])])} onClick={() => open(p)} style={{ cursor: p.conversationId ? "pointer" : "default" }} data-kind="survey_response">
              <circle cx={cx} cy={cy} r={9} fill={fill} stroke="#fff" strokeWidth={2} />
              <text x={cx} y={cy + 3.5} textAnchor="middle" className="fill-white text-[9px] font-bold" style={{ pointerEvents: "none" }}>
                {p.score ?? "?"}
              </text>
            </g>
          );
        })}

        {/* Friction markers */}
        {model.friction.map((f, i) => {
          const cx = x(Date.parse(f.at));
          const cy = yFriction + FRICTION_H / 2;
          return (
            <path
              key={`f-${i}`}
              d={`M${cx} ${cy - 7} L${cx + 7} ${cy + 6} L${cx - 7} ${cy + 6} Z`}
              fill="#ef4444"
              stroke="#fff"
              strokeWidth={1}
              data-kind="friction"
              onMouseMove={(e) => show(e, FRICTION_KINDS.has(f.kind) ? t(`frictionKind.${f.kind}` as "frictionKind.wait") : f.kind, [fmtDate(f.at, locale), f.detail])}
              onClick={() => router.push(`/conversations/${f.conversationId}`)}
              style={{ cursor: "pointer" }}
            />
          );
        })}

        {/* Now */}
        <line x1={x(now)} x2={x(now)} y1={0} y2={yAxis} stroke="#0f172a" strokeOpacity={0.35} strokeWidth={1} />
        <text x={x(now) - 4} y={yAxis + 16} textAnchor="end" className="fill-slate-700 text-[10px] font-semibold">
          {t("now")}
        </text>
      </svg>
      {hover ? (
        <div
          role="tooltip"
          className="pointer-events-none absolute z-10 max-w-xs rounded-lg bg-slate-900 px-3 py-2 text-xs text-white shadow-lg"
          style={{ left: Math.min(hover.x + 14, width - 260), top: hover.y + 14 }}
        >
          <p className="line-clamp-3 font-medium">{hover.title}</p>
          {hover.lines.map((l, i) => (
            <p key={i} className="mt-0.5 text-slate-300">
              {l}
            </p>
          ))}
        </div>
      ) : null}
      {data.truncated ? <p className="mt-1 text-xs text-slate-500">{t("truncated", { count: new Intl.NumberFormat(locale === "en" ? "en-US" : locale).format(4000) })}</p> : null}
    </div>
  );
}

export function JourneyLegend() {
  const t = useTranslations("pages.journey.legend");
  return (
    <ul className="flex flex-wrap items-center gap-x-5 gap-y-2 text-xs text-slate-600">
      <li className="flex items-center gap-1.5">
        <svg width="12" height="12" aria-hidden>
          <circle cx="6" cy="6" r="4.5" fill="#10b981" />
        </svg>
        {t("fromCustomer")}
      </li>
      <li className="flex items-center gap-1.5">
        <svg width="12" height="12" aria-hidden>
          <circle cx="6" cy="6" r="4" fill="#fff" stroke="#10b981" strokeWidth="1.8" />
        </svg>
        {t("fromUs")}
      </li>
      <li className="flex items-center gap-1.5">
        <svg width="12" height="12" aria-hidden>
          <rect x="2" y="2" width="8" height="8" transform="rotate(45 6 6)" fill="#f59e0b" />
        </svg>
        {t("productEvent")}
      </li>
      <li className="flex items-center gap-1.5">
        <svg width="12" height="12" aria-hidden>
          <circle cx="6" cy="6" r="2.5" fill="#f59e0b" fillOpacity="0.5" />
        </svg>
        {t("pageView")}
      </li>
      <li className="flex items-center gap-1.5">
        <svg width="12" height="12" aria-hidden>
          <path d="M6 1 L11 10 L1 10 Z" fill="#64748b" />
        </svg>
        {t("article")}
      </li>
      <li className="flex items-center gap-1.5">
        <svg width="12" height="12" aria-hidden>
          <rect x="5" y="0" width="2" height="12" fill="#94a3b8" />
        </svg>
        {t("ticket")}
      </li>
      <li className="flex items-center gap-1.5">
        <svg width="12" height="12" aria-hidden>
          <path d="M6 0 L12 11 L0 11 Z" fill="#ef4444" />
        </svg>
        {t("friction")}
      </li>
      <li className="flex items-center gap-1.5">
        <svg width="26" height="12" aria-hidden>
          <path d="M1 3 L9 9 L17 5 L25 8" fill="none" stroke="#475569" strokeWidth="1.5" />
        </svg>
        {t("feeling")}
      </li>
      <li className="flex items-center gap-1.5">
        {t("surveyScore")}
        {[1, 2, 3, 4, 5].map((s) => (
          <span key={s} className="inline-block h-3 w-3 rounded-full" style={{ background: emotionColor(s, 5) }} aria-hidden />
        ))}
        <span className="text-slate-600">{t("badGood")}</span>
      </li>
    </ul>
  );
}
