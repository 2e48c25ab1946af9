"use client";
// Settings → Macros: every macro with who may use it, its author and how often
// it is used; create and edit in a dialog with the placeholders explained and a
// live preview, share with teams, delete after confirming.
import { useDeferredValue, useId, useState } from "react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import { ConfirmDialog, Modal } from "@/components/dialog";
import { Panel } from "@/components/charts/kpi";
import { EmptyState, ErrorState, Skeleton } from "@/components/ui";
import { MACRO_PLACEHOLDERS, renderMacro } from "@/server/macros/render";
import { Checklist, FormError, Notice, dangerLink, errorMessage, inputClass, linkButton, primaryButton, secondaryButton } from "../form-kit";

type Visibility = "everyone" | "teams" | "personal";
type Form = { id: string | null; name: string; body: string; visibility: Visibility; teamIds: string[] };
const EMPTY: Form = { id: null, name: "", body: "", visibility: "everyone", teamIds: [] };
const VISIBILITIES: Visibility[] = ["everyone", "teams", "personal"];

/** "customer.first_name" → "customerFirstName", the placeholder's message key. */
const placeholderKey = (key: string) => key.replace(/[._]([a-z])/g, (_, c: string) => c.toUpperCase());

export function MacrosSettings() {
  const t = useTranslations("macros");
  const format = useFormatter();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [search, setSearch] = useState("");
  const deferred = useDeferredValue(search.trim());
  const macros = useQuery({ ...trpc.macro.manage.list.queryOptions(deferred ? { search: deferred } : undefined), placeholderData: keepPreviousData });
  const teams = useQuery(trpc.macro.manage.teams.queryOptions());
  const [form, setForm] = useState<Form | null>(null);
  const [deleting, setDeleting] = useState<{ id: string; name: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const refresh = () => void qc.invalidateQueries({ queryKey: trpc.macro.pathKey() });
  const create = useMutation(trpc.macro.manage.create.mutationOptions({ onSuccess: (m) => { setNotice(t("notice.created", { name: m.name })); setForm(null); refresh(); } }));
  const update = useMutation(trpc.macro.manage.update.mutationOptions({ onSuccess: (m) => { setNotice(t("notice.saved", { name: m.name })); setForm(null); refresh(); } }));
  const remove = useMutation(trpc.macro.manage.delete.mutationOptions({ onSuccess: () => { setNotice(t("notice.deleted", { name: deleting?.name ?? "" })); setDeleting(null); refresh(); } }));
  const open = (f: Form) => {
    create.reset();
    update.reset();
    setNotice(null);
    setForm(f);
  };
  const save = (f: Form) => {
    const fields = { name: f.name, body: f.body, visibility: f.visibility, teamIds: f.visibility === "teams" ? f.teamIds : [] };
    if (f.id) update.mutate({ id: f.id, ...fields });
    else create.mutate(fields);
  };

  const items = macros.data?.items;
  return (
    <div className="space-y-6">
      <Notice text={notice} />
      <Panel
        title={t("title")}
        actions={
          <button type="button" className={primaryButton} onClick={() => open(EMPTY)}>
            {t("newMacro")}
          </button>
        }
      >
        <p className="mb-3 text-sm text-slate-600">{t("intro")}</p>
        <label className="mb-3 flex max-w-sm flex-col gap-1 text-sm">
          <span className="font-medium text-slate-700">{t("search")}</span>
          <input type="search" className={inputClass} value={search} onChange={(e) => setSearch(e.target.value)} placeholder={t("searchPlaceholder")} />
        </label>
        {macros.isPending ? (
          <Skeleton lines={4} />
        ) : macros.isError || !items ? (
          <ErrorState error={macros.error} retry={() => void macros.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState title={deferred ? t("empty.noMatchTitle") : t("empty.title")}>{deferred ? t("empty.noMatchText") : t("empty.text")}</EmptyState>
        ) : (
          <div className="-mx-4 overflow-x-auto">
            <table className="w-full text-sm" data-testid="macro-table">
              <thead className="border-b border-slate-100 text-start text-xs uppercase tracking-wide text-slate-600">
                <tr>
                  <th scope="col" className="px-4 py-2 text-start">{t("column.name")}</th>
                  <th scope="col" className="px-3 py-2 text-start">{t("column.visibility")}</th>
                  <th scope="col" className="px-3 py-2 text-start">{t("column.author")}</th>
                  <th scope="col" className="px-3 py-2 text-end">{t("column.uses")}</th>
                  <th scope="col" className="px-3 py-2 text-start">{t("column.lastUsed")}</th>
                  <th scope="col" className="px-3 py-2"><span className="sr-only">{t("column.actions")}</span></th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {items.map((m) => (
                  <tr key={m.id} data-macro={m.name}>
                    <td className="px-4 py-2 align-top">
                      <p className="font-medium text-slate-900">{m.name}</p>
                      <p className="line-clamp-1 max-w-md text-xs text-slate-500">{m.body}</p>
                    </td>
                    <td className="px-3 py-2 align-top text-slate-700">
                      {t(`visibility.${m.visibility}`)}
                      {m.visibility === "teams" ? <span className="block text-xs text-slate-500">{m.teams.map((x) => x.name).join(", ")}</span> : null}
                    </td>
                    <td className="px-3 py-2 align-top text-slate-700">{m.createdBy?.name ?? t("formerAgent")}</td>
                    <td className="px-3 py-2 text-end align-top tabular-nums text-slate-900" data-testid="macro-uses">{format.number(m.usageCount)}</td>
                    <td className="px-3 py-2 align-top text-slate-600">{m.lastUsedAt ? <time dateTime={new Date(m.lastUsedAt).toISOString()} title={format.dateTime(new Date(m.lastUsedAt), { dateStyle: "medium", timeStyle: "short" })}>{format.relativeTime(new Date(m.lastUsedAt))}</time> : t("neverUsed")}</td>
                    <td className="whitespace-nowrap px-3 py-2 text-end align-top">
                      <button type="button" className={linkButton} aria-label={t("editNamed", { name: m.name })} onClick={() => open({ id: m.id, name: m.name, body: m.body, visibility: m.visibility, teamIds: m.teams.map((x) => x.id) })}>
                        {t("edit")}
                      </button>
                      <button type="button" className={`${dangerLink} ms-3`} aria-label={t("deleteNamed", { name: m.name })} onClick={() => { remove.reset(); setDeleting({ id: m.id, name: m.name }); }}>
                        {t("delete")}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {macros.data?.truncated ? <p className="px-4 pt-2 text-xs text-slate-500">{t("truncated", { count: items.length })}</p> : null}
          </div>
        )}
      </Panel>

      <Modal open={form !== null} onClose={() => setForm(null)} title={form?.id ? t("dialog.editTitle", { name: form.name }) : t("dialog.newTitle")} className="max-w-3xl">
        {form ? <MacroForm form={form} setForm={setForm} teams={teams.data ?? []} teamsError={teams.isError} saving={create.isPending || update.isPending} error={form.id ? update.error : create.error} onCancel={() => setForm(null)} onSubmit={() => save(form)} /> : null}
      </Modal>

      <ConfirmDialog
        open={deleting !== null}
        title={t("confirmDelete.title", { name: deleting?.name ?? "" })}
        description={t("confirmDelete.text")}
        confirmLabel={t("confirmDelete.confirm")}
        tone="danger"
        busy={remove.isPending}
        error={errorMessage(remove.error)}
        onClose={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate({ id: deleting.id })}
      />
    </div>
  );
}

function MacroForm({ form, setForm, teams, teamsError, saving, error, onCancel, onSubmit }: {
  form: Form;
  setForm: (f: Form) => void;
  teams: { id: string; name: string }[];
  teamsError: boolean;
  saving: boolean;
  error: unknown;
  onCancel: () => void;
  onSubmit: () => void;
}) {
  const t = useTranslations("macros");
  const ids = { name: useId(), body: useId(), help: useId() };
  const preview = renderMacro(form.body, { customer: { name: "Dr. Ana Ruiz" }, agent: { name: "Sam Rivera" }, conversation: { number: 1042, subject: t("preview.sampleSubject") } });
  return (
    <form
      aria-label={form.id ? t("dialog.editTitle", { name: form.name }) : t("dialog.newTitle")}
      className="mt-4 space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <div className="flex flex-col gap-1 text-sm">
        <label htmlFor={ids.name} className="font-medium text-slate-700">{t("field.name")}</label>
        <input id={ids.name} className={inputClass} value={form.name} maxLength={120} required autoFocus onChange={(e) => setForm({ ...form, name: e.target.value })} />
      </div>
      <div className="grid gap-4 md:grid-cols-2">
        <div className="flex flex-col gap-1 text-sm">
          <label htmlFor={ids.body} className="font-medium text-slate-700">{t("field.body")}</label>
          <textarea id={ids.body} aria-describedby={ids.help} className={`${inputClass} min-h-40 font-mono`} value={form.body} maxLength={20_000} required onChange={(e) => setForm({ ...form, body: e.target.value })} />
          <div id={ids.help} className="rounded-md bg-slate-50 p-2 text-xs text-slate-600">
            <p className="font-medium text-slate-700">{t("placeholders.title")}</p>
            <ul className="mt-1 space-y-0.5">
              {MACRO_PLACEHOLDERS.map((p) => (
                <li key={p.key}>
                  <button type="button" className="font-mono text-brand-700 hover:underline" aria-label={t("placeholders.insert", { placeholder: `{{${p.key}}}` })} onClick={() => setForm({ ...form, body: `${form.body}{{${p.key}}}` })}>
                    {`{{${p.key}}}`}
                  </button>{" "}
                  — {t(`placeholders.${placeholderKey(p.key)}`)}
                </li>
              ))}
            </ul>
          </div>
        </div>
        <section aria-label={t("preview.title")} className="flex flex-col gap-1 text-sm">
          <h3 className="font-medium text-slate-700">{t("preview.title")}</h3>
          <p className="text-xs text-slate-500">{t("preview.explain")}</p>
          <div data-testid="macro-preview" className="min-h-40 whitespace-pre-wrap rounded-md bg-surface p-2.5 text-slate-900 ring-1 ring-slate-200">
            {preview || <span className="text-slate-500">{t("preview.empty")}</span>}
          </div>
        </section>
      </div>
      <fieldset className="space-y-2 text-sm">
        <legend className="font-medium text-slate-700">{t("field.visibility")}</legend>
        <div className="flex flex-wrap gap-4">
          {VISIBILITIES.map((v) => (
            <label key={v} className="flex items-center gap-2">
              <input type="radio" name="visibility" className="accent-brand-600" checked={form.visibility === v} onChange={() => setForm({ ...form, visibility: v })} />
              <span>
                {t(`visibility.${v}`)} <span className="text-xs text-slate-500">— {t(`visibilityHelp.${v}`)}</span>
              </span>
            </label>
          ))}
        </div>
        {form.visibility === "teams" ? (
          teamsError ? (
            <p role="alert" className="text-sm text-red-700">{t("teamsUnavailable")}</p>
          ) : (
            <Checklist legend={t("field.teams")} items={teams} selected={form.teamIds} onChange={(teamIds) => setForm({ ...form, teamIds })} render={(x) => x.name} empty={t("noTeams")} />
          )
        ) : null}
      </fieldset>
      <div className="flex flex-wrap items-center gap-2">
        <button type="submit" disabled={saving} className={primaryButton}>
          {form.id ? t("dialog.save") : t("dialog.create")}
        </button>
        <button type="button" onClick={onCancel} className={secondaryButton}>
          {t("dialog.cancel")}
        </button>
        <FormError error={error} />
      </div>
    </form>
  );
}
