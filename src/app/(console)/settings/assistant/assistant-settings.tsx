"use client";
// Settings → Assistant (admins): each feature's switch, which provider answers
// (the configured model, or the local fallback), the website-chat inboxes
// with the answer bot, and the request log (feature, source, model, tokens,
// latency, outcome; the prompt as sent, expandable).
import { Fragment, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import { ErrorState, Skeleton, relativeTime } from "@/components/ui";
import { FormError } from "../form-kit";

// Each switch's label and help: settings.assistant.switch.<key>.
const SWITCHES = ["summaryEnabled", "replyEnabled", "botEnabled"] as const;

export function AssistantSettings() {
  const t = useTranslations("settings.assistant");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const settings = useQuery(trpc.assistant.settings.queryOptions());
  const invalidate = () => void qc.invalidateQueries({ queryKey: trpc.assistant.pathKey() });
  const update = useMutation(trpc.assistant.updateSettings.mutationOptions({ onSuccess: invalidate }));
  const bot = useMutation(trpc.assistant.setAnswerBot.mutationOptions({ onSuccess: invalidate }));

  if (settings.isPending) return <Skeleton lines={6} />;
  if (settings.isError) return <ErrorState error={settings.error} retry={() => void settings.refetch()} />;
  const { switches, provider, inboxes } = settings.data;
  return (
    <div className="space-y-6">
      <section aria-labelledby="assistant-provider-h" className="rounded-xl bg-surface p-4 ring-1 ring-slate-200" data-testid="assistant-provider">
        <h2 id="assistant-provider-h" className="font-semibold">{t("provider")}</h2>
        {provider.configured ? (
          <p className="mt-1 text-sm text-slate-700">
            {t.rich("providerConfigured", {
              model: provider.model ?? "",
              host: provider.baseUrlHost ?? "",
              // As a string: the English "15000 ms" has no digit grouping.
              timeout: String(provider.timeoutMs),
              mono: (c) => <span className="font-mono">{c}</span>,
              mono2: (c) => <span className="font-mono">{c}</span>,
            })}
          </p>
        ) : (
          <p className="mt-1 text-sm text-slate-700">{t("providerNone")}</p>
        )}
      </section>

      <section aria-labelledby="assistant-features-h" className="rounded-xl bg-surface p-4 ring-1 ring-slate-200">
        <h2 id="assistant-features-h" className="font-semibold">{t("features")}</h2>
        <div className="mt-2 space-y-2">
          {SWITCHES.map((key) => (
            <label key={key} className="flex items-start gap-2 text-sm text-slate-800">
              <input type="checkbox" className="mt-0.5 h-4 w-4 rounded border-slate-300" checked={switches[key]} disabled={update.isPending} onChange={(e) => update.mutate({ [key]: e.target.checked })} />
              <span>
                {t(`switch.${key}.label`)}
                <span className="block text-xs text-slate-500">{t(`switch.${key}.help`)}</span>
              </span>
            </label>
          ))}
          <FormError error={update.error} />
        </div>
      </section>

      <section aria-labelledby="assistant-bot-h" className="rounded-xl bg-surface p-4 ring-1 ring-slate-200">
        <h2 id="assistant-bot-h" className="font-semibold">{t("botTitle")}</h2>
        {inboxes.length === 0 ? <p className="mt-1 text-sm text-slate-600">{t("noWidgetInbox")}</p> : null}
        <div className="mt-2 space-y-1.5">
          {inboxes.map((i) => (
            <label key={i.id} className="flex items-center gap-2 text-sm text-slate-800">
              <input type="checkbox" className="h-4 w-4 rounded border-slate-300" checked={i.answerBot} disabled={bot.isPending} onChange={(e) => bot.mutate({ inboxId: i.id, enabled: e.target.checked })} />
              {i.name} <span className="font-mono text-xs text-slate-500">{i.publicId}</span>
            </label>
          ))}
        </div>
        <FormError error={bot.error} />
      </section>

      <RequestLog />
    </div>
  );
}

function RequestLog() {
  const t = useTranslations("settings.assistant.log");
  const locale = useLocale();
  const trpc = useTRPC();
  const log = useQuery(trpc.assistant.requests.queryOptions({ limit: 50 }));
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section aria-labelledby="assistant-log-h" className="rounded-xl bg-surface p-4 ring-1 ring-slate-200">
      <h2 id="assistant-log-h" className="font-semibold">{t("title")}</h2>
      <p className="text-xs text-slate-500">{t("intro")}</p>
      {log.isPending ? (
        <Skeleton lines={3} />
      ) : log.isError ? (
        <ErrorState error={log.error} />
      ) : log.data.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">{t("empty")}</p>
      ) : (
        <div className="-mx-4 mt-2 overflow-x-auto">
          <table className="w-full text-sm" data-testid="assistant-log">
            <thead className="border-b border-slate-100 text-start text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-4 py-2">{t("column.when")}</th>
                <th className="px-3 py-2">{t("column.feature")}</th>
                <th className="px-3 py-2">{t("column.source")}</th>
                <th className="px-3 py-2">{t("column.model")}</th>
                <th className="px-3 py-2">{t("column.tokens")}</th>
                <th className="px-3 py-2">{t("column.latency")}</th>
                <th className="px-3 py-2">{t("column.outcome")}</th>
                <th className="px-3 py-2"><span className="sr-only">{t("column.details")}</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {log.data.map((r) => (
                <Fragment key={r.id}>
                  <tr>
                    <td className="whitespace-nowrap px-4 py-2 text-slate-500">{relativeTime(r.createdAt, Date.now(), locale)}</td>
                    <td className="px-3 py-2">{r.feature.replace("_", " ")}</td>
                    <td className="px-3 py-2">{r.source === "llm" ? t("sourceProvider") : t("sourceFallback")}</td>
                    <td className="px-3 py-2 font-mono text-xs">{r.model ?? "—"}</td>
                    <td className="px-3 py-2 text-xs">{r.promptTokens === null ? "—" : `${r.promptTokens} + ${r.completionTokens ?? 0}`}</td>
                    <td className="px-3 py-2">{t("ms", { n: String(r.latencyMs) })}</td>
                    <td className={`px-3 py-2 ${r.outcome === "ok" ? "text-emerald-700" : "text-amber-800"}`} title={r.error ?? undefined}>
                      {r.outcome}
                    </td>
                    <td className="px-3 py-2">
                      <button type="button" className="text-xs font-medium text-brand-700 hover:underline" aria-expanded={open === r.id} onClick={() => setOpen(open === r.id ? null : r.id)}>
                        {open === r.id ? t("hide") : t("prompt")}
                      </button>
                    </td>
                  </tr>
                  {open === r.id ? (
                    <tr>
                      <td colSpan={8} className="bg-slate-50 px-4 py-2">
                        {r.error ? <p className="mb-1 text-xs text-amber-900">{t("error", { error: r.error })}</p> : null}
                        {Array.isArray(r.prompt) && r.prompt.length > 0 ? (
                          <pre className="max-h-80 overflow-auto whitespace-pre-wrap text-xs text-slate-800">{JSON.stringify(r.prompt, null, 2)}</pre>
                        ) : (
                          <p className="text-xs text-slate-600">{t("nothingSent")}</p>
                        )}
                        {r.response ? <pre className="mt-2 max-h-60 overflow-auto whitespace-pre-wrap border-t border-slate-200 pt-2 text-xs text-slate-700">{r.response}</pre> : null}
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
