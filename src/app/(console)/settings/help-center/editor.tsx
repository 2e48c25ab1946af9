"use client";
// Help-center articles editor: list, create, edit (Markdown with live preview), publish, delete.
import { useEffect, useMemo, useState } from "react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import { ErrorState, Skeleton, relativeTime } from "@/components/ui";

type Draft = { id: string | null; title: string; slug: string; locale: string; category: string; status: "draft" | "published"; body: string };
const NEW: Draft = { id: null, title: "", slug: "", locale: "en", category: "", status: "draft", body: "" };
const input = "rounded-md border border-slate-300 bg-surface px-2 py-1.5 text-sm";

function useDebounced<T>(value: T, ms: number) {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function HelpCenterEditor() {
  const t = useTranslations("settings.helpCenter");
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.helpcenter.list.queryOptions());
  const cats = useQuery(trpc.helpcenter.categories.queryOptions());
  const [selected, setSelected] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [filter, setFilter] = useState("");
  const article = useQuery({ ...trpc.helpcenter.get.queryOptions({ id: selected ?? "00000000-0000-0000-0000-000000000000" }), enabled: !!selected });
  useEffect(() => {
    if (article.data && selected === article.data.id) {
      const a = article.data;
      setDraft({ id: a.id, title: a.title, slug: a.slug, locale: a.locale, category: a.category, status: a.status, body: a.body });
    }
  }, [article.data, selected]);
  const body = useDebounced(draft?.body ?? "", 300);
  const preview = useQuery({ ...trpc.helpcenter.preview.queryOptions({ body }), enabled: !!draft, placeholderData: keepPreviousData });
  const invalidate = () => void qc.invalidateQueries({ queryKey: trpc.helpcenter.pathKey() });
  const save = useMutation(trpc.helpcenter.save.mutationOptions({ onSuccess: (r) => { invalidate(); if (r) { setSelected(r.id); setDraft((d) => (d ? { ...d, id: r.id, slug: r.slug } : d)); } } }));
  const del = useMutation(trpc.helpcenter.delete.mutationOptions({ onSuccess: () => { invalidate(); setSelected(null); setDraft(null); } }));
  const visible = useMemo(() => (list.data ?? []).filter((a) => !filter || `${a.title} ${a.category}`.toLowerCase().includes(filter.toLowerCase())), [list.data, filter]);

  return (
    <div className="grid gap-5 lg:grid-cols-[300px_minmax(0,1fr)]">
      <aside className="rounded-xl bg-surface p-3 ring-1 ring-slate-200">
        <div className="flex items-center gap-2">
          <input className={`${input} flex-1`} placeholder={t("filter")} value={filter} onChange={(e) => setFilter(e.target.value)} aria-label={t("filter")} />
          <button type="button" onClick={() => { setSelected(null); setDraft(NEW); }} className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700">{t("new")}</button>
        </div>
        {list.isPending ? <div className="mt-3"><Skeleton lines={4} /></div> : list.isError ? <ErrorState error={list.error} /> : (
          <ul className="mt-3 max-h-[70vh] space-y-0.5 overflow-y-auto" data-testid="article-list">
            {visible.map((a) => (
              <li key={a.id}>
                <button type="button" onClick={() => setSelected(a.id)} className={`w-full rounded-md px-2 py-1.5 text-start ${selected === a.id ? "bg-brand-50" : "hover:bg-slate-50"}`}>
                  <span className="block truncate text-sm font-medium text-slate-800">{a.title}</span>
                  <span className="flex items-center gap-2 text-xs text-slate-500">
                    <span className={`rounded px-1.5 font-medium ${a.status === "published" ? "bg-emerald-50 text-emerald-700" : "bg-slate-100 text-slate-600"}`}>{t(`status.${a.status}`)}</span>
                    {t("meta", { category: a.category, locale: a.locale, views: String(a.views), yes: String(a.helpfulYes), total: String(a.helpfulYes + a.helpfulNo) })}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </aside>

      <section className="rounded-xl bg-surface p-4 ring-1 ring-slate-200" aria-label={t("editor")}>
        {!draft ? (
          <p className="py-16 text-center text-sm text-slate-500">{t("pick")}</p>
        ) : (
          <form
            className="space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              save.mutate({ ...draft, slug: draft.slug || undefined });
            }}
          >
            <div className="grid gap-3 md:grid-cols-6">
              <label className="flex flex-col gap-1 text-xs font-medium text-slate-600 md:col-span-3">{t("title")}<input required className={input} value={draft.title} onChange={(e) => setDraft({ ...draft, title: e.target.value })} /></label>
              <label className="flex flex-col gap-1 text-xs font-medium text-slate-600 md:col-span-2">{t("slug")}<input className={input} value={draft.slug} onChange={(e) => setDraft({ ...draft, slug: e.target.value })} placeholder={t("slugPlaceholder")} /></label>
              <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">{t("locale")}<input className={input} value={draft.locale} onChange={(e) => setDraft({ ...draft, locale: e.target.value })} /></label>
              <label className="flex flex-col gap-1 text-xs font-medium text-slate-600 md:col-span-3">{t("category")}
                <input required list="hc-cats" className={input} value={draft.category} onChange={(e) => setDraft({ ...draft, category: e.target.value })} />
                <datalist id="hc-cats">{cats.data?.map((c) => <option key={c} value={c} />)}</datalist>
              </label>
              <label className="flex flex-col gap-1 text-xs font-medium text-slate-600 md:col-span-2">{t("statusLabel")}
                <select className={input} value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value as Draft["status"] })}><option value="draft">{t("draftOption")}</option><option value="published">{t("publishedOption")}</option></select>
              </label>
            </div>
            <div className="grid gap-3 xl:grid-cols-2">
              <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">{t("body")}
                <textarea className={`${input} min-h-[420px] font-mono text-[13px] leading-relaxed`} value={draft.body} onChange={(e) => setDraft({ ...draft, body: e.target.value })} />
              </label>
              <div className="flex flex-col gap-1">
                <span className="text-xs font-medium text-slate-600">{t("preview")}</span>
                <div
                  className="min-h-[420px] overflow-y-auto rounded-md border border-slate-200 p-4 text-sm leading-6 text-slate-700 [&_a]:text-brand-700 [&_a]:underline [&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 [&_h2]:mt-4 [&_h2]:mb-1 [&_h2]:text-base [&_h2]:font-semibold [&_h3]:mt-3 [&_h3]:font-semibold [&_ol]:list-decimal [&_ol]:pl-5 [&_p]:my-2 [&_pre]:my-2 [&_pre]:overflow-x-auto [&_pre]:rounded-md [&_pre]:bg-slate-900 [&_pre]:p-3 [&_pre]:text-slate-100 [&_pre_code]:bg-transparent [&_ul]:list-disc [&_ul]:pl-5"
                  // Rendered by our escaping Markdown renderer on the server.
                  dangerouslySetInnerHTML={{ __html: preview.data?.html ?? "" }}
                />
              </div>
            </div>
            <div className="flex flex-wrap items-center gap-2">
              <button type="submit" disabled={save.isPending} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50">{draft.id ? t("save") : t("create")}</button>
              {draft.id && draft.status === "published" ? <a href={draft.locale === "en" ? `/help/${draft.slug}` : `/help/${draft.locale}/${draft.slug}`} target="_blank" rel="noreferrer" className="rounded-md px-3 py-2 text-sm font-medium text-brand-700 hover:bg-brand-50">{t("view")}</a> : null}
              {draft.id ? <button type="button" onClick={() => confirm(t("confirmDelete", { title: draft.title })) && del.mutate({ id: draft.id! })} className="ms-auto rounded-md px-3 py-2 text-sm font-medium text-red-700 hover:bg-red-50">{t("delete")}</button> : null}
              {save.isSuccess && !save.isPending ? <span className="text-sm text-emerald-700">{t("saved", { when: article.data ? relativeTime(new Date(), Date.now(), locale) : "" })}</span> : null}
              {save.isError ? <span role="alert" className="text-sm text-red-700">{save.error.message}</span> : null}
            </div>
          </form>
        )}
      </section>
    </div>
  );
}
