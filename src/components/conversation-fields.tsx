"use client";
// A conversation's custom fields (Settings → Fields): one input per field of
// the right type, saved on change (select, date) or on leaving the input (text,
// number). Fields this inbox requires before resolving are marked; the
// server's refusal (a value its field does not accept) is shown as an alert.
// Each saved change is a ticket event on the timeline, pushed live.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";

type FieldDef = { id: string; key: string; label: string; type: "text" | "number" | "select" | "date"; options: string[]; requiredInboxIds: string[] };
type Value = string | number | null;

const inputClass = "mt-0.5 w-full rounded-lg border border-slate-300 bg-surface px-2 py-1 text-sm";

/** A stored value counts as filled unless missing, null or empty (as src/server/fields/required.ts). */
const filled = (v: unknown) => v !== undefined && v !== null && !(typeof v === "string" && v.trim() === "");

export function ConversationFields({ conversationId, inboxId }: { conversationId: string; inboxId: string }) {
  const t = useTranslations("fields");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const fields = useQuery(trpc.field.list.queryOptions());
  // The page's own query (same key): already loaded, no second request.
  const conv = useQuery(trpc.conversation.get.queryOptions({ id: conversationId }));
  const save = useMutation(
    trpc.field.setValues.mutationOptions({
      onSuccess: (r) => {
        qc.setQueryData(trpc.conversation.get.queryKey({ id: conversationId }), (old) => (old ? { ...old, customFields: r.customFields } : old));
        void qc.invalidateQueries({ queryKey: trpc.conversation.get.queryKey({ id: conversationId }) });
      },
    }),
  );
  const headingId = useId();

  if (fields.isPending) return <p className="text-xs text-slate-500">{t("conversation.loading")}</p>;
  if (fields.isError) {
    return (
      <p role="alert" className="text-sm text-red-700">
        {t("conversation.loadError")}{" "}
        <button type="button" className="font-medium underline" onClick={() => void fields.refetch()}>
          {t("conversation.retry")}
        </button>
      </p>
    );
  }
  const list = fields.data as FieldDef[];
  if (list.length === 0) return null;
  const values = (conv.data?.customFields ?? {}) as Record<string, Value>;
  const failedKey = save.isError ? Object.keys(save.variables?.values ?? {})[0] : undefined;
  const requiredHere = list.filter((f) => f.requiredInboxIds.includes(inboxId));
  const missing = requiredHere.filter((f) => !filled(values[f.key]));

  return (
    <section aria-labelledby={headingId} className="w-full rounded-lg border border-slate-200 p-2.5" data-testid="conversation-fields">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={headingId} className="text-xs font-semibold uppercase tracking-wide text-slate-600">
          {t("conversation.title")}
        </h2>
        {missing.length ? (
          <p className="text-xs text-amber-800" data-testid="fields-missing">
            {t("conversation.missing", { count: missing.length })}
          </p>
        ) : null}
      </div>
      <div className="mt-1.5 grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {list.map((f) => (
          <FieldInput
            key={f.id}
            field={f}
            value={values[f.key] ?? null}
            required={f.requiredInboxIds.includes(inboxId)}
            saving={save.isPending && save.variables?.values?.[f.key] !== undefined}
            invalid={failedKey === f.key}
            onSave={(v) => save.mutate({ conversationId, values: { [f.key]: v } })}
          />
        ))}
      </div>
      {save.isError ? (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {save.error.message}
        </p>
      ) : null}
      {save.isSuccess ? (
        <p className="sr-only" aria-live="polite">
          {t("conversation.saved")}
        </p>
      ) : null}
    </section>
  );
}

function FieldInput({ field, value, required, saving, invalid, onSave }: { field: FieldDef; value: Value; required: boolean; saving: boolean; invalid: boolean; onSave: (v: Value) => void }) {
  const t = useTranslations("fields");
  const id = useId();
  const shown = value === null ? "" : String(value);
  const [draft, setDraft] = useState(shown);
  // What was last sent, so a change and the blur after it save once.
  const sent = useRef<string | null>(null);
  // Follow the stored value when it changes (a save, a colleague's change pushed live).
  useEffect(() => {
    setDraft(shown);
    sent.current = null;
  }, [shown]);

  const commit = (raw: string) => {
    if (raw === shown || (raw === sent.current && !invalid)) return;
    sent.current = raw;
    if (raw.trim() === "") return onSave(null);
    if (field.type === "number") {
      const n = Number(raw);
      // Not a number: the server names what it wants (role=alert below).
      return onSave(raw.trim() !== "" && Number.isFinite(n) ? n : raw);
    }
    onSave(raw);
  };
  const common = {
    id,
    "aria-required": required || undefined,
    "aria-invalid": invalid || undefined,
    "data-field": field.key,
    className: `${inputClass} ${invalid ? "border-red-500" : ""}`,
  } as const;

  return (
    <div className="min-w-0">
      <label htmlFor={id} className="block text-xs font-medium text-slate-600">
        {field.label}
        {required ? (
          <>
            <span aria-hidden="true" className="ms-0.5 text-red-700">
              *
            </span>
            <span className="sr-only"> {t("conversation.requiredSr")}</span>
          </>
        ) : null}
        {saving ? <span className="ms-1 text-slate-500">{t("conversation.saving")}</span> : null}
      </label>
      {field.type === "select" ? (
        <select
          {...common}
          value={draft}
          onChange={(e) => {
            setDraft(e.target.value);
            commit(e.target.value);
          }}
        >
          <option value="">{t("conversation.none")}</option>
          {/* A value no longer among the options (an admin changed them) stays visible. */}
          {shown && !field.options.includes(shown) ? <option value={shown}>{shown}</option> : null}
          {field.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      ) : field.type === "date" ? (
        <input
          {...common}
          type="date"
          value={draft}
          onChange={(e) => {
            setDraft(e.target.value);
            // A complete date (or a cleared one) is saved at once; typing a partial one waits for blur.
            if (e.target.value === "" || /^\d{4}-\d{2}-\d{2}$/.test(e.target.value)) commit(e.target.value);
          }}
          onBlur={(e) => commit(e.target.value)}
        />
      ) : (
        <input
          {...common}
          type={field.type === "number" ? "number" : "text"}
          inputMode={field.type === "number" ? "decimal" : undefined}
          step={field.type === "number" ? "any" : undefined}
          maxLength={field.type === "text" ? 500 : undefined}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={(e) => commit(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              commit((e.target as HTMLInputElement).value);
            } else if (e.key === "Escape") setDraft(shown);
          }}
        />
      )}
      {required && !filled(value) ? <p className="mt-0.5 text-xs text-amber-800">{t("conversation.requiredHint")}</p> : null}
    </div>
  );
}
