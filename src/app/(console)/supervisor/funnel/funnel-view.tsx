"use client";
import { useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";
import { ErrorState, Skeleton } from "@/components/ui";
import { FunnelPanels } from "@/components/journey/funnel";

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const COHORTS = [
  { key: "all", label: "All customers" },
  { key: "365", label: "First seen in the last 12 months" },
  { key: "90", label: "Last 90 days" },
] as const;

export function FunnelView() {
  const trpc = useTRPC();
  const [cohort, setCohort] = useState<(typeof COHORTS)[number]["key"]>("all");
  const input = cohort === "all" ? undefined : { from: iso(Date.now() - Number(cohort) * DAY), to: iso(Date.now()) };
  const funnel = useQuery({ ...trpc.journey.funnel.queryOptions(input), placeholderData: keepPreviousData });
  return (
    <div className="space-y-5">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Journey funnel</h1>
          <p className="text-sm text-slate-500">How customers move from first visit to advocacy — and where they need us most. Stage rules: docs/journey.md.</p>
        </div>
        <label className="text-xs text-slate-500">
          Cohort
          <select value={cohort} onChange={(e) => setCohort(e.target.value as typeof cohort)} className="ml-2 rounded-md border border-slate-300 bg-surface px-2 py-1 text-sm text-slate-800">
            {COHORTS.map((c) => (
              <option key={c.key} value={c.key}>
                {c.label}
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
