// The emotion of a customer's message or survey answer, as a small marker on
// its timeline entry: the label (colour and word, never colour alone), the
// score, and the frustration cues found (src/server/emotion/).
import { useLocale, useTranslations } from "next-intl";
import type { TimelineEmotion } from "@/server/timeline/query";

// `text` is the English word; the marker shows components.emotion.labels.<label>.
const LABEL_STYLE: Record<TimelineEmotion["label"], { text: string; className: string; dot: string }> = {
  negative: { text: "Negative", className: "bg-red-50 text-red-800 ring-red-200", dot: "bg-red-500" },
  neutral: { text: "Neutral", className: "bg-slate-100 text-slate-700 ring-slate-200", dot: "bg-slate-400" },
  positive: { text: "Positive", className: "bg-emerald-50 text-emerald-800 ring-emerald-200", dot: "bg-emerald-500" },
  unscored: { text: "Not scored", className: "bg-slate-50 text-slate-600 ring-slate-200", dot: "bg-slate-300" },
};

/** English cue words (the marker shows components.emotion.cues.<cue>). */
export const CUE_LABELS: Record<string, string> = {
  repeated_contact: "wrote again before an answer",
  caps: "shouting (capitals)",
  still: "“still”",
  again: "“again”",
  escalation: "escalation words",
};

function signed(score: number, locale = "en"): string {
  const abs = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: false }).format(Math.abs(score));
  return `${score > 0 ? "+" : score < 0 ? "−" : ""}${abs}`;
}

export function EmotionMarker({ emotion }: { emotion: TimelineEmotion }) {
  const t = useTranslations("components.emotion");
  const locale = useLocale();
  const style = LABEL_STYLE[emotion.label];
  const text = t(`labels.${emotion.label}`);
  const cues = emotion.cues.map((c) => (Object.hasOwn(CUE_LABELS, c) ? t(`cues.${c}`) : c));
  const title =
    emotion.label === "unscored"
      ? t("unscoredTitle")
      : t("title", { label: t(`titleLabels.${emotion.label}`), score: signed(emotion.score ?? 0, locale) }) + (cues.length ? t("frustrationSuffix", { cues: cues.join(", ") }) : "");
  return (
    <span className="inline-flex flex-wrap items-center gap-1" data-testid="emotion-marker" data-label={emotion.label} title={title}>
      <span className={`inline-flex items-center gap-1 rounded-full px-1.5 py-0.5 text-[11px] font-medium ring-1 ${style.className}`}>
        <span className={`h-1.5 w-1.5 rounded-full ${style.dot}`} aria-hidden />
        <span className="sr-only">{t("srSentiment")}</span>
        {text}
        {emotion.label !== "unscored" && emotion.score !== null ? <span className="tabular-nums opacity-80">{signed(emotion.score, locale)}</span> : null}
      </span>
      {cues.length ? (
        <span className="rounded-full bg-amber-50 px-1.5 py-0.5 text-[11px] text-amber-900 ring-1 ring-amber-200">
          <span className="sr-only">{t("srCues")}</span>
          {cues.join(" · ")}
        </span>
      ) : null}
    </span>
  );
}
