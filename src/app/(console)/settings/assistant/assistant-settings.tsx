"use client";
// Settings → Assistant (admins): each feature's switch, which provider answers
// (the configured model, or the local fallback), the website-chat inboxes
// with the answer bot, and the request log (feature, source, model, tokens,
// latency, outcome; the prompt as sent, expandable).
import { Fragment, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";
import { ErrorState, Skeleton, relativeTime } from "@/components/ui";
import { FormError } from "../form-kit";

const SWITCHES = [
  { key: "summaryEnabled", label: "Summary in the customer sidebar", help: "The customer's journey and the open conversation, each claim linked to its timeline item." },
  { key: "replyEnabled", label: "Suggested reply in the composer", help: "A draft grounded in help-center articles, citing them; the agent edits it, nothing is sent by itself." },
  { key: "botEnabled", label: "Widget answer bot", help: "Answers website visitors from help-center articles only, in the inboxes opted in below; hands over to a human on request or when unsure." },
] as const;

export function AssistantSettings() {
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
        <h2 id="assistant-provider-h" className="font-semibold">Provider</h2>
        {provider.configured ? (
          <p className="mt-1 text-sm text-slate-700">
            Model <span className="font-mono">{provider.model}</span> at <span className="font-mono">{provider.baseUrlHost}</span>, answering within {provider.timeoutMs} ms (else the local fallback answers).
          </p>
        ) : (
          <p className="mt-1 text-sm text-slate-700">No AI provider is configured (LLM_BASE_URL): every feature answers from the local, deterministic fallback and says so.</p>
        )}
      </section>

      <section aria-labelledby="assistant-features-h" className="rounded-xl bg-surface p-4 ring-1 ring-slate-200">
        <h2 id="assistant-features-h" className="font-semibold">Features</h2>
        <div className="mt-2 space-y-2">
          {SWITCHES.map((s) => (
            <label key={s.key} className="flex items-start gap-2 text-sm text-slate-800">
              <input type="checkbox" className="mt-0.5 h-4 w-4 rounded border-slate-300" checked={switches[s.key]} disabled={update.isPending} onChange={(e) => update.mutate({ [s.key]: e.target.checked })} />
              <span>
                {s.label}
                <span className="block text-xs text-slate-500">{s.help}</span>
              </span>
            </label>
          ))}
          <FormError error={update.error} />
        </div>
      </section>

      <section aria-labelledby="assistant-bot-h" className="rounded-xl bg-surface p-4 ring-1 ring-slate-200">
        <h2 id="assistant-bot-h" className="font-semibold">Answer bot per website-chat inbox</h2>
        {inboxes.length === 0 ? <p className="mt-1 text-sm text-slate-600">No website-chat inbox yet.</p> : null}
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
  const trpc = useTRPC();
  const log = useQuery(trpc.assistant.requests.queryOptions({ limit: 50 }));
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section aria-labelledby="assistant-log-h" className="rounded-xl bg-surface p-4 ring-1 ring-slate-200">
      <h2 id="assistant-log-h" className="font-semibold">Recent requests</h2>
      <p className="text-xs text-slate-500">What was sent (never the API key), what came back, tokens and latency. Kept 90 days.</p>
      {log.isPending ? (
        <Skeleton lines={3} />
      ) : log.isError ? (
        <ErrorState error={log.error} />
      ) : log.data.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">No requests yet.</p>
      ) : (
        <div className="-mx-4 mt-2 overflow-x-auto">
          <table className="w-full text-sm" data-testid="assistant-log">
            <thead className="border-b border-slate-100 text-left text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-4 py-2">When</th>
                <th className="px-3 py-2">Feature</th>
                <th className="px-3 py-2">Source</th>
                <th className="px-3 py-2">Model</th>
                <th className="px-3 py-2">Tokens</th>
                <th className="px-3 py-2">Latency</th>
                <th className="px-3 py-2">Outcome</th>
                <th className="px-3 py-2"><span className="sr-only">Details</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {log.data.map((r) => (
                <Fragment key={r.id}>
                  <tr>
                    <td className="whitespace-nowrap px-4 py-2 text-slate-500">{relativeTime(r.createdAt)}</td>
                    <td className="px-3 py-2">{r.feature.replace("_", " ")}</td>
                    <td className="px-3 py-2">{r.source === "llm" ? "provider" : "local fallback"}</td>
                    <td className="px-3 py-2 font-mono text-xs">{r.model ?? "—"}</td>
                    <td className="px-3 py-2 text-xs">{r.promptTokens === null ? "—" : `${r.promptTokens} + ${r.completionTokens ?? 0}`}</td>
                    <td className="px-3 py-2">{r.latencyMs} ms</td>
                    <td className={`px-3 py-2 ${r.outcome === "ok" ? "text-emerald-700" : "text-amber-800"}`} title={r.error ?? undefined}>
                      {r.outcome}
                    </td>
                    <td className="px-3 py-2">
                      <button type="button" className="text-xs font-medium text-brand-700 hover:underline" aria-expanded={open === r.id} onClick={() => setOpen(open === r.id ? null : r.id)}>
                        {open === r.id ? "Hide" : "Prompt"}
                      </button>
                    </td>
                  </tr>
                  {open === r.id ? (
                    <tr>
                      <td colSpan={8} className="bg-slate-50 px-4 py-2">
                        {r.error ? <p className="mb-1 text-xs text-amber-900">Error: {r.error}</p> : null}
                        {Array.isArray(r.prompt) && r.prompt.length > 0 ? (
                          <pre className="max-h-80 overflow-auto whitespace-pre-wrap text-xs text-slate-800">{JSON.stringify(r.prompt, null, 2)}</pre>
                        ) : (
                          <p className="text-xs text-slate-600">Nothing was sent to a provider: the local fallback answered.</p>
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
