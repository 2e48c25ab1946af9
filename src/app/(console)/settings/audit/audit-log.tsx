"use client";
// Settings → Audit log: who did what to what, newest first, filtered by actor,
// action (exact or "prefix."), object and time, with "Older entries" paging,
// each entry's details, and the filtered log as a CSV download.
import { useState } from "react";
import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import { formatDateTime as formatDateTimeIn, relativeTime as relativeTimeIn } from "@/components/ui";
import { Panel } from "@/components/charts/kpi";
import { FormError, ListStates, SettingsTable, inputClass, primaryButton, secondaryButton } from "../form-kit";

type Filters = { actor: string; action: string; targetType: string; targetId: string; from: string; to: string };
const EMPTY: Filters = { actor: "", action: "", targetType: "", targetId: "", from: "", to: "" };

/** The form's strings as the procedures' input (empty = no filter; dates as local day bounds). */
function toInput(f: Filters) {
  return {
    actor: f.actor || null,
    action: f.action.trim() || null,
    targetType: f.targetType || null,
    targetId: f.targetId.trim() || null,
    from: f.from ? new Date(`${f.from}T00:00:00`) : null,
    to: f.to ? new Date(`${f.to}T23:59:59.999`) : null,
  };
}

export function AuditLog() {
  const t = useTranslations("settings.audit");
  const locale = useLocale();
  const relativeTime = (d: Date | string) => relativeTimeIn(d, Date.now(), locale);
  const formatDateTime = (d: Date | string) => formatDateTimeIn(d, locale);
  const trpc = useTRPC();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters>(EMPTY);
  const facets = useQuery(trpc.audit.facets.queryOptions());
  const log = useInfiniteQuery(trpc.audit.list.infiniteQueryOptions({ ...toInput(applied), limit: 50 }, { getNextPageParam: (p) => p.nextCursor ?? undefined }));
  const [exported, setExported] = useState<string | null>(null);
  const exportCsv = useMutation(
    trpc.audit.export.mutationOptions({
      onSuccess: (r) => {
        const url = URL.createObjectURL(new Blob([r.csv], { type: "text/csv;charset=utf-8" }));
        const a = document.createElement("a");
        a.href = url;
        a.download = `throughline-audit-${new Date().toISOString().slice(0, 10)}.csv`;
        a.click();
        URL.revokeObjectURL(url);
        const rows = r.rows.toLocaleString(locale);
        setExported(r.truncated ? t("exportedTruncated", { rows }) : t("exported", { rows }));
      },
    }),
  );
  const items = log.data?.pages.flatMap((p) => p.items);
  const set = (k: keyof Filters) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setDraft({ ...draft, [k]: e.target.value });

  return (
    <div className="space-y-6">
      <Panel title={t("title")}>
        <form
          aria-label={t("filterLabel")}
          className="mb-4 flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            setApplied(draft);
          }}
        >
          <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
            {t("actor")}
            <select className={`${inputClass} w-64`} value={draft.actor} onChange={set("actor")}>
              <option value="">{t("anyone")}</option>
              <option value="system">{t("theSystem")}</option>
              {facets.data?.actors.map((a) => <option key={a.id} value={a.id}>{a.name} ({a.email})</option>)}
            </select>
          </label>
          <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
            {t("action")}
            <input className={`${inputClass} w-52`} list="audit-actions" value={draft.action} onChange={set("action")} placeholder={t("actionPlaceholder")} />
            <datalist id="audit-actions">{facets.data?.actions.map((a) => <option key={a} value={a} />)}</datalist>
          </label>
          <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
            {t("object")}
            <select className={inputClass} value={draft.targetType} onChange={set("targetType")}>
              <option value="">{t("any")}</option>
              {facets.data?.targetTypes.map((type) => <option key={type} value={type}>{type.replace(/_/g, " ")}</option>)}
            </select>
          </label>
          <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
            {t("objectId")}
            <input className={`${inputClass} w-64 font-mono`} value={draft.targetId} onChange={set("targetId")} placeholder={t("objectIdPlaceholder")} />
          </label>
          <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
            {t("from")}
            <input type="date" className={inputClass} value={draft.from} onChange={set("from")} />
          </label>
          <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
            {t("to")}
            <input type="date" className={inputClass} value={draft.to} onChange={set("to")} />
          </label>
          <button type="submit" className={primaryButton}>{t("apply")}</button>
          <button type="button" className={secondaryButton} onClick={() => { setDraft(EMPTY); setApplied(EMPTY); }}>{t("clear")}</button>
          <button type="button" className={`${secondaryButton} ms-auto`} disabled={exportCsv.isPending} onClick={() => { setExported(null); exportCsv.mutate(toInput(applied)); }}>
            {exportCsv.isPending ? t("exporting") : t("exportCsv")}
          </button>
        </form>
        <p aria-live="polite" className={exported ? "mb-3 text-sm text-emerald-800" : "sr-only"}>{exported ?? ""}</p>
        {exportCsv.error ? <div className="mb-3"><FormError error={exportCsv.error} /></div> : null}
        <ListStates query={{ ...log, data: items }} lines={6} emptyTitle={t("emptyTitle")} emptyText={applied === EMPTY ? t("emptyText") : t("emptyFiltered")}>
          {(rows) => (
            <>
              <SettingsTable testId="audit-table" columns={[t("column.when"), t("column.actor"), t("column.action"), t("column.object"), t("column.details")]}>
                {rows.map((e) => (
                  <tr key={e.id}>
                    <td className="px-4 py-2 align-top text-xs whitespace-nowrap text-slate-700" title={formatDateTime(e.at)}>{relativeTime(e.at)}<span className="block text-slate-500">{formatDateTime(e.at)}</span></td>
                    <td className="px-3 py-2 align-top text-sm">{e.actor.name ?? <span className="text-slate-600">{e.actor.type === "system" ? t("system") : e.actor.type}</span>}{e.actor.email ? <span className="block text-xs text-slate-500">{e.actor.email}</span> : null}</td>
                    <td className="px-3 py-2 align-top"><code className="text-xs font-semibold text-slate-800">{e.action}</code></td>
                    <td className="px-3 py-2 align-top text-xs text-slate-700">{e.targetType.replace(/_/g, " ")}<span className="block max-w-[14rem] truncate font-mono text-slate-500" title={e.targetId}>{e.targetId}</span></td>
                    <td className="px-3 py-2 align-top">
                      {Object.keys(e.data ?? {}).length ? (
                        <details>
                          <summary className="cursor-pointer text-xs text-slate-600">{Object.keys(e.data).slice(0, 3).join(", ")}{Object.keys(e.data).length > 3 ? "…" : ""}</summary>
                          <pre className="mt-1 max-h-56 max-w-md overflow-auto rounded bg-slate-900 p-2 text-xs text-slate-100">{JSON.stringify(e.data, null, 2)}</pre>
                        </details>
                      ) : <span className="text-xs text-slate-500">—</span>}
                    </td>
                    <td />
                  </tr>
                ))}
              </SettingsTable>
              {log.hasNextPage ? (
                <div className="mt-3">
                  <button type="button" className={secondaryButton} disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>{log.isFetchingNextPage ? t("loading") : t("older")}</button>
                </div>
              ) : null}
            </>
          )}
        </ListStates>
      </Panel>
    </div>
  );
}
