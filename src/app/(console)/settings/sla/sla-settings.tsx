"use client";
// SLA policies by priority (optionally channel/team) and each team's business hours and holidays.
import { useEffect, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import { ErrorState, Skeleton } from "@/components/ui";
import { Panel } from "@/components/charts/kpi";
import { useChannelLabel } from "@/components/channel";

const PRIORITIES = ["urgent", "high", "normal", "low"] as const;
const CHANNELS = ["email", "chat", "messenger", "instagram", "whatsapp", "telegram", "x"] as const;
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** fmtMinutes (components/charts/format) with the page's number format and unit words (settings.sla.unit.*). */
function useMinutes() {
  const t = useTranslations("settings.sla.unit");
  const locale = useLocale();
  return (min: number) => {
    const n = (v: number, digits = 0) => new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
    if (min < 1) return t("seconds", { n: n(Math.round(min * 60)) });
    if (min < 90) return t("minutes", { n: n(Math.round(min)) });
    const h = min / 60;
    if (h < 48) return t("hours", { n: h < 10 ? n(h, 1) : n(Math.round(h)) });
    return t("days", { n: n(h / 24, 1) });
  };
}

type PolicyForm = {
  id: string | null;
  name: string;
  priority: (typeof PRIORITIES)[number];
  channel: (typeof CHANNELS)[number] | null;
  teamId: string | null;
  firstResponseMinutes: number;
  resolutionMinutes: number;
  businessHoursOnly: boolean;
};
const EMPTY: PolicyForm = { id: null, name: "", priority: "normal", channel: null, teamId: null, firstResponseMinutes: 240, resolutionMinutes: 1440, businessHoursOnly: true };

const input = "rounded-md border border-slate-300 bg-surface px-2 py-1.5 text-sm";

export function SlaSettings() {
  const t = useTranslations("settings.sla");
  const channelLabel = useChannelLabel();
  const tp = useTranslations("inbox.priority");
  const fmtMinutes = useMinutes();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const policies = useQuery(trpc.sla.policies.queryOptions());
  const teams = useQuery(trpc.sla.teams.queryOptions());
  const [form, setForm] = useState<PolicyForm | null>(null);
  const invalidate = () => void qc.invalidateQueries({ queryKey: trpc.sla.pathKey() });
  const save = useMutation(trpc.sla.savePolicy.mutationOptions({ onSuccess: () => { setForm(null); invalidate(); } }));
  const del = useMutation(trpc.sla.deletePolicy.mutationOptions({ onSuccess: invalidate }));

  return (
    <div className="space-y-6">
      <Panel
        title={t("policiesTitle")}
        actions={
          <button type="button" onClick={() => setForm(EMPTY)} className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700">
            {t("addPolicy")}
          </button>
        }
      >
        <p className="mb-3 text-sm text-slate-500">
          {t("intro")}
        </p>
        {policies.isPending ? <Skeleton lines={2} /> : policies.isError ? <ErrorState error={policies.error} /> : (
          <div className="-mx-4 overflow-x-auto">
            <table className="w-full text-sm">
              <thead className="border-b border-slate-100 text-start text-xs uppercase tracking-wide text-slate-500">
                <tr><th className="px-4 py-2">{t("column.name")}</th><th className="px-3 py-2">{t("column.priority")}</th><th className="px-3 py-2">{t("column.channel")}</th><th className="px-3 py-2">{t("column.team")}</th><th className="px-3 py-2">{t("column.firstResponse")}</th><th className="px-3 py-2">{t("column.resolution")}</th><th className="px-3 py-2">{t("column.clock")}</th><th className="px-3 py-2"><span className="sr-only">{t("column.actions")}</span></th></tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {policies.data.map((p) => (
                  <tr key={p.id}>
                    <td className="px-4 py-2 font-medium">{p.name}</td>
                    <td className="px-3 py-2 capitalize">{tp(p.priority)}</td>
                    <td className="px-3 py-2">{p.channel ? channelLabel(p.channel) : <span className="text-slate-500">{t("any")}</span>}</td>
                    <td className="px-3 py-2">{p.team?.name ?? <span className="text-slate-500">{t("any")}</span>}</td>
                    <td className="px-3 py-2 tabular-nums">{fmtMinutes(p.firstResponseMinutes)}</td>
                    <td className="px-3 py-2 tabular-nums">{fmtMinutes(p.resolutionMinutes)}</td>
                    <td className="px-3 py-2">{p.businessHoursOnly ? t("businessHours") : t("allDay")}</td>
                    <td className="px-3 py-2 text-end whitespace-nowrap">
                      <button type="button" className="text-brand-700 hover:underline" onClick={() => setForm({ id: p.id, name: p.name, priority: p.priority, channel: (p.channel as PolicyForm["channel"]) ?? null, teamId: p.teamId, firstResponseMinutes: p.firstResponseMinutes, resolutionMinutes: p.resolutionMinutes, businessHoursOnly: p.businessHoursOnly })}>{t("edit")}</button>
                      <button type="button" className="ms-3 text-red-700 hover:underline" onClick={() => confirm(t("confirmDelete", { name: p.name })) && del.mutate({ id: p.id })}>{t("delete")}</button>
                    </td>
                  </tr>
                ))}
                {policies.data.length === 0 ? <tr><td colSpan={8} className="px-4 py-3 text-slate-500">{t("empty")}</td></tr> : null}
              </tbody>
            </table>
          </div>
        )}
        {form ? (
          <form
            className="mt-4 grid gap-3 rounded-lg bg-slate-50 p-4 md:grid-cols-4"
            onSubmit={(e) => {
              e.preventDefault();
              save.mutate(form);
            }}
          >
            <label className="flex flex-col gap-1 text-xs font-medium text-slate-600 md:col-span-2">{t("form.name")}<input required className={input} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} /></label>
            <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">{t("form.priority")}
              <select className={input} value={form.priority} onChange={(e) => setForm({ ...form, priority: e.target.value as PolicyForm["priority"] })}>{PRIORITIES.map((p) => <option key={p} value={p}>{tp(p)}</option>)}</select>
            </label>
            <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">{t("form.channel")}
              <select className={input} value={form.channel ?? ""} onChange={(e) => setForm({ ...form, channel: (e.target.value || null) as PolicyForm["channel"] })}><option value="">{t("form.anyChannel")}</option>{CHANNELS.map((c) => <option key={c} value={c}>{channelLabel(c)}</option>)}</select>
            </label>
            <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">{t("form.team")}
              <select className={input} value={form.teamId ?? ""} onChange={(e) => setForm({ ...form, teamId: e.target.value || null })}><option value="">{t("form.anyTeam")}</option>{teams.data?.map((team) => <option key={team.id} value={team.id}>{team.name}</option>)}</select>
            </label>
            <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">{t("form.firstResponse")}<input type="number" min={1} required className={input} value={form.firstResponseMinutes} onChange={(e) => setForm({ ...form, firstResponseMinutes: Number(e.target.value) })} /></label>
            <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">{t("form.resolution")}<input type="number" min={1} required className={input} value={form.resolutionMinutes} onChange={(e) => setForm({ ...form, resolutionMinutes: Number(e.target.value) })} /></label>
            <label className="flex items-center gap-2 self-end pb-2 text-sm"><input type="checkbox" checked={form.businessHoursOnly} onChange={(e) => setForm({ ...form, businessHoursOnly: e.target.checked })} /> {t("form.businessHoursOnly")}</label>
            <div className="flex items-center gap-2 md:col-span-4">
              <button type="submit" disabled={save.isPending} className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50">{form.id ? t("form.save") : t("form.create")}</button>
              <button type="button" onClick={() => setForm(null)} className="rounded-md px-3 py-1.5 text-sm text-slate-600 hover:bg-slate-100">{t("form.cancel")}</button>
              {save.isError ? <span className="text-sm text-red-700">{save.error.message}</span> : null}
            </div>
          </form>
        ) : null}
      </Panel>

      <Panel title={t("hoursTitle")}>
        {teams.isPending ? <Skeleton lines={2} /> : teams.isError ? <ErrorState error={teams.error} /> : (
          <div className="grid gap-4 lg:grid-cols-2">
            {teams.data.map((team) => <TeamHours key={team.id} team={team} onSaved={invalidate} />)}
          </div>
        )}
      </Panel>
    </div>
  );
}

