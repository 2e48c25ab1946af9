// Colours shared by the journey map, the funnel and the charts; stage names
// (pages.journey.stage.*).
import { useTranslations } from "next-intl";

export const STAGE_ORDER = ["awareness", "consideration", "purchase", "onboarding", "retention", "advocacy", "at_risk"] as const;

export const STAGE_COLORS: Record<string, { fill: string; text: string; soft: string }> = {
  awareness: { fill: "#94a3b8", text: "#334155", soft: "#f1f5f9" },
  consideration: { fill: "#a78bfa", text: "#5b21b6", soft: "#f5f3ff" },
  purchase: { fill: "#6366f1", text: "#3730a3", soft: "#eef2ff" },
  onboarding: { fill: "#0ea5e9", text: "#075985", soft: "#f0f9ff" },
  retention: { fill: "#10b981", text: "#065f46", soft: "#ecfdf5" },
  advocacy: { fill: "#f59e0b", text: "#92400e", soft: "#fffbeb" },
  at_risk: { fill: "#ef4444", text: "#991b1b", soft: "#fef2f2" },
};

export const CHANNEL_COLORS: Record<string, string> = {
  email: "#0ea5e9",
  chat: "#10b981",
  messenger: "#6366f1",
  instagram: "#ec4899",
  whatsapp: "#84cc16",
  telegram: "#f97316",
  x: "#334155",
  api: "#f59e0b",
  system: "#64748b",
};

/** A stage's name in the page's language (pages.journey.stage); a stage of no known name reads as itself, capitalised. */
export function useStageLabel(): (stage: string | null | undefined) => string {
  const t = useTranslations("pages.journey.stage");
  return (stage) => {
    if (!stage) return "—";
    return Object.hasOwn(STAGE_COLORS, stage) ? t(stage as never) : stage.charAt(0).toUpperCase() + stage.slice(1);
  };
}

/** Survey emotion: red (bad) → amber → green (good), by the score's place on its scale. */
export function emotionColor(score: number, max: number): string {
  if (max === 10) {
    // NPS: promoters 9–10, passives 7–8, detractors 0–6.
    return score >= 9 ? "#16a34a" : score >= 7 ? "#eab308" : score >= 4 ? "#f97316" : "#dc2626";
  }
  const min = 1;
  const x = Math.max(0, Math.min(1, (score - min) / Math.max(1, max - min)));
  if (x >= 0.75) return "#16a34a";
  if (x >= 0.55) return "#84cc16";
  if (x >= 0.4) return "#f59e0b";
  if (x >= 0.2) return "#f97316";
  return "#dc2626";
}

export function StageBadge({ stage, className = "" }: { stage: string | null | undefined; className?: string }) {
  const label = useStageLabel();
  if (!stage) return <span className={`text-slate-500 ${className}`}>—</span>;
  const c = STAGE_COLORS[stage] ?? STAGE_COLORS.awareness!;
  return (
    <span className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-semibold ${className}`} style={{ background: c.soft, color: c.text }}>
      <span className="h-2 w-2 rounded-full" style={{ background: c.fill }} aria-hidden />
      {label(stage)}
    </span>
  );
}
