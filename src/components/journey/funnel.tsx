"use client";
// The journey funnel: customers through each lifecycle step (reached it and
// every earlier one, so steps never grow and conversion never passes 100 %),
// stage counts beside it, median time in stage, and where contacts and
// friction concentrate (conversations by the stage the customer was in).
// Definitions: docs/journey.md, "The journey funnel". Words: pages.journey.funnel.
import type { AppRouter } from "@/server/api/root";
import type { inferRouterOutputs } from "@trpc/server";
import { useTranslations } from "next-intl";
import { HorizontalBars } from "@/components/charts/charts";
import { Panel } from "@/components/charts/kpi";
import { useChartFormat } from "@/components/charts/format";
import { STAGE_COLORS, StageBadge, useStageLabel } from "./palette";

type Funnel = inferRouterOutputs<AppRouter>["journey"]["funnel"];
type Stage = Funnel["stages"][number];

const LIFECYCLE = ["awareness", "consideration", "purchase", "onboarding", "retention", "advocacy"];

/** "5 h", "3.5 d", "12 d" (pages.journey.duration), numbers in the page's locale. */
function useDays() {
  const t = useTranslations("pages.journey.duration");
  const f = useChartFormat();
  return (n: number | null) => {
    if (n === null) return "—";
    if (n < 1) return t("hours", { n: f.fixed(Math.round(n * 24), 0) });
    return t("days", { n: n < 10 ? f.fixed(n, 1) : f.fixed(Math.round(n), 0) });
  };
}

export function FunnelChart({ funnel }: { funnel: Funnel }) {
  const t = useTranslations("pages.journey.funnel");
  const stageLabel = useStageLabel();
  const days = useDays();
  const { num: fmtNum, pct: fmtPct } = useChartFormat();
  const strong = (chunks: React.ReactNode) => <span className="font-semibold text-slate-700 tabular-nums">{chunks}</span>;
  const stages = funnel.stages.filter((s) => LIFECYCLE.includes(s.stage));
  const max = Math.max(1, ...stages.map((s) => s.step ?? 0));
  const risk = funnel.stages.find((s) => s.stage === "at_risk")!;
  return (
    <div className="grid gap-5 lg:grid-cols-[minmax(0,1fr)_260px]">
      <ol className="space-y-1.5" data-testid="funnel">
        {stages.map((s, i) => {
          const c = STAGE_COLORS[s.stage]!;
          const w = Math.max(8, (100 * (s.step ?? 0)) / max);
          return (
            <li key={s.stage} data-stage={s.stage} data-step={s.step ?? 0}>
              {i > 0 ? (
                <div className="flex items-center gap-2 py-0.5 ps-[132px] text-xs text-slate-500">
                  <span aria-hidden>↓</span>
                  <span className="font-semibold text-slate-700">{fmtPct(s.conversion)}</span>
                  <span>
                    {t("continueTo", { stage: t("stageLower", { stage: s.stage }) })}
                    <span className="sr-only">{t("stepOf", { step: fmtNum(s.step), previous: fmtNum(stages[i - 1]!.step) })}</span>
                  </span>
                </div>
              ) : null}
              <div className="flex items-center gap-3">
                <span className="w-[120px] shrink-0 text-end text-sm font-medium text-slate-700">{stageLabel(s.stage)}</span>
                <div className="relative h-11 flex-1">
                  <div
                    className="absolute inset-y-0 left-1/2 flex -translate-x-1/2 items-center justify-center rounded-lg text-sm font-semibold text-white shadow-sm"
                    style={{ width: `${w}%`, background: `linear-gradient(180deg, ${c.fill}, ${c.fill}dd)` }}
                  >
                    <span className="px-2 tabular-nums drop-shadow-sm">{fmtNum(s.step)}</span>
                  </div>
                </div>
                <span className="w-36 shrink-0 text-xs text-slate-500">
                  <span className="block">{t.rich("hereNow", { n: strong, count: fmtNum(s.current) })}</span>
                  <span className="block" title={t("everInStageTitle")}>
                    {t.rich("everInStage", { n: strong, count: fmtNum(s.reached) })}
                  </span>
                  <span className="block">{t("medianInStage", { duration: days(s.medianDaysInStage) })}</span>
                </span>
              </div>
            </li>
          );
        })}
      </ol>
      <div className="space-y-3">
        <div className="rounded-xl p-4 ring-1 ring-red-200" style={{ background: STAGE_COLORS.at_risk!.soft }} data-testid="funnel-at-risk">
          <p className="text-xs font-medium uppercase tracking-wide text-red-700">{t("atRiskNow")}</p>
          <p className="mt-1 text-3xl font-semibold text-red-700 tabular-nums">{fmtNum(risk.current)}</p>
          <p className="mt-1 text-xs text-red-800">
            {t("atRiskText", { reached: fmtNum(risk.reached), share: fmtPct(risk.conversion), purchased: fmtNum(funnel.purchased), duration: days(risk.medianDaysInStage) })}
          </p>
        </div>
        <div className="rounded-xl bg-surface p-4 text-xs text-slate-600 ring-1 ring-slate-200">
          <p>{t.rich("totals", { n: (chunks) => <span className="font-semibold text-slate-800">{chunks}</span>, customers: fmtNum(funnel.customers), without: fmtNum(funnel.withoutStage) })}</p>
          <p className="mt-1">{t.rich("explainer", { em: (chunks) => <em>{chunks}</em> })}</p>
        </div>
      </div>
    </div>
  );
}

