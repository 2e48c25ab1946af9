"use client";
import { useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import { ErrorState, Skeleton } from "@/components/ui";
import { FunnelPanels } from "@/components/journey/funnel";

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
// Labels: pages.supervisor.funnel.cohort.<key>.
const COHORTS = [{ key: "all" }, { key: "365" }, { key: "90" }] as const;

export function FunnelView() {
  const t = useTranslations("pages.supervisor.funnel");
  const trpc = useTRPC();
  const [cohort, setCohort] = useState<(typeof COHORTS)[number]["key"]>("all");
  const input = cohort === "all" ? undefined : { from: iso(Date.now() - Number(cohort) * DAY), to: iso(Date.now()) };
  const funnel = useQuery({ ...trpc.journey.funnel.queryOptions(input), placeholderData: keepPreviousData });
  return (
    <div className="space-y-5">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">{t("title")}</h1>
          <p className="text-sm text-slate-500">{t("intro")}</p>
        </div>
        <label className="text-xs text-slate-500">
          {t("cohortLabel")}
          <select value={cohort} onChange={(e) => setCohort(e.target.value as typeof cohort)} className="ms-2 rounded-md border border-slate-300 bg-surface px-2 py-1 text-sm text-slate-800">
            {COHORTS.map((c) => (
              <option key={c.key} value={c.key}>
                {t(`cohort.${c.key}`)}
              </option>
            ))}
          </select>
        </label>
      </header>
      {funnel.isError ? <ErrorState error={funnel.error} retry={() => void funnel.refetch()} /> : null}
      {funnel.data ? (
        <div className={`space-y-5 ${funnel.isFetching ? "opacity-70" : ""}`}>
          <FunnelPanels funnel={funnel.data} />
        </div>
      ) : funnel.isPending ? (
        <Skeleton lines={6} />
      ) : null}
    </div>
  );
}
