"use client";
// The composer's "Suggest reply": asks the assistant for a draft grounded in
// help-center articles and puts it in the editor for the agent to edit. It
// never sends. The cited articles are listed under the editor's toolbar;
// a fallback draft is labelled as such.
import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";

export function SuggestReply({ conversationId, onDraft }: { conversationId: string; onDraft: (text: string) => void }) {
  const t = useTranslations("components.suggestReply");
  const trpc = useTRPC();
  const suggest = useMutation(trpc.assistant.suggestReply.mutationOptions({ onSuccess: (r) => onDraft(r.draft) }));
  const r = suggest.data;
  return (
    <div className="flex w-full flex-wrap items-center gap-2 pb-1 text-xs" data-testid="suggest-reply">
      <button
        type="button"
        disabled={suggest.isPending}
        onClick={() => suggest.mutate({ conversationId })}
        className="rounded-md border border-slate-300 bg-surface px-2 py-1 font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-60"
      >
        {suggest.isPending ? t("drafting") : t("suggest")}
      </button>
      {suggest.isError ? (
        <span role="alert" className="text-red-700">
          {suggest.error.message}
        </span>
      ) : null}
      {r ? (
        <span className="flex min-w-0 flex-wrap items-center gap-1 text-slate-600" data-testid="suggest-reply-sources" data-source={r.source}>
          <span className={`rounded-full px-1.5 py-0.5 ${r.source === "llm" ? "bg-brand-100 text-brand-800" : "bg-slate-200 text-slate-700"}`}>
            {r.source === "llm" ? t("aiDraft", { model: r.model ?? t("provider") }) : t("templateDraft")}
          </span>
          {r.fallback === "timeout" || r.fallback === "error" ? <span className="text-amber-800">{t(`fallback.${r.fallback}`)}</span> : null}
          {r.articles.length === 0 ? <span>{t("noArticle")}</span> : null}
          {r.articles.map((a) => (
            <a key={a.id} href={a.url} target="_blank" rel="noreferrer" className={`truncate rounded px-1 hover:underline ${r.cited.includes(a.ref) ? "font-medium text-brand-700" : "text-slate-600"}`} title={a.headline}>
              [{a.ref}] {a.title}
            </a>
          ))}
          <span className="text-slate-500">{t("review")}</span>
        </span>
      ) : null}
    </div>
  );
}
