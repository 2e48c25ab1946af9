"use client";
// Settings → Surveys: when the automatic CSAT goes out. Saved as soon as it changes.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import { ErrorState, Skeleton } from "@/components/ui";
import { FormError, Notice } from "../form-kit";

export function SurveySendingSettings() {
  const t = useTranslations("settings.surveys");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const settings = useQuery(trpc.surveys.settings.queryOptions());
  const [saved, setSaved] = useState<string | null>(null);
  const update = useMutation(
    trpc.surveys.updateSettings.mutationOptions({
      onSuccess: (data) => {
        qc.setQueryData(trpc.surveys.settings.queryKey(), data);
        setSaved(data.csatRequiresAgentReply ? t("savedAgentOnly") : t("savedEvery"));
      },
    }),
  );
  return (
    <section aria-labelledby="survey-sending-h" className="rounded-xl bg-surface p-4 ring-1 ring-slate-200">
      <h2 id="survey-sending-h" className="font-semibold">{t("sending")}</h2>
      {settings.isPending ? (
        <Skeleton lines={1} />
      ) : settings.isError ? (
        <ErrorState error={settings.error} retry={() => void settings.refetch()} />
      ) : (
        <div className="mt-2 space-y-2">
          <label className="flex items-start gap-2 text-sm text-slate-800">
            <input
              type="checkbox"
              className="mt-0.5 h-4 w-4 rounded border-slate-300"
              checked={update.isPending ? Boolean(update.variables?.csatRequiresAgentReply) : settings.data.csatRequiresAgentReply}
              disabled={update.isPending}
              onChange={(e) => {
                setSaved(null);
                update.mutate({ csatRequiresAgentReply: e.target.checked });
              }}
            />
            <span>
              {t("agentOnly")}
              <span className="block text-xs text-slate-500">{t("agentOnlyHelp")}</span>
            </span>
          </label>
          <FormError error={update.error} />
          <Notice text={saved} />
        </div>
      )}
    </section>
  );
}
