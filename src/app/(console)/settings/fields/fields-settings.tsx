"use client";
// Settings → Fields: the custom conversation fields agents fill in on the
// conversation page (text, number, select, date), in which inboxes each must
// be filled before a conversation is resolved; create and edit in a dialog
// (the key and type are fixed at creation), archive after confirming.
import { useId, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import { ConfirmDialog, Modal } from "@/components/dialog";
import { Panel } from "@/components/charts/kpi";
import { EmptyState, ErrorState, Skeleton } from "@/components/ui";
import { Checklist, FormError, Notice, dangerLink, errorMessage, inputClass, linkButton, primaryButton, secondaryButton } from "../form-kit";

type FieldType = "text" | "number" | "select" | "date";
const TYPES: FieldType[] = ["text", "select", "number", "date"];
type Form = { id: string | null; key: string; label: string; type: FieldType; options: string; requiredInboxIds: string[] };
const EMPTY: Form = { id: null, key: "", label: "", type: "text", options: "", requiredInboxIds: [] };

/** "Order ID" → "order_id": a suggested key while the admin types the label of a new field. */
const keyFromLabel = (label: string) =>
  label
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^[^a-z]+/, "")
    .replace(/_+$/, "")
    .slice(0, 50);

export function FieldsSettings() {
  const t = useTranslations("fields");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const fields = useQuery(trpc.field.manage.list.queryOptions());
  const inboxes = useQuery(trpc.conversation.inboxes.queryOptions());
  const [showArchived, setShowArchived] = useState(false);
  const [form, setForm] = useState<Form | null>(null);
  const [archiving, setArchiving] = useState<{ id: string; label: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const refresh = () => void qc.invalidateQueries({ queryKey: trpc.field.pathKey() });
  const create = useMutation(trpc.field.manage.create.mutationOptions({ onSuccess: (f) => { setNotice(t("settings.notice.created", { label: f.label })); setForm(null); refresh(); } }));
  const update = useMutation(trpc.field.manage.update.mutationOptions({ onSuccess: (f) => { setNotice(t("settings.notice.saved", { label: f.label })); setForm(null); refresh(); } }));
  const archive = useMutation(trpc.field.manage.archive.mutationOptions({ onSuccess: (f) => { setNotice(t("settings.notice.archived", { label: f.label })); setArchiving(null); refresh(); } }));
  const open = (f: Form) => {
    create.reset();
    update.reset();
    setNotice(null);
    setForm(f);
  };
  const save = (f: Form) => {
    const options = f.type === "select" ? f.options.split("\n").map((o) => o.trim()).filter(Boolean) : [];
    if (f.id) update.mutate({ id: f.id, label: f.label, ...(f.type === "select" ? { options } : {}), requiredInboxIds: f.requiredInboxIds });
    else create.mutate({ key: f.key, label: f.label, type: f.type, options, requiredInboxIds: f.requiredInboxIds });
  };
  const inboxName = new Map((inboxes.data ?? []).map((i) => [i.id, i.name]));
  const all = fields.data ?? [];
  const items = all.filter((f) => showArchived || !f.archivedAt);
  const archivedCount = all.filter((f) => f.archivedAt).length;

  return (
    <div className="space-y-6">
      <Notice text={notice} />
      <Panel
        title={t("settings.title")}
        actions={
          <button type="button" className={primaryButton} onClick={() => open(EMPTY)}>
            {t("settings.newField")}
          </button>
        }
      >
        <p className="mb-3 text-sm text-slate-600">{t("settings.intro")}</p>
        {archivedCount > 0 ? (
          <label className="mb-3 flex items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" className="h-4 w-4 accent-brand-600" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} />
            {t("settings.showArchived", { count: archivedCount })}
          </label>
        ) : null}
        {fields.isPending ? (
          <Skeleton lines={4} />
        ) : fields.isError ? (
          <ErrorState error={fields.error} retry={() => void fields.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState title={t("settings.empty.title")}>{t("settings.empty.text")}</EmptyState>
        ) : (
          <div className="-mx-4 overflow-x-auto">
            <table className="w-full text-sm" data-testid="field-table">
              <thead className="border-b border-slate-100 text-xs uppercase tracking-wide text-slate-600">
                <tr>
                  <th scope="col" className="px-4 py-2 text-start">{t("settings.column.field")}</th>
                  <th scope="col" className="px-3 py-2 text-start">{t("settings.column.type")}</th>
                  <th scope="col" className="px-3 py-2 text-start">{t("settings.column.requiredIn")}</th>
                  <th scope="col" className="px-3 py-2"><span className="sr-only">{t("settings.column.actions")}</span></th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {items.map((f) => (
                  <tr key={f.id} data-field={f.key} className={f.archivedAt ? "text-slate-500" : ""}>
                    <td className="px-4 py-2 align-top">
                      <p className="font-medium text-slate-900">
                        {f.label}
                        {f.archivedAt ? <span className="ms-2 rounded-full bg-slate-100 px-1.5 py-0.5 text-xs font-normal text-slate-600">{t("settings.archivedBadge")}</span> : null}
                      </p>
                      <p className="font-mono text-xs text-slate-500">{f.key}</p>
                    </td>
                    <td className="px-3 py-2 align-top text-slate-700">
                      {t(`type.${f.type}`)}
                      {f.type === "select" ? <span className="block max-w-xs truncate text-xs text-slate-500">{f.options.join(", ")}</span> : null}
                    </td>
                    <td className="px-3 py-2 align-top text-slate-700">
                      {f.requiredInboxIds.length ? f.requiredInboxIds.map((id) => inboxName.get(id) ?? id).join(", ") : <span className="text-slate-500">{t("settings.notRequired")}</span>}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 text-end align-top">
                      {f.archivedAt ? null : (
                        <>
                          <button
                            type="button"
                            className={linkButton}
                            aria-label={t("settings.editNamed", { label: f.label })}
                            onClick={() => open({ id: f.id, key: f.key, label: f.label, type: f.type, options: f.options.join("\n"), requiredInboxIds: f.requiredInboxIds })}
                          >
                            {t("settings.edit")}
                          </button>
                          <button type="button" className={`${dangerLink} ms-3`} aria-label={t("settings.archiveNamed", { label: f.label })} onClick={() => { archive.reset(); setArchiving({ id: f.id, label: f.label }); }}>
                            {t("settings.archive")}
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>

      <Modal open={form !== null} onClose={() => setForm(null)} title={form?.id ? t("settings.dialog.editTitle", { label: form.label }) : t("settings.dialog.newTitle")} className="max-w-2xl">
        {form ? (
          <FieldForm
            form={form}
            setForm={setForm}
            inboxes={inboxes.data ?? []}
            inboxesError={inboxes.isError}
            saving={create.isPending || update.isPending}
            error={form.id ? update.error : create.error}
            onCancel={() => setForm(null)}
            onSubmit={() => save(form)}
          />
        ) : null}
      </Modal>

      <ConfirmDialog
        open={archiving !== null}
        title={t("settings.confirmArchive.title", { label: archiving?.label ?? "" })}
        description={t("settings.confirmArchive.text")}
        confirmLabel={t("settings.confirmArchive.confirm")}
        tone="danger"
        busy={archive.isPending}
        error={errorMessage(archive.error)}
        onClose={() => setArchiving(null)}
        onConfirm={() => archiving && archive.mutate({ id: archiving.id })}
      />
    </div>
  );
}

function FieldForm({ form, setForm, inboxes, inboxesError, saving, error, onCancel, onSubmit }: {
  form: Form;
  setForm: (f: Form) => void;
  inboxes: { id: string; name: string }[];
  inboxesError: boolean;
  saving: boolean;
  error: unknown;
  onCancel: () => void;
  onSubmit: () => void;
}) {
  const t = useTranslations("fields");
  const ids = { label: useId(), key: useId(), keyHelp: useId(), type: useId(), options: useId(), optionsHelp: useId() };
  const [keyTouched, setKeyTouched] = useState(false);
  const isNew = form.id === null;
  return (
    <form
      aria-label={isNew ? t("settings.dialog.newTitle") : t("settings.dialog.editTitle", { label: form.label })}
      className="mt-4 space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <div className="flex flex-col gap-1 text-sm">
        <label htmlFor={ids.label} className="font-medium text-slate-700">{t("settings.form.label")}</label>
        <input
          id={ids.label}
          className={inputClass}
          value={form.label}
          maxLength={80}
          required
          autoFocus
          onChange={(e) => setForm({ ...form, label: e.target.value, ...(isNew && !keyTouched ? { key: keyFromLabel(e.target.value) } : {}) })}
        />
      </div>
      <div className="flex flex-col gap-1 text-sm">
        <label htmlFor={ids.key} className="font-medium text-slate-700">{t("settings.form.key")}</label>
        <input
          id={ids.key}
          className={`${inputClass} font-mono`}
          value={form.key}
          maxLength={50}
          required
          readOnly={!isNew}
          aria-describedby={ids.keyHelp}
          onChange={(e) => {
            setKeyTouched(true);
            setForm({ ...form, key: e.target.value });
          }}
        />
        <p id={ids.keyHelp} className="text-xs text-slate-500">{isNew ? t("settings.form.keyHelp") : t("settings.form.keyFixed")}</p>
      </div>
      <div className="flex flex-col gap-1 text-sm">
        <label htmlFor={ids.type} className="font-medium text-slate-700">{t("settings.form.type")}</label>
        <select id={ids.type} className={`${inputClass} max-w-xs`} value={form.type} disabled={!isNew} onChange={(e) => setForm({ ...form, type: e.target.value as FieldType })}>
          {TYPES.map((type) => (
            <option key={type} value={type}>
              {t(`type.${type}`)}
            </option>
          ))}
        </select>
        {!isNew ? <p className="text-xs text-slate-500">{t("settings.form.typeFixed")}</p> : null}
      </div>
      {form.type === "select" ? (
        <div className="flex flex-col gap-1 text-sm">
          <label htmlFor={ids.options} className="font-medium text-slate-700">{t("settings.form.options")}</label>
          <textarea id={ids.options} aria-describedby={ids.optionsHelp} className={`${inputClass} min-h-28`} value={form.options} onChange={(e) => setForm({ ...form, options: e.target.value })} />
          <p id={ids.optionsHelp} className="text-xs text-slate-500">{t("settings.form.optionsHelp")}</p>
        </div>
      ) : null}
      {inboxesError ? (
        <p role="alert" className="text-sm text-red-700">{t("settings.form.inboxesUnavailable")}</p>
      ) : (
        <Checklist legend={t("settings.form.requiredIn")} items={inboxes} selected={form.requiredInboxIds} onChange={(requiredInboxIds) => setForm({ ...form, requiredInboxIds })} render={(i) => i.name} empty={t("settings.form.noInboxes")} />
      )}
      <div className="flex flex-wrap items-center gap-2">
        <button type="submit" disabled={saving} className={primaryButton}>
          {isNew ? t("settings.dialog.create") : t("settings.dialog.save")}
        </button>
        <button type="button" onClick={onCancel} className={secondaryButton}>
          {t("settings.dialog.cancel")}
        </button>
        <FormError error={error} />
      </div>
    </form>
  );
}
