"use client";
// Surveys: how they are sent, response rates, and the latest answers.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";
import { ErrorState, Skeleton, relativeTime } from "@/components/ui";
import { Kpi, Panel } from "@/components/charts/kpi";
import { emotionColor } from "@/components/journey/palette";
import { ChannelBadge } from "@/components/channel";
import { SurveySendingSettings } from "./sending-settings";

const ABOUT: Record<string, { title: string; scale: string; how: string }> = {
  csat: { title: "CSAT", scale: "1–5", how: "Sent automatically when a conversation is resolved, on its channel (once per conversation a day; by default only if an agent replied, see Sending). 4–5 count as satisfied." },
  nps: { title: "NPS", scale: "0–10", how: "Sent by an automation rule (action “Send a survey → NPS”), e.g. 60 days after a purchase. 9–10 promoters, 0–6 detractors." },
  ces: { title: "CES", scale: "1–7", how: "Sent after a help-center article view to a customer with an active conversation (at most weekly). Higher is easier." },
};

export function SurveySettings() {
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
                <h2 className="font-semibold">{a.title} <span className="text-xs font-normal text-slate-500">scale {a.scale}</span></h2>
                <span className="text-xs text-slate-500">last 30 days</span>
              </div>
              <div className="mt-3 grid grid-cols-3 gap-2">
                <Kpi label="Sent" value={st.sent === undefined ? "…" : String(st.sent)} />
                <Kpi label="Answered" value={st.answered === undefined ? "…" : String(st.answered)} />
                <Kpi label="Rate" value={st.responseRate === null || st.responseRate === undefined ? "—" : `${st.responseRate}%`} />
              </div>
              <p className="mt-3 text-xs text-slate-600">{a.how}</p>
            </section>
          );
        })}
      </div>
      {stats.isError ? <ErrorState error={stats.error} /> : null}
      <SurveySendingSettings />
      <Panel title="Latest answers" actions={<Link href="/settings/rules" className="text-sm font-medium text-brand-700 hover:underline">Set up an NPS rule →</Link>}>
        {recent.isPending ? <Skeleton lines={3} /> : recent.isError ? <ErrorState error={recent.error} /> : recent.data.length === 0 ? <p className="text-sm text-slate-500">No answers yet.</p> : (
          <div className="-mx-4 overflow-x-auto">
            <table className="w-full text-sm">
              <thead className="border-b border-slate-100 text-left text-xs uppercase tracking-wide text-slate-500">
                <tr><th className="px-4 py-2">When</th><th className="px-3 py-2">Survey</th><th className="px-3 py-2">Score</th><th className="px-3 py-2">Comment</th><th className="px-3 py-2">Customer</th></tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {recent.data.map((r) => {
                  const max = r.kind === "nps" ? 10 : r.kind === "ces" ? 7 : 5;
                  return (
                    <tr key={r.id}>
                      <td className="px-4 py-2 whitespace-nowrap text-slate-500">{relativeTime(r.createdAt)}</td>
                      <td className="px-3 py-2"><span className="flex items-center gap-2"><ChannelBadge channel={r.survey.channel} compact /><span className="font-medium uppercase">{r.kind}</span></span></td>
                      <td className="px-3 py-2"><span className="inline-flex h-7 w-7 items-center justify-center rounded-full text-xs font-bold text-white" style={{ background: emotionColor(r.score, max) }}>{r.score}</span><span className="ml-1 text-xs text-slate-400">/{max}</span></td>
                      <td className="max-w-md px-3 py-2 text-slate-700">{r.comment ?? <span className="text-slate-400">—</span>}</td>
                      <td className="px-3 py-2 whitespace-nowrap">
                        <Link href={`/customers/${r.survey.customer.id}/journey`} className="text-brand-700 hover:underline">{r.survey.customer.name ?? "Unnamed"}</Link>
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