export function ContactsByStage({ funnel }: { funnel: Funnel }) {
  const t = useTranslations("pages.journey.funnel");
  const stageLabel = useStageLabel();
  const { num: fmtNum, pct: fmtPct } = useChartFormat();
  const rows = funnel.stages;
  const maxContacts = Math.max(1, ...rows.map((r) => r.contacts));
  const heat = (v: number, maxV: number) => {
    const x = maxV ? v / maxV : 0;
    return x > 0.66 ? "bg-red-100 text-red-800" : x > 0.33 ? "bg-amber-50 text-amber-800" : "text-slate-700";
  };
  const maxOf = (k: keyof Stage) => Math.max(0, ...rows.map((r) => Number(r[k] ?? 0)));
  return (
    <div className="grid gap-5 xl:grid-cols-[minmax(0,1fr)_380px]">
      <div className="-mx-4 overflow-x-auto">
        <table className="w-full text-sm" data-testid="contacts-by-stage">
          <thead className="border-b border-slate-100 text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-4 py-2 text-start font-medium">{t("table.stage")}</th>
              <th className="px-3 py-2 text-start font-medium">{t("table.contacts")}</th>
              <th className="px-3 py-2 text-end font-medium">{t("table.perCustomer")}</th>
              <th className="px-3 py-2 text-end font-medium">{t("table.reopened")}</th>
              <th className="px-3 py-2 text-end font-medium">{t("table.handoffs")}</th>
              <th className="px-3 py-2 text-end font-medium">{t("table.slowFirstReply")}</th>
              <th className="px-3 py-2 pe-4 text-end font-medium">{t("table.csat")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((r) => (
              <tr key={r.stage}>
                <td className="px-4 py-2">
                  <StageBadge stage={r.stage} />
                </td>
                <td className="px-3 py-2">
                  <span className="flex items-center gap-2">
                    <span className="h-1.5 w-28 overflow-hidden rounded-full bg-slate-100">
                      <span className="block h-full rounded-full" style={{ width: `${(100 * r.contacts) / maxContacts}%`, background: STAGE_COLORS[r.stage]!.fill }} />
                    </span>
                    <span className="tabular-nums">{fmtNum(r.contacts)}</span>
                  </span>
                </td>
                <td className="px-3 py-2 text-end tabular-nums">{r.contactsPerCustomer === null || r.contactsPerCustomer === undefined ? "—" : fmtNum(r.contactsPerCustomer)}</td>
                <td className={`px-3 py-2 text-end tabular-nums`}>
                  <span className={`rounded px-1.5 py-0.5 ${heat(r.reopened, maxOf("reopened"))}`}>{r.reopened}</span>
                </td>
                <td className="px-3 py-2 text-end tabular-nums">
                  <span className={`rounded px-1.5 py-0.5 ${heat(r.handoffs, maxOf("handoffs"))}`}>{r.handoffs}</span>
                </td>
                <td className="px-3 py-2 text-end tabular-nums">
                  <span className={`rounded px-1.5 py-0.5 ${heat(r.slowFirstResponses, maxOf("slowFirstResponses"))}`}>{r.slowFirstResponses}</span>
                </td>
                <td className="px-3 py-2 pe-4 text-end tabular-nums">{fmtPct(r.csat, 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {funnel.contactsBeforeAnyStage ? <p className="px-4 pt-2 text-xs text-slate-500">{t("beforeAnyStage", { count: fmtNum(funnel.contactsBeforeAnyStage) })}</p> : null}
      </div>
      <HorizontalBars
        data={rows.map((r) => ({ label: stageLabel(r.stage), Reopened: r.reopened, "Hand-offs": r.handoffs, "Slow 1st reply": r.slowFirstResponses }))}
        series={[
          { key: "Slow 1st reply", label: t("table.slowFirstReply"), color: "#f59e0b" },
          { key: "Hand-offs", label: t("table.handoffs"), color: "#a78bfa" },
          { key: "Reopened", label: t("table.reopened"), color: "#ef4444" },
        ]}
        height={300}
      />
    </div>
  );
}

export function FunnelPanels({ funnel }: { funnel: Funnel }) {
  const t = useTranslations("pages.journey.funnel");
  return (
    <>
      <Panel title={t("panelFunnel")}>
        <FunnelChart funnel={funnel} />
      </Panel>
      <Panel title={t("panelContacts")}>
        <ContactsByStage funnel={funnel} />
      </Panel>
    </>
  );
}