type Team = { id: string; name: string; businessHours: unknown; holidays: unknown };
type DayState = { open: boolean; from: string; to: string };

function TeamHours({ team, onSaved }: { team: Team; onSaved: () => void }) {
  const t = useTranslations("settings.sla.hours");
  const locale = useLocale();
  const trpc = useTRPC();
  const bh = (team.businessHours ?? {}) as { timezone?: string; days?: Record<string, [string, string][]> };
  const [tz, setTz] = useState(bh.timezone ?? "UTC");
  const [days, setDays] = useState<Record<string, DayState>>(() =>
    Object.fromEntries(DAYS.map((d) => {
      const r = bh.days?.[d]?.[0];
      return [d, { open: !!r, from: r?.[0] ?? "09:00", to: r?.[1] ?? "17:00" }];
    })),
  );
  const [holidays, setHolidays] = useState(((team.holidays as string[]) ?? []).join("\n"));
  const [saved, setSaved] = useState(false);
  const save = useMutation(trpc.sla.saveHours.mutationOptions({ onSuccess: () => { setSaved(true); onSaved(); } }));
  useEffect(() => {
    if (!saved) return;
    const timer = setTimeout(() => setSaved(false), 2500);
    return () => clearTimeout(timer);
  }, [saved]);
  const [start, setStart] = useState(() => new Date(Date.now() - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16));
  const [minutes, setMinutes] = useState(60);
  const preview = useQuery(trpc.sla.preview.queryOptions({ teamId: team.id, start: new Date(start), minutes }, { enabled: !!start }));

  return (
    <form
      className="rounded-lg border border-slate-200 p-4"
      onSubmit={(e) => {
        e.preventDefault();
        const out: Record<string, [string, string][]> = {};
        for (const d of DAYS) if (days[d]!.open) out[d] = [[days[d]!.from, days[d]!.to]];
        save.mutate({ teamId: team.id, timezone: tz, days: out, holidays: holidays.split(/[\s,]+/).filter(Boolean) });
      }}
    >
      <div className="flex items-center justify-between">
        <h3 className="font-semibold">{team.name}</h3>
        <label className="text-xs text-slate-500">{t("timeZone")} <input className={`${input} ms-1 w-44`} value={tz} onChange={(e) => setTz(e.target.value)} /></label>
      </div>
      <ul className="mt-3 space-y-1.5">
        {DAYS.map((d) => (
          <li key={d} className="flex items-center gap-2 text-sm">
            <label className="flex w-32 items-center gap-2"><input type="checkbox" checked={days[d]!.open} onChange={(e) => setDays({ ...days, [d]: { ...days[d]!, open: e.target.checked } })} /> {t(`day.${d}`)}</label>
            {days[d]!.open ? (
              <>
                <input type="time" aria-label={t("opens", { day: t(`day.${d}`) })} className={input} value={days[d]!.from} onChange={(e) => setDays({ ...days, [d]: { ...days[d]!, from: e.target.value } })} />
                <span className="text-slate-500">–</span>
                <input type="time" aria-label={t("closes", { day: t(`day.${d}`) })} className={input} value={days[d]!.to} onChange={(e) => setDays({ ...days, [d]: { ...days[d]!, to: e.target.value } })} />
              </>
            ) : <span className="text-slate-500">{t("closed")}</span>}
          </li>
        ))}
      </ul>
      <label className="mt-3 block text-xs font-medium text-slate-600">{t("holidays")}
        <textarea rows={3} className={`${input} mt-1 block w-full font-mono text-xs`} value={holidays} onChange={(e) => setHolidays(e.target.value)} />
      </label>
      <div className="mt-3 flex items-center gap-2">
        <button type="submit" disabled={save.isPending} className="rounded-md bg-slate-800 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-50">{t("save")}</button>
        {saved ? <span className="text-sm text-emerald-700">{t("saved")}</span> : null}
        {save.isError ? <span className="text-sm text-red-700">{save.error.message}</span> : null}
      </div>
      <div className="mt-4 rounded-md bg-slate-50 p-3 text-xs text-slate-600">
        {t.rich("tryIt", {
          start: () => <input type="datetime-local" aria-label={t("tryItStart")} className={`${input} mx-1 py-0.5 text-xs`} value={start} onChange={(e) => setStart(e.target.value)} />,
          minutes: () => <input type="number" min={0} aria-label={t("tryItMinutes")} className={`${input} mx-1 w-20 py-0.5 text-xs`} value={minutes} onChange={(e) => setMinutes(Number(e.target.value) || 0)} />,
          due: () => <strong className="text-slate-900">{preview.data ? new Date(preview.data.dueAt).toLocaleString(locale === "en" ? "en-GB" : locale, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }) : "…"}</strong>,
        })}
      </div>
    </form>
  );
}
