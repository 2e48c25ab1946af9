"use client";
// Surveys: how they are sent, response rates, and the latest answers.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import { ErrorState, Skeleton, relativeTime } from "@/components/ui";
import { Kpi, Panel } from "@/components/charts/kpi";
import { emotionColor } from "@/components/journey/palette";
import { ChannelBadge } from "@/components/channel";
import { SurveySendingSettings } from "./sending-settings";

// How each is sent: settings.surveys.about.<kind>.
const ABOUT: Record<string, { title: string; scale: string }> = {
  csat: { title: "CSAT", scale: "1–5" },
  nps: { title: "NPS", scale: "0–10" },
  ces: { title: "CES", scale: "1–7" },
};

export function SurveySettings() {
  const t = useTranslations("settings.surveys");
  const locale = useLocale();
  const trpc = useTRPC();
  const stats = useQuery(trpc.surveys.stats.queryOptions({ days: 30 }));
  const recent = useQuery(trpc.surveys.recent.queryOptions({ limit: 50 }));
  return (
    <div className="space-y-6">
      <div className="grid gap-4 md:grid-cols-3">
        {(stats.data ?? [{ kind: "csat" }, { kind: "nps" }, { kind: "ces" }]).map((s) => {
          const a = ABOUT[s.kind]!;
          const st = s as { kind: string; sent?: number; answered?: number; responseRate?: number | null };
          return (
            <section key={s.kind} className="rounded-xl bg-surface p-4 ring-1 ring-slate-200">
              <div className="flex items-baseline justify-between">
                <h2 className="font-semibold">{a.title} <span className="text-xs font-normal text-slate-500">{t("scale", { scale: a.scale })}</span></h2>
                <span className="text-xs text-slate-500">{t("last30")}</span>
              </div>
              <div className="mt-3 grid grid-cols-3 gap-2">
                <Kpi label={t("sent")} value={st.sent === undefined ? "…" : String(st.sent)} />
                <Kpi label={t("answered")} value={st.answered === undefined ? "…" : String(st.answered)} />
                <Kpi label={t("rate")} value={st.responseRate === null || st.responseRate === undefined ? "—" : `${st.responseRate}%`} />
              </div>
              <p className="mt-3 text-xs text-slate-600">{t(`about.${s.kind}`)}</p>
            </section>
          );
        })}
      </div>
      {stats.isError ? <ErrorState error={stats.error} /> : null}
      <SurveySendingSettings />
      <Panel title={t("latest")} actions={<Link href="/settings/rules" className="text-sm font-medium text-brand-700 hover:underline">{t("npsRule")}</Link>}>
        {recent.isPending ? <Skeleton lines={3} /> : recent.isError ? <ErrorState error={recent.error} /> : recent.data.length === 0 ? <p className="text-sm text-slate-500">{t("noAnswers")}</p> : (
          <div className="-mx-4 overflow-x-auto">
            <table className="w-full text-sm">
              <thead className="border-b border-slate-100 text-start text-xs uppercase tracking-wide text-slate-500">
                <tr><th className="px-4 py-2">{t("column.when")}</th><th className="px-3 py-2">{t("column.survey")}</th><th className="px-3 py-2">{t("column.score")}</th><th className="px-3 py-2">{t("column.comment")}</th><th className="px-3 py-2">{t("column.customer")}</th></tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {recent.data.map((r) => {
                  const max = r.kind === "nps" ? 10 : r.kind === "ces" ? 7 : 5;
                  return (
                    <tr key={r.id}>
                      <td className="px-4 py-2 whitespace-nowrap text-slate-500">{relativeTime(r.createdAt, Date.now(), locale)}</td>
                      <td className="px-3 py-2"><span className="flex items-center gap-2"><ChannelBadge channel={r.survey.channel} compact /><span className="font-medium uppercase">{r.kind}</span></span></td>
                      <td className="px-3 py-2"><span className="inline-flex h-7 w-7 items-center justify-center rounded-full text-xs font-bold text-white" style={{ background: emotionColor(r.score, max) }}>{r.score}</span><span className="ml-1 text-xs text-slate-500">/{max}</span></td>
                      <td className="max-w-md px-3 py-2 text-slate-700">{r.comment ?? <span className="text-slate-500">—</span>}</td>
                      <td className="px-3 py-2 whitespace-nowrap">
                        <Link href={`/customers/${r.survey.customer.id}/journey`} className="text-brand-700 hover:underline">{r.survey.customer.name ?? t("unnamed")}</Link>
                        {r.survey.conversation ? <Link href={`/conversations/${r.survey.conversation.id}`} className="ml-2 text-xs text-slate-500 hover:underline">#{r.survey.conversation.number}</Link> : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
    </div>
  );
}
